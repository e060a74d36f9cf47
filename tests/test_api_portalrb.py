"""The PortalRB integration API (Panduan Teknis API Integrasi ZI v1.0.0) through a real HTTP
client against a running server (``live_server`` + ``urllib``): endpoints, response shapes,
every error, tokens, the rate limit, the proposal period, signed evidence links, the request
log, and the OpenAPI description the responses must match."""

import ast
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from eviden import services as eviden_services
from eviden.models import Dokumen, Eviden, Jawaban, Soal, SoalMasukan, VersiDokumen
from penilaian.api import batas, tautan
from penilaian.api.token import buat_token, cabut_token
from penilaian.models import (
    JawabanBeku,
    JawabanPenilai,
    LogPortalRB,
    PeriodeUsulan,
    PutusanPenilai,
    StatusReviuPortalRB,
    Tahapan,
    TokenPortalRB,
    Usulan,
)
from penilaian.services import ajukan
from penilaian.usulan import services as usulan_services

from . import contoh_berkas as cb
from .lembar_penuh import jawaban_lembar, tulis_jawaban

pytestmark = pytest.mark.django_db(transaction=True)

BASE = Path(__file__).resolve().parents[1]
AWALAN = "/api/portalrb/v1"
BANK_RESMI = BASE.parent / "shared" / "reference" / "lke-zi-2026-master-soal.json"

# The 2026 bank (lke-zi-2026-master-soal.json), one letter per soal id 1..127, so the tests do
# not depend on a file outside the repository: Y = Ya/Tidak, 3/4/5 = A..C/D/E, N = a number
# (Jumlah), I = the 0–4 index. ``test_bank_extract_matches_the_official_file`` checks it
# against the file when it is there.
BANK = (
    "Y3Y33444Y334455333333Y4YY5YY44443445Y43334YYY4Y3Y33455333Y333334"
    "4433544Y5444455335344Y3NNNN5443355533NNNNN445NNNNNNNNNNN4NN4I5I"
)
KUNCI = {"Y": {"Ya", "Tidak"}, "3": set("ABC"), "4": set("ABCD"), "5": set("ABCDE")}


def jawaban_sah(soal_id, jawaban):
    """Is ``jawaban`` valid for bank soal ``soal_id`` (an option key, or a plain number)?"""
    jenis = BANK[soal_id - 1]
    if jenis in KUNCI:
        return jawaban in KUNCI[jenis]
    if not isinstance(jawaban, str) or not jawaban or jawaban.strip() != jawaban:
        return False
    try:
        angka = Decimal(jawaban)
    except ArithmeticError:
        return False
    if not angka.is_finite() or angka < 0 or "e" in jawaban.lower():
        return False
    return angka <= 4 if jenis == "I" else angka == angka.to_integral_value()


# --- A tiny HTTP client -----------------------------------------------------------------------


@dataclass
class Jawab:
    status: int
    header: dict
    isi: bytes

    @property
    def json(self):
        return json.loads(self.isi)


class _TanpaAlih(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_PEMBUKA = urllib.request.build_opener(_TanpaAlih)


def minta(server, jalur, token=None, *, metode="GET", header=None):
    """One real HTTP request to the live server; never raises for an HTTP status."""
    h = dict(header or {})
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    url = jalur if jalur.startswith("http") else server.url + jalur
    data = b"" if metode in ("POST", "PUT", "PATCH") else None
    req = urllib.request.Request(url, data=data, method=metode, headers=h)
    try:
        with _PEMBUKA.open(req, timeout=30) as r:
            return Jawab(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Jawab(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def galat(r, status, kode):
    """The spec's error shape (§6) with ``status`` and ``kode``."""
    assert r.status == status, (r.status, r.isi[:300])
    assert r.header["content-type"].startswith("application/json")
    body = r.json
    assert set(body) == {"error", "code", "message"}
    assert body["error"] is True and body["code"] == kode
    assert isinstance(body["message"], str) and body["message"]
    return body


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def periode(db):
    sekarang = timezone.now()
    return PeriodeUsulan.objects.create(
        tahun=2026, mulai=sekarang - timedelta(days=1), selesai=sekarang + timedelta(days=30)
    )


@pytest.fixture
def atas_root(db):
    from .factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def token(db):
    return buat_token(nama="portalrb")[1]


@dataclass
class Unit:
    dunia: object
    pengajuan: object
    usulan: object
    bank: dict  # bank id -> Soal
    berkas: object  # the stored evidence version
    isi_berkas: bytes
    tautan_luar: str
    soal_berkas: object  # the soal with the file and the external link
    jumlah: object  # a Jumlah input soal
    persen: object  # the % soal it feeds (holds the note and evidence)

    @property
    def jalur(self):
        return f"{AWALAN}/lke/jawaban-unit/{self.usulan.kode_unit}"


def _berkas(lembar, soal, user, isi, judul):
    kunci = default_storage.save(f"eviden/uji/{judul}.pdf", ContentFile(isi))
    dok = Dokumen.objects.create(lembar=lembar, judul=judul, dibuat_oleh=user)
    versi = VersiDokumen.objects.create(
        dokumen=dok,
        nomor=1,
        kunci=kunci,
        sha256="a" * 64,
        ukuran=len(isi),
        mime="application/pdf",
        nama_asli=f"{judul}.pdf",
        diunggah_oleh=user,
    )
    Eviden.objects.create(lembar=lembar, soal=soal, dokumen=dok, dilampirkan_oleh=user)
    return versi


@pytest.fixture
def unit(dunia, periode):
    """Kankemenag Kota Uji: a full worksheet (top answers) but bank soal 2 blank and 3 with
    a code that is no option, a file and an external link on bank soal 1, a note and a file
    on a % soal whose Jumlah input has a bank id; frozen (PMPZI), then proposed for WBK."""
    lembar, ketua = dunia.lembar, dunia.user["ketua"]
    bank = {
        s.nomor_bank: s
        for s in Soal.objects.filter(instrumen=lembar.instrumen, nomor_bank__isnull=False)
    }
    tulis_jawaban(lembar, ketua, jawaban_lembar(lembar))
    Jawaban.objects.filter(lembar=lembar, soal=bank[2]).delete()
    Jawaban.objects.filter(lembar=lembar, soal=bank[3]).update(pilihan="X")
    m = SoalMasukan.objects.select_related("soal", "masukan").filter(
        soal__instrumen=lembar.instrumen, masukan__nomor_bank__isnull=False
    )[0]
    Jawaban.objects.update_or_create(
        lembar=lembar,
        soal=m.soal,
        defaults={"penjelasan": "Dari SK agen perubahan", "diubah_oleh": ketua},
    )
    Jawaban.objects.filter(lembar=lembar, soal=m.masukan).update(penjelasan="")
    isi = cb.pdf("SK Tim ZI")
    versi = _berkas(lembar, bank[1], ketua, isi, "sk-tim")
    _berkas(lembar, m.soal, ketua, cb.pdf("SK agen"), "sk-agen")
    luar = "https://contoh.go.id/bukti-sk"
    eviden_services.tambah_tautan(lembar=lembar, soal=bank[1], user=ketua, tautan=luar)
    pengajuan = ajukan(
        tahapan=Tahapan.objects.get(tim=dunia.tim, jenis="mandiri"),
        user=ketua,
        alasan_terlambat="uji",
    )
    usulan = usulan_services.usulkan(tim=dunia.tim, oleh=ketua)
    return Unit(
        dunia=dunia,
        pengajuan=pengajuan,
        usulan=usulan,
        bank=bank,
        berkas=versi,
        isi_berkas=isi,
        tautan_luar=luar,
        soal_berkas=bank[1],
        jumlah=m.masukan,
        persen=m.soal,
    )


# --- The bank ---------------------------------------------------------------------------------


def test_bank_extract_matches_the_official_file_and_the_instrument(instrumen):
    ids = sorted(
        Soal.objects.filter(instrumen=instrumen, nomor_bank__isnull=False).values_list(
            "nomor_bank", flat=True
        )
    )
    assert ids == list(range(1, len(BANK) + 1)) and len(BANK) == 127
    for s in Soal.objects.filter(instrumen=instrumen, nomor_bank__isnull=False):
        kode = {o["kode"] for o in s.opsi}
        assert kode == KUNCI.get(BANK[s.nomor_bank - 1], set()), s.nomor_bank
    if not BANK_RESMI.exists():
        pytest.skip("the official bank file is not beside this repository")
    data = json.loads(BANK_RESMI.read_text(encoding="utf-8"))
    soal = []

    def jalan(n):
        soal.extend(n.get("soals", []))
        for c in n.get("children", []):
            jalan(c)

    for n in data["data"]:
        jalan(n)
    assert len(soal) == data["total_soal"] == 127
    for s in soal:
        kunci = {k["key"] for k in s.get("skema_penilaian") or []}
        assert kunci == KUNCI.get(BANK[s["id"] - 1], set()), s["id"]


# --- Endpoints --------------------------------------------------------------------------------


def test_unit_lists_show_the_proposed_units_of_the_open_period(live_server, unit, token):
    dunia = unit.dunia
    usulan_services.ubah_usulan(usulan=unit.usulan, oleh=dunia.user["ketua"], afirmasi=True)
    luar = dunia.tim_luar
    luar.target_predikat = "WBBM"
    luar.save(update_fields=["target_predikat"])
    wbbm = usulan_services.usulkan(tim=luar, oleh=dunia.user["luar"])

    r = minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token)
    assert r.status == 200 and r.header["content-type"].startswith("application/json")
    assert r.json == {
        "tahun": 2026,
        "units": [
            {
                "id": "KANKEMENAG-UJI",
                "nama": "Kankemenag Kota Uji",
                "kategori": "WBK-AFIRMASI",
                "afirmasi": True,
            }
        ],
    }
    r = minta(live_server, f"{AWALAN}/pengusulan/unit-wbbm", token)
    assert r.json == {
        "tahun": 2026,
        "units": [
            {
                "id": "KANKEMENAG-LAIN",
                "nama": "Kankemenag Kabupaten Lain",
                "kategori": "WBBM",
                "afirmasi": False,
            }
        ],
    }
    # A withdrawn unit is no longer listed (the row stays).
    usulan_services.tarik_usulan(usulan=wbbm, oleh=dunia.user["luar"])
    assert minta(live_server, f"{AWALAN}/pengusulan/unit-wbbm", token).json == {
        "tahun": 2026,
        "units": [],
    }
    assert Usulan.objects.filter(pk=wbbm.pk, ditarik_pada__isnull=False).exists()
    galat(
        minta(live_server, f"{AWALAN}/lke/jawaban-unit/KANKEMENAG-LAIN", token),
        404,
        "UNIT_TIDAK_DIUSULKAN",
    )


def test_answers_cover_the_whole_bank_from_the_frozen_submission(live_server, unit, token):
    # A change after freezing is not what PortalRB gets.
    Jawaban.objects.filter(lembar=unit.dunia.lembar, soal=unit.bank[1]).update(pilihan="Tidak")

    r = minta(live_server, unit.jalur, token)
    assert r.status == 200, r.isi[:300]
    body = r.json
    assert set(body) == {"unit_id", "nama_unit", "tahun", "answers"}
    assert body["unit_id"] == "KANKEMENAG-UJI"
    assert body["nama_unit"] == "Kankemenag Kota Uji" and body["tahun"] == 2026
    answers = body["answers"]
    ids = [a["soal_id"] for a in answers]
    assert all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    assert ids == sorted(ids) and set(ids) == set(range(1, 128)) and len(ids) == 127
    kolom = {
        "soal_id",
        "jawaban_unit",
        "jawaban_tpi",
        "catatan_unit",
        "bukti_dukung_unit",
        "catatan_tpi",
    }
    for a in answers:
        assert set(a) == kolom
        if a["jawaban_unit"] is not None:
            assert jawaban_sah(a["soal_id"], a["jawaban_unit"]), a
        # The TPI layer has published nothing.
        assert a["jawaban_tpi"] is None and a["catatan_tpi"] is None
        for k in ("catatan_unit", "bukti_dukung_unit"):
            assert a[k] is None or (isinstance(a[k], str) and a[k].strip())
    per_id = {a["soal_id"]: a for a in answers}
    assert per_id[1]["jawaban_unit"] == "Ya"  # frozen, not the live "Tidak"
    assert per_id[2]["jawaban_unit"] is None  # unanswered
    assert per_id[3]["jawaban_unit"] is None  # "X" is no option of soal 3
    dijawab = [a for a in answers if a["jawaban_unit"] is not None]
    assert len(dijawab) == 125
    assert {a["soal_id"] for a in dijawab if BANK[a["soal_id"] - 1] in "NI"} == {
        i for i in range(1, 128) if BANK[i - 1] in "NI"
    }
    assert per_id[125]["jawaban_unit"] == "4"  # the top of the index scale, a plain number
    assert per_id[1]["catatan_unit"] == "Lihat eviden terlampir."
    # A Jumlah input carries its % soal's note and evidence.
    jumlah = per_id[unit.jumlah.nomor_bank]
    assert jumlah["catatan_unit"] == "Dari SK agen perubahan"
    assert jumlah["bukti_dukung_unit"] is not None
    # Evidence only where there is some.
    assert per_id[1]["bukti_dukung_unit"].startswith(live_server.url + AWALAN + "/bukti/")
    berbukti = {a["soal_id"] for a in answers if a["bukti_dukung_unit"]}
    masukan = set(
        SoalMasukan.objects.filter(soal=unit.persen).values_list("masukan__nomor_bank", flat=True)
    )
    assert berbukti == {1} | (masukan - {None})


def test_answers_record_what_portalrb_holds_and_reset_its_review_state(live_server, unit, token):
    u = unit.usulan
    assert u.pengajuan_terkirim_id is None
    assert minta(live_server, unit.jalur, token).status == 200
    u.refresh_from_db()
    assert u.pengajuan_terkirim_id == unit.pengajuan.pk
    usulan_services.catat_reviu(usulan=u, oleh=unit.dunia.user["ketua"], status="disetujui")
    # The same submission fetched again: the state stays.
    assert minta(live_server, unit.jalur, token).status == 200
    u.refresh_from_db()
    assert u.status_reviu == StatusReviuPortalRB.DISETUJUI
    # A newer frozen submission: PortalRB gets it, the state falls back to "Belum Review".
    mandiri = Tahapan.objects.get(tim=unit.dunia.tim, jenis="mandiri")
    from penilaian.models import Pengajuan

    baru = Pengajuan.objects.create(
        tim=unit.dunia.tim,
        tahapan=mandiri,
        nomor=2,
        instrumen=unit.pengajuan.instrumen,
        diajukan_oleh=unit.dunia.user["ketua"],
        diajukan_pada=timezone.now(),
        total=0,
        pengungkit=0,
        hasil=0,
    )
    r = minta(live_server, unit.jalur, token)
    assert r.status == 200 and all(a["jawaban_unit"] is None for a in r.json["answers"])
    u.refresh_from_db()
    assert u.pengajuan_terkirim_id == baru.pk
    assert u.status_reviu == StatusReviuPortalRB.BELUM_REVIEW
    assert u.history.first().history_user is None  # written by the API, not a person


def test_a_unit_without_a_frozen_submission_is_404(live_server, unit, token):
    luar = unit.dunia.tim_luar
    usulan_services.usulkan(tim=luar, oleh=unit.dunia.user["luar"])
    r = minta(live_server, f"{AWALAN}/lke/jawaban-unit/KANKEMENAG-LAIN", token)
    galat(r, 404, "LKE_BELUM_DIAJUKAN")


def test_tpi_answers_only_after_the_tpi_layer_published(live_server, unit, token):
    ketua = unit.dunia.user["ketua"]
    p = unit.pengajuan
    JawabanPenilai.objects.create(
        pengajuan=p,
        soal=unit.bank[1],
        lapisan="tpi",
        pilihan="Tidak",
        catatan="Tidak ada SK",
        diubah_oleh=ketua,
    )
    JawabanPenilai.objects.create(
        pengajuan=p,
        soal=unit.bank[125],
        lapisan="tpi",
        angka=Decimal("3.2500"),
        diubah_oleh=ketua,
    )
    JawabanPenilai.objects.create(
        pengajuan=p, soal=unit.bank[2], lapisan="tpp", pilihan="A", catatan="TPP", diubah_oleh=ketua
    )
    putusan = PutusanPenilai.objects.create(
        pengajuan=p, lapisan="tpi", tahapan="tpi", kesimpulan="MS", alasan="uji", diubah_oleh=ketua
    )
    per_id = {a["soal_id"]: a for a in minta(live_server, unit.jalur, token).json["answers"]}
    assert all(a["jawaban_tpi"] is None and a["catatan_tpi"] is None for a in per_id.values())

    putusan.dipublikasikan_pada = timezone.now()
    putusan.dipublikasikan_oleh = ketua
    putusan.save()
    per_id = {a["soal_id"]: a for a in minta(live_server, unit.jalur, token).json["answers"]}
    assert per_id[1]["jawaban_tpi"] == "Tidak" and per_id[1]["catatan_tpi"] == "Tidak ada SK"
    assert per_id[125]["jawaban_tpi"] == "3.25" and per_id[125]["catatan_tpi"] is None
    assert jawaban_sah(125, per_id[125]["jawaban_tpi"])
    # Where the TPI gave nothing, its published score counted the unit's answer ("agree
    # until said otherwise"); the TPP's answers are not the TPI's.
    assert per_id[2]["jawaban_tpi"] is None and per_id[2]["catatan_tpi"] is None
    for i, a in per_id.items():
        if i not in (1, 125):
            assert a["jawaban_tpi"] == a["jawaban_unit"] and a["catatan_tpi"] is None, i
    # Unpublished again (never happens in the workspace): nothing of the TPI is sent.
    PutusanPenilai.objects.filter(pk=putusan.pk).update(dipublikasikan_pada=None)
    per_id = {a["soal_id"]: a for a in minta(live_server, unit.jalur, token).json["answers"]}
    assert all(a["jawaban_tpi"] is None and a["catatan_tpi"] is None for a in per_id.values())


def test_the_published_tpi_layer_stays_after_the_team_freezes_a_later_stage(
    live_server, unit, token
):
    """PortalRB fetches around the TPN stage: a submission frozen for a later stage carries
    the unit's newest answers, while the TPI's published answers (on the earlier submission
    it assessed) are still sent; where the TPI gave none, the unit's answer *there* counts."""
    ketua = unit.dunia.user["ketua"]
    p = unit.pengajuan
    JawabanPenilai.objects.create(
        pengajuan=p,
        soal=unit.bank[1],
        lapisan="tpi",
        pilihan="Tidak",
        catatan="Tidak ada SK",
        diubah_oleh=ketua,
    )
    PutusanPenilai.objects.create(
        pengajuan=p,
        lapisan="tpi",
        tahapan="tpi",
        kesimpulan="MS",
        alasan="uji",
        diubah_oleh=ketua,
        dipublikasikan_pada=timezone.now(),
        dipublikasikan_oleh=ketua,
    )
    lama = JawabanBeku.objects.get(pengajuan=p, soal=unit.bank[4]).pilihan
    Jawaban.objects.filter(lembar=unit.dunia.lembar, soal=unit.bank[4]).update(
        pilihan="C" if lama != "C" else "B"
    )
    baru = ajukan(
        tahapan=Tahapan.objects.get(tim=unit.dunia.tim, jenis="tpn"),
        user=ketua,
        alasan_terlambat="uji",
    )
    per_id = {a["soal_id"]: a for a in minta(live_server, unit.jalur, token).json["answers"]}
    assert per_id[1]["jawaban_tpi"] == "Tidak" and per_id[1]["catatan_tpi"] == "Tidak ada SK"
    kini = JawabanBeku.objects.get(pengajuan=baru, soal=unit.bank[4]).pilihan
    assert per_id[4]["jawaban_unit"] == kini != lama
    assert per_id[4]["jawaban_tpi"] == lama  # what the TPI agreed with


# --- Errors -----------------------------------------------------------------------------------


def test_tokens_missing_wrong_malformed_or_revoked_are_refused(
    live_server, unit, token, client, atas_root
):
    jalur = [
        f"{AWALAN}/pengusulan/unit-wbk",
        f"{AWALAN}/pengusulan/unit-wbbm",
        unit.jalur,
        f"{AWALAN}/tidak/ada",
    ]
    for j in jalur:
        r = minta(live_server, j)
        galat(r, 401, "TOKEN_TIDAK_ADA")
        assert r.header["www-authenticate"].startswith("Bearer")
        galat(minta(live_server, j, "bukan-token"), 401, "TOKEN_TIDAK_SAH")
        galat(
            minta(live_server, j, header={"Authorization": f"Basic {token}"}),
            401,
            "TOKEN_TIDAK_SAH",
        )
    assert minta(live_server, unit.jalur, token).status == 200
    # A session, even the superuser's, is no token.
    client.force_login(atas_root)
    sesi = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    galat(minta(live_server, unit.jalur, header=sesi), 401, "TOKEN_TIDAK_ADA")
    cabut_token(nama="portalrb")
    galat(minta(live_server, unit.jalur, token), 401, "TOKEN_DICABUT")
    galat(minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token), 401, "TOKEN_DICABUT")
    # A new token works at once.
    baru = buat_token(nama="portalrb-2")[1]
    assert minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", baru).status == 200
    t = TokenPortalRB.objects.get(nama="portalrb-2")
    assert t.dipakai_pada is not None and t.sidik != baru and len(t.sidik) == 64


def test_unknown_unit_bad_unit_id_wrong_method_and_unknown_path(live_server, unit, token):
    galat(
        minta(live_server, f"{AWALAN}/lke/jawaban-unit/TIDAK-ADA", token),
        404,
        "UNIT_TIDAK_DIUSULKAN",
    )
    for salah in ("bukan%20id", "-awal", "a" * 41, "%C3%A9"):
        galat(
            minta(live_server, f"{AWALAN}/lke/jawaban-unit/{salah}", token),
            422,
            "UNIT_ID_TIDAK_SAH",
        )
    for metode in ("POST", "PUT", "DELETE"):
        for j in (f"{AWALAN}/pengusulan/unit-wbk", unit.jalur):
            r = minta(live_server, j, token, metode=metode)
            galat(r, 405, "METODE_TIDAK_DIIZINKAN")
            assert r.header["allow"] == "GET"
    galat(minta(live_server, f"{AWALAN}/lke/semua", token), 404, "ENDPOINT_TIDAK_ADA")
    galat(minta(live_server, f"{AWALAN}/pengusulan/unit-wbk/", token), 404, "ENDPOINT_TIDAK_ADA")


def test_outside_the_proposal_period_every_endpoint_answers_404(live_server, unit, token, periode):
    for mulai, selesai in (
        (timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=9)),  # not yet
        (timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=1)),  # closed
    ):
        PeriodeUsulan.objects.filter(pk=periode.pk).update(mulai=mulai, selesai=selesai)
        for j in (
            f"{AWALAN}/pengusulan/unit-wbk",
            f"{AWALAN}/pengusulan/unit-wbbm",
            unit.jalur,
        ):
            galat(minta(live_server, j, token), 404, "PERIODE_TIDAK_AKTIF")
    PeriodeUsulan.objects.all().delete()
    galat(minta(live_server, unit.jalur, token), 404, "PERIODE_TIDAK_AKTIF")
    # The year is the open period's: a 2027 period does not show the 2026 proposals.
    PeriodeUsulan.objects.create(
        tahun=2027, mulai=timezone.now() - timedelta(days=1), selesai=timezone.now() + timedelta(1)
    )
    assert minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token).json == {
        "tahun": 2027,
        "units": [],
    }
    galat(minta(live_server, unit.jalur, token), 404, "UNIT_TIDAK_DIUSULKAN")


def test_rate_limit_per_token_with_retry_after(live_server, unit, token, settings):
    settings.PORTALRB_BATAS_PER_MENIT = 3
    lain = buat_token(nama="lain")[1]
    # At most one minute boundary can pass during these requests: 2 × 3 + 1 always trips it.
    hasil = [minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token) for _ in range(7)]
    kena = [r for r in hasil if r.status == 429]
    assert kena and all(r.status in (200, 429) for r in hasil)
    body = galat(kena[0], 429, "BATAS_PERMINTAAN")
    assert "3" in body["message"]
    assert 1 <= int(kena[0].header["retry-after"]) <= 60
    # Another token has its own count.
    assert minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", lain).status == 200
    # Refused requests are logged too.
    assert LogPortalRB.objects.filter(status=429, token__nama="portalrb").count() == len(kena)


def test_the_prefix_itself_answers_the_spec_json(live_server, unit, token):
    for jalur in (AWALAN, AWALAN + "/", AWALAN + "/tidak/ada"):
        galat(minta(live_server, jalur, token), 404, "ENDPOINT_TIDAK_ADA")
    galat(minta(live_server, AWALAN + "/"), 401, "TOKEN_TIDAK_ADA")


def test_requests_without_a_valid_token_are_limited_per_address_and_stop_filling_the_log(
    live_server, unit, token, settings
):
    settings.PORTALRB_BATAS_PER_MENIT = 3
    hasil = [minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", "salah") for _ in range(7)]
    kena = [r for r in hasil if r.status == 429]
    assert kena and all(r.status in (401, 429) for r in hasil)
    galat(kena[0], 429, "BATAS_PERMINTAAN")
    # Only the refusals within the limit are logged (at most two minutes' worth).
    assert LogPortalRB.objects.filter(token=None).count() == len(hasil) - len(kena) <= 6
    # The real token has its own count.
    assert minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token).status == 200


def test_rate_limit_counts_concurrent_requests_exactly(db, settings):
    """Redis INCR is atomic: 12 requests of one token in one minute, at once, are counted
    1..12 and exactly the limit pass."""
    settings.PORTALRB_BATAS_PER_MENIT = 5
    mulai = threading.Barrier(12)
    hasil = []

    def satu():
        mulai.wait(10)
        hasil.append(batas.hitung(999, menit=123)[0])

    benang = [threading.Thread(target=satu) for _ in range(12)]
    for b in benang:
        b.start()
    for b in benang:
        b.join(30)
    assert sorted(hasil) == list(range(1, 13))
    assert batas.lewat_batas(999, menit=123) is not None  # the 13th
    assert batas.lewat_batas(1000, menit=123) is None


def test_a_crash_is_answered_in_json_and_logged(live_server, unit, token, monkeypatch):
    from penilaian.api import selectors

    def rusak(*args, **kwargs):
        raise RuntimeError("uji")

    monkeypatch.setattr(selectors, "unit_diusulkan", rusak)
    galat(minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token), 500, "KESALAHAN_SERVER")
    assert LogPortalRB.objects.filter(status=500, jalur=f"{AWALAN}/pengusulan/unit-wbk").exists()


# --- Signed evidence links ----------------------------------------------------------------------


def _tautan_soal_1(server, unit, token):
    r = minta(server, unit.jalur, token)
    return next(a for a in r.json["answers"] if a["soal_id"] == 1)["bukti_dukung_unit"]


def test_signed_evidence_link_lists_files_and_serves_them_without_login(live_server, unit, token):
    url = _tautan_soal_1(live_server, unit, token)
    halaman = minta(live_server, url, header={"Accept": "text/html"})
    assert halaman.status == 200 and halaman.header["content-type"].startswith("text/html")
    assert halaman.header["x-robots-tag"].startswith("noindex")
    teks = halaman.isi.decode()
    assert "sk-tim" in teks and unit.tautan_luar in teks and "Kankemenag Kota Uji" in teks
    tanda = url.rsplit("/", 1)[1]
    berkas = reverse("portalrb-berkas", args=[tanda, unit.berkas.pk])
    assert berkas.replace(":", "%3A") in teks or berkas in teks
    r = minta(live_server, berkas)
    assert r.status == 200 and r.isi == unit.isi_berkas
    assert r.header["content-type"] == "application/pdf"
    # An external link redirects to itself.
    luar = VersiDokumen.objects.get(tautan=unit.tautan_luar)
    r = minta(live_server, reverse("portalrb-berkas", args=[tanda, luar.pk]))
    assert r.status == 302 and r.header["location"] == unit.tautan_luar
    # A version that is not evidence of this soal is not served through its link.
    lain = VersiDokumen.objects.exclude(pk=unit.berkas.pk).exclude(kunci="").first()
    galat(
        minta(live_server, reverse("portalrb-berkas", args=[tanda, lain.pk])),
        404,
        "BUKTI_TIDAK_ADA",
    )
    # The log keeps no working link.
    jalur = set(
        LogPortalRB.objects.filter(jalur__contains="/bukti/").values_list("jalur", flat=True)
    )
    assert jalur and all(tanda not in j and "<tanda>" in j for j in jalur)
    assert set(
        LogPortalRB.objects.filter(jalur__contains="/bukti/").values_list("unit", flat=True)
    ) == {"KANKEMENAG-UJI"}


def test_signed_links_refuse_tampering_and_expire(live_server, unit, token, settings):
    url = _tautan_soal_1(live_server, unit, token)
    tanda = url.rsplit("/", 1)[1]
    berkas = reverse("portalrb-berkas", args=[tanda, unit.berkas.pk])
    # Tampered: another soal id under the same signature.
    palsu = tautan.tanda_bukti(unit.pengajuan.pk, 1).rsplit(":", 1)[0] + ":" + "A" * 43
    galat(minta(live_server, f"{AWALAN}/bukti/{palsu}"), 403, "TAUTAN_TIDAK_SAH")
    rusak = url[:-1] + ("A" if url[-1] != "A" else "B")
    galat(minta(live_server, rusak), 403, "TAUTAN_TIDAK_SAH")
    r = minta(live_server, rusak, header={"Accept": "text/html"})
    assert r.status == 403 and "TAUTAN_TIDAK_SAH" in r.isi.decode()
    # Expired: the lifetime shortened to nothing.
    assert minta(live_server, url).status == 200
    settings.PORTALRB_TAUTAN_JAM = 0
    galat(minta(live_server, url), 410, "TAUTAN_KEDALUWARSA")
    galat(minta(live_server, berkas), 410, "TAUTAN_KEDALUWARSA")
    r = minta(live_server, url, header={"Accept": "text/html"})
    assert r.status == 410 and "kedaluwarsa" in r.isi.decode()
    # Time travel: a link issued 73 hours ago is gone under the default 72 hours.
    settings.PORTALRB_TAUTAN_JAM = 72
    lama = tautan.tanda_bukti(unit.pengajuan.pk, 1, timezone.now().timestamp() - 73 * 3600)
    galat(minta(live_server, f"{AWALAN}/bukti/{lama}"), 410, "TAUTAN_KEDALUWARSA")
    segar = tautan.tanda_bukti(unit.pengajuan.pk, 1, timezone.now().timestamp() - 71 * 3600)
    assert minta(live_server, f"{AWALAN}/bukti/{segar}").status == 200


# --- The request log ----------------------------------------------------------------------------


def test_every_request_is_logged_with_token_unit_status_and_ip(live_server, unit, token):
    LogPortalRB.objects.all().delete()
    minta(live_server, unit.jalur, token)
    minta(live_server, unit.jalur)
    minta(live_server, unit.jalur, "salah")
    minta(live_server, f"{AWALAN}/lke/jawaban-unit/TIDAK-ADA", token)
    minta(live_server, f"{AWALAN}/pengusulan/unit-wbk", token, metode="POST")
    cabut_token(nama="portalrb")
    minta(live_server, unit.jalur, token)
    minta(live_server, f"{AWALAN}/openapi.json")
    baris = list(
        LogPortalRB.objects.order_by("pk").values_list(
            "token__nama", "jalur", "unit", "status", "ip"
        )
    )
    assert baris == [
        ("portalrb", unit.jalur, "KANKEMENAG-UJI", 200, "127.0.0.1"),
        (None, unit.jalur, "KANKEMENAG-UJI", 401, "127.0.0.1"),
        (None, unit.jalur, "KANKEMENAG-UJI", 401, "127.0.0.1"),
        ("portalrb", f"{AWALAN}/lke/jawaban-unit/TIDAK-ADA", "TIDAK-ADA", 404, "127.0.0.1"),
        ("portalrb", f"{AWALAN}/pengusulan/unit-wbk", "", 405, "127.0.0.1"),
        ("portalrb", unit.jalur, "KANKEMENAG-UJI", 401, "127.0.0.1"),
        (None, f"{AWALAN}/openapi.json", "", 200, "127.0.0.1"),
    ]


# --- OpenAPI ------------------------------------------------------------------------------------

OPENAPI = BASE / "penilaian" / "api" / "openapi.json"


class SkemaSalah(AssertionError):
    pass


def periksa_skema(nilai, skema, dok, jalur="$"):
    """A small structural check of ``nilai`` against an OpenAPI 3.0 schema: $ref, type,
    nullable, enum, required, properties, additionalProperties: false, items, minimum."""
    while "$ref" in skema:
        bagian = skema["$ref"].removeprefix("#/").split("/")
        skema = dok
        for b in bagian:
            skema = skema[b]
    if nilai is None:
        if not skema.get("nullable"):
            raise SkemaSalah(f"{jalur}: null not allowed")
        return
    jenis = skema.get("type")
    cocok = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if jenis is not None and not cocok[jenis](nilai):
        raise SkemaSalah(f"{jalur}: {nilai!r} is not {jenis}")
    if "enum" in skema and nilai not in skema["enum"]:
        raise SkemaSalah(f"{jalur}: {nilai!r} not in {skema['enum']}")
    if "minimum" in skema and nilai < skema["minimum"]:
        raise SkemaSalah(f"{jalur}: {nilai!r} < {skema['minimum']}")
    if jenis == "object":
        for k in skema.get("required", []):
            if k not in nilai:
                raise SkemaSalah(f"{jalur}: missing {k}")
        sifat = skema.get("properties", {})
        if skema.get("additionalProperties") is False and set(nilai) - set(sifat):
            raise SkemaSalah(f"{jalur}: unexpected {sorted(set(nilai) - set(sifat))}")
        for k, v in nilai.items():
            if k in sifat:
                periksa_skema(v, sifat[k], dok, f"{jalur}.{k}")
    if jenis == "array":
        for i, v in enumerate(nilai):
            periksa_skema(v, skema.get("items", {}), dok, f"{jalur}[{i}]")


def test_the_schema_checker_can_fail():
    dok = json.loads(OPENAPI.read_text(encoding="utf-8"))
    unit = {"$ref": "#/components/schemas/Unit"}
    baik = {"id": "A", "nama": "B", "kategori": "WBK", "afirmasi": False}
    periksa_skema(baik, unit, dok)
    for buruk in (
        {**baik, "kategori": "LAIN"},
        {**baik, "afirmasi": "ya"},
        {k: v for k, v in baik.items() if k != "id"},
        {**baik, "lebih": 1},
        {**baik, "nama": None},
    ):
        with pytest.raises(SkemaSalah):
            periksa_skema(buruk, unit, dok)


def _skema_respons(dok, jalur, status):
    """The JSON schema documented for ``status`` of ``jalur`` (a concrete path)."""
    jalur = jalur.removeprefix(dok["servers"][0]["url"])
    for pola, item in dok["paths"].items():
        bagian, nyata = pola.strip("/").split("/"), jalur.strip("/").split("/")
        if len(bagian) == len(nyata) and all(
            b.startswith("{") or b == n for b, n in zip(bagian, nyata, strict=True)
        ):
            respons = item["get"]["responses"][str(status)]
            while "$ref" in respons:
                respons = dok["components"]["responses"][respons["$ref"].rsplit("/", 1)[1]]
            return respons["content"]["application/json"]["schema"]
    raise AssertionError(f"{jalur} is not documented")


def test_openapi_is_served_as_kept_in_the_repository_and_responses_match_it(
    live_server, unit, token, settings
):
    r = minta(live_server, f"{AWALAN}/openapi.json")
    assert r.status == 200 and r.header["content-type"].startswith("application/json")
    assert r.isi == OPENAPI.read_bytes()
    dok = r.json
    assert dok["openapi"].startswith("3.") and dok["servers"] == [{"url": AWALAN}]
    assert reverse("portalrb-openapi") == f"{AWALAN}/openapi.json"
    tanpa_token = {f"{AWALAN}/openapi.json"}

    settings.PORTALRB_BATAS_PER_MENIT = 1000
    permintaan = [
        (f"{AWALAN}/pengusulan/unit-wbk", token, "GET", 200),
        (f"{AWALAN}/pengusulan/unit-wbbm", token, "GET", 200),
        (unit.jalur, token, "GET", 200),
        (unit.jalur, None, "GET", 401),
        (unit.jalur, "salah", "GET", 401),
        (unit.jalur, token, "POST", 405),
        (f"{AWALAN}/lke/jawaban-unit/TIDAK-ADA", token, "GET", 404),
        (f"{AWALAN}/lke/jawaban-unit/a%20b", token, "GET", 422),
        (f"{AWALAN}/openapi.json", None, "POST", 405),
    ]
    for jalur, t, metode, status in permintaan:
        r = minta(live_server, jalur, t, metode=metode)
        assert r.status == status, (jalur, r.status)
        skema = _skema_respons(dok, jalur.replace("%20", " "), r.status)
        periksa_skema(r.json, skema, dok, f"{jalur} {r.status}")
    settings.PORTALRB_BATAS_PER_MENIT = 0
    r = minta(live_server, unit.jalur, token)
    assert r.status == 429
    periksa_skema(r.json, _skema_respons(dok, unit.jalur, 429), dok)
    settings.PORTALRB_BATAS_PER_MENIT = 1000
    PeriodeUsulan.objects.all().delete()
    for j in (f"{AWALAN}/pengusulan/unit-wbk", unit.jalur):
        r = minta(live_server, j, token)
        assert r.status == 404
        periksa_skema(r.json, _skema_respons(dok, j, 404), dok)
    # Security: every documented path needs the token except the public ones.
    for pola, item in dok["paths"].items():
        publik = item["get"].get("security") == []
        assert publik == (f"{AWALAN}{pola}" in tanpa_token or pola.startswith("/bukti/")), pola
    # Every error code the views use is in the schema's enum: the code argument of each
    # galat(...) / _tolak_tautan(...) call and the token refusal codes.
    kode = set(dok["components"]["schemas"]["Galat"]["properties"]["code"]["enum"])
    from penilaian.api import token as token_mod

    dipakai = {token_mod.TIDAK_ADA, token_mod.TIDAK_SAH, token_mod.DICABUT}
    posisi = {"galat": 1, "_tolak_tautan": 2}
    pohon = ast.parse((BASE / "penilaian" / "api" / "views.py").read_text(encoding="utf-8"))
    for n in ast.walk(pohon):
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) in posisi:
            arg = n.args[posisi[n.func.id]]
            if isinstance(arg, ast.Constant):
                dipakai.add(arg.value)
    assert len(dipakai) >= 12
    assert dipakai <= kode, dipakai - kode


# --- Bounded queries ----------------------------------------------------------------------------

# Token, use mark, period, proposal, submission, bank, inputs, answers, evidence, TPI verdict,
# TPI answers, the log; the first time also BEGIN, lock, update, history row, COMMIT.
KUERI_JAWABAN = 12
KUERI_PERTAMA = KUERI_JAWABAN + 5


def test_answers_endpoint_runs_a_fixed_number_of_queries(
    client, unit, token, django_assert_max_num_queries
):
    """The same number of queries however many answers, evidence files and assessor
    answers there are."""
    url = reverse("portalrb-jawaban-unit", args=["KANKEMENAG-UJI"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    ketua = unit.dunia.user["ketua"]
    PutusanPenilai.objects.create(
        pengajuan=unit.pengajuan,
        lapisan="tpi",
        tahapan="tpi",
        kesimpulan="MS",
        alasan="uji",
        diubah_oleh=ketua,
        dipublikasikan_pada=timezone.now(),
    )
    with django_assert_max_num_queries(KUERI_PERTAMA):
        assert client.get(url, **auth).status_code == 200
    JawabanPenilai.objects.bulk_create(
        JawabanPenilai(
            pengajuan=unit.pengajuan, soal=s, lapisan="tpi", pilihan="", diubah_oleh=ketua
        )
        for s in unit.bank.values()
    )
    with django_assert_max_num_queries(KUERI_JAWABAN):  # PortalRB holds it already
        r = client.get(url, **auth)
    assert r.status_code == 200 and len(r.json()["answers"]) == 127


# --- Import direction ---------------------------------------------------------------------------


def test_nothing_outside_the_api_imports_it():
    """``penilaian/api`` is a leaf (DESIGN.md §5): no module imports it, except the two
    entry points of the token functions (the admin and ``manage.py token_portalrb``), which
    import ``penilaian.api.token`` only."""
    pintu = {
        "penilaian/admin.py": "penilaian.api.token",
        "penilaian/management/commands/token_portalrb.py": "penilaian.api.token",
    }
    salah = []
    for app in ("zi_portal", "pokja", "eviden", "penilaian"):
        for path in (BASE / app).rglob("*.py"):
            rel = path.relative_to(BASE).as_posix()
            if rel.startswith("penilaian/api/"):
                continue
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                modul = []
                if isinstance(n, ast.Import):
                    modul = [a.name for a in n.names]
                elif isinstance(n, ast.ImportFrom):
                    if n.level:
                        dasar = ".".join(rel.removesuffix(".py").split("/")[: -n.level])
                        modul = [f"{dasar}.{n.module}" if n.module else dasar]
                        modul += [f"{m}.{a.name}" for m in modul for a in n.names]
                    else:
                        modul = [n.module or ""]
                        modul += [f"{n.module}.{a.name}" for a in n.names]
                boleh = pintu.get(rel)
                for m in modul:
                    api = m == "penilaian.api" or m.startswith("penilaian.api.")
                    if api and not (boleh and (m == boleh or m.startswith(boleh + "."))):
                        salah.append(f"{rel}: {m}")
    # penilaian/urls.py plugs the URLconf in by name (include), which is no import.
    assert salah == []
