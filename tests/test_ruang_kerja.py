"""The Pokja workspace: answers by type, concurrent edits, the review loop, assignments,
"Tugas saya", audit history and bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from eviden import services
from eviden.berkas import BerkasMasuk
from eviden.models import Butir, Dokumen, Eviden, Jawaban, Soal, StatusButir, VersiDokumen
from pokja.models import Notifikasi
from zi_portal.format import tanggal

from . import contoh_berkas as cb
from .lembar_penuh import isi_penuh
from .test_unggah import teks, unggah

pytestmark = pytest.mark.django_db


def soal(dunia, kode):
    return Soal.objects.get(instrumen=dunia.tim.lembar_kerja.instrumen, kode=kode)


def jawab(client, dunia, s, area=1, **data):
    url = reverse("soal-jawaban", args=[dunia.lembar.pk, s.pk])
    return client.post(url, {f"s{s.pk}-{k}": v for k, v in data.items()}, HTTP_HX_REQUEST="true")


def kartu_url(dunia, s):
    return reverse("soal-kartu", args=[dunia.lembar.pk, s.pk])


def aksi(client, dunia, s, nama, data=None):
    return client.post(
        reverse(f"soal-{nama}", args=[dunia.lembar.pk, s.pk]), data or {}, HTTP_HX_REQUEST="true"
    )


def siap_diajukan(client, dunia, s, area=1):
    """Answer the soal and upload one PDF, as its member would before submitting."""
    jawab(client, dunia, s, area=area, versi=0, pilihan=s.opsi[0]["kode"], penjelasan="ada")
    unggah(client, dunia, s, f"{s.kode}.pdf", cb.pdf(s.kode), area=area)


def test_table_row_and_soal_page_show_the_work(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, s, "SK Tim ZI.pdf", cb.pdf())
    jawab(client, dunia, s, versi=0, pilihan="Ya", penjelasan="SK nomor 12 tahun 2026")
    html = client.get(reverse("pokja-soal", args=[dunia.pokja(1).pk])).content.decode()
    assert html.count("data-soal=") == 16
    baris = html[html.index('data-soal="A.I.1.i.1"') :]
    baris = baris[: baris.index("</tr>")]
    assert "data-jawaban>Ya<" in baris and "data-jumlah-eviden>1<" in baris
    assert 'data-tanda="tanpa-eviden"' not in baris
    assert "Belum ada eviden: 15" in html and "Belum dijawab: 15" in html  # summary counts
    # The soal's page: criteria, guidance, the file, and the forms for its member.
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert "SK Tim Kerja Pembangunan ZI menuju WBK/WBBM" in html  # guidance
    assert "SK Tim ZI.pdf" in html and "data-unduh" in html
    assert "Simpan jawaban" in html and "Pilih berkas" in html
    # Read-only roles see answers but no forms.
    client.force_login(dunia.user["kepala"])
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert "SK nomor 12 tahun 2026" in html
    assert "Simpan jawaban" not in html and "Pilih berkas" not in html
    assert "Ajukan untuk reviu" not in html


def test_table_search_sort_and_empty_subareas(client, dunia):
    client.force_login(dunia.user["anggota1"])
    url = reverse("pokja-soal", args=[dunia.pokja(1).pk])
    html = client.get(url + "?q=TERINTEGRASI+dalam+sistem").content.decode()
    assert html.count("data-soal=") == 1 and 'data-soal="A.II.1.i.6"' in html
    assert html.count('class="table-light"') == 1  # only the sub-area that has rows
    assert "Menampilkan 1 dari 16 soal." in html
    # The search also reads the evidence guidance of each soal.
    html = client.get(url + "?q=Kertas+kerja+penentuan").content.decode()
    assert html.count("data-soal=") == 1 and 'data-soal="A.I.1.i.2"' in html
    s = soal(dunia, "A.I.1.ii.2")
    unggah(client, dunia, s, "a.pdf", cb.pdf("a"))
    unggah(client, dunia, s, "b.pdf", cb.pdf("b"))
    html = client.get(url + "?urut=-eviden").content.decode()
    pertama = html.index("data-soal=")
    assert html[pertama:].startswith('data-soal="A.I.1.ii.2"')
    assert 'class="table-light"' not in html  # sorted flat, without headings
    assert client.get(url + "?urut=tidak-ada").status_code == 200


def test_answer_forms_fit_the_answer_type(client, dunia):
    client.force_login(dunia.user["anggota1"])
    abc = soal(dunia, "A.I.1.i.2")
    r = jawab(client, dunia, abc, versi=0, pilihan="B", penjelasan="sebagian")
    assert r.status_code == 200 and "Jawaban tersimpan." in r.content.decode()
    assert Jawaban.objects.get(soal=abc).pilihan == "B"
    r = jawab(client, dunia, abc, versi=1, pilihan="Z")
    assert r.status_code == 422 and "Jawaban belum tersimpan" in r.content.decode()
    assert Jawaban.objects.get(soal=abc).pilihan == "B"  # nothing lost on bad input
    # A % soal: Jumlah inputs saved with it, the value computed by its formula.
    persen = soal(dunia, "A.II.1.i.3")  # perubahan / agen
    masukan = {m.nama: m.masukan for m in persen.daftar_masukan.select_related("masukan")}
    data = {
        "versi": 0,
        f"masukan_{masukan['agen'].pk}": "8",
        f"masukan_{masukan['perubahan'].pk}": "6",
        "penjelasan": "1 agen 1 perubahan",
    }
    r = jawab(client, dunia, persen, **data)
    assert r.status_code == 200
    assert "75,00 %" in r.content.decode()
    assert Jawaban.objects.get(soal=masukan["agen"]).angka == 8
    data[f"masukan_{masukan['agen'].pk}"] = "-1"
    data["versi"] = 1
    r = jawab(client, dunia, persen, **data)
    assert r.status_code == 422
    assert Jawaban.objects.get(soal=masukan["agen"]).angka == 8
    # Live preview while typing, nothing saved.
    url = reverse("soal-hitung", args=[dunia.lembar.pk, persen.pk])
    r = client.post(
        url,
        {
            f"s{persen.pk}-masukan_{masukan['agen'].pk}": "4",
            f"s{persen.pk}-masukan_{masukan['perubahan'].pk}": "1",
        },
    )
    assert "25,00 %" in r.content.decode()
    assert Jawaban.objects.get(soal=masukan["agen"]).angka == 8


def test_survey_score_is_0_to_4(client, dunia, django_user_model):
    # Hasil soal belong to no Pokja: the service still validates by type through the form.
    from eviden.forms import JawabanForm

    s = Soal.objects.get(instrumen=dunia.tim.lembar_kerja.instrumen, nomor_bank=125)
    s.daftar_input = []
    assert JawabanForm({"x-versi": 0, "x-angka": "3,6"}, soal=s, prefix="x").is_valid()
    f = JawabanForm({"x-versi": 0, "x-angka": "4,5"}, soal=s, prefix="x")
    assert not f.is_valid() and "angka" in f.errors


def test_second_save_of_the_same_answer_is_refused_and_both_versions_shown(client, dunia):
    s = soal(dunia, "A.I.1.i.2")
    a, b = dunia.user["anggota1"], dunia.user["koordinator1"]
    client.force_login(a)
    jawab(client, dunia, s, versi=0, pilihan="A", penjelasan="awal")
    # Both open the form at version 1; b saves first, then a.
    client.force_login(b)
    assert (
        jawab(client, dunia, s, versi=1, pilihan="B", penjelasan="versi koordinator").status_code
        == 200
    )
    client.force_login(a)
    r = jawab(client, dunia, s, versi=1, pilihan="C", penjelasan="versi anggota")
    html = r.content.decode()
    assert r.status_code == 409
    assert "Jawaban Anda BELUM disimpan" in html
    assert "versi koordinator" in html and "versi anggota" in html  # both visible
    j = Jawaban.objects.get(soal=s)
    assert (j.pilihan, j.penjelasan, j.versi) == ("B", "versi koordinator", 2)
    # A deliberate re-save from the conflict form (now at version 2) goes through.
    assert (
        jawab(client, dunia, s, versi=2, pilihan="C", penjelasan="versi anggota").status_code == 200
    )
    assert Jawaban.history.filter(soal=s).count() == 3  # nothing silently lost


def test_two_first_saves_at_once_do_not_overwrite(dunia):
    s = soal(dunia, "A.I.1.i.1")
    lembar = dunia.tim.lembar_kerja
    services.simpan_jawaban(
        lembar=lembar, soal=s, user=dunia.user["anggota1"], versi=0, pilihan="Ya"
    )
    with pytest.raises(services.KonflikJawaban) as exc:
        services.simpan_jawaban(
            lembar=lembar, soal=s, user=dunia.user["koordinator1"], versi=0, pilihan="Tidak"
        )
    assert exc.value.tersimpan.pilihan == "Ya"


def test_review_loop_with_note_new_version_and_notifications(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    r = aksi(client, dunia, s, "ajukan")
    assert r.status_code == 422
    assert "Jawab soal ini dulu." in r.content.decode()
    assert "Unggah atau lampirkan minimal satu eviden." in r.content.decode()
    siap_diajukan(client, dunia, s)
    assert aksi(client, dunia, s, "ajukan").status_code == 200
    assert Butir.objects.get(soal=s).status == StatusButir.DIAJUKAN
    # Every reviewer of Pokja I is told: its koordinator, the ketua and sekretaris tim.
    diberi_tahu = set(
        Notifikasi.objects.filter(teks__contains="menunggu reviu Anda").values_list(
            "user__username", flat=True
        )
    )
    assert diberi_tahu == {"koordinator1", "ketua", "sekretaris"}

    client.force_login(dunia.user["koordinator1"])
    r = aksi(client, dunia, s, "reviu", {"keputusan": "kembalikan", "catatan": ""})
    assert r.status_code == 422 and "Tulis catatan perbaikan" in r.content.decode()
    r = aksi(client, dunia, s, "reviu", {"keputusan": "kembalikan", "catatan": "SK belum ttd"})
    assert "SK belum ttd" in r.content.decode()
    notif = Notifikasi.objects.get(user=dunia.user["anggota1"])
    assert "perlu perbaikan: SK belum ttd" in notif.teks
    assert notif.tautan == kartu_url(dunia, s)

    # The note stays visible until the soal is resubmitted.
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, s, "sk-ttd.pdf", cb.pdf("ditandatangani"), dokumen=Dokumen.objects.get())
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert "SK belum ttd" in html and "Ajukan ulang untuk reviu" in html
    Notifikasi.objects.all().delete()
    aksi(client, dunia, s, "ajukan")
    assert "data-catatan-reviu" not in client.get(kartu_url(dunia, s)).content.decode()
    ulang = Notifikasi.objects.filter(user=dunia.user["koordinator1"]).get()
    assert "diajukan ulang" in ulang.teks  # resubmission tells the reviewer too

    client.force_login(dunia.user["koordinator1"])
    aksi(client, dunia, s, "reviu", {"keputusan": "setujui"})
    assert Butir.objects.get(soal=s).status == StatusButir.DISETUJUI
    assert Notifikasi.objects.filter(
        user=dunia.user["anggota1"], teks__contains="disetujui"
    ).exists()
    # Reviewing again without a new submission is refused.
    r = aksi(client, dunia, s, "reviu", {"keputusan": "setujui"})
    assert r.status_code == 422 and "Hanya soal yang sedang diajukan" in r.content.decode()

    client.force_login(dunia.user["anggota1"])
    html = client.get(reverse("notifikasi")).content.decode()
    assert html.count("data-notif>") == 1
    client.post(reverse("notifikasi-dibaca"))
    assert not Notifikasi.objects.filter(user=dunia.user["anggota1"], dibaca_pada=None).exists()


def test_submission_needs_every_jumlah_input_of_a_percent_soal(client, dunia):
    persen = soal(dunia, "A.II.1.i.3")
    masukan = {m.nama: m.masukan for m in persen.daftar_masukan.select_related("masukan")}
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, persen, "notulen.pdf", cb.pdf())
    jawab(client, dunia, persen, versi=0, **{f"masukan_{masukan['agen'].pk}": "8"})
    r = aksi(client, dunia, persen, "ajukan")
    assert r.status_code == 422
    assert "yang masih kosong: Jumlah Perubahan yang dibuat" in r.content.decode()
    html = client.get(kartu_url(dunia, persen)).content.decode()
    assert "data-kendala" in html and "disabled" in html  # the button says why beforehand
    isian = {f"masukan_{masukan['agen'].pk}": "8", f"masukan_{masukan['perubahan'].pk}": "6"}
    jawab(client, dunia, persen, versi=1, **isian)
    assert aksi(client, dunia, persen, "ajukan").status_code == 200


def test_locked_while_submitted_withdraw_then_change(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    siap_diajukan(client, dunia, s)
    aksi(client, dunia, s, "ajukan")
    # Answer, new files, links, reuse and archive are refused while it waits for review.
    r = jawab(client, dunia, s, versi=1, pilihan="Tidak")
    assert r.status_code == 409 and "sedang menunggu reviu" in r.content.decode()
    r = unggah(client, dunia, s, "lain.pdf", cb.pdf("lain"))
    assert r.status_code == 409 and "Tarik kembali" in teks(r)
    r = aksi(client, dunia, s, "tautan", {"tautan": "https://contoh.go.id/x"})
    assert r.status_code == 409
    r = aksi(client, dunia, s, "ajukan")
    assert r.status_code == 422 and "sudah diajukan" in r.content.decode()
    eviden = Eviden.objects.get(soal=s)
    r = client.post(
        reverse("soal-arsip", args=[dunia.lembar.pk, s.pk, eviden.pk]),
        {"aksi": "arsip"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 409
    assert (Jawaban.objects.get(soal=s).pilihan, Eviden.objects.filter(soal=s).count()) == ("Ya", 1)
    assert not Eviden.objects.get(soal=s).diarsipkan
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert "Simpan jawaban" not in html and "data-unggah-terkunci" in html
    # Withdraw: Draf again, editable.
    r = aksi(client, dunia, s, "tarik")
    assert r.status_code == 200 and Butir.objects.get(soal=s).status == StatusButir.DRAF
    assert jawab(client, dunia, s, versi=1, pilihan="Tidak").status_code == 200
    r = aksi(client, dunia, s, "tarik")
    assert r.status_code == 422 and "Hanya soal yang sedang menunggu reviu" in r.content.decode()


def test_approved_is_locked_until_reopened_which_tells_the_reviewer(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    siap_diajukan(client, dunia, s)
    aksi(client, dunia, s, "ajukan")
    client.force_login(dunia.user["koordinator1"])
    aksi(client, dunia, s, "reviu", {"keputusan": "setujui"})
    client.force_login(dunia.user["anggota1"])
    # A later upload is refused (not a silent drop back to Draf) and asks to reopen.
    r = unggah(client, dunia, s, "tambahan.pdf", cb.pdf("tambahan"))
    assert r.status_code == 409 and "Buka kembali" in teks(r)
    assert Butir.objects.get(soal=s).status == StatusButir.DISETUJUI
    assert VersiDokumen.objects.count() == 1
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert "Buka kembali untuk diubah" in html and 'name="yakin"' in html
    assert "harus diajukan dan direviu ulang" in html  # the confirmation names the consequence
    # Without the confirmation nothing changes, with or without JavaScript.
    r = aksi(client, dunia, s, "buka")
    assert r.status_code == 422 and "Centang pernyataan" in r.content.decode()
    assert Butir.objects.get(soal=s).status == StatusButir.DISETUJUI
    Notifikasi.objects.all().delete()
    r = aksi(client, dunia, s, "buka", {"yakin": "1"})
    assert r.status_code == 200 and Butir.objects.get(soal=s).status == StatusButir.DRAF
    assert set(Notifikasi.objects.values_list("user__username", flat=True)) == {
        "koordinator1",
        "ketua",
        "sekretaris",
    }
    assert "dibuka kembali" in Notifikasi.objects.first().teks
    assert unggah(client, dunia, s, "tambahan.pdf", cb.pdf("tambahan")).status_code == 200
    r = aksi(client, dunia, s, "buka", {"yakin": "1"})  # only an approved soal reopens
    assert r.status_code == 422 and "Hanya soal yang sudah disetujui" in r.content.decode()


def test_a_shared_document_cannot_change_under_an_approved_soal(client, dunia):
    s1, s2 = soal(dunia, "A.I.1.i.1"), soal(dunia, "A.I.1.i.2")
    client.force_login(dunia.user["anggota1"])
    siap_diajukan(client, dunia, s1)
    dokumen = Dokumen.objects.get()
    aksi(client, dunia, s2, "lampirkan", {"dokumen": dokumen.pk})
    aksi(client, dunia, s1, "ajukan")
    r = unggah(client, dunia, s2, "v2.pdf", cb.pdf("v2"), dokumen=dokumen)
    assert r.status_code == 409 and "A.I.1.i.1" in teks(r)
    assert dokumen.versi.count() == 1


def test_assignments_and_my_tasks_overdue_first(client, dunia):
    pokja = dunia.pokja(1)
    a1 = dunia.user["anggota1"]
    client.force_login(dunia.user["koordinator1"])
    hari_ini = timezone.localdate()
    rencana = {
        "A.I.1.i.1": hari_ini + datetime.timedelta(days=10),
        "A.I.1.i.2": hari_ini - datetime.timedelta(days=3),  # overdue
        "A.I.1.ii.1": None,
        "A.I.1.ii.2": hari_ini + datetime.timedelta(days=2),
    }
    for kode, tenggat in rencana.items():
        s = soal(dunia, kode)
        if tenggat and tenggat < hari_ini:  # already overdue: set as it was long ago
            Butir.objects.create(
                lembar=dunia.lembar, soal=s, tenggat=tenggat, ditugaskan_ke=dunia.user["luar"]
            )
        url = reverse("soal-tugaskan", args=[dunia.lembar.pk, s.pk])
        r = client.post(
            url,
            {
                f"t{s.pk}-ditugaskan_ke": a1.pk,
                f"t{s.pk}-tenggat": tenggat.isoformat() if tenggat else "",
            },
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 200 and "Penugasan tersimpan." in r.content.decode()
    # Only members of this Pokja can be assigned.
    s = soal(dunia, "A.I.1.iii.1")
    for orang in (dunia.user["anggota2"], dunia.user["luar"]):
        r = client.post(
            reverse("soal-tugaskan", args=[dunia.lembar.pk, s.pk]),
            {f"t{s.pk}-ditugaskan_ke": orang.pk},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 422
    assert Notifikasi.objects.filter(user=a1, teks__startswith="Anda ditugaskan").count() == 4
    tgl = hari_ini + datetime.timedelta(days=2)
    assert Notifikasi.objects.filter(teks__contains=f"paling lambat {tanggal(tgl)}.").exists()
    # A new due date in the past is refused with the date in words; the existing one is kept.
    s = soal(dunia, "A.I.1.ii.2")
    kemarin = hari_ini - datetime.timedelta(days=1)
    r = client.post(
        reverse("soal-tugaskan", args=[dunia.lembar.pk, s.pk]),
        {f"t{s.pk}-ditugaskan_ke": a1.pk, f"t{s.pk}-tenggat": kemarin.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 422 and f"Tenggat {tanggal(kemarin)} sudah lewat" in r.content.decode()
    assert Butir.objects.get(soal=s).tenggat == tgl
    # Re-saving an overdue soal with its own (past) date, e.g. to change the assignee, works.
    lewat = soal(dunia, "A.I.1.i.2")
    r = client.post(
        reverse("soal-tugaskan", args=[dunia.lembar.pk, lewat.pk]),
        {f"t{lewat.pk}-ditugaskan_ke": a1.pk, f"t{lewat.pk}-tenggat": rencana["A.I.1.i.2"]},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200

    client.force_login(a1)
    html = client.get(reverse("tugas-saya")).content.decode()
    urutan = [kode for kode in rencana if f'data-tugas="{kode}"' in html]
    posisi = sorted(urutan, key=lambda k: html.index(f'data-tugas="{k}"'))
    assert posisi == ["A.I.1.i.2", "A.I.1.ii.2", "A.I.1.i.1", "A.I.1.ii.1"]
    assert "Lewat tenggat" in html
    # The workspace filter "Tugas saya".
    html = client.get(reverse("pokja-soal", args=[pokja.pk]) + "?penugasan=saya").content.decode()
    assert html.count("data-soal=") == 4


def test_workspace_filters(client, dunia):
    pokja = dunia.pokja(1)
    client.force_login(dunia.user["anggota1"])
    s1, s2 = soal(dunia, "A.I.1.i.1"), soal(dunia, "A.I.1.i.2")
    unggah(client, dunia, s1, "sk.pdf", cb.pdf())
    siap_diajukan(client, dunia, s2)
    aksi(client, dunia, s2, "ajukan")
    client.force_login(dunia.user["koordinator1"])
    aksi(client, dunia, s2, "reviu", {"keputusan": "kembalikan", "catatan": "kurang"})
    url = reverse("pokja-soal", args=[pokja.pk])
    assert client.get(url + "?tanpa_eviden=1").content.decode().count("data-soal=") == 14
    html = client.get(url + "?perbaikan=1").content.decode()
    assert html.count("data-soal=") == 1 and 'data-soal="A.I.1.i.2"' in html
    assert 'data-tanda="perbaikan"' in html
    assert client.get(url + "?status=draf").content.decode().count("data-soal=") == 15
    assert client.get(url + "?status=bukan-status").content.decode().count("data-soal=") == 16
    assert client.get(url + "?penugasan=kosong").content.decode().count("data-soal=") == 16


def test_history_records_who_when_before_and_after(client, dunia):
    s = soal(dunia, "A.I.1.i.2")
    client.force_login(dunia.user["anggota1"])
    jawab(client, dunia, s, versi=0, pilihan="C", penjelasan="belum")
    jawab(client, dunia, s, versi=1, pilihan="A", penjelasan="sudah lengkap")
    unggah(client, dunia, s, "mekanisme.pdf", cb.pdf())
    eviden = Eviden.objects.get()
    client.post(reverse("soal-arsip", args=[dunia.lembar.pk, s.pk, eviden.pk]), {"aksi": "arsip"})
    client.force_login(dunia.user["kepala"])
    html = client.get(reverse("soal-riwayat", args=[dunia.lembar.pk, s.pk])).content.decode()
    assert "<del>C</del> → <ins>A</ins>" in html
    assert "<del>belum</del> → <ins>sudah lengkap</ins>" in html
    assert "«mekanisme.pdf» versi 1" in html
    assert "<del>aktif</del> → <ins>diarsipkan</ins>" in html
    assert html.count(dunia.user["anggota1"].get_full_name()) >= 4


def _isi_penuh(dunia, area, file_per_soal, versi_per_file):
    """Every listed soal of the area answered, assigned (due today) and with N documents × M
    versions (rows only): the shared full-worksheet builder, one Pokja at a time."""
    isi_penuh(
        dunia.lembar,
        dunia.user["anggota1"],
        area=area,
        dokumen=file_per_soal,
        versi=versi_per_file,
        tiap_diajukan=10**6,
        tenggat=timezone.localdate(),
    )


def test_workspace_query_count_does_not_grow_with_soal_files_or_versions(
    client, dunia, django_assert_num_queries
):
    client.force_login(dunia.user["koordinator1"])
    # session, user, pokja with its worksheet, access, soal with their sub-areas, formula
    # inputs, answers, work items, evidence counts, menu memberships, unread notifications,
    # review-queue count
    jumlah = 13  # 12 + the team's next deadline in the page header
    url1, url5 = (reverse("pokja-soal", args=[dunia.pokja(a).pk]) for a in (1, 5))
    with django_assert_num_queries(jumlah):
        assert client.get(url1).status_code == 200  # empty, 16 soal
    _isi_penuh(dunia, 1, file_per_soal=1, versi_per_file=1)
    with django_assert_num_queries(jumlah):
        client.get(url1)
    _isi_penuh(dunia, 5, file_per_soal=5, versi_per_file=3)
    with django_assert_num_queries(jumlah):
        html = client.get(url5).content.decode()  # 22 soal × 5 files × 3 versions
    assert html.count("data-soal=") == 22
    assert "data-eviden=" not in html and "Simpan jawaban" not in html  # no cards, no forms
    assert html.count("data-jumlah-eviden>5<") == 22


def test_soal_page_query_count_does_not_grow_with_files_or_versions(
    client, dunia, django_assert_num_queries
):
    client.force_login(dunia.user["anggota1"])
    s = soal(dunia, "A.I.1.i.2")
    # session, user, worksheet, access, soal, pokja, soal of the area with their sub-areas,
    # formula inputs, answers, work item, attachments, menu memberships, unread notifications
    with django_assert_num_queries(14):  # 13 + the team's next deadline
        client.get(kartu_url(dunia, s))
    _isi_penuh(dunia, 1, file_per_soal=5, versi_per_file=3)
    with django_assert_num_queries(15):  # + the versions, now that there are documents
        html = client.get(kartu_url(dunia, s)).content.decode()
    assert html.count("data-eviden=") == 5


def test_the_upload_service_removes_the_stored_object_if_the_database_write_fails(
    dunia, penyimpanan_lokal, tmp_path, monkeypatch
):
    s = soal(dunia, "A.I.1.i.1")
    path = tmp_path / "masuk.pdf"
    path.write_bytes(cb.pdf())
    berkas = BerkasMasuk(str(path), "sk.pdf", path.stat().st_size, "f" * 64, "application/pdf")

    def gagal(self, *a, **k):
        raise RuntimeError("basis data mati")

    monkeypatch.setattr(VersiDokumen, "save", gagal)
    with pytest.raises(RuntimeError):
        services.unggah_berkas(
            lembar=dunia.tim.lembar_kerja, soal=s, user=dunia.user["anggota1"], berkas=berkas
        )
    assert list(penyimpanan_lokal.rglob("*.pdf")) == []
    assert not Dokumen.objects.exists() and not path.exists()
    assert Decimal(0) == Decimal(Eviden.objects.count())


def test_a_member_cannot_version_another_pokjas_evidence_through_reuse(client, dunia):
    s2 = (
        soal(dunia, "A.I.1.i.1")
        .__class__.objects.filter(
            instrumen=dunia.tim.lembar_kerja.instrumen, area_pokja=2, jenis="abc"
        )
        .first()
    )
    client.force_login(dunia.user["anggota2"])
    unggah(client, dunia, s2, "sop.pdf", cb.pdf("SOP"), area=2)
    dokumen = Dokumen.objects.get()
    client.force_login(dunia.user["anggota1"])
    s1 = soal(dunia, "A.I.1.i.1")
    r = client.post(
        reverse("soal-lampirkan", args=[dunia.lembar.pk, s1.pk]),
        {"dokumen": dokumen.pk},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200  # reuse is allowed...
    r = unggah(client, dunia, s1, "sop-palsu.pdf", cb.pdf("diubah"), dokumen=dokumen)
    assert r.status_code == 400  # ...but not changing Pokja II's evidence through it
    assert "juga menjadi eviden Pokja lain" in teks(r)
    assert dokumen.versi.count() == 1
    # The chair cannot either (chairs review, they do not write evidence).
    client.force_login(dunia.user["ketua"])
    assert unggah(client, dunia, s1, "x.pdf", cb.pdf("x"), dokumen=dokumen).status_code == 403


def test_malformed_ids_and_numbers_get_a_message_not_an_error(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    persen = soal(dunia, "A.II.1.i.3")
    client.force_login(dunia.user["anggota1"])
    for nilai in ("abc", "1.5", "²", "-3"):
        r = client.post(
            reverse("soal-lampirkan", args=[dunia.lembar.pk, s.pk]),
            {"dokumen": nilai},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 422
    m = persen.daftar_masukan.first().masukan
    for nilai in ("²", "9" * 5000, "-4", "x"):
        r = client.post(
            reverse("soal-hitung", args=[dunia.lembar.pk, persen.pk]),
            {f"s{persen.pk}-masukan_{m.pk}": nilai},
        )
        assert r.status_code == 200 and "isian belum lengkap" in r.content.decode()


def test_interrupted_upload_temp_files_are_swept(settings, tmp_path):
    import os
    import time

    from eviden.tasks import bersihkan_sementara

    folder = tmp_path / "sisa"
    folder.mkdir()
    settings.EVIDEN_TEMP_DIR = str(folder)
    lama, baru, lain = folder / "unggah-lama", folder / "unggah-baru", folder / "bukan-unggahan"
    for p in (lama, baru, lain):
        p.write_bytes(b"x")
    os.utime(lama, (time.time() - 7 * 3600,) * 2)
    os.utime(lain, (time.time() - 7 * 3600,) * 2)
    assert bersihkan_sementara() == 1
    assert not lama.exists() and baru.exists() and lain.exists()


def test_one_date_format_in_notifications_history_and_pages(client, dunia):
    import datetime as dt

    from zi_portal.format import tanggal, waktu

    assert tanggal(dt.date(2026, 12, 24)) == "24 Des 2026"
    jam = timezone.make_aware(dt.datetime(2026, 11, 24, 7, 5), dt.UTC)
    assert waktu(jam) == "24 Nov 2026 14.05 WIB"  # Asia/Jakarta
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, s, "sk.pdf", cb.pdf())
    html = client.get(kartu_url(dunia, s)).content.decode()
    assert waktu(VersiDokumen.objects.get().diunggah_pada) in html
    html = client.get(reverse("soal-riwayat", args=[dunia.lembar.pk, s.pk])).content.decode()
    assert " WIB" in html and "SHA-256" not in html  # no hashes shown to users


def test_without_javascript_a_refused_answer_comes_back_as_typed(client, dunia):
    persen = soal(dunia, "A.II.1.i.6")
    m = {x.nama: x.masukan for x in persen.daftar_masukan.select_related("masukan")}
    client.force_login(dunia.user["anggota1"])
    r = client.post(
        reverse("soal-jawaban", args=[dunia.lembar.pk, persen.pk]),
        {
            f"s{persen.pk}-versi": 0,
            f"s{persen.pk}-masukan_{m['perubahan'].pk}": "5",
            f"s{persen.pk}-masukan_{m['terintegrasi'].pk}": "9",
            f"s{persen.pk}-penjelasan": "catatan panjang yang tidak boleh hilang",
        },
    )
    html = r.content.decode()
    assert r.status_code == 422 and "<html" in html  # the whole page, not a redirect
    assert "catatan panjang yang tidak boleh hilang" in html and 'value="9"' in html
    assert not Jawaban.objects.exists()


def test_a_decision_on_a_submission_the_reviewer_did_not_see_is_refused(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    siap_diajukan(client, dunia, s)
    aksi(client, dunia, s, "ajukan")
    dilihat = Butir.objects.get(soal=s).diajukan_pada.isoformat()  # the reviewer opens it
    aksi(client, dunia, s, "tarik")
    jawab(client, dunia, s, versi=1, pilihan="Tidak")
    aksi(client, dunia, s, "ajukan")
    client.force_login(dunia.user["koordinator1"])
    r = aksi(client, dunia, s, "reviu", {"keputusan": "setujui", "pengajuan": dilihat})
    assert r.status_code == 422 and "diajukan ulang setelah Anda membukanya" in r.content.decode()
    assert Butir.objects.get(soal=s).status == StatusButir.DIAJUKAN
    terbaru = Butir.objects.get(soal=s).diajukan_pada.isoformat()
    r = aksi(client, dunia, s, "reviu", {"keputusan": "setujui", "pengajuan": terbaru})
    assert r.status_code == 200 and Butir.objects.get(soal=s).status == StatusButir.DISETUJUI


def test_a_document_shared_with_a_hasil_soal_is_not_versioned_by_a_pokja_member(client, dunia):
    hasil = Soal.objects.filter(
        instrumen=dunia.lembar.instrumen, area_pokja__isnull=True, jenis="abcde"
    ).get()
    client.force_login(dunia.user["ketua"])
    unggah(client, dunia, hasil, "laporan kinerja.pdf", cb.pdf("kinerja"))
    dokumen = Dokumen.objects.get()
    client.force_login(dunia.user["anggota1"])
    s = soal(dunia, "A.I.1.i.1")
    assert aksi(client, dunia, s, "lampirkan", {"dokumen": dokumen.pk}).status_code == 200
    r = unggah(client, dunia, s, "v2.pdf", cb.pdf("v2"), dokumen=dokumen)
    assert r.status_code == 400 and "juga menjadi eviden Pokja lain" in teks(r)
    assert dokumen.versi.count() == 1


def test_pdf_may_be_framed_by_the_portal_only_other_files_are_sandboxed(client, dunia):
    s = soal(dunia, "A.I.1.i.1")
    client.force_login(dunia.user["anggota1"])
    unggah(client, dunia, s, "sk.pdf", cb.pdf())
    unggah(client, dunia, s, "foto.png", cb.png())
    pdf, png = (VersiDokumen.objects.get(nama_asli=n) for n in ("sk.pdf", "foto.png"))
    r = client.get(reverse("unduh", args=[pdf.pk]))
    assert r["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert r["X-Frame-Options"] == "SAMEORIGIN"
    r = client.get(reverse("unduh", args=[png.pk]))
    assert r["Content-Security-Policy"] == "sandbox" and r["X-Frame-Options"] == "DENY"
