"""Permission matrix: every URL of the evidence work × every role of DESIGN.md §3 × outsider.

Expected outcome comes from the single permission module (``pokja.akses``): outsiders get
404 everywhere (including guessed ids), insiders without the right 403, everyone else any
other answer (success or a validation message).
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from eviden import services
from eviden.models import Dokumen, Eviden, Soal, VersiDokumen
from pokja.akses import Tindakan, akses_untuk

from . import contoh_berkas as cb
from .conftest import PERSONA

pytestmark = pytest.mark.django_db

T = Tindakan


def _siapkan(dunia, area):
    """A soal of Pokja ``area`` with one uploaded PDF, as its own member would leave it."""
    lembar = dunia.tim.lembar_kerja
    s = Soal.objects.filter(instrumen=lembar.instrumen, area_pokja=area, jenis="abc").first()
    anggota = dunia.user["anggota1" if area == 1 else "anggota2"]
    services.tambah_tautan(lembar=lembar, soal=s, user=anggota, tautan="https://contoh.go.id/a")
    eviden = Eviden.objects.get(soal=s)
    return s, eviden


def _raw(client, url, isi):
    return client.post(
        url,
        data=isi,
        content_type="application/octet-stream",
        CONTENT_TYPE="application/octet-stream",
        HTTP_X_NAMA_BERKAS=quote("uji.pdf"),
    )


def _permintaan(dunia, area, s, eviden, versi_id):
    p = dunia.pokja(area).pk
    a = [dunia.lembar.pk, s.pk]
    d = eviden.dokumen_id
    return [
        ("workspace", T.LIHAT, lambda c: c.get(reverse("pokja-soal", args=[p]))),
        ("card", T.LIHAT, lambda c: c.get(reverse("soal-kartu", args=a))),
        (
            "answer",
            T.UBAH_JAWABAN,
            lambda c: c.post(
                reverse("soal-jawaban", args=a), {f"s{s.pk}-versi": 0, f"s{s.pk}-pilihan": "A"}
            ),
        ),
        ("live %", T.LIHAT, lambda c: c.post(reverse("soal-hitung", args=a), {})),
        (
            "upload",
            T.UBAH_JAWABAN,
            lambda c: _raw(c, reverse("soal-unggah", args=a), cb.pdf("baru")),
        ),
        (
            "new version",
            T.UBAH_JAWABAN,
            lambda c: _raw(c, reverse("soal-versi", args=[*a, d]), cb.pdf("v2")),
        ),
        (
            "link",
            T.UBAH_JAWABAN,
            lambda c: c.post(reverse("soal-tautan", args=a), {"tautan": "https://contoh.go.id/b"}),
        ),
        ("reuse list", T.UBAH_JAWABAN, lambda c: c.get(reverse("soal-lampirkan", args=a))),
        (
            "reuse",
            T.UBAH_JAWABAN,
            lambda c: c.post(reverse("soal-lampirkan", args=a), {"dokumen": d}),
        ),
        (
            "archive",
            T.UBAH_JAWABAN,
            lambda c: c.post(reverse("soal-arsip", args=[*a, eviden.pk]), {"aksi": "arsip"}),
        ),
        ("submit", T.UBAH_JAWABAN, lambda c: c.post(reverse("soal-ajukan", args=a))),
        ("withdraw", T.UBAH_JAWABAN, lambda c: c.post(reverse("soal-tarik", args=a))),
        ("reopen", T.UBAH_JAWABAN, lambda c: c.post(reverse("soal-buka", args=a))),
        (
            "review",
            T.REVIU,
            lambda c: c.post(reverse("soal-reviu", args=a), {"keputusan": "setujui"}),
        ),
        ("assign", T.TUGASKAN, lambda c: c.post(reverse("soal-tugaskan", args=a), {})),
        ("history", T.LIHAT, lambda c: c.get(reverse("soal-riwayat", args=a))),
        ("download", T.LIHAT, lambda c: c.get(reverse("unduh", args=[versi_id]))),
    ]


@pytest.mark.parametrize("area", [1, 2])
@pytest.mark.parametrize("persona", [*PERSONA, "luar"])
def test_matrix(client, dunia, persona, area):
    s, eviden = _siapkan(dunia, area)
    client.force_login(dunia.user["anggota1" if area == 1 else "anggota2"])
    assert (
        _raw(client, reverse("soal-unggah", args=[dunia.lembar.pk, s.pk]), cb.pdf()).status_code
        == 200
    )
    versi_id = VersiDokumen.objects.exclude(kunci="").get().pk
    user = dunia.user[persona]
    akses = akses_untuk(user, dunia.tim)
    pokja = dunia.pokja(area)
    client.force_login(user)
    hasil = {}
    for nama, tindakan, minta in _permintaan(dunia, area, s, eviden, versi_id):
        status = minta(client).status_code
        if persona == "luar":
            harap = 404
        elif not akses.boleh(tindakan, pokja):
            harap = 403
        else:
            harap = None
        hasil[nama] = (status, harap)
    salah = {
        n: v
        for n, v in hasil.items()
        if (v[1] is not None and v[0] != v[1]) or (v[1] is None and v[0] in (403, 404))
    }
    assert salah == {}, salah


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


def test_anonymous_users_are_sent_to_login(client, dunia):
    s, eviden = _siapkan(dunia, 1)
    for nama, _t, minta in _permintaan(dunia, 1, s, eviden, 1):
        r = minta(client)
        assert r.status_code == 302 and r.url.startswith(reverse("masuk")), nama
    urls = (reverse("tugas-saya"), reverse("notifikasi"), reverse("antrean-reviu"))
    for url in (*urls, reverse("tim-hasil", args=[dunia.tim.pk])):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("persona", [*PERSONA, "luar"])
def test_matrix_of_the_komponen_hasil_soal(client, dunia, persona):
    """Hasil soal: every member reads them; only ketua and sekretaris tim answer, submit,
    review and assign them; outsiders get 404."""
    from pokja.akses import HASIL

    lembar = dunia.lembar
    s = Soal.objects.filter(instrumen=lembar.instrumen, area_pokja__isnull=True, jenis="abcde")
    s = s.get()
    a = [lembar.pk, s.pk]
    permintaan = [
        ("page", T.LIHAT, lambda c: c.get(reverse("tim-hasil", args=[dunia.tim.pk]))),
        ("card", T.LIHAT, lambda c: c.get(reverse("soal-kartu", args=a))),
        (
            "answer",
            T.UBAH_JAWABAN,
            lambda c: c.post(
                reverse("soal-jawaban", args=a), {f"s{s.pk}-versi": 0, f"s{s.pk}-pilihan": "A"}
            ),
        ),
        ("upload", T.UBAH_JAWABAN, lambda c: _raw(c, reverse("soal-unggah", args=a), cb.pdf())),
        ("submit", T.UBAH_JAWABAN, lambda c: c.post(reverse("soal-ajukan", args=a))),
        ("review", T.REVIU, lambda c: c.post(reverse("soal-reviu", args=a), {})),
        ("assign", T.TUGASKAN, lambda c: c.post(reverse("soal-tugaskan", args=a), {})),
    ]
    user = dunia.user[persona]
    akses = akses_untuk(user, dunia.tim)
    client.force_login(user)
    salah = {}
    for nama, tindakan, minta in permintaan:
        status = minta(client).status_code
        if persona == "luar":
            harap = 404
        elif not akses.boleh(tindakan, HASIL):
            harap = 403
        else:
            harap = None
        if (harap is not None and status != harap) or (harap is None and status in (403, 404)):
            salah[nama] = (status, harap)
    assert salah == {}
    boleh_ubah = akses.boleh(T.UBAH_JAWABAN, HASIL)
    assert boleh_ubah == (persona in ("ketua", "sekretaris"))


@pytest.mark.parametrize("persona", [*PERSONA, "luar"])
def test_queue_and_my_tasks_open_for_every_member_and_show_only_their_own(client, dunia, persona):
    client.force_login(dunia.user[persona])
    assert client.get(reverse("antrean-reviu")).status_code == 200
    assert client.get(reverse("tugas-saya")).status_code == 200
