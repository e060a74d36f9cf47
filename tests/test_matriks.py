"""Permission matrix: every URL of the project × every role of DESIGN.md §3 × outsider × anonymous.

``MATRIKS`` is the one table: each URL name of the project maps to what it requires — an
action of ``pokja.akses.Tindakan``, ``PUBLIK`` (anyone, anonymous included) or ``MASUK`` (any
logged-in user; the page shows only the user's own data) — and to the request(s) that exercise
it. ``test_every_url_has_a_matrix_entry`` walks the URL resolver and fails on any URL with no
entry (and any entry whose URL is gone), so a new page cannot ship without a decision here.

Expected outcome comes from the single permission module (``pokja.akses``): outsiders get 404
everywhere (including guessed ids), insiders without the right 403, everyone else any other
answer (success or a validation message); anonymous visitors are sent to the login page.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import URLResolver, get_resolver, reverse

from eviden import services
from eviden.models import Dokumen, Eviden, Soal, VersiDokumen
from pokja.akses import HASIL, Tindakan, akses_untuk

from . import contoh_berkas as cb
from .conftest import PERSONA

pytestmark = pytest.mark.django_db

T = Tindakan
PUBLIK = "publik"  # anyone, anonymous visitors included
MASUK = "masuk"  # any logged-in user; the page shows only the user's own data
# The level above the team (issue 11). Their rules live in pokja.akses (Kanwil) and
# penilaian.akses (assessors); who passes is spelled out in DIIZINKAN, everyone else gets 404.
PENILAI = "penilai"  # the holder of an assessor grant in force for the team's satker
KANWIL = "kanwil"  # the Kanwil's admins, the superuser, its TPP assessors in their window
KANWIL_ADMIN = "kanwil_admin"  # the Kanwil's admins and the superuser
TOKEN = "token"  # PortalRB API: a Bearer token, never a session: 401 (JSON) without one
TANDA = "tanda"  # a signed, expiring link: whoever holds it, signed in or not
ATAS = {PENILAI, KANWIL, KANWIL_ADMIN}
DIIZINKAN = {
    PENILAI: {"tpp", "tpi"},
    KANWIL: {"admin_kanwil", "root", "tpp", "tpp_lain"},
    KANWIL_ADMIN: {"admin_kanwil", "root"},
}
# The personas of the level above (tests/conftest.py ``atas``).
PERSONA_ATAS = ["admin_kanwil", "admin_lain", "tpp", "tpi", "tpp_lewat", "tpp_lain", "root"]

# Named URLs that are Django's own, with their own rules, and stay out of the matrix.
DI_LUAR_MATRIKS = {
    "admin": "namespace: the Django admin site (is_staff / model permissions)",
    "set_language": "Django's language switch (django.conf.urls.i18n), public by design",
}


@dataclass
class Kasus:
    """What a request needs: the team (``dunia``) and a soal with its evidence and version."""

    dunia: object
    soal: object
    eviden: object = None
    versi_id: int = 1
    atas: object = None  # tests/conftest.py ``Atas``: the Kanwil, assessors, their grants
    persona: str = ""  # who is asking (assessor URLs use the asker's own grant)

    @property
    def penugasan(self):
        """The grant an assessor URL names: the asker's own for "tpp", "tpi" and "tpp_lewat"
        (ended), else the TPP grant of the team (someone else's, e.g. for "tpp_lain")."""
        g = self.atas.penugasan
        return g.get(self.persona, g["tpp"]) if self.persona != "tpp_lain" else g["tpp"]

    @property
    def kanwil(self):
        return self.atas.kanwil.pk

    @property
    def lewat(self):
        """The grant whose window has ended (revoking it changes nobody's access)."""
        return self.atas.penugasan["tpp_lewat"].pk

    @property
    def eviden_beku(self):
        """A frozen evidence version of the submission the assessors read."""
        from penilaian.models import EvidenBeku

        p = self.atas.pengajuan
        versi = self.eviden.dokumen.versi.order_by("nomor").first()
        return EvidenBeku.objects.filter(pengajuan=p).first() or EvidenBeku.objects.create(
            pengajuan=p, soal=self.soal, versi=versi, judul="uji"
        )

    @property
    def pokja(self):
        """The Pokja of the soal's own area (whose rights apply)."""
        return self.dunia.pokja(self.soal.area_pokja)

    @property
    def tahapan(self):
        """The team's PMPZI submission stage."""
        return self.dunia.tim.tahapan.get(jenis="mandiri")

    @property
    def pengajuan(self):
        """A frozen submission of the team (made by the chair on first use)."""
        from penilaian.services import ajukan

        p = self.tahapan.pengajuan.first()
        return p or ajukan(
            tahapan=self.tahapan, user=self.dunia.user["ketua"], alasan_terlambat="uji"
        )

    @property
    def ekspor(self):
        """A finished export of the team with its file in storage."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from django.utils import timezone

        from penilaian.models import Ekspor

        e = Ekspor.objects.filter(tim=self.dunia.tim, status="selesai").first()
        return e or Ekspor.objects.create(
            tim=self.dunia.tim,
            jenis="pdf",
            diminta_oleh=self.dunia.user["kasubbag"],
            diminta_pada=timezone.now(),
            status="selesai",
            kunci=default_storage.save("ekspor/uji.pdf", ContentFile(b"%PDF-1.4 uji")),
            nama_berkas="laporan-uji.pdf",
        )

    @property
    def usulan(self):
        """The team's proposal to PortalRB (made on first use)."""
        from penilaian.models import Usulan

        tim = self.dunia.tim
        return Usulan.objects.filter(tim=tim).first() or Usulan.objects.create(
            tim=tim,
            tahun=tim.tahun,
            kode_unit=tim.satker.kode,
            nama_unit=tim.satker.nama,
            predikat=tim.target_predikat,
            diusulkan_oleh=self.dunia.user["ketua"],
        )

    @property
    def tanda(self):
        """A signed evidence link of the frozen submission's evidence."""
        from penilaian.api.tautan import tanda_bukti

        return tanda_bukti(self.atas.pengajuan.pk, self.eviden_beku.soal.nomor_bank)

    @property
    def tim_berlogo(self):
        """The team, its satker given a logo."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        satker = self.dunia.tim.satker
        if not satker.logo:
            satker.logo = default_storage.save("logo/uji.png", ContentFile(cb.png()))
            satker.logo_mime = "image/png"
            satker.save(update_fields=["logo", "logo_mime"])
        return self.dunia.tim

    @property
    def a(self):
        """URL args of a soal action: ``lke/<lembar>/soal/<soal>/``."""
        return [self.dunia.lembar.pk, self.soal.pk]


def _raw(client, url, isi):
    return client.post(
        url,
        data=isi,
        content_type="application/octet-stream",
        CONTENT_TYPE="application/octet-stream",
        HTTP_X_NAMA_BERKAS=quote("uji.pdf"),
    )


def _notif(client):
    """A notification of the signed-in user (an id nobody has for anonymous visitors)."""
    from pokja.models import Notifikasi

    uid = client.session.get("_auth_user_id")
    if uid is None:
        return 999999
    return Notifikasi.objects.create(user_id=int(uid), teks="uji", tautan="/").pk


def _get(nama, *args):
    """A request builder: a plain GET of ``nama`` with fixed ``args``."""
    return lambda c, k: c.get(reverse(nama, args=args))


# URL name → (what it requires, request builders (client, Kasus) → response). The requests run
# in table order: submit → withdraw → reopen → review follow the soal through its states.
MATRIKS = {
    # pokja/urls.py
    "masuk": (PUBLIK, _get("masuk")),
    "keluar": (PUBLIK, lambda c, k: c.post(reverse("keluar"))),
    "password_reset": (PUBLIK, _get("password_reset")),
    "password_reset_done": (PUBLIK, _get("password_reset_done")),
    "password_reset_confirm": (PUBLIK, _get("password_reset_confirm", "MQ", "bukan-token")),
    "password_reset_complete": (PUBLIK, _get("password_reset_complete")),
    "password_change": (MASUK, _get("password_change")),
    "password_change_done": (MASUK, _get("password_change_done")),
    "beranda": (MASUK, _get("beranda")),
    "notifikasi": (MASUK, _get("notifikasi")),
    "notifikasi-dibaca": (MASUK, lambda c, k: c.post(reverse("notifikasi-dibaca"))),
    "notifikasi-buka": (MASUK, lambda c, k: c.post(reverse("notifikasi-buka", args=[_notif(c)]))),
    "profil": (MASUK, _get("profil")),
    # eviden/urls.py
    "tugas-saya": (MASUK, _get("tugas-saya")),
    "antrean-reviu": (MASUK, _get("antrean-reviu")),
    "tim-hasil": (T.LIHAT, lambda c, k: c.get(reverse("tim-hasil", args=[k.dunia.tim.pk]))),
    "pokja-soal": (T.LIHAT, lambda c, k: c.get(reverse("pokja-soal", args=[k.pokja.pk]))),
    "dasbor-tim": (
        T.DASBOR_TIM,
        lambda c, k: c.get(reverse("dasbor-tim", args=[k.dunia.tim.pk])),
    ),
    "dasbor-catat": (
        T.CATAT_SKOR,
        lambda c, k: c.post(reverse("dasbor-catat", args=[k.dunia.tim.pk])),
    ),
    "pengangkat": (
        T.LIHAT,
        lambda c, k: c.get(reverse("pengangkat", args=[k.dunia.tim.pk]) + "?area=1"),
    ),
    "dasbor-pokja": (T.LIHAT, lambda c, k: c.get(reverse("dasbor-pokja", args=[k.pokja.pk]))),
    "kalender": (T.LIHAT, lambda c, k: c.get(reverse("kalender", args=[k.dunia.tim.pk]))),
    "tahapan-ubah": (
        T.KELOLA_TIM,
        lambda c, k: c.get(reverse("tahapan-ubah", args=[k.dunia.tim.pk, k.tahapan.pk])),
    ),
    "ajukan": (
        T.KELOLA_TIM,
        lambda c, k: c.get(reverse("ajukan", args=[k.dunia.tim.pk, k.tahapan.pk])),
    ),
    "pengajuan": (
        T.LIHAT,
        lambda c, k: c.get(reverse("pengajuan", args=[k.dunia.tim.pk, k.pengajuan.pk])),
    ),
    "log-pengingat": (
        T.KELOLA_TIM,
        lambda c, k: c.get(reverse("log-pengingat", args=[k.dunia.tim.pk])),
    ),
    "kirim-pengingat": (
        T.KELOLA_TIM,
        lambda c, k: c.post(reverse("kirim-pengingat", args=[k.dunia.tim.pk])),
    ),
    "ekspor": (
        T.EKSPOR,
        lambda c, k: c.get(reverse("ekspor", args=[k.dunia.tim.pk])),
        lambda c, k: c.post(
            reverse("ekspor", args=[k.dunia.tim.pk]), {"jenis": "xlsx", "sumber": "langsung"}
        ),
    ),
    "ekspor-status": (
        T.EKSPOR,
        lambda c, k: c.get(reverse("ekspor-status", args=[k.dunia.tim.pk, k.ekspor.pk])),
    ),
    "ekspor-unduh": (
        T.EKSPOR,
        lambda c, k: c.get(reverse("ekspor-unduh", args=[k.dunia.tim.pk, k.ekspor.pk])),
    ),
    "impor-lke": (T.KELOLA_TIM, lambda c, k: c.get(reverse("impor-lke", args=[k.dunia.tim.pk]))),
    "impor-lke-pratinjau": (
        T.KELOLA_TIM,
        lambda c, k: c.get(reverse("impor-lke-pratinjau", args=[k.dunia.tim.pk])),
    ),
    "impor-lke-terapkan": (
        T.KELOLA_TIM,
        lambda c, k: c.post(
            reverse("impor-lke-terapkan", args=[k.dunia.tim.pk]), {"sidik": "0" * 64}
        ),
    ),
    "impor-lke-batal": (
        T.KELOLA_TIM,
        lambda c, k: c.post(reverse("impor-lke-batal", args=[k.dunia.tim.pk])),
    ),
    "kop": (T.KELOLA_TIM, lambda c, k: c.get(reverse("kop", args=[k.dunia.tim.pk]))),
    "kop-logo": (T.LIHAT, lambda c, k: c.get(reverse("kop-logo", args=[k.tim_berlogo.pk]))),
    "soal-kartu": (T.LIHAT, lambda c, k: c.get(reverse("soal-kartu", args=k.a))),
    "soal-jawaban": (
        T.UBAH_JAWABAN,
        lambda c, k: c.post(
            reverse("soal-jawaban", args=k.a),
            {f"s{k.soal.pk}-versi": 0, f"s{k.soal.pk}-pilihan": "A"},
        ),
    ),
    "soal-hitung": (T.LIHAT, lambda c, k: c.post(reverse("soal-hitung", args=k.a), {})),
    "soal-unggah": (
        T.UBAH_JAWABAN,
        lambda c, k: _raw(c, reverse("soal-unggah", args=k.a), cb.pdf("baru")),
    ),
    "soal-versi": (
        T.UBAH_JAWABAN,
        lambda c, k: _raw(c, reverse("soal-versi", args=[*k.a, k.eviden.dokumen_id]), cb.pdf("v2")),
    ),
    "soal-tautan": (
        T.UBAH_JAWABAN,
        lambda c, k: c.post(reverse("soal-tautan", args=k.a), {"tautan": "https://contoh.go.id/b"}),
    ),
    "soal-lampirkan": (
        T.UBAH_JAWABAN,
        lambda c, k: c.get(reverse("soal-lampirkan", args=k.a)),
        lambda c, k: c.post(reverse("soal-lampirkan", args=k.a), {"dokumen": k.eviden.dokumen_id}),
    ),
    "soal-arsip": (
        T.UBAH_JAWABAN,
        lambda c, k: c.post(reverse("soal-arsip", args=[*k.a, k.eviden.pk]), {"aksi": "arsip"}),
    ),
    "soal-ajukan": (T.UBAH_JAWABAN, lambda c, k: c.post(reverse("soal-ajukan", args=k.a))),
    "soal-tarik": (T.UBAH_JAWABAN, lambda c, k: c.post(reverse("soal-tarik", args=k.a))),
    "soal-buka": (T.UBAH_JAWABAN, lambda c, k: c.post(reverse("soal-buka", args=k.a))),
    "soal-reviu": (
        T.REVIU,
        lambda c, k: c.post(reverse("soal-reviu", args=k.a), {"keputusan": "setujui"}),
    ),
    "soal-tugaskan": (T.TUGASKAN, lambda c, k: c.post(reverse("soal-tugaskan", args=k.a), {})),
    "soal-riwayat": (T.LIHAT, lambda c, k: c.get(reverse("soal-riwayat", args=k.a))),
    "unduh": (T.LIHAT, lambda c, k: c.get(reverse("unduh", args=[k.versi_id]))),
    # penilaian/api/urls.py: PortalRB (a Bearer token, never a session)
    "portalrb-unit-wbk": (TOKEN, _get("portalrb-unit-wbk")),
    "portalrb-unit-wbbm": (TOKEN, _get("portalrb-unit-wbbm")),
    "portalrb-jawaban-unit": (TOKEN, _get("portalrb-jawaban-unit", "KANKEMENAG-UJI")),
    "portalrb-tidak-ada": (TOKEN, _get("portalrb-tidak-ada", "lain")),
    "portalrb-openapi": (PUBLIK, _get("portalrb-openapi")),
    "portalrb-bukti": (TANDA, lambda c, k: c.get(reverse("portalrb-bukti", args=[k.tanda]))),
    "portalrb-berkas": (
        TANDA,
        lambda c, k: c.get(reverse("portalrb-berkas", args=[k.tanda, k.eviden_beku.versi_id])),
    ),
    # penilaian/usulan/urls.py: units proposed to PortalRB
    "usulan-tim": (
        T.KELOLA_TIM,
        lambda c, k: c.get(reverse("usulan-tim", args=[k.dunia.tim.pk])),
        lambda c, k: c.post(reverse("usulan-tim", args=[k.dunia.tim.pk]), {"afirmasi": "on"}),
    ),
    "usulan-tim-ubah": (
        T.KELOLA_TIM,
        lambda c, k: c.post(
            reverse("usulan-tim-ubah", args=[k.dunia.tim.pk, k.usulan.pk]), {"afirmasi": "on"}
        ),
    ),
    "usulan-tim-reviu": (
        T.KELOLA_TIM,
        lambda c, k: c.post(
            reverse("usulan-tim-reviu", args=[k.dunia.tim.pk, k.usulan.pk]),
            {"status": "Belum Review"},
        ),
    ),
    "usulan-tim-tarik": (
        T.KELOLA_TIM,
        lambda c, k: c.get(reverse("usulan-tim-tarik", args=[k.dunia.tim.pk, k.usulan.pk])),
        lambda c, k: c.post(
            reverse("usulan-tim-tarik", args=[k.dunia.tim.pk, k.usulan.pk]), {"konfirmasi": "ya"}
        ),
    ),
    "usulan-kanwil": (
        KANWIL_ADMIN,
        lambda c, k: c.get(reverse("usulan-kanwil", args=[k.kanwil])),
        lambda c, k: c.post(reverse("usulan-kanwil", args=[k.kanwil]), {"tim": k.dunia.tim.pk}),
    ),
    "usulan-kanwil-ubah": (
        KANWIL_ADMIN,
        lambda c, k: c.post(reverse("usulan-kanwil-ubah", args=[k.kanwil, k.usulan.pk]), {}),
    ),
    "usulan-kanwil-reviu": (
        KANWIL_ADMIN,
        lambda c, k: c.post(
            reverse("usulan-kanwil-reviu", args=[k.kanwil, k.usulan.pk]), {"status": "disetujui"}
        ),
    ),
    "usulan-kanwil-tarik": (
        KANWIL_ADMIN,
        lambda c, k: c.get(reverse("usulan-kanwil-tarik", args=[k.kanwil, k.usulan.pk])),
        lambda c, k: c.post(
            reverse("usulan-kanwil-tarik", args=[k.kanwil, k.usulan.pk]), {"konfirmasi": "ya"}
        ),
    ),
    # penilaian/kanwil/urls.py: oversight and assessor grants (revoking the grant whose
    # window has already ended changes nobody's access for the rows after it)
    "kanwil-pengawasan": (
        KANWIL,
        lambda c, k: c.get(reverse("kanwil-pengawasan", args=[k.kanwil])),
    ),
    "kanwil-penilai": (
        KANWIL_ADMIN,
        lambda c, k: c.get(reverse("kanwil-penilai", args=[k.kanwil])),
        lambda c, k: c.post(reverse("kanwil-penilai", args=[k.kanwil]), {}),
    ),
    "kanwil-penilai-cabut": (
        KANWIL_ADMIN,
        lambda c, k: c.get(reverse("kanwil-penilai-cabut", args=[k.kanwil, k.lewat])),
        lambda c, k: c.post(reverse("kanwil-penilai-cabut", args=[k.kanwil, k.lewat])),
    ),
    # penilaian/penilai/urls.py: the assessor workspace (publishing stays a GET here: a real
    # publication mid-table would lock the layer for the rows after it)
    "penilai-beranda": (MASUK, _get("penilai-beranda")),
    "penilai-ringkasan": (
        PENILAI,
        lambda c, k: c.get(reverse("penilai-ringkasan", args=[k.penugasan.pk])),
    ),
    "penilai-soal": (
        PENILAI,
        lambda c, k: c.get(reverse("penilai-soal", args=[k.penugasan.pk, k.soal.pk])),
    ),
    "penilai-simpan": (
        PENILAI,
        lambda c, k: c.post(
            reverse("penilai-simpan", args=[k.penugasan.pk, k.soal.pk]),
            {"versi": 0, "pilihan": "B", "catatan": "uji"},
        ),
    ),
    "penilai-eviden": (
        PENILAI,
        lambda c, k: c.get(reverse("penilai-eviden", args=[k.penugasan.pk, k.eviden_beku.pk])),
    ),
    "penilai-selisih": (
        PENILAI,
        lambda c, k: c.get(reverse("penilai-selisih", args=[k.penugasan.pk])),
    ),
    "penilai-putusan": (
        PENILAI,
        lambda c, k: c.post(
            reverse("penilai-putusan", args=[k.penugasan.pk]), {"kesimpulan": "MS", "alasan": "uji"}
        ),
    ),
    "penilai-publikasikan": (
        PENILAI,
        lambda c, k: c.get(reverse("penilai-publikasikan", args=[k.penugasan.pk])),
    ),
}


def permintaan(*syarat, nama=None):
    """``(label, requirement, builder)`` of the table rows whose requirement is in ``syarat``
    (any Tindakan when ``syarat`` is empty), in table order, restricted to ``nama`` if given."""
    for n, (s, *pembuat) in MATRIKS.items():
        cocok = s in syarat if syarat else s not in (PUBLIK, MASUK)
        if cocok and (nama is None or n in nama):
            for i, minta in enumerate(pembuat):
                yield (f"{n}#{i + 1}" if len(pembuat) > 1 else n), s, minta


def nama_url_proyek():
    """Every named URL of the project (``namespace:name``) outside ``DI_LUAR_MATRIKS``, and the
    routes of URL patterns without a name (which no table could cover)."""
    nama, tanpa_nama = set(), []

    def jalan(pola_pola, ns, awalan):
        for p in pola_pola:
            if isinstance(p, URLResolver):
                if p.namespace not in DI_LUAR_MATRIKS:
                    ns_baru = f"{ns}{p.namespace}:" if p.namespace else ns
                    jalan(p.url_patterns, ns_baru, awalan + str(p.pattern))
            elif p.name is None:
                tanpa_nama.append(awalan + str(p.pattern))
            elif ns + p.name not in DI_LUAR_MATRIKS:
                nama.add(ns + p.name)

    jalan(get_resolver().url_patterns, "", "/")
    return nama, tanpa_nama


def _siapkan(dunia, area):
    """A soal of Pokja ``area`` with one linked evidence, as its own member would leave it."""
    lembar = dunia.tim.lembar_kerja
    s = Soal.objects.filter(instrumen=lembar.instrumen, area_pokja=area, jenis="abc").first()
    anggota = dunia.user["anggota1" if area == 1 else "anggota2"]
    services.tambah_tautan(lembar=lembar, soal=s, user=anggota, tautan="https://contoh.go.id/a")
    eviden = Eviden.objects.get(soal=s)
    return s, eviden


def _harap(persona, akses, tindakan, pokja):
    """404 for outsiders, 403 without the right, ``None`` (anything but 403/404) otherwise;
    401 for the token API from any session; the level above by ``DIIZINKAN``."""
    if tindakan == TOKEN:
        return 401
    if tindakan == TANDA:
        return None
    if tindakan in ATAS:
        return None if persona in DIIZINKAN[tindakan] else 404
    if persona == "luar" or not akses.anggota:
        return 404
    if not akses.boleh(tindakan, pokja):
        return 403
    return None


def _meleset(status, harap):
    return status != harap if harap is not None else status in (403, 404)


def _ke_masuk(r):
    """The ``login_required`` redirect: to the login page, with ``?next=``."""
    return r.status_code == 302 and r.url.startswith(reverse("masuk") + "?next=")


def test_every_url_has_a_matrix_entry():
    nama, tanpa_nama = nama_url_proyek()
    tanpa_entri = sorted(nama - MATRIKS.keys())
    usang = sorted(MATRIKS.keys() - nama)
    assert (tanpa_entri, usang, tanpa_nama) == ([], [], []), (
        f"URL names without a MATRIKS entry: {tanpa_entri}; "
        f"MATRIKS entries for URL names that no longer exist: {usang}; "
        f"URL patterns without a name: {tanpa_nama}"
    )


def _kasus(client, atas, area, persona):
    """Prepare a soal of Pokja ``area`` with an uploaded version and return the ``Kasus``."""
    dunia = atas.dunia
    s, eviden = _siapkan(dunia, area)
    client.force_login(dunia.user["anggota1" if area == 1 else "anggota2"])
    assert (
        _raw(client, reverse("soal-unggah", args=[dunia.lembar.pk, s.pk]), cb.pdf()).status_code
        == 200
    )
    versi = VersiDokumen.objects.exclude(kunci="").get().pk
    return Kasus(dunia, s, eviden, versi, atas=atas, persona=persona)


def _periksa(client, kasus, user):
    akses = akses_untuk(user, kasus.dunia.tim)
    client.force_login(user)
    hasil = {}
    for label, tindakan, minta in permintaan():
        harap = _harap(kasus.persona, akses, tindakan, kasus.pokja)
        hasil[label] = (minta(client, kasus).status_code, harap)
    return {n: v for n, v in hasil.items() if _meleset(*v)}


@pytest.mark.parametrize("area", [1, 2])
@pytest.mark.parametrize("persona", [*PERSONA, "luar"])
def test_matrix(client, atas, persona, area):
    kasus = _kasus(client, atas, area, persona)
    assert _periksa(client, kasus, atas.dunia.user[persona]) == {}


@pytest.mark.parametrize("persona", PERSONA_ATAS)
def test_matrix_of_the_level_above(client, atas, persona):
    """Kanwil admins, assessors in and out of their window or satker, the superuser: every
    URL of the project. A Kanwil admin reads the teams below read-only (pengawas); an
    assessor is an outsider to the live team and sees only their own grant's submission."""
    kasus = _kasus(client, atas, 1, persona)
    assert _periksa(client, kasus, atas.user[persona]) == {}


@pytest.mark.parametrize("persona", [*PERSONA, "luar"])
def test_matrix_of_the_komponen_hasil_soal(client, dunia, persona):
    """Hasil soal: every member reads them; only ketua and sekretaris tim answer, submit,
    review and assign them; outsiders get 404."""
    lembar = dunia.lembar
    s = Soal.objects.filter(instrumen=lembar.instrumen, area_pokja__isnull=True, jenis="abcde")
    kasus = Kasus(dunia, s.get())
    nama = {
        "tim-hasil",
        "soal-kartu",
        "soal-jawaban",
        "soal-unggah",
        "soal-ajukan",
        "soal-reviu",
        "soal-tugaskan",
    }
    user = dunia.user[persona]
    akses = akses_untuk(user, dunia.tim)
    client.force_login(user)
    salah = {}
    for label, tindakan, minta in permintaan(nama=nama):
        status, harap = minta(client, kasus).status_code, _harap(persona, akses, tindakan, HASIL)
        if _meleset(status, harap):
            salah[label] = (status, harap)
    assert salah == {}
    boleh_ubah = akses.boleh(T.UBAH_JAWABAN, HASIL)
    assert boleh_ubah == (persona in ("ketua", "sekretaris"))


def test_anonymous_users_are_sent_to_login(client, atas):
    """Every page needing an account sends anonymous visitors to the login page; the token
    API answers 401 in its own JSON shape; signed links open for whoever holds them."""
    s, eviden = _siapkan(atas.dunia, 1)
    kasus = Kasus(atas.dunia, s, eviden, atas=atas, persona="anonim")
    for label, syarat, minta in [*permintaan(), *permintaan(MASUK)]:
        r = minta(client, kasus)
        if syarat == TOKEN:
            assert r.status_code == 401 and r.json()["error"] is True, label
        elif syarat == TANDA:
            assert r.status_code < 400, (label, r.status_code)
        else:
            assert _ke_masuk(r), label


def test_public_urls_open_to_anonymous_visitors(client, dunia):
    s, eviden = _siapkan(dunia, 1)
    kasus = Kasus(dunia, s, eviden)
    for label, _s, minta in permintaan(PUBLIK):
        r = minta(client, kasus)
        if r.request["REQUEST_METHOD"] == "GET":
            assert r.status_code == 200, (label, r.status_code)
        else:
            assert r.status_code < 400 and not _ke_masuk(r), (label, r.status_code)


@pytest.mark.parametrize("persona", [*PERSONA, "luar", *PERSONA_ATAS])
def test_pages_for_any_logged_in_user_open_for_every_persona(client, atas, persona):
    """Notifications, my tasks, the review queue, home, the assessor's list of grants…: open
    to every member, the outsider and the level above (each sees only their own); a page
    answers 200, an action does not refuse."""
    dunia = atas.dunia
    s, eviden = _siapkan(dunia, 1)
    kasus = Kasus(dunia, s, eviden, atas=atas, persona=persona)
    client.force_login({**dunia.user, **atas.user}[persona])
    for label, _s, minta in permintaan(MASUK):
        r = minta(client, kasus)
        if r.request["REQUEST_METHOD"] == "GET":
            assert r.status_code == 200, (label, r.status_code)
        else:
            assert r.status_code < 400 and not _ke_masuk(r), (label, r.status_code)


def test_members_cannot_write_to_another_pokja(client, dunia):
    s, eviden = _siapkan(dunia, 2)
    client.force_login(dunia.user["anggota1"])
    assert (
        client.post(
            reverse("soal-jawaban", args=[dunia.lembar.pk, s.pk]), {f"s{s.pk}-versi": 0}
        ).status_code
        == 403
    )
    assert (
        _raw(client, reverse("soal-unggah", args=[dunia.lembar.pk, s.pk]), cb.pdf()).status_code
        == 403
    )
    assert (
        client.post(reverse("soal-arsip", args=[dunia.lembar.pk, s.pk, eviden.pk])).status_code
        == 403
    )
    # The soal's own area decides whose rights apply: another team's worksheet id in the URL
    # (the same instrument, so the soal id is valid there) is 404 for a non-member.
    luar = dunia.tim_luar.lembar_kerja.pk
    r = client.post(reverse("soal-jawaban", args=[luar, s.pk]), {f"s{s.pk}-versi": 0})
    assert r.status_code == 404
    assert not VersiDokumen.objects.exclude(kunci="").exists()


def test_outsiders_get_404_for_guessed_ids_through_their_own_team(client, dunia):
    s, eviden = _siapkan(dunia, 1)
    luar = dunia.user["luar"]
    client.force_login(dunia.user["anggota1"])
    _raw(client, reverse("soal-unggah", args=[dunia.lembar.pk, s.pk]), cb.pdf())
    versi = VersiDokumen.objects.exclude(kunci="").get()
    client.force_login(luar)
    s_own = s.pk  # same instrument, so the soal id is valid in their own team
    assert (
        client.post(
            reverse("soal-arsip", args=[dunia.tim_luar.lembar_kerja.pk, s_own, eviden.pk])
        ).status_code
        == 404
    )
    r = _raw(
        client,
        reverse("soal-versi", args=[dunia.tim_luar.lembar_kerja.pk, s_own, eviden.dokumen_id]),
        cb.pdf("x"),
    )
    assert r.status_code == 404
    r = client.post(
        reverse("soal-lampirkan", args=[dunia.tim_luar.lembar_kerja.pk, s_own]),
        {"dokumen": eviden.dokumen_id},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 422
    assert client.get(reverse("unduh", args=[versi.pk])).status_code == 404
    assert Eviden.objects.filter(lembar=dunia.tim_luar.lembar_kerja).count() == 0
    assert Dokumen.objects.filter(lembar=dunia.tim_luar.lembar_kerja).count() == 0
