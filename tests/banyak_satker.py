"""Many satker below one Kanwil, for the oversight page's tests and `make bench`.

``buat_banyak(n, kanwil=…, instrumen=…, tahun=…)`` writes, with bulk inserts only (1,000
satker in a few seconds): ``n`` satker below the Kanwil (every 25th a KUA one level further
down, below the satker before it), and for all but every 10th a Tim ZI of ``tahun`` with its
six Pokja, its worksheet, the usual Kemenag calendar (``kalender_usulan``), ``hari`` daily
score snapshots (except every 10th team, which has none and shows "—") and a handful of work
items: some approved with an active evidence attachment (counted complete), one approved
with only an archived attachment (not complete), some overdue and not approved (counted
overdue), one overdue but approved and one due later (neither counted).

Every figure follows from the satker's index ``i``, and ``Banyak.harapan[satker_id]`` says
what the oversight page must show for it. Signals (the calendar receiver, the history) do not
run for bulk inserts: what they would add is written here explicitly.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from eviden.models import (
    Butir,
    Dokumen,
    Eviden,
    JenisJawaban,
    LembarKerja,
    Soal,
    StatusButir,
)
from penilaian.kalender import kalender_usulan
from penilaian.models import SkorHarian, Tahapan
from pokja.models import Area, Pokja, Satker, TimZI

BOBOT = {
    1: Decimal(8),
    2: Decimal(7),
    3: Decimal(10),
    4: Decimal(10),
    5: Decimal(15),
    6: Decimal(10),
}
BUTIR_PER_TIM = 8


@dataclass
class Harapan:
    """What the oversight page must show for one satker."""

    tim: bool
    target: str = ""
    total: Decimal | None = None
    area: dict = field(default_factory=dict)
    memenuhi: bool | None = None
    lengkap: int = 0
    terlambat: int = 0


@dataclass
class Banyak:
    kanwil: object
    satker: list
    tim: dict  # satker id -> TimZI
    harapan: dict  # satker id -> Harapan
    jumlah_soal: int  # the denominator of completeness (scored soal of the six areas)


def nama_satker(awalan, i):
    return f"Kantor Kementerian Agama {awalan} {i:04d}"


def _area(i):
    """Points per area of satker ``i``: a share of each area's weight between 0.30 and 0.99."""
    return {
        a: (BOBOT[a] * Decimal((i * 37 + a * 11) % 70 + 30) / 100).quantize(Decimal("0.0001"))
        for a in BOBOT
    }


def buat_banyak(n, *, kanwil, instrumen, tahun, awalan="GEN", hari=3, sekarang=None):
    sekarang = sekarang or timezone.now()
    hari_ini = timezone.localdate(sekarang)
    penugas, _ = get_user_model().objects.get_or_create(
        username=f"{awalan.lower()}-penugas", defaults={"nama_lengkap": f"Penugas {awalan}"}
    )
    # Satker: the Kankemenag first, then the KUA below them (they need their parent's id).
    induk = Satker.objects.bulk_create(
        Satker(
            kode=f"{awalan}-{i:05d}",
            nama=nama_satker(awalan, i),
            jenis=Satker.Jenis.KANKEMENAG,
            induk=kanwil,
        )
        for i in range(n)
        if i % 25 != 24
    )
    per_kode = {s.kode: s for s in induk}
    kua = Satker.objects.bulk_create(
        Satker(
            kode=f"{awalan}-{i:05d}",
            nama=nama_satker(awalan, i),
            jenis=Satker.Jenis.KUA,
            induk=per_kode[f"{awalan}-{i - 1:05d}"],
        )
        for i in range(n)
        if i % 25 == 24
    )
    per_kode.update({s.kode: s for s in kua})
    satker = [per_kode[f"{awalan}-{i:05d}"] for i in range(n)]

    dengan_tim = [i for i in range(n) if i % 10 != 9]
    tim = TimZI.objects.bulk_create(
        TimZI(satker=satker[i], tahun=tahun, target_predikat="WBBM" if i % 4 == 3 else "WBK")
        for i in dengan_tim
    )
    tim_per_i = dict(zip(dengan_tim, tim, strict=True))
    Pokja.objects.bulk_create(Pokja(tim=t, area=a) for t in tim for a in Area.values)
    lembar = LembarKerja.objects.bulk_create(LembarKerja(tim=t, instrumen=instrumen) for t in tim)
    lembar_per_i = dict(zip(dengan_tim, lembar, strict=True))
    Tahapan.objects.bulk_create(
        Tahapan(tim=t, jenis=jenis, mulai=mulai, selesai=selesai, tenggat_eviden=tenggat)
        for t in tim
        for jenis, mulai, selesai, tenggat in kalender_usulan(tahun)
    )

    harapan = {s.pk: Harapan(tim=False) for s in satker}
    skor = []
    for i in dengan_tim:
        t = tim_per_i[i]
        h = harapan[satker[i].pk] = Harapan(tim=True, target=t.target_predikat)
        if i % 10 == 8:
            continue  # no snapshot: the page shows "—"
        area = _area(i)
        hasil = Decimal((i * 13) % 40).quantize(Decimal("0.0001"))
        for d in range(hari):
            # Older snapshots are lower: only the latest one (d = 0) is shown.
            total = sum(area.values()) + hasil - d
            skor.append(
                SkorHarian(
                    tim=t,
                    tanggal=hari_ini - timedelta(days=d),
                    total=total,
                    pengungkit=sum(area.values()) - d,
                    hasil=hasil,
                    area={str(a): str(v) for a, v in area.items()},
                    memenuhi_wbk=total >= 75,
                    memenuhi_wbbm=total >= 85,
                )
            )
        h.total = sum(area.values()) + hasil
        h.area = area
        h.memenuhi = h.total >= (85 if t.target_predikat == "WBBM" else 75)
    SkorHarian.objects.bulk_create(skor, batch_size=2000)

    # Work items on the first scored soal of the six areas.
    dinilai = Soal.objects.filter(instrumen=instrumen, area_pokja__isnull=False).exclude(
        jenis=JenisJawaban.JUMLAH
    )
    jumlah_soal = dinilai.count()
    soal = list(dinilai.order_by("pk").values_list("pk", flat=True)[:BUTIR_PER_TIM])
    dokumen = Dokumen.objects.bulk_create(
        Dokumen(lembar=lembar_per_i[i], judul=f"Eviden {i}", dibuat_oleh=penugas)
        for i in dengan_tim
    )
    dokumen_per_i = dict(zip(dengan_tim, dokumen, strict=True))
    butir, eviden = [], []
    lewat, nanti = hari_ini - timedelta(days=2), hari_ini + timedelta(days=10)
    for i in dengan_tim:
        lb, h = lembar_per_i[i], harapan[satker[i].pk]
        setuju = i % 4  # approved with an active attachment: 0..3
        telat = i % 3  # overdue and not approved: 0..2
        rencana = (
            [(StatusButir.DISETUJUI, None, True)] * setuju
            + [(StatusButir.DISETUJUI, None, False)]  # archived attachment only
            + [(StatusButir.DRAF, lewat, None)] * telat
            + [(StatusButir.DISETUJUI, lewat, None)]  # overdue date, but approved
            + [(StatusButir.DIAJUKAN, nanti, None)]  # due later
        )
        for soal_id, (status, tenggat, aktif) in zip(soal, rencana, strict=False):
            butir.append(
                Butir(
                    lembar=lb,
                    soal_id=soal_id,
                    status=status,
                    ditugaskan_ke=penugas if tenggat else None,
                    tenggat=tenggat,
                )
            )
            if aktif is not None:
                eviden.append(
                    Eviden(
                        lembar=lb,
                        soal_id=soal_id,
                        dokumen=dokumen_per_i[i],
                        dilampirkan_oleh=penugas,
                        diarsipkan=not aktif,
                    )
                )
        h.lengkap = min(setuju, len(soal))
        h.terlambat = telat
    Butir.objects.bulk_create(butir, batch_size=2000)
    Eviden.objects.bulk_create(eviden, batch_size=2000)
    return Banyak(
        kanwil=kanwil,
        satker=satker,
        tim={satker[i].pk: t for i, t in tim_per_i.items()},
        harapan=harapan,
        jumlah_soal=jumlah_soal,
    )
