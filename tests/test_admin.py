"""Django admin exists for every model and its pages open; the Tim form completes Pokja."""

import pytest
from django.contrib import admin
from django.urls import reverse

from eviden.models import LembarKerja
from pokja.models import Pokja, Satker, TimZI

pytestmark = pytest.mark.django_db

MODELS = {
    "pokja": {"user", "satker", "timzi", "pokja", "anggota"},
    "eviden": {"instrumen", "ambangpredikat", "node", "soal", "soalmasukan", "lembarkerja"},
}


@pytest.fixture
def admin_client(client, django_user_model):
    su = django_user_model.objects.create_superuser(
        "admin", "admin@uji.test", "x", nama_lengkap="Admin"
    )
    client.force_login(su)
    return client


def test_every_model_is_in_the_admin_and_its_pages_open(admin_client, dunia):
    terdaftar = {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    for app, models in MODELS.items():
        for model in models:
            assert (app, model) in terdaftar
            r = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))
            assert r.status_code == 200, (app, model)
    for name, obj in {"pokja_timzi": dunia.tim, "pokja_anggota": dunia.tim.anggota.first()}.items():
        assert admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Administrasi ZI Portal" in html


def test_a_tim_created_in_the_admin_gets_six_pokja_and_a_worksheet(admin_client, instrumen):
    satker = Satker.objects.create(nama="KUA Uji", kode="KUA-UJI", jenis=Satker.Jenis.KUA)
    data = {
        "satker": satker.pk,
        "tahun": 2027,
        "target_predikat": "WBK",
        "pokja-TOTAL_FORMS": 0,
        "pokja-INITIAL_FORMS": 0,
        "anggota-TOTAL_FORMS": 0,
        "anggota-INITIAL_FORMS": 0,
        "lembar_kerja-TOTAL_FORMS": 1,
        "lembar_kerja-INITIAL_FORMS": 0,
        "lembar_kerja-0-instrumen": instrumen.pk,
    }
    r = admin_client.post(reverse("admin:pokja_timzi_add"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    tim = TimZI.objects.get(satker=satker, tahun=2027)
    assert sorted(Pokja.objects.filter(tim=tim).values_list("area", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert LembarKerja.objects.get(tim=tim).instrumen == instrumen


def test_non_staff_members_cannot_open_the_admin(client, dunia):
    client.force_login(dunia.user["ketua"])
    r = client.get(reverse("admin:index"))
    assert r.status_code == 302 and "/admin/login/" in r.url
