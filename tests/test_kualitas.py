"""Evidence quality checks: the rules, and the flags a coordinator sees in the table."""

import re

import pytest
from django.urls import reverse

from eviden.kualitas import Dok, nama_samar, panduan_cocok, periksa

from . import contoh_berkas as cb
from .test_ruang_kerja import jawab, soal
from .test_unggah import unggah


@pytest.mark.parametrize(
    "nama",
    [
        "scan.pdf",
        "Scan_0001.pdf",
        "IMG_20260114_093012.jpg",
        "WhatsApp Image 2026-01-14 at 09.30.12.jpeg",
        "document(1).pdf",
        "Document (3).pdf",
        "draft.docx",
        "20260114.pdf",
        "Untitled.png",
    ],
)
def test_file_names_that_say_nothing_are_recognised(nama):
    assert nama_samar(nama)


@pytest.mark.parametrize(
    "nama",
    [
        "SK Tim ZI 2026.pdf",
        "Draft SK Tim Pokja.docx",
        "Notulen rapat pembentukan tim.pdf",
        "SOP.pdf",
    ],
)
def test_meaningful_names_are_not_flagged(nama):
    assert not nama_samar(nama)


def test_a_guidance_item_is_covered_by_a_document_sharing_its_key_words():
    panduan = "SK Tim Kerja Pembangunan ZI menuju WBK/WBBM"
    assert panduan_cocok(panduan, ["SK Tim ZI 2026 SK-Tim-ZI.pdf"])
    assert not panduan_cocok(panduan, ["Daftar hadir rapat.pdf"])
    assert not panduan_cocok("Undangan dan daftar hadir rapat", ["SK Tim ZI.pdf"])


def test_periksa_reports_each_problem_once():
    k = periksa(
        panduan=["SK Tim Kerja ZI", "Notulen rapat pembentukan"],
        terjawab=True,
        puncak=True,
        catatan="  ",
        dokumen=[Dok("scan", "scan_001.pdf"), Dok("SK Tim Kerja ZI", "sk.pdf")],
    )
    assert k.tanpa_eviden is False
    assert k.panduan_kurang == ("Notulen rapat pembentukan",)
    assert k.nama_samar == ("scan_001.pdf",)
    assert k.catatan_kosong is True
    assert k.jumlah == 3
    kosong = periksa(panduan=["SK"], terjawab=True, puncak=False, catatan="", dokumen=[])
    assert kosong.tanpa_eviden and kosong.jumlah == 1


@pytest.mark.django_db
def test_the_table_flags_what_an_assessor_would_complain_about(client, dunia):
    s = soal(dunia, "A.I.1.i.1")  # Ya/Tidak, three guidance items
    client.force_login(dunia.user["anggota1"])
    url = reverse("pokja-soal", args=[dunia.pokja(1).pk])

    def tanda():
        html = client.get(url).content.decode()
        baris = re.search(rf'<tr[^>]*data-soal="{s.kode}".*?</tr>', html, re.S).group(0)
        return set(re.findall(r'data-tanda="([^"]+)"', baris)), html

    jawab(client, dunia, s, versi=0, pilihan="Ya", penjelasan="")
    flags, html = tanda()
    assert {"dijawab-tanpa-eviden", "catatan-kosong"} <= flags
    assert "tanpa-eviden" not in flags  # one flag for "no evidence", not two

    assert unggah(client, dunia, s, "WhatsApp Image 2026-01-14.png", cb.png()).status_code == 200
    flags, html = tanda()
    assert {"nama-samar", "panduan-kurang", "catatan-kosong"} <= flags
    assert "dijawab-tanpa-eviden" not in flags
    assert re.search(r"Perlu dirapikan sebelum dinilai: 1\b", html)
