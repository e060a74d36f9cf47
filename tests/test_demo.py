"""`manage.py demo`: Kankemenag Kota Semarang's Tim ZI 2026 and its accounts, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from eviden.models import Jawaban, LembarKerja, Soal
from penilaian.models import Pengajuan, Usulan
from pokja.models import AdminKanwil, Anggota, PenugasanPenilai, Pokja, Satker, TimZI

pytestmark = pytest.mark.django_db

AKUN = (
    ["kepala", "ketua", "sekretaris", "kasubbag"]
    + [f"koordinator{i}" for i in range(1, 7)]
    + [f"anggota{i}" for i in range(1, 7)]
    + ["luar"]
    # the level above the team (issue 11): a Kanwil admin, a TPP and a TPI assessor
    + ["kanwil", "tpp", "tpi"]
)


def _hitung():
    return {
        m.__name__: m.objects.count()
        for m in (
            get_user_model(),
            Satker,
            TimZI,
            Pokja,
            Anggota,
            LembarKerja,
            Soal,
            Jawaban,
            AdminKanwil,
            PenugasanPenilai,
            Pengajuan,
            Usulan,
        )
    }


def test_demo_creates_semarang_and_its_accounts_and_is_idempotent(client):
    out = StringIO()
    call_command("demo", stdout=out)
    semarang = Satker.objects.get(nama="Kantor Kementerian Agama Kota Semarang")
    assert semarang.induk.nama == "Kantor Wilayah Kementerian Agama Provinsi Jawa Tengah"
    tim = TimZI.objects.get(satker=semarang, tahun=2026)
    assert tim.target_predikat == "WBK"
    assert tim.pokja.count() == 6
    assert tim.lembar_kerja.instrumen.kode == "LKE-ZI-2026"
    User = get_user_model()
    assert set(User.objects.values_list("username", flat=True)) == set(AKUN)
    for username in AKUN:
        assert username in out.getvalue()
        assert User.objects.get(username=username).check_password("demo-zi-2026")
    assert "demo-zi-2026" in out.getvalue()
    for i in range(1, 7):
        assert Anggota.objects.get(user__username=f"anggota{i}").pokja.area == i
        assert Anggota.objects.get(user__username=f"koordinator{i}").pokja == tim.pokja.get(area=i)
    luar = Anggota.objects.get(user__username="luar")
    assert luar.tim != tim and luar.tim.satker.induk == semarang.induk

    # The demo worksheet holds the team's answers so far (the PortalRB file under
    # eviden/demo), and a second run neither duplicates nor overwrites them.
    lembar = tim.lembar_kerja
    assert lembar.jawaban.filter(soal__nomor_bank__isnull=False).count() == 127
    assert lembar.jawaban.get(soal__nomor_bank=1).pilihan == "Ya"
    lembar.jawaban.filter(soal__nomor_bank=1).update(pilihan="Tidak")
    sebelum = _hitung()
    call_command("demo", stdout=StringIO())
    assert _hitung() == sebelum
    assert lembar.jawaban.get(soal__nomor_bank=1).pilihan == "Tidak"

    # `luar` sees none of Kota Semarang's data.
    client.force_login(User.objects.get(username="luar"))
    assert "Kota Semarang" not in client.get(reverse("beranda")).content.decode()
    for pokja in tim.pokja.all():
        assert client.get(reverse("pokja-soal", args=[pokja.pk])).status_code == 404
