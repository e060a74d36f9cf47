"""The "full worksheet" builder shared by the tests and `make bench`.

``jawaban_dasar`` gives every soal of an instrument version its top (``"puncak"``) or
bottom (``"bawah"``) answer as ``{soal id: skor.Isian}``: the best or worst option, the top
or bottom of the index scale, and for each % soal the smallest Jumlah inputs (0–3) that
satisfy its rules and give a ratio of 1 (or 0). ``isi_penuh`` writes such a worksheet with
N documents × M versions per soal (rows only: page time does not depend on file bytes), an
assignment, and every ``tiap_diajukan``-th soal waiting for review.
"""

import itertools
from decimal import Decimal

from django.utils import timezone

from eviden import rumus
from eviden.models import Butir, Dokumen, Eviden, Jawaban, StatusButir, VersiDokumen
from penilaian import skor
from penilaian.selectors import instrumen_lke

DASAR = ("puncak", "bawah")


def _masukan_untuk(soal, target, syarat):
    nama = [n for n, _sid in soal.masukan]
    for angka in itertools.product(range(4), repeat=len(nama)):
        nilai = {n: Decimal(a) for n, a in zip(nama, angka, strict=True)}
        if rumus.periksa_syarat(syarat, nilai):
            continue
        if rumus.hitung(soal.rumus, nilai) == target:
            return dict(zip([sid for _n, sid in soal.masukan], angka, strict=True))
    raise AssertionError(f"no inputs give {target} for {soal.kode}")


def jawaban_dasar(instrumen, dasar="puncak", syarat=None):
    """Top or bottom answers for every soal of ``instrumen`` (a ``skor.InstrumenLKE``).
    ``syarat`` maps % soal ids to their input rules (``Soal.syarat_masukan``)."""
    assert dasar in DASAR
    syarat = syarat or {}
    hasil = {}
    for s in instrumen.soal:
        if s.opsi:
            pilih = max if dasar == "puncak" else min
            hasil[s.id] = skor.Isian(pilihan=pilih(s.opsi, key=lambda o: o.nilai).kode)
        elif s.jenis == skor.INDEKS:
            angka = instrumen.skala_indeks if dasar == "puncak" else Decimal(0)
            hasil[s.id] = skor.Isian(angka=angka)
        elif s.jenis == skor.PERSEN:
            target = Decimal(1) if dasar == "puncak" else Decimal(0)
            for sid, angka in _masukan_untuk(s, target, syarat.get(s.id, [])).items():
                hasil[sid] = skor.Isian(angka=Decimal(angka))
    return hasil


def syarat_instrumen(instrumen):
    from eviden.models import Soal

    return dict(
        Soal.objects.filter(instrumen=instrumen, jenis="persen").values_list("pk", "syarat_masukan")
    )


def jawaban_lembar(lembar, dasar="puncak"):
    return jawaban_dasar(instrumen_lke(lembar.instrumen), dasar, syarat_instrumen(lembar.instrumen))


def tulis_jawaban(lembar, user, jawaban, penjelasan="Lihat eviden terlampir."):
    """Store ``{soal id: Isian}`` on the worksheet (bulk; replaces existing answers)."""
    Jawaban.objects.filter(lembar=lembar, soal_id__in=jawaban).delete()
    Jawaban.objects.bulk_create(
        Jawaban(
            lembar=lembar,
            soal_id=sid,
            pilihan=i.pilihan,
            angka=i.angka,
            penjelasan=penjelasan if i.pilihan else "",
            diubah_oleh=user,
        )
        for sid, i in jawaban.items()
    )


def isi_penuh(
    lembar, user, *, dasar="puncak", dokumen=5, versi=3, tiap_diajukan=3, area=None, tenggat=None
):
    """Every soal of the worksheet (``area``: of that Pokja only) answered (top or bottom),
    assigned to ``user`` (due ``tenggat``), with ``dokumen`` documents × ``versi`` versions;
    returns (soal with evidence, versions)."""
    instrumen = instrumen_lke(lembar.instrumen)
    dinilai = [s for s in instrumen.soal if s.dinilai and area in (None, s.area_pokja)]
    ids = {s.id for s in dinilai} | {sid for s in dinilai for _n, sid in s.masukan}
    jawaban = jawaban_dasar(instrumen, dasar, syarat_instrumen(lembar.instrumen))
    tulis_jawaban(lembar, user, {sid: i for sid, i in jawaban.items() if sid in ids})
    sekarang = timezone.now()
    Butir.objects.filter(lembar=lembar, soal_id__in=ids).delete()
    Butir.objects.bulk_create(
        Butir(
            lembar=lembar,
            soal_id=s.id,
            ditugaskan_ke=user,
            tenggat=tenggat,
            status=StatusButir.DIAJUKAN if i % tiap_diajukan == 0 else StatusButir.DRAF,
            diajukan_oleh=user,
            diajukan_pada=sekarang,
        )
        for i, s in enumerate(dinilai)
    )
    dok = Dokumen.objects.bulk_create(
        Dokumen(lembar=lembar, judul=f"Dokumen {s.kode} {d + 1}", dibuat_oleh=user)
        for s in dinilai
        for d in range(dokumen)
    )
    Eviden.objects.bulk_create(
        Eviden(lembar=lembar, soal_id=s.id, dokumen=dok[i * dokumen + d], dilampirkan_oleh=user)
        for i, s in enumerate(dinilai)
        for d in range(dokumen)
    )
    awal = VersiDokumen.objects.count()
    VersiDokumen.objects.bulk_create(
        VersiDokumen(
            dokumen=d,
            nomor=v,
            kunci=f"penuh/{lembar.pk}/{d.pk}/{v}.pdf",
            sha256=f"{d.pk:032x}{v:032x}",
            ukuran=123_456,
            mime="application/pdf",
            nama_asli=f"{d.judul} v{v}.pdf",
            diunggah_oleh=user,
        )
        for d in dok
        for v in range(1, versi + 1)
    )
    return len(dinilai), VersiDokumen.objects.count() - awal
