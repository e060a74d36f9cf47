"""The daily reminder sweep over 1,000 teams: time and queries per team.

What is measured is what the Celery task ``penilaian.tasks.sapu_tim`` runs for each active
team: ``penilaian.pengingat.sapu_tim(tim_id, hari, antre=False)`` (the e-mail and WhatsApp
deliveries are written to the outbox but not queued: no broker round trip is timed).

Data, generated in bulk in a database of this run's own (PostgreSQL: created on the bench
server and dropped at the end, so a re-run starts clean and only this bench's rows exist):
1,000 teams made by ``eviden.services.siapkan_tim`` (six Pokja, the LKE worksheet, and the
seven stages of the usual calendar from the post_save signal), each with 20 members (chair,
secretary, a coordinator and two members per Pokja; half with a WhatsApp number, a fifth
without e-mail reminders), a random share of the soal answered, about a quarter of the listed
soal assigned (some exactly 7 days overdue, which sends an overdue reminder) and a few
documents with two versions. Every team's mandiri stage has its evidence deadline 7 days
after the sweep date, so every team sends its H-7 reminders. WhatsApp is switched on
(``WHATSAPP_GATEWAY=http``) so all three channels get deliveries.

Figures: the sweep of all teams (total seconds, ms per team median/p95, queries in total and
per team with min/max, reminders and deliveries created), the first team apart (caches of
the instrument are cold there), a second sweep of the same date (must create nothing), and
two more teams swept the same day to show that queries per team do not grow with data: one
with 3 answers and 14 members, one full (tests/lembar_penuh.isi_penuh: every soal answered,
5 documents x 3 versions, assigned and overdue) with 44 members. Also recorded: how many
unfinished soal the sweep calls "nama berkas eviden tidak jelas", next to the quality panel's
rule (latest version's file name or title): the sweep reads every version of a document.

Run through `make bench` (fresh PostgreSQL) or `BENCH="bench/pengingat.py" bash .ci/bench`.
Writes $BENCH_DIR/pengingat.json (default var/bench/). BENCH_PENGINGAT_TIM changes the
number of teams (default 1000).
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _basis  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings")

JUMLAH_TIM = int(os.environ.get("BENCH_PENGINGAT_TIM", "1000"))
TAHUN = 2026
HARI = date(2026, 12, 24)  # the sweep date: H-7 of the mandiri stage's evidence deadline
H = 7
ACAK = random.Random(2026)  # noqa: S311 - seeded: the same data on every run


DB_SENDIRI = _basis.basis_data_sendiri("bench_pengingat")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from eviden.instrumen import baca_berkas, muat_instrumen  # noqa: E402
from eviden.kartu import dokumen_aktif  # noqa: E402
from eviden.kualitas import nama_samar  # noqa: E402
from eviden.models import (  # noqa: E402
    Butir,
    Dokumen,
    Eviden,
    Jawaban,
    LembarKerja,
    Soal,
    SoalMasukan,
    StatusButir,
    VersiDokumen,
)
from eviden.services import siapkan_tim  # noqa: E402
from penilaian import pengingat, selectors  # noqa: E402
from penilaian.kalender import akhir_hari, sisa_hari  # noqa: E402
from penilaian.models import (  # noqa: E402
    JenisPengingat,
    JenisTahapan,
    Pengingat,
    Pengiriman,
    StatusKirim,
    Tahapan,
)
from pokja.models import Anggota, Notifikasi, Peran, Pokja, Satker  # noqa: E402
from tests.lembar_penuh import isi_penuh, jawaban_lembar  # noqa: E402

User = get_user_model()
SANDI_MATI = "!bench-pengingat"  # an unusable password (nobody signs in here)


# --- Data -----------------------------------------------------------------------------------


def susunan(anggota_per_pokja):
    """``[(name, role, area)]`` of a team: chair, secretary, per Pokja a coordinator and
    ``anggota_per_pokja`` members."""
    hasil = [("ketua", Peran.KETUA_TIM, None), ("sekretaris", Peran.SEKRETARIS_TIM, None)]
    for a in range(1, 7):
        hasil.append((f"koordinator{a}", Peran.KOORDINATOR_POKJA, a))
        hasil += [
            (f"anggota{a}-{k}", Peran.ANGGOTA_POKJA, a) for k in range(1, anggota_per_pokja + 1)
        ]
    return hasil


def buat_tim(instrumen, awalan, jumlah):
    """``jumlah`` teams through siapkan_tim (stages by its signal), mandiri evidence deadline
    at HARI + 7. Returns ``[(tim_id, lembar_id, {area: pokja_id})]``."""
    satker = Satker.objects.bulk_create(
        Satker(nama=f"KUA Bench {awalan} {i:04d}", kode=f"BENCH-{awalan}-{i:04d}", jenis="kua")
        for i in range(jumlah)
    )
    with transaction.atomic():
        tim = [
            siapkan_tim(satker=s, tahun=TAHUN, target_predikat="WBK", instrumen=instrumen)
            for s in satker
        ]
    ids = [t.pk for t in tim]
    Tahapan.objects.filter(tim_id__in=ids, jenis=JenisTahapan.MANDIRI).update(
        tenggat_eviden=akhir_hari(HARI + timedelta(days=H))
    )
    lembar = dict(LembarKerja.objects.filter(tim_id__in=ids).values_list("tim_id", "pk"))
    pokja = {}
    for tim_id, area, pk in Pokja.objects.filter(tim_id__in=ids).values_list(
        "tim_id", "area", "pk"
    ):
        pokja.setdefault(tim_id, {})[area] = pk
    return [(pk, lembar[pk], pokja[pk]) for pk in ids]


def buat_anggota(tim, anggota_per_pokja, awalan):
    """Members of every team (bulk). Returns ``{tim_id: {name: (user_id, area)}}``."""
    peran = susunan(anggota_per_pokja)
    users, baris = [], []
    for tim_id, _lembar, pokja in tim:
        for j, (nama, p, area) in enumerate(peran):
            users.append(
                User(
                    username=f"{awalan}{tim_id}-{nama}",
                    nama_lengkap=f"Pegawai {nama.title()} Tim {tim_id}",
                    email=f"{nama}.{tim_id}@bench.invalid",
                    telepon=f"0812{tim_id:05d}{j:03d}" if j % 2 else "",
                    terima_email=j % 5 != 4,
                    password=SANDI_MATI,
                )
            )
            baris.append((tim_id, nama, p, pokja.get(area) if area else None, area))
    users = User.objects.bulk_create(users, batch_size=2000)
    Anggota.objects.bulk_create(
        (
            Anggota(tim_id=tim_id, user_id=u.pk, peran=p, pokja_id=pokja_id)
            for u, (tim_id, _n, p, pokja_id, _a) in zip(users, baris, strict=True)
        ),
        batch_size=5000,
    )
    hasil = {}
    for u, (tim_id, nama, _p, _pk, area) in zip(users, baris, strict=True):
        hasil.setdefault(tim_id, {})[nama] = (u.pk, area)
    return hasil


def soal_terdaftar(instrumen):
    """``[(id, area)]`` of the listed soal (not the Jumlah inputs of a % soal)."""
    masukan = set(
        SoalMasukan.objects.filter(soal__instrumen=instrumen).values_list("masukan_id", flat=True)
    )
    return [
        (pk, area)
        for pk, area in Soal.objects.filter(instrumen=instrumen)
        .order_by("pk")
        .values_list("pk", "area_pokja")
        if pk not in masukan
    ]


def isi_sebagian(tim, orang, jawaban, terdaftar):
    """Some answers, assignments and documents per team (bulk). Returns counts."""
    ids_jawaban = sorted(jawaban)
    tenggat = [HARI - timedelta(days=H), HARI - timedelta(days=3), HARI + timedelta(days=14), None]
    status = [StatusButir.DRAF] * 6 + [StatusButir.DIAJUKAN, StatusButir.DISETUJUI]
    status.append(StatusButir.PERLU_PERBAIKAN)
    jaw, butir, dok_rencana = [], [], []
    for tim_id, lembar_id, _pokja in tim:
        o = orang[tim_id]
        ketua = o["ketua"][0]
        per_area = {}
        for uid, area in o.values():
            if area:
                per_area.setdefault(area, []).append(uid)
        for sid in ACAK.sample(ids_jawaban, ACAK.randint(0, len(ids_jawaban))):
            i = jawaban[sid]
            jaw.append(
                Jawaban(
                    lembar_id=lembar_id,
                    soal_id=sid,
                    pilihan=i.pilihan,
                    angka=i.angka,
                    penjelasan="Lihat eviden." if i.pilihan else "",
                    diubah_oleh_id=ketua,
                )
            )
        ditugaskan = ACAK.sample(terdaftar, len(terdaftar) // 4)
        for n, (sid, area) in enumerate(ditugaskan):
            st = ACAK.choice(status)
            butir.append(
                Butir(
                    lembar_id=lembar_id,
                    soal_id=sid,
                    status=st,
                    catatan_reviu="Lengkapi SK." if st == StatusButir.PERLU_PERBAIKAN else "",
                    ditugaskan_ke_id=ACAK.choice(per_area[area]) if area else ketua,
                    tenggat=ACAK.choice(tenggat),
                )
            )
            # Documents on a dozen of them: first uploaded as a scan, then a named version
            # (one in four named no better).
            if n < 12:
                nama = "scan.pdf" if n % 4 == 0 else f"SK Tim ZI {sid}.pdf"
                dok_rencana.append((lembar_id, sid, ketua, nama))
    Jawaban.objects.bulk_create(jaw, batch_size=5000)
    Butir.objects.bulk_create(butir, batch_size=5000)
    dok = Dokumen.objects.bulk_create(
        (
            Dokumen(lembar_id=lembar_id, judul=f"SK soal {sid}", dibuat_oleh_id=uid)
            for lembar_id, sid, uid, _n in dok_rencana
        ),
        batch_size=5000,
    )
    Eviden.objects.bulk_create(
        (
            Eviden(lembar_id=lembar_id, soal_id=sid, dokumen=d, dilampirkan_oleh_id=uid)
            for d, (lembar_id, sid, uid, _n) in zip(dok, dok_rencana, strict=True)
        ),
        batch_size=5000,
    )
    VersiDokumen.objects.bulk_create(
        (
            VersiDokumen(
                dokumen=d,
                nomor=v,
                kunci=f"bench/{d.lembar_id}/{d.pk}/{v}.pdf",
                sha256=f"{d.pk:032x}{v:032x}",
                ukuran=123_456,
                mime="application/pdf",
                nama_asli=nama if v == 2 else "scan0001.pdf",
                diunggah_oleh_id=uid,
            )
            for d, (_l, _s, uid, nama) in zip(dok, dok_rencana, strict=True)
            for v in (1, 2)
        ),
        batch_size=5000,
    )
    return {"answers": len(jaw), "assignments": len(butir), "documents": len(dok)}


# --- Measuring ------------------------------------------------------------------------------


def sapu(tim_id):
    """One team's sweep: (ms, queries, reminders, deliveries)."""
    reset_queries()  # the query log keeps 9,000 entries: a full one would count 0
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        h = pengingat.sapu_tim(tim_id, HARI, antre=False)
        ms = (time.perf_counter() - t) * 1000
    return ms, len(q.captured_queries), len(h.pengingat), len(h.pengiriman)


def persentil(urut, p):
    return urut[round(p * (len(urut) - 1))]


def sapu_semua(ids):
    """Every team in turn, as the workers would (one after the other here)."""
    hasil = []
    t = time.perf_counter()
    for pk in ids:
        hasil.append(sapu(pk))
    total = time.perf_counter() - t
    ms = sorted(h[0] for h in hasil)
    kueri = [h[1] for h in hasil]
    hangat = kueri[1:] or kueri
    return {
        "teams": len(ids),
        "total_s": round(total, 2),
        "ms_per_team_median": round(statistics.median(ms), 2),
        "ms_per_team_p95": round(persentil(ms, 0.95), 2),
        "ms_per_team_max": round(ms[-1], 2),
        "queries_total": sum(kueri),
        "queries_per_team_mean": round(statistics.fmean(kueri), 2),
        "queries_per_team_min": min(kueri),
        "queries_per_team_max": max(kueri),
        "first_team_queries (instrument caches cold)": kueri[0],
        "queries_per_team_min_max_after_first": [min(hangat), max(hangat)],
        "reminders_created": sum(h[2] for h in hasil),
        "deliveries_created": sum(h[3] for h in hasil),
    }


def satu_tim(label, tim_id, lembar_id, anggota):
    """The sweep of one team (caches warm), with what it holds."""
    ms, kueri, n_pengingat, n_kirim = sapu(tim_id)
    ms2, kueri2, n2, _k2 = sapu(tim_id)
    assert n2 == 0, f"{label}: second sweep created {n2}"
    evid = Eviden.objects.filter(lembar_id=lembar_id, diarsipkan=False)
    return {
        "members": anggota,
        "answers": Jawaban.objects.filter(lembar_id=lembar_id).count(),
        "assignments": Butir.objects.filter(
            lembar_id=lembar_id, ditugaskan_ke__isnull=False
        ).count(),
        "active_evidence": evid.count(),
        "document_versions": VersiDokumen.objects.filter(dokumen__lampiran__in=evid).count(),
        # rows the sweep's evidence query returns: one per active attachment (the latest
        # version's name comes through a subquery, eviden.kartu.dokumen_aktif)
        "evidence_rows_read_by_sweep": len(
            [d for ds in dokumen_aktif(LembarKerja.objects.get(pk=lembar_id)).values() for d in ds]
        ),
        "queries": kueri,
        "ms": round(ms, 2),
        "reminders_created": n_pengingat,
        "deliveries_created": n_kirim,
        "second_sweep_queries": kueri2,
        "second_sweep_ms": round(ms2, 2),
    }


def nama_samar_dibanding(lembar_ids):
    """Unfinished soal the sweep calls "nama berkas eviden tidak jelas", next to those the
    quality panel's rule flags (eviden.kualitas.periksa: the latest version's file name or the
    title, via eviden.kartu.dokumen_aktif)."""
    with translation.override(settings.LANGUAGE_CODE):
        label = _("nama berkas eviden tidak jelas")
        sapu_, panel = 0, 0
        for lembar in LembarKerja.objects.filter(pk__in=lembar_ids).select_related("instrumen"):
            belum = [i for i in pengingat.butiran_lembar(lembar) if not i.selesai]
            sapu_ += sum(1 for i in belum if label in i.masalah)
            dok = dokumen_aktif(lembar)
            panel += sum(
                1
                for i in belum
                if any(
                    (d.nama_berkas and nama_samar(d.nama_berkas)) or nama_samar(d.judul)
                    for d in dok.get(i.soal_id, [])
                )
            )
    return {"sweep": sapu_, "quality_panel_rule (latest version or title)": panel}


def main():
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    instrumen = muat_instrumen(data=baca_berkas(settings.INSTRUMEN_DEFAULT)).instrumen
    tim = buat_tim(instrumen, "PGT", JUMLAH_TIM)
    orang = buat_anggota(tim, 2, "p")
    jawaban = jawaban_lembar(LembarKerja.objects.select_related("instrumen").get(pk=tim[0][1]))
    terdaftar = soal_terdaftar(instrumen)
    data = isi_sebagian(tim, orang, jawaban, terdaftar)
    # Two more teams for the growth check: 3 answers and 14 members; everything and 44.
    (sedikit,) = buat_tim(instrumen, "SEDIKIT", 1)
    orang_sedikit = buat_anggota([sedikit], 1, "s")
    Jawaban.objects.bulk_create(
        Jawaban(
            lembar_id=sedikit[1],
            soal_id=sid,
            pilihan=jawaban[sid].pilihan,
            angka=jawaban[sid].angka,
        )
        for sid in sorted(jawaban)[:3]
    )
    (penuh,) = buat_tim(instrumen, "PENUH", 1)
    orang_penuh = buat_anggota([penuh], 6, "f")
    ketua_penuh = User.objects.get(pk=orang_penuh[penuh[0]]["ketua"][0])
    isi_penuh(
        LembarKerja.objects.select_related("instrumen").get(pk=penuh[1]),
        ketua_penuh,
        dokumen=5,
        versi=3,
        tenggat=HARI - timedelta(days=H),
    )
    generasi = time.perf_counter() - t0
    tahapan = Tahapan.objects.get(tim_id=tim[0][0], jenis=JenisTahapan.MANDIRI)
    assert sisa_hari(tahapan.tenggat, HARI) == H and H in tahapan.pengingat_hari
    ids = [t[0] for t in tim]
    assert set(ids) <= set(pengingat.tim_aktif(HARI))

    with override_settings(WHATSAPP_GATEWAY="http"):
        # The first team pays for the instrument caches, as a fresh worker process would.
        pengingat._SOAL.clear()
        selectors._INSTRUMEN.clear()
        pertama = sapu_semua(ids)
        kedua = sapu_semua(ids)
        few = satu_tim("sedikit", sedikit[0], sedikit[1], len(orang_sedikit[sedikit[0]]))
        full = satu_tim("penuh", penuh[0], penuh[1], len(orang_penuh[penuh[0]]))
        banding = {
            "few (3 answers, 14 members, no assignments or documents)": few,
            "full (every soal answered, 5 documents x 3 versions, all assigned, 44 members)": full,
        }
    samar = nama_samar_dibanding([t[1] for t in tim])
    # What the sweeps wrote, from the database.
    tim_bench = Pengingat.objects.filter(tim_id__in=ids)
    tertulis = {
        "reminders": tim_bench.count(),
        "reminders_stage_h7": tim_bench.filter(jenis=JenisPengingat.TENGGAT).count(),
        "reminders_overdue": tim_bench.filter(jenis=JenisPengingat.TERLAMBAT).count(),
        "teams_with_reminders": tim_bench.values("tim").distinct().count(),
        "deliveries": {
            k: Pengiriman.objects.filter(pengingat__tim_id__in=ids, kanal=k).count()
            for k in ("inapp", "email", "whatsapp")
        },
        "inapp_delivered": Pengiriman.objects.filter(
            pengingat__tim_id__in=ids, kanal="inapp", status=StatusKirim.TERKIRIM
        ).count(),
        "notifications": Notifikasi.objects.filter(user__keanggotaan__tim_id__in=ids).count(),
    }
    assert tertulis["reminders"] == pertama["reminders_created"]
    assert tertulis["teams_with_reminders"] == len(ids), "every team must send reminders"
    assert kedua["reminders_created"] == kedua["deliveries_created"] == 0
    laporan = {
        **_basis.tentang(
            ROOT, "reminder sweep, per team: pengingat.sapu_tim(tim_id, hari, antre=False)"
        ),
        "queries_note": "per team, counted with CaptureQueriesContext; includes BEGIN and COMMIT",
        "sweep_date": HARI.isoformat(),
        "channels": ["inapp", "email", "whatsapp (WHATSAPP_GATEWAY=http; nothing queued or sent)"],
        "data": {
            "teams": len(ids),
            "members": sum(len(o) for o in orang.values()),
            "listed_soal_per_worksheet": len(terdaftar),
            **data,
            "generation_s": round(generasi, 1),
        },
        "first_sweep": pertama,
        "second_sweep_same_date": kedua,
        "written": tertulis,
        "queries_vs_data (one team each, caches warm)": banding,
        "unfinished_soal_flagged_vague_file_name": samar,
    }
    _basis.tulis_hasil(ROOT, "pengingat", laporan)


if __name__ == "__main__":
    try:
        main()
    finally:
        if DB_SENDIRI:
            connection.close()
            _basis.hapus(DB_SENDIRI)
