"""The level above the team (issue 11) in the permission modules: Kanwil admins as read-only
*pengawas* of the teams below them, assessor grants (who may grant, what is valid, the
history) and the assessor's stage-window access (``penilaian.akses``)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from penilaian.akses import get_ruang_penilai, pengajuan_berlaku, penugasan_aktif
from penilaian.models import JenisTahapan, Tahapan
from pokja.akses import (
    Tindakan,
    akses_untuk,
    get_kanwil_for_user,
    kanwil_untuk,
    satker_di_bawah,
)
from pokja.models import TAHAPAN_LAPISAN, Lapisan, PenugasanPenilai, Satker
from pokja.services import beri_penugasan, cabut_penugasan

from .factories import SatkerFactory, UserFactory

pytestmark = pytest.mark.django_db
T = Tindakan


def _jendela(hari_mulai=-1, hari_selesai=30):
    now = timezone.now()
    return {
        "mulai": now + timedelta(days=hari_mulai),
        "selesai": now + timedelta(days=hari_selesai),
    }


def test_every_stage_a_layer_assesses_is_a_stage_of_the_process():
    jenis = {j.value for j in JenisTahapan}
    assert {t for tahapan in TAHAPAN_LAPISAN.values() for t in tahapan} <= jenis
    assert set(TAHAPAN_LAPISAN) == set(Lapisan)


def test_a_kanwil_admin_oversees_the_teams_below_read_only(atas):
    dunia = atas.dunia
    a = akses_untuk(atas.user["admin_kanwil"], dunia.tim)
    assert a.pengawas and a.boleh(T.LIHAT) and a.boleh(T.DASBOR_TIM)
    refused = [T.UBAH_JAWABAN, T.REVIU, T.TUGASKAN, T.KELOLA_TIM, T.EKSPOR, T.CATAT_SKOR]
    assert not any(a.boleh(t, dunia.pokja(1)) for t in refused)
    # The admin of another Kanwil, and assessors (even of this satker), are outsiders.
    for nama in ("admin_lain", "tpp", "tpi"):
        assert not akses_untuk(atas.user[nama], dunia.tim).anggota, nama


def test_a_kanwil_admin_sees_satker_two_levels_down_and_not_beside(atas):
    kankemenag = atas.dunia.tim.satker
    kua = SatkerFactory(kode="KUA-UJI", nama="KUA Uji", jenis=Satker.Jenis.KUA, induk=kankemenag)
    di_bawah = set(satker_di_bawah(atas.kanwil))
    assert {kankemenag, kua, atas.dunia.tim_luar.satker} <= di_bawah
    assert atas.kanwil not in di_bawah
    assert not set(satker_di_bawah(Satker.objects.get(kode="KANWIL-LAIN")))


def test_the_kanwil_page_is_open_to_its_admin_and_its_tpp_assessors_only(atas):
    k = atas.kanwil.pk
    assert get_kanwil_for_user(atas.user["admin_kanwil"], k).admin
    assert get_kanwil_for_user(atas.user["root"], k).admin
    tpp = get_kanwil_for_user(atas.user["tpp"], k)
    assert tpp.penilai and not tpp.admin
    assert kanwil_untuk(atas.user["tpp"]) == [atas.kanwil]
    for nama in ("admin_lain", "tpi", "tpp_lewat"):
        with pytest.raises(Http404):
            get_kanwil_for_user(atas.user[nama], k)
    with pytest.raises(Http404):
        get_kanwil_for_user(atas.user["tpp"], k, admin=True)
    with pytest.raises(Http404):
        get_kanwil_for_user(atas.dunia.user["ketua"], k)


def test_only_an_admin_above_the_satker_or_the_superuser_may_grant(atas):
    satker = atas.dunia.tim.satker
    data = dict(
        user=UserFactory(username="baru"),
        lapisan=Lapisan.TPN,
        satker=satker,
        tahun=2026,
        tahapan="tpn",
        **_jendela(),
    )
    for nama in ("admin_lain", "tpp"):
        with pytest.raises(PermissionDenied):
            beri_penugasan(oleh=atas.user[nama], **data)
    with pytest.raises(PermissionDenied):
        beri_penugasan(oleh=atas.dunia.user["ketua"], **data)
    p = beri_penugasan(oleh=atas.user["root"], **data)
    assert p.history.get().history_user == atas.user["root"]


def test_a_grant_must_fit_its_layer_window_and_not_go_to_a_team_member(atas):
    satker = atas.dunia.tim.satker
    oleh = atas.user["admin_kanwil"]
    baru = UserFactory(username="baru")
    with pytest.raises(ValidationError):  # TPI does not assess the TPP's stage
        beri_penugasan(
            oleh=oleh,
            user=baru,
            lapisan=Lapisan.TPI,
            satker=satker,
            tahun=2026,
            tahapan="pendahuluan",
            **_jendela(),
        )
    with pytest.raises(ValidationError):  # the window ends before it starts
        beri_penugasan(
            oleh=oleh,
            user=baru,
            lapisan=Lapisan.TPN,
            satker=satker,
            tahun=2026,
            tahapan="tpn",
            **_jendela(5, 1),
        )
    with pytest.raises(ValidationError):  # a member cannot assess their own team
        beri_penugasan(
            oleh=oleh,
            user=atas.dunia.user["anggota1"],
            lapisan=Lapisan.TPN,
            satker=satker,
            tahun=2026,
            tahapan="tpn",
            **_jendela(),
        )
    with pytest.raises(ValidationError):  # one grant in force per user, satker and stage
        beri_penugasan(
            oleh=oleh,
            user=atas.user["tpp"],
            lapisan=Lapisan.TPP,
            satker=satker,
            tahun=2026,
            tahapan="pendahuluan",
            **_jendela(),
        )


def test_the_assessor_works_only_inside_the_window_on_the_granted_satker(atas):
    tpp, g = atas.user["tpp"], atas.penugasan
    r = get_ruang_penilai(tpp, g["tpp"].pk)
    assert (r.pengajuan, r.lapisan, r.boleh_tulis) == (atas.pengajuan, "tpp", True)
    assert list(penugasan_aktif(tpp)) == [g["tpp"]]
    for user, grant in [
        ("tpp_lewat", "tpp_lewat"),  # window ended
        ("tpp", "tpi"),  # someone else's grant
        ("tpp_lain", "tpp"),
        ("admin_kanwil", "tpp"),
    ]:
        with pytest.raises(Http404):
            get_ruang_penilai(atas.user[user], g[grant].pk)
    cabut_penugasan(oleh=atas.user["admin_kanwil"], penugasan=g["tpp"])
    with pytest.raises(Http404):
        get_ruang_penilai(tpp, g["tpp"].pk)
    g["tpp"].refresh_from_db()
    assert g["tpp"].history.first().history_user == atas.user["admin_kanwil"]
    assert PenugasanPenilai.objects.filter(pk=g["tpp"].pk).exists()  # revoked, kept


def test_a_window_that_has_not_started_shows_nothing(atas):
    p = beri_penugasan(
        oleh=atas.user["admin_kanwil"],
        user=UserFactory(username="nanti"),
        lapisan=Lapisan.TPN,
        satker=atas.dunia.tim.satker,
        tahun=2026,
        tahapan="tpn",
        **_jendela(2, 9),
    )
    with pytest.raises(Http404):
        get_ruang_penilai(p.user, p.pk)
    assert get_ruang_penilai(p.user, p.pk, sekarang=p.mulai + timedelta(hours=1))


def test_the_assessment_reads_the_latest_submission_up_to_its_stage(atas, monkeypatch):
    from penilaian import services

    tim = atas.dunia.tim
    assert pengajuan_berlaku(tim, "pendahuluan") == atas.pengajuan
    assert pengajuan_berlaku(tim, "mandiri") == atas.pengajuan
    # A replacement made in the correction window is what the assessors then see.
    perbaikan = Tahapan.objects.get(tim=tim, jenis="perbaikan")
    perbaikan.mulai, perbaikan.selesai = _jendela().values()
    perbaikan.save()
    baru = services.ajukan(
        tahapan=Tahapan.objects.get(tim=tim, jenis="mandiri"),
        user=atas.dunia.user["ketua"],
        alasan_terlambat="uji",
    )
    assert baru.nomor == 2
    assert pengajuan_berlaku(tim, "pendahuluan") == baru
    assert get_ruang_penilai(atas.user["tpp"], atas.penugasan["tpp"].pk).pengajuan == baru


def test_the_menu_shows_the_workspace_and_the_kanwil_in_one_more_query(
    atas, rf, django_assert_max_num_queries
):
    from pokja.context_processors import _menu

    with django_assert_max_num_queries(3):
        m = _menu(atas.user["tpp"])
    assert m["penilai"] == 1 and m["kanwil"] == [atas.kanwil]
    m = _menu(atas.user["admin_kanwil"])
    assert m["penilai"] == 0 and m["kanwil"] == [atas.kanwil]
    m = _menu(atas.dunia.user["ketua"])
    assert (m["penilai"], m["kanwil"]) == (0, [])
    assert _menu(atas.user["tpp_lewat"])["kanwil"] == []


def test_the_kanwil_drill_down_into_a_dashboard_offers_no_write(client, atas):
    """The team dashboard opened by a Kanwil admin shows the figures without the buttons
    that write (today's score snapshot) or that the admin may not use (exports)."""
    from django.urls import reverse

    tim = atas.dunia.tim
    client.force_login(atas.user["admin_kanwil"])
    html = client.get(reverse("dasbor-tim", args=[tim.pk])).content.decode()
    assert reverse("dasbor-catat", args=[tim.pk]) not in html
    assert reverse("ekspor", args=[tim.pk]) not in html
    assert reverse("usulan-tim", args=[tim.pk]) not in html
    assert client.post(reverse("dasbor-catat", args=[tim.pk])).status_code == 403
    client.force_login(atas.dunia.user["ketua"])
    html = client.get(reverse("dasbor-tim", args=[tim.pk])).content.decode()
    assert (
        reverse("dasbor-catat", args=[tim.pk]) in html and reverse("ekspor", args=[tim.pk]) in html
    )


def test_grants_in_the_admin_go_through_the_service_and_only_for_the_superuser(
    client, atas, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from pokja.models import Notifikasi

    url = reverse("admin:pokja_penugasanpenilai_add")
    now = timezone.localtime()
    data = {
        "user": atas.dunia.user["anggota1"].pk,  # a member of the team: refused
        "lapisan": "tpn",
        "satker": atas.dunia.tim.satker.pk,
        "tahun": 2026,
        "tahapan": "tpn",
        "mulai_0": now.date().isoformat(),
        "mulai_1": "00:00:00",
        "selesai_0": (now + timedelta(days=9)).date().isoformat(),
        "selesai_1": "23:59:00",
    }
    client.force_login(atas.user["root"])
    r = client.post(url, data)
    assert r.status_code == 200 and "penilai harus pihak lain" in r.content.decode()
    assert not PenugasanPenilai.objects.filter(lapisan="tpn").exists()
    baru = UserFactory(username="tpn_baru")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {**data, "user": baru.pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = PenugasanPenilai.objects.get(user=baru)
    assert p.diberikan_oleh == atas.user["root"]
    assert Notifikasi.objects.filter(user=baru, tautan=reverse("penilai-beranda")).exists()
    # A staff account holding every model permission still cannot see or grant here.
    staf = UserFactory(username="staf", is_staff=True)
    staf.user_permissions.set(Permission.objects.filter(content_type__app_label="pokja"))
    client.force_login(staf)
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:pokja_adminkanwil_changelist")).status_code == 403
