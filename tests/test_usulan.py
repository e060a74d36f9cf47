"""Proposals to PortalRB: the chair's page and the Kanwil admin's page (who may use them, the
proposal period, withdrawal keeping the row, the review state and when it falls back)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from penilaian.models import Pengajuan, PeriodeUsulan, StatusReviuPortalRB, Usulan
from penilaian.usulan import services
from penilaian.usulan.selectors import status_efektif, tim_di_bawah
from pokja.models import Satker
from pokja.services import tetapkan_admin_kanwil

from .factories import SatkerFactory

pytestmark = pytest.mark.django_db

BELUM = StatusReviuPortalRB.BELUM_REVIEW
SETUJU = StatusReviuPortalRB.DISETUJUI


@pytest.fixture
def periode(db):
    sekarang = timezone.now()
    return PeriodeUsulan.objects.create(
        tahun=2026, mulai=sekarang - timedelta(days=1), selesai=sekarang + timedelta(days=30)
    )


def _tutup(periode):
    PeriodeUsulan.objects.filter(pk=periode.pk).update(
        mulai=timezone.now() - timedelta(days=9), selesai=timezone.now() - timedelta(days=1)
    )


def _pesan(r):
    return [str(m) for m in r.context["messages"]] if r.context else []


def _halaman_tim(atas):
    return reverse("usulan-tim", args=[atas.tim.pk])


def _halaman_kanwil(atas):
    return reverse("usulan-kanwil", args=[atas.kanwil.pk])


def _usulan(atas, **kw):
    return services.usulkan(tim=atas.tim, oleh=atas.dunia.user["ketua"], **kw)


# --- Who may use the pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ketua", 200),
        ("sekretaris", 200),
        ("kepala", 403),
        ("kasubbag", 403),
        ("koordinator1", 403),
        ("anggota1", 403),
        ("luar", 404),
        ("admin_kanwil", 403),  # oversees the team read-only; proposes from the Kanwil page
        ("admin_lain", 404),
        ("tpp", 404),
    ],
)
def test_the_team_page_is_for_the_chair(client, atas, periode, persona, status):
    user = {**atas.dunia.user, **atas.user}[persona]
    u = _usulan(atas)
    client.force_login(user)
    assert client.get(_halaman_tim(atas)).status_code == status
    for nama in ("usulan-tim-ubah", "usulan-tim-reviu", "usulan-tim-tarik"):
        r = client.post(reverse(nama, args=[atas.tim.pk, u.pk]), {"konfirmasi": "ya"})
        assert r.status_code == (302 if status == 200 else status), (nama, r.status_code)
    u.refresh_from_db()
    assert (u.ditarik_pada is not None) == (status == 200)


def test_anonymous_visitors_are_sent_to_login(client, atas, periode):
    for url in (_halaman_tim(atas), _halaman_kanwil(atas)):
        r = client.get(url)
        assert r.status_code == 302 and r.url.startswith(reverse("masuk"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_kanwil", 200),
        ("root", 200),
        ("admin_lain", 404),
        ("tpp", 404),  # a TPP assessor sees the Kanwil's oversight list, not its proposals
        ("ketua", 404),
        ("luar", 404),
    ],
)
def test_the_kanwil_page_is_for_its_admins(client, atas, periode, persona, status):
    user = {**atas.dunia.user, **atas.user}[persona]
    u = _usulan(atas)
    client.force_login(user)
    assert client.get(_halaman_kanwil(atas)).status_code == status
    r = client.post(_halaman_kanwil(atas), {"tim": atas.dunia.tim_luar.pk})
    assert r.status_code == (302 if status == 200 else status)
    assert Usulan.objects.filter(tim=atas.dunia.tim_luar).exists() == (status == 200)
    for nama in ("usulan-kanwil-ubah", "usulan-kanwil-reviu", "usulan-kanwil-tarik"):
        r = client.post(reverse(nama, args=[atas.kanwil.pk, u.pk]), {"konfirmasi": "ya"})
        assert r.status_code == (302 if status == 200 else status), nama


def test_a_kanwil_admin_acts_only_below_their_kanwil(client, atas, periode):
    """The admin of another Kanwil, through their own Kanwil's URLs, reaches nothing of the
    teams below KANWIL-UJI."""
    lain = Satker.objects.get(kode="KANWIL-LAIN")
    u = _usulan(atas)
    client.force_login(atas.user["admin_lain"])
    for nama in ("usulan-kanwil-ubah", "usulan-kanwil-reviu", "usulan-kanwil-tarik"):
        assert client.post(reverse(nama, args=[lain.pk, u.pk])).status_code == 404
    r = client.post(reverse("usulan-kanwil", args=[lain.pk]), {"tim": atas.tim.pk})
    assert r.status_code == 404
    assert Usulan.objects.filter(ditarik_pada__isnull=True).count() == 1
    assert (
        "KANKEMENAG-UJI"
        not in client.get(reverse("usulan-kanwil", args=[lain.pk])).content.decode()
    )


# --- Proposing and withdrawing ------------------------------------------------------------------


def test_the_chair_proposes_the_unit_with_the_teams_target(client, atas, periode):
    ketua = atas.dunia.user["ketua"]
    client.force_login(ketua)
    halaman = client.get(_halaman_tim(atas)).content.decode()
    assert "data-form-usulkan" in halaman and 'data-periode="buka"' in halaman
    r = client.post(_halaman_tim(atas), {"afirmasi": "on"}, follow=True)
    u = Usulan.objects.get()
    assert (u.tim, u.tahun, u.kode_unit, u.nama_unit, u.predikat, u.afirmasi) == (
        atas.tim,
        2026,
        "KANKEMENAG-UJI",
        "Kankemenag Kota Uji",
        "WBK",
        True,
    )
    assert u.status_reviu == BELUM and u.diusulkan_oleh == ketua
    assert u.history.get().history_user == ketua
    assert "WBK-AFIRMASI" in r.content.decode() and "Belum Review" in r.content.decode()
    # Twice: refused, one row.
    r = client.post(_halaman_tim(atas), {}, follow=True)
    assert any("sudah diusulkan" in p for p in _pesan(r))
    assert Usulan.objects.count() == 1


def test_withdrawal_has_a_confirmation_step_and_keeps_the_row(client, atas, periode):
    u = _usulan(atas)
    client.force_login(atas.dunia.user["sekretaris"])
    tarik = reverse("usulan-tim-tarik", args=[atas.tim.pk, u.pk])
    r = client.get(tarik)
    assert r.status_code == 200 and 'name="konfirmasi"' in r.content.decode()
    r = client.post(tarik, {})  # no confirmation: the question again, nothing changes
    assert r.status_code == 200
    u.refresh_from_db()
    assert u.ditarik_pada is None
    r = client.post(tarik, {"konfirmasi": "ya"}, follow=True)
    u.refresh_from_db()
    assert u.ditarik_pada is not None
    assert Usulan.objects.filter(pk=u.pk).exists()
    assert "data-ditarik" in r.content.decode() and "data-form-usulkan" in r.content.decode()
    # Proposed again: a new row beside the withdrawn one.
    client.post(_halaman_tim(atas), {})
    assert Usulan.objects.count() == 2
    assert Usulan.objects.filter(ditarik_pada__isnull=True).count() == 1
    # Withdrawing a withdrawn proposal is refused.
    r = client.post(tarik, {"konfirmasi": "ya"}, follow=True)
    assert any("sudah ditarik" in p for p in _pesan(r))


def test_the_kanwil_admin_proposes_and_withdraws_any_team_below(client, atas, periode):
    admin = atas.user["admin_kanwil"]
    client.force_login(admin)
    halaman = client.get(_halaman_kanwil(atas)).content.decode()
    assert "Kankemenag Kota Uji" in halaman and "Kankemenag Kabupaten Lain" in halaman
    r = client.post(_halaman_kanwil(atas), {"tim": atas.dunia.tim_luar.pk}, follow=True)
    assert r.status_code == 200
    u = Usulan.objects.get()
    assert u.kode_unit == "KANKEMENAG-LAIN" and u.diusulkan_oleh == admin
    assert u.history.get().history_user == admin
    r = client.post(
        reverse("usulan-kanwil-tarik", args=[atas.kanwil.pk, u.pk]), {"konfirmasi": "ya"}
    )
    assert r.status_code == 302 and r.url.endswith("?tahun=2026")
    u.refresh_from_db()
    assert u.ditarik_pada is not None
    # A team outside the Kanwil cannot be named in the form.
    kanwil2 = SatkerFactory(kode="KANWIL-DUA", jenis=Satker.Jenis.KANWIL)
    from eviden.services import siapkan_tim

    jauh = siapkan_tim(
        satker=SatkerFactory(kode="KANKEMENAG-JAUH", induk=kanwil2),
        tahun=2026,
        target_predikat="WBK",
        instrumen=atas.tim.lembar_kerja.instrumen,
    )
    assert client.post(_halaman_kanwil(atas), {"tim": jauh.pk}).status_code == 404
    assert client.post(_halaman_kanwil(atas), {"tim": "x"}).status_code == 404
    assert not Usulan.objects.filter(tim=jauh).exists()


@pytest.mark.parametrize("keadaan", ["tidak_ada", "belum", "tutup"])
def test_nothing_changes_outside_the_proposal_period(client, atas, periode, keadaan):
    u = _usulan(atas)
    if keadaan == "tidak_ada":
        PeriodeUsulan.objects.all().delete()
    elif keadaan == "belum":
        PeriodeUsulan.objects.filter(pk=periode.pk).update(
            mulai=timezone.now() + timedelta(days=1), selesai=timezone.now() + timedelta(days=9)
        )
    else:
        _tutup(periode)
    client.force_login(atas.dunia.user["ketua"])
    halaman = client.get(_halaman_tim(atas)).content.decode()
    assert f'data-periode="{keadaan}"' in halaman and "Tarik usulan" not in halaman
    r = client.post(
        reverse("usulan-tim-tarik", args=[atas.tim.pk, u.pk]), {"konfirmasi": "ya"}, follow=True
    )
    assert any("periode pengusulan" in p.lower() for p in _pesan(r))
    r = client.post(reverse("usulan-tim-ubah", args=[atas.tim.pk, u.pk]), {}, follow=True)
    assert any("periode pengusulan" in p.lower() for p in _pesan(r))
    u.refresh_from_db()
    assert u.ditarik_pada is None and u.afirmasi is False
    # Nor can a unit be proposed (the Kanwil admin for the other team).
    client.force_login(atas.user["admin_kanwil"])
    r = client.post(_halaman_kanwil(atas), {"tim": atas.dunia.tim_luar.pk}, follow=True)
    assert any("periode pengusulan" in p.lower() for p in _pesan(r))
    assert Usulan.objects.count() == 1


def test_afirmasi_is_for_wbk_and_bad_unit_ids_are_refused(atas, periode):
    from django.core.exceptions import ValidationError

    luar = atas.dunia.tim_luar
    luar.target_predikat = "WBBM"
    luar.save(update_fields=["target_predikat"])
    with pytest.raises(ValidationError, match="Afirmasi"):
        services.usulkan(tim=luar, oleh=atas.user["root"], afirmasi=True)
    u = services.usulkan(tim=luar, oleh=atas.user["root"])
    assert u.predikat == "WBBM"
    with pytest.raises(ValidationError, match="Afirmasi"):
        services.ubah_usulan(usulan=u, oleh=atas.user["root"], afirmasi=True)
    satker = atas.tim.satker
    satker.kode = "KODE DENGAN SPASI"
    satker.save(update_fields=["kode"])
    with pytest.raises(ValidationError, match="ID unit PortalRB"):
        _usulan(atas)


# --- The PortalRB review state ------------------------------------------------------------------


def test_approval_is_recorded_only_for_what_portalrb_holds_and_falls_back(client, atas, periode):
    ketua = atas.dunia.user["ketua"]
    u = _usulan(atas)
    client.force_login(ketua)
    reviu = reverse("usulan-tim-reviu", args=[atas.tim.pk, u.pk])
    # PortalRB has fetched nothing yet: refused.
    r = client.post(reviu, {"status": SETUJU}, follow=True)
    assert any("belum mengambil" in p for p in _pesan(r))
    assert "data-catat-disetujui" not in r.content.decode()
    u.refresh_from_db()
    assert u.status_reviu == BELUM
    # The API served the latest frozen submission: the chair records the approval.
    services.catat_terkirim(usulan=u, pengajuan=atas.pengajuan)
    assert "data-catat-disetujui" in client.get(_halaman_tim(atas)).content.decode()
    r = client.post(reviu, {"status": SETUJU}, follow=True)
    u.refresh_from_db()
    assert u.status_reviu == SETUJU
    assert 'data-status-reviu="disetujui"' in r.content.decode()
    assert client.post(reviu, {"status": "lain"}).status_code == 302
    u.refresh_from_db()
    assert u.status_reviu == SETUJU

    # A newer frozen submission: shown as "Belum Review" at once (PortalRB holds an older one).
    baru = Pengajuan.objects.create(
        tim=atas.tim,
        tahapan=atas.pengajuan.tahapan,
        nomor=2,
        instrumen=atas.pengajuan.instrumen,
        diajukan_oleh=ketua,
        diajukan_pada=timezone.now() + timedelta(seconds=1),
        total=0,
        pengungkit=0,
        hasil=0,
    )
    halaman = client.get(_halaman_tim(atas)).content.decode()
    assert 'data-status-reviu="Belum Review"' in halaman and "data-pengajuan-baru" in halaman
    assert status_efektif(u, baru.pk) == BELUM
    # When the API serves it, the stored state follows.
    services.catat_terkirim(usulan=u, pengajuan=baru)
    u.refresh_from_db()
    assert u.status_reviu == BELUM and u.pengajuan_terkirim == baru
    client.post(reviu, {"status": SETUJU})
    u.refresh_from_db()
    assert u.status_reviu == SETUJU
    # The chair may also put it back by hand.
    client.post(reviu, {"status": BELUM})
    u.refresh_from_db()
    assert u.status_reviu == BELUM


def test_a_change_of_name_or_afirmasi_puts_the_state_back(client, atas, periode):
    ketua = atas.dunia.user["ketua"]
    u = _usulan(atas)
    services.catat_terkirim(usulan=u, pengajuan=atas.pengajuan)
    services.catat_reviu(usulan=u, oleh=ketua, status=SETUJU)
    client.force_login(ketua)
    ubah = reverse("usulan-tim-ubah", args=[atas.tim.pk, u.pk])
    # Saving unchanged changes nothing.
    client.post(ubah, {})
    u.refresh_from_db()
    assert u.status_reviu == SETUJU
    client.post(ubah, {"afirmasi": "on"})
    u.refresh_from_db()
    assert u.afirmasi is True and u.status_reviu == BELUM
    services.catat_reviu(usulan=u, oleh=ketua, status=SETUJU)
    # The satker is renamed: the page says so; saving sends the new name.
    satker = atas.tim.satker
    satker.nama = "Kankemenag Kota Uji Baru"
    satker.save(update_fields=["nama"])
    assert "data-nama-berubah" in client.get(_halaman_tim(atas)).content.decode()
    client.post(ubah, {"afirmasi": "on"})
    u.refresh_from_db()
    assert u.nama_unit == "Kankemenag Kota Uji Baru" and u.status_reviu == BELUM
    assert [h.history_user for h in u.history.all()[:2]] == [ketua, ketua]


# --- Bounded queries ----------------------------------------------------------------------------


def test_the_kanwil_page_runs_a_fixed_number_of_queries(
    client, atas, periode, django_assert_max_num_queries
):
    from eviden.services import siapkan_tim

    admin = atas.user["admin_kanwil"]
    _usulan(atas)
    client.force_login(admin)
    url = _halaman_kanwil(atas)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as sedikit:
        assert client.get(url).status_code == 200
    for i in range(4):
        tim = siapkan_tim(
            satker=SatkerFactory(kode=f"KUA-{i}", induk=atas.tim.satker),
            tahun=2026,
            target_predikat="WBK",
            instrumen=atas.tim.lembar_kerja.instrumen,
        )
        services.usulkan(tim=tim, oleh=admin)
    with django_assert_max_num_queries(len(sedikit.captured_queries)):
        r = client.get(url)
    assert len(tim_di_bawah(atas.kanwil, 2026)) == 6
    assert r.content.decode().count("data-status-reviu=") == 5


def test_a_second_kanwil_admin_sees_the_same(client, atas, periode):
    kedua = atas.user["admin_lain"]
    tetapkan_admin_kanwil(user=kedua, kanwil=atas.kanwil, oleh=atas.user["root"])
    client.force_login(kedua)
    assert client.get(_halaman_kanwil(atas)).status_code == 200


# --- In the browser -----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lebar", [1366, 360])
def test_proposal_pages_and_the_evidence_link_in_chromium(page, live_server, lebar):
    """The demo (Kota Semarang proposed for WBK): the chair's page, the Kanwil admin's page
    and a signed evidence page PortalRB would open, at 1366 and 360 px, without horizontal
    scrolling and without a CSP violation; screenshots in test-artifacts/."""
    import json
    import urllib.request
    from io import StringIO

    from django.core.management import call_command
    from playwright.sync_api import expect

    from penilaian.api.token import buat_token
    from pokja.models import TimZI

    from .test_e2e import _foto
    from .test_e2e_dasbor import _masuk_demo

    call_command("demo", stdout=StringIO())
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    kanwil = tim.satker.induk
    pelanggaran = []
    page.on(
        "console",
        lambda m: pelanggaran.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.set_viewport_size({"width": lebar, "height": 800})

    def muat_penuh():
        lebar_isi = page.evaluate("document.documentElement.scrollWidth")
        assert lebar_isi <= lebar, lebar_isi

    _masuk_demo(page, live_server, "ketua")
    page.goto(live_server.url + reverse("usulan-tim", args=[tim.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Usulan ke PortalRB")
    expect(page.locator("[data-status-reviu]")).to_have_text("Belum Review")
    muat_penuh()
    _foto(page, f"usulan-tim-{lebar}")
    page.get_by_role("link", name="Tarik usulan").click()
    expect(page.get_by_role("button", name="Ya, tarik usulan")).to_be_visible()
    muat_penuh()
    page.get_by_role("link", name="Batal").click()

    _masuk_demo(page, live_server, "kanwil")
    page.goto(live_server.url + reverse("usulan-kanwil", args=[kanwil.pk]))
    expect(page.locator(f'[data-tim="{tim.pk}"] [data-kategori]')).to_have_text("WBK")
    muat_penuh()
    _foto(page, f"usulan-kanwil-{lebar}")

    # What PortalRB gets, and the evidence page its reviewer opens (no login).
    token = buat_token(nama=f"e2e-{lebar}")[1]
    req = urllib.request.Request(
        live_server.url + reverse("portalrb-jawaban-unit", args=[tim.satker.kode]),
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        answers = json.loads(r.read())["answers"]
    tautan = next(a["bukti_dukung_unit"] for a in answers if a["bukti_dukung_unit"])
    page.context.clear_cookies()
    page.goto(tautan)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bukti dukung soal")
    expect(page.locator("[data-bukti] li").first).to_be_visible()
    muat_penuh()
    _foto(page, f"portalrb-bukti-{lebar}")
    # Back on the chair's page: PortalRB now holds the latest submission.
    _masuk_demo(page, live_server, "ketua")
    page.goto(live_server.url + reverse("usulan-tim", args=[tim.pk]))
    page.get_by_role("button", name="Catat: sudah «Sesuai» di PortalRB").click()
    expect(page.locator("[data-status-reviu]")).to_have_text("disetujui")
    muat_penuh()
    assert pelanggaran == []
