"""Demo data: Kankemenag Kota Semarang with its Tim ZI 2026 (target WBK) and accounts.

Safe to run again: everything is looked up by a natural key (username, satker code,
satker + year) and completed, never duplicated.
"""

import io
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from eviden import contoh
from eviden.berkas import terima
from eviden.impor import impor
from eviden.instrumen import baca_berkas, muat_instrumen
from eviden.models import Soal
from eviden.services import ajukan_reviu, reviu, siapkan_tim, unggah_berkas
from eviden.sinyal import demo_siap
from pokja.models import Peran, Predikat, Satker
from pokja.services import tetapkan_anggota

PASSWORD = "demo-zi-2026"  # noqa: S105 - published demo password, printed at the end
TAHUN = 2026
JAWABAN_DEMO = Path(__file__).resolve().parents[2] / "demo" / "jawaban-kota-semarang-2026.json"

# username, full name, role, Pokja area (for pokja roles)
AKUN_SEMARANG = [
    ("kepala", "H. Ahmad Farid, S.Ag., M.Pd.I.", Peran.KEPALA_KANTOR, None),
    ("ketua", "Dr. Siti Nurjanah, M.Ag.", Peran.KETUA_TIM, None),
    ("sekretaris", "Bambang Wicaksono, S.E.", Peran.SEKRETARIS_TIM, None),
    ("kasubbag", "Hj. Endang Sulistyowati, S.H., M.H.", Peran.KASUBBAG_TU, None),
    ("koordinator1", "Muhammad Rizal Fahmi, S.Kom.", Peran.KOORDINATOR_POKJA, 1),
    ("koordinator2", "Dwi Astuti Rahayu, S.Sos.", Peran.KOORDINATOR_POKJA, 2),
    ("koordinator3", "Agus Setiawan, S.Psi.", Peran.KOORDINATOR_POKJA, 3),
    ("koordinator4", "Nur Hidayati, S.E., M.Ak.", Peran.KOORDINATOR_POKJA, 4),
    ("koordinator5", "Slamet Riyadi, S.H.", Peran.KOORDINATOR_POKJA, 5),
    ("koordinator6", "Fitri Handayani, S.Pd.I.", Peran.KOORDINATOR_POKJA, 6),
    ("anggota1", "Ahmad Zainuddin, S.H.I.", Peran.ANGGOTA_POKJA, 1),
    ("anggota2", "Retno Wulandari, A.Md.", Peran.ANGGOTA_POKJA, 2),
    ("anggota3", "Yusuf Hariyanto, S.Ag.", Peran.ANGGOTA_POKJA, 3),
    ("anggota4", "Lilis Suryani, S.E.", Peran.ANGGOTA_POKJA, 4),
    ("anggota5", "Imam Syafii, S.H.", Peran.ANGGOTA_POKJA, 5),
    ("anggota6", "Khoirul Anam, S.Kom.", Peran.ANGGOTA_POKJA, 6),
]
AKUN_LUAR = ("luar", "Hendra Kurniawan, S.Ag.", Peran.KOORDINATOR_POKJA, 1)


def _nip(urut):
    """A well-formed, fictitious NIP: birth date, CPNS month, gender digit, sequence."""
    lahir = f"{1975 + urut % 15}{urut % 12 + 1:02d}{urut % 27 + 1:02d}"
    cpns = f"{2000 + urut % 20}{urut % 12 + 1:02d}"
    return f"{lahir}{cpns}{1 + urut % 2}{urut:03d}"


# Evidence of the demo: (soal code, document title, versions, approved by the coordinator).
EVIDEN_DEMO = [
    ("A.I.1.i.1", "SK Tim Kerja Pembangunan ZI Kankemenag Kota Semarang", 2, False),
    ("A.I.1.ii.1", "Rencana Kerja Pembangunan ZI 2026", 1, True),
    ("A.I.1.ii.1", "Notulen rapat penyusunan rencana kerja", 1, True),
    ("A.I.2.i.1", "SOP Layanan Pengaduan Masyarakat", 1, True),
    ("A.I.3.i.1", "Rencana Kebutuhan Pegawai 2026", 1, False),
    ("A.I.4.i.1", "Perjanjian Kinerja Kepala Kantor 2026", 1, True),
    ("A.I.5.i.1", "Laporan Pengendalian Gratifikasi Semester I", 1, False),
    ("A.I.6.i.1", "Standar Pelayanan PTSP", 1, False),
]


def _eviden_demo(lembar):
    """A few documents through the real upload and review services (only into a worksheet
    without documents, so a second run adds nothing)."""
    if lembar.dokumen.exists():
        return
    User = get_user_model()
    ketua = User.objects.get(username="ketua")
    soal = {s.kode: s for s in Soal.objects.filter(instrumen=lembar.instrumen)}
    disetujui = set()
    for kode, judul, versi, setujui in EVIDEN_DEMO:
        s = soal[kode]
        anggota = User.objects.get(username=f"anggota{s.area_pokja}")
        dokumen = None
        for n in range(1, versi + 1):
            teks = f"{judul} (versi {n})"
            berkas = terima(io.BytesIO(contoh.pdf(teks)), f"{judul}.pdf")
            v = unggah_berkas(
                lembar=lembar, soal=s, user=anggota, berkas=berkas, dokumen=dokumen, judul=judul
            )
            dokumen = v.dokumen
        if setujui:
            disetujui.add(s)
    for s in sorted(disetujui, key=lambda x: x.kode):
        anggota = User.objects.get(username=f"anggota{s.area_pokja}")
        ajukan_reviu(lembar=lembar, soal=s, user=anggota)
        reviu(lembar=lembar, soal=s, user=ketua, setujui=True, catatan="Sesuai.")


class Command(BaseCommand):
    help = "Membuat data contoh (Kankemenag Kota Semarang, Tim ZI 2026) beserta akun demo."

    @transaction.atomic
    def handle(self, *args, **options):
        instrumen = muat_instrumen(data=baca_berkas(settings.INSTRUMEN_DEFAULT)).instrumen

        kanwil = self._satker(
            "KANWIL-JATENG",
            "Kantor Wilayah Kementerian Agama Provinsi Jawa Tengah",
            Satker.Jenis.KANWIL,
        )
        semarang = self._satker(
            "KANKEMENAG-KOTA-SEMARANG", "Kantor Kementerian Agama Kota Semarang", induk=kanwil
        )
        demak = self._satker(
            "KANKEMENAG-KAB-DEMAK", "Kantor Kementerian Agama Kabupaten Demak", induk=kanwil
        )
        tim = siapkan_tim(
            satker=semarang, tahun=TAHUN, target_predikat=Predikat.WBK, instrumen=instrumen
        )
        tim_luar = siapkan_tim(
            satker=demak, tahun=TAHUN, target_predikat=Predikat.WBK, instrumen=instrumen
        )

        baris = []
        for urut, (username, nama, peran, area) in enumerate(AKUN_SEMARANG, start=1):
            user = self._akun(username, nama, urut)
            pokja = tim.pokja.get(area=area) if area else None
            tetapkan_anggota(tim=tim, user=user, peran=peran, pokja=pokja)
            baris.append((username, peran.label, str(pokja) if pokja else "", semarang.nama))
        username, nama, peran, area = AKUN_LUAR
        user = self._akun(username, nama, len(AKUN_SEMARANG) + 1)
        pokja = tim_luar.pokja.get(area=area)
        tetapkan_anggota(tim=tim_luar, user=user, peran=peran, pokja=pokja)
        baris.append((username, peran.label, str(pokja), demak.nama))

        # The team's self-assessment so far, as PortalRB would hand it over: a worksheet that
        # scores above 75 yet misses WBK on Pelayanan Publik. Only into an empty worksheet,
        # so running the demo again never overwrites what someone changed.
        lembar = tim.lembar_kerja
        if not lembar.jawaban.exists():
            ketua = get_user_model().objects.get(username="ketua")
            with open(JAWABAN_DEMO, encoding="utf-8") as f:
                impor(lembar=lembar, baris=json.load(f), user=ketua)

        if not semarang.alamat:
            semarang.alamat = "Jl. Demo Zona Integritas No. 1, Kota Semarang, Jawa Tengah 50000"
            semarang.kota = "Semarang"
            semarang.save(update_fields=["alamat", "kota"])
        _eviden_demo(lembar)

        # Receivers above this layer (stages, assessors, the Kanwil) may add accounts: they
        # return rows (username, what they are, satker) for the list below.
        for _penerima, tambahan in demo_siap.send(
            sender=self.__class__, tim=tim, tim_luar=tim_luar
        ):
            for username, keterangan, nama_satker in tambahan or ():
                baris.append((username, keterangan, "", nama_satker))

        self.stdout.write(self.style.SUCCESS(f"Data demo siap: {tim} ({tim.target_predikat})."))
        self.stdout.write(f"Semua akun memakai kata sandi: {PASSWORD}")
        lebar = max(len(b[0]) for b in baris)
        for username, peran_label, pokja_label, satker in baris:
            keterangan = f"{peran_label}, {pokja_label}" if pokja_label else peran_label
            self.stdout.write(f"  {username.ljust(lebar)}  {keterangan} — {satker}")

    def _satker(self, kode, nama, jenis=Satker.Jenis.KANKEMENAG, induk=None):
        satker, _ = Satker.objects.update_or_create(
            kode=kode, defaults={"nama": nama, "jenis": jenis, "induk": induk}
        )
        return satker

    def _akun(self, username, nama, urut):
        User = get_user_model()
        user, dibuat = User.objects.get_or_create(
            username=username,
            defaults={
                "nama_lengkap": nama,
                "email": f"{username}@demo.zi-portal.test",
                "nip": _nip(urut),
            },
        )
        if dibuat or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user
