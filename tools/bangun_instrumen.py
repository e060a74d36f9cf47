"""Bangun berkas instrumen LKE ZI 2026 untuk ZI Portal.

Skrip ini menggabungkan dua sumber referensi menjadi satu berkas instrumen
``eviden/instrumen/lke-zi-2026.json`` (format ``zi-portal-instrumen/1``):

* master soal LKE ZI 2026 dari PortalRB (``lke-zi-2026-master-soal.json``):
  pohon komponen/sub komponen/area/sub area, teks soal, kriteria, skema nilai,
  bobot, dan baris Excel LKE resmi;
* referensi domain (``zi-domain.md``, bagian "## 2. LKE item list"): contoh
  bukti dukung (panduan eviden) per butir dan butir persentase turunan
  ("% dari isian jumlah") yang dihitung dari isian "Jumlah".

Skrip ini hanya dijalankan oleh pengembang ketika bank soal sumber berubah;
hasilnya di-commit. Portal tidak pernah membaca ``../shared`` saat berjalan.

Cara pakai::

    python tools/bangun_instrumen.py [--bank PATH] [--domain PATH] [--out PATH]

Sebelum menulis, skrip memeriksa dirinya sendiri (jumlah soal, jumlah isian
dan butir persentase, konsistensi bobot, nama variabel rumus, panduan eviden)
dan keluar dengan status bukan nol bila ada yang tidak sesuai.

Asal tafsiran:

* Rumus butir persentase mengikuti zi-domain.md bagian 1.4 langkah 5 (teks
  kolom "Penjelasan" LKE Lampiran III PermenPANRB 90/2021 dan
  ``kriteria_nilai`` master soal).
* Rumus 5 (penanganan pengaduan masyarakat): rumus resmi ambigu ("realisasi
  penanganan pengaduan yang harus diselesaikan"); zi-domain.md mencatat dua
  implementasi berbeda. Di sini dipakai selesai / harus ditindaklanjuti
  (implementasi S6), menunggu konfirmasi TPI.
* Rumus 6 (LHKPN): isian bank "Jumlah Lainnya yang sudah melaporkan" dibaca
  sebagai jumlah seluruh wajib lapor yang sudah melapor, sesuai zi-domain.md
  ("sudah melapor / wajib lapor") dan pasangannya pada Non LHKPN ("Jumlah
  Total yang sudah melaporkan").
* Aturan pemotongan panduan eviden (ditetapkan tim pengembang, bukan dari
  sumber): sel tabel zi-domain.md kadang berakhir dengan potongan teks yang
  diakhiri "…". Potongan pendek (< 25 karakter) dibuang; potongan yang lebih
  panjang dipertahankan tanpa "…" dan tanpa kata terakhir yang terpotong (kata
  yang diakhiri tanda baca seperti ")" dianggap utuh), lalu kata sambung yang
  menggantung di akhir ("dan", "yang", ...) ikut dibuang. Potongan tanpa "…"
  di tengah sel dibiarkan apa adanya.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BANK = REPO / "../shared/reference/lke-zi-2026-master-soal.json"
DEFAULT_DOMAIN = REPO / "../shared/reference/zi-domain.md"
DEFAULT_OUT = REPO / "eviden/instrumen/lke-zi-2026.json"

JUMLAH_BANK_SOAL = 127
JUMLAH_ISIAN = 22
JUMLAH_PERSEN = 8
BATAS_POTONGAN = 25  # karakter; potongan "…" yang lebih pendek dibuang

AMBANG = {
    "WBK": {
        "total": "75",
        "pengungkit": "40",
        "persen_area": "60",
        "ipak": "15.75",
        "capaian_kinerja": "2.5",
        "birokrasi_bersih": "18.25",
        "pelayanan_prima": "14",
        "syarat_predikat": "",
    },
    "WBBM": {
        "total": "85",
        "pengungkit": "48",
        "persen_area": "75",
        "ipak": "15.75",
        "capaian_kinerja": "3.75",
        "birokrasi_bersih": "19.5",
        "pelayanan_prima": "15.75",
        "syarat_predikat": "WBK",
    },
}

AREA_POKJA = [
    {"nomor": 1, "nama": "Manajemen Perubahan", "bobot": "8"},
    {"nomor": 2, "nama": "Penataan Tatalaksana", "bobot": "7"},
    {"nomor": 3, "nama": "Penataan Sistem Manajemen SDM Aparatur", "bobot": "10"},
    {"nomor": 4, "nama": "Penguatan Akuntabilitas", "bobot": "10"},
    {"nomor": 5, "nama": "Penguatan Pengawasan", "bobot": "15"},
    {"nomor": 6, "nama": "Peningkatan Kualitas Pelayanan Publik", "bobot": "10"},
]

# Kode pohon -> nama rapi untuk komponen dan sub komponen.
NAMA_KOMPONEN = {
    "A": "Pengungkit",
    "B": "Hasil",
    "A.I": "Pemenuhan",
    "A.II": "Reform",
    "B.I": "Birokrasi yang Bersih dan Akuntabel",
    "B.II": "Pelayanan Publik yang Prima",
}

JENIS = {
    "YA_TIDAK": "ya_tidak",
    "ABC": "abc",
    "ABCD": "abcd",
    "ABCDE": "abcde",
    "Jumlah": "jumlah",
    "jumlah": "jumlah",
    "0-4": "nilai_0_4",
}

# Butir persentase turunan, urut seperti di LKE. "masukan" adalah nama variabel
# untuk tiap isian Jumlah (urut sesuai bank), "bank" adalah id soal Jumlah-nya.
#
# "syarat": aturan yang harus dipenuhi isian (ekspresi perbandingan dalam bahasa rumus)
#   beserta pesan penolakannya; hanya untuk isian yang mustahil menurut maknanya (bagian
#   lebih besar daripada keseluruhannya). Perubahan lebih banyak daripada agen perubahan
#   bukan mustahil (LKE membolehkannya; nilainya dibatasi 100 %), jadi tanpa syarat.
#   Isian negatif sudah ditolak formulir (minimal 0). Pengaduan: rumus resmi ambigu
#   (lihat di atas), jadi "sedang diproses" tidak dianggap pasti bagian yang terpisah dari
#   "selesai"; masing-masing hanya dibatasi oleh "harus ditindaklanjuti".
# "uraian": perhitungan dalam kata dengan angka isian; "uraian_rumus": rumus dalam kata,
#   ditampilkan selama isian belum lengkap; "catatan_batas": kalimat bila nilai mentah
#   melewati 1 ("atas") atau di bawah 0 ("bawah"), hanya untuk butir yang bisa begitu.
# Teks memakai tempat isi {nama_variabel}; tanda kurung kurawal lain tidak dipakai.
PERSEN = [
    {
        "bank": [88, 89],
        "masukan": ["agen", "perubahan"],
        "rumus": "bagi(perubahan, agen, 0)",
        "penjelasan": (
            "Nilai = jumlah perubahan yang dibuat dibagi jumlah agen perubahan "
            "(kebijakan 1 agen 1 perubahan), bernilai 0 bila belum ada agen perubahan."
        ),
        "syarat": [],
        "uraian": "{perubahan} perubahan dari {agen} agen perubahan",
        "uraian_rumus": "jumlah perubahan yang dibuat ÷ jumlah agen perubahan",
        "catatan_batas": {
            "atas": (
                "Perubahan ({perubahan}) lebih banyak daripada agen perubahan ({agen}); "
                "nilai dibatasi 100 %."
            ),
        },
    },
    {
        "bank": [90, 91],
        "masukan": ["perubahan", "terintegrasi"],
        "rumus": "bagi(terintegrasi, perubahan, 0)",
        "penjelasan": (
            "Nilai = jumlah perubahan yang telah diintegrasikan dalam sistem manajemen "
            "dibagi jumlah perubahan yang dibuat, bernilai 0 bila belum ada perubahan."
        ),
        "syarat": [
            {
                "rumus": "terintegrasi <= perubahan",
                "pesan": (
                    "Jumlah perubahan yang terintegrasi ({terintegrasi}) tidak boleh lebih "
                    "dari jumlah perubahan yang dibuat ({perubahan})."
                ),
            },
        ],
        "uraian": "{terintegrasi} terintegrasi dari {perubahan} perubahan yang dibuat",
        "uraian_rumus": "jumlah perubahan yang terintegrasi ÷ jumlah perubahan yang dibuat",
    },
    {
        "bank": [102, 103, 104],
        "masukan": ["tahun_lalu", "tahun_ini", "disanksi"],
        "rumus": (
            "jika(tahun_lalu == 0, jika(tahun_ini == 0, 1, 0), "
            "(tahun_lalu - tahun_ini) / tahun_lalu)"
        ),
        "penjelasan": (
            "Nilai = (pelanggaran tahun sebelumnya - pelanggaran tahun ini) dibagi "
            "pelanggaran tahun sebelumnya; bila tahun sebelumnya nol, nilainya 1 jika tahun "
            "ini juga nol dan 0 jika ada pelanggaran, sedangkan jumlah pelanggaran yang "
            "disanksi hanya informasi dan tidak ikut dihitung."
        ),
        "syarat": [
            {
                "rumus": "disanksi <= tahun_ini",
                "pesan": (
                    "Jumlah pelanggaran yang telah diberi sanksi ({disanksi}) tidak boleh "
                    "lebih dari jumlah pelanggaran tahun ini ({tahun_ini})."
                ),
            },
        ],
        "uraian": "pelanggaran dari {tahun_lalu} (tahun lalu) menjadi {tahun_ini} (tahun ini)",
        "uraian_rumus": (
            "(pelanggaran tahun lalu − pelanggaran tahun ini) ÷ pelanggaran tahun lalu"
        ),
        "catatan_batas": {
            "bawah": "Pelanggaran disiplin bertambah ({tahun_lalu} → {tahun_ini}); nilai 0.",
        },
    },
    {
        "bank": [105, 106],
        "masukan": ["sasaran", "tercapai"],
        "rumus": "bagi(tercapai, sasaran, 0)",
        "penjelasan": (
            "Nilai = jumlah sasaran kinerja yang tercapai 100% atau lebih dibagi jumlah "
            "sasaran kinerja, bernilai 0 bila belum ada sasaran kinerja."
        ),
        "syarat": [
            {
                "rumus": "tercapai <= sasaran",
                "pesan": (
                    "Jumlah sasaran kinerja yang tercapai ({tercapai}) tidak boleh lebih "
                    "dari jumlah sasaran kinerja ({sasaran})."
                ),
            },
        ],
        "uraian": "{tercapai} tercapai dari {sasaran} sasaran kinerja",
        "uraian_rumus": (
            "jumlah sasaran kinerja yang tercapai 100 % atau lebih ÷ jumlah sasaran kinerja"
        ),
    },
    {
        "bank": [110, 111, 112],
        "masukan": ["harus", "diproses", "selesai"],
        "rumus": "bagi(selesai, harus, 0)",
        "penjelasan": (
            "Rumus resmi (realisasi penanganan pengaduan yang harus diselesaikan) ambigu, "
            "sehingga portal memakai jumlah pengaduan yang selesai ditindaklanjuti dibagi "
            "jumlah pengaduan yang harus ditindaklanjuti (pengaduan yang sedang diproses "
            "tidak dihitung), bernilai 0 bila tidak ada pengaduan yang harus ditindaklanjuti."
        ),
        "syarat": [
            {
                "rumus": "selesai <= harus",
                "pesan": (
                    "Jumlah pengaduan yang selesai ditindaklanjuti ({selesai}) tidak boleh "
                    "lebih dari jumlah pengaduan yang harus ditindaklanjuti ({harus})."
                ),
            },
            {
                "rumus": "diproses <= harus",
                "pesan": (
                    "Jumlah pengaduan yang sedang diproses ({diproses}) tidak boleh lebih "
                    "dari jumlah pengaduan yang harus ditindaklanjuti ({harus})."
                ),
            },
        ],
        "uraian": "{selesai} selesai dari {harus} pengaduan yang harus ditindaklanjuti",
        "uraian_rumus": (
            "jumlah pengaduan yang selesai ditindaklanjuti ÷ jumlah pengaduan yang harus "
            "ditindaklanjuti"
        ),
    },
    {
        "bank": [113, 114, 115, 116],
        "masukan": ["kepala", "pejabat", "lainnya", "sudah_lapor"],
        "rumus": "bagi(sudah_lapor, kepala + pejabat + lainnya, 0)",
        "penjelasan": (
            "Nilai = jumlah yang sudah melaporkan LHKPN (isian terakhir dibaca sebagai total "
            "yang sudah melapor) dibagi jumlah wajib lapor, yaitu kepala satuan kerja + "
            "pejabat wajib LHKPN + lainnya, bernilai 0 bila tidak ada wajib lapor."
        ),
        "syarat": [
            {
                "rumus": "sudah_lapor <= kepala + pejabat + lainnya",
                "pesan": (
                    "Jumlah yang sudah melaporkan LHKPN ({sudah_lapor}) tidak boleh lebih "
                    "dari jumlah wajib lapor: kepala satuan kerja ({kepala}) + pejabat "
                    "({pejabat}) + lainnya ({lainnya})."
                ),
            },
        ],
        "uraian": "{sudah_lapor} sudah melapor dari {kepala} + {pejabat} + {lainnya} wajib lapor",
        "uraian_rumus": (
            "jumlah yang sudah melapor ÷ (kepala satuan kerja + pejabat wajib LHKPN + lainnya)"
        ),
    },
    {
        "bank": [117, 118, 119, 120],
        "masukan": ["administrator", "pengawas", "fungsional", "sudah_lapor"],
        "rumus": "bagi(sudah_lapor, administrator + pengawas + fungsional, 0)",
        "penjelasan": (
            "Nilai = jumlah total yang sudah melaporkan harta kekayaan non LHKPN (LHKASN) "
            "dibagi jumlah wajib lapor, yaitu pejabat administrator + pejabat pengawas + "
            "fungsional dan pelaksana, bernilai 0 bila tidak ada wajib lapor."
        ),
        "syarat": [
            {
                "rumus": "sudah_lapor <= administrator + pengawas + fungsional",
                "pesan": (
                    "Jumlah yang sudah melaporkan LHKASN ({sudah_lapor}) tidak boleh lebih "
                    "dari jumlah wajib lapor: pejabat administrator ({administrator}) + "
                    "pejabat pengawas ({pengawas}) + fungsional dan pelaksana ({fungsional})."
                ),
            },
        ],
        "uraian": (
            "{sudah_lapor} sudah melapor dari {administrator} + {pengawas} + {fungsional} "
            "wajib lapor"
        ),
        "uraian_rumus": (
            "jumlah yang sudah melapor ÷ (pejabat administrator + pejabat pengawas + "
            "fungsional dan pelaksana)"
        ),
    },
    {
        "bank": [122, 123],
        "masukan": ["terdaftar", "dipermudah"],
        "rumus": "bagi(dipermudah, terdaftar, 0)",
        "penjelasan": (
            "Nilai = jumlah perijinan/pelayanan yang telah dipermudah dibagi jumlah "
            "perijinan/pelayanan yang terdata/terdaftar, bernilai 0 bila belum ada yang "
            "terdaftar."
        ),
        "syarat": [
            {
                "rumus": "dipermudah <= terdaftar",
                "pesan": (
                    "Jumlah perijinan/pelayanan yang dipermudah ({dipermudah}) tidak boleh "
                    "lebih dari jumlah yang terdata/terdaftar ({terdaftar})."
                ),
            },
        ],
        "uraian": "{dipermudah} dipermudah dari {terdaftar} perijinan/pelayanan terdaftar",
        "uraian_rumus": (
            "jumlah perijinan/pelayanan yang dipermudah ÷ jumlah perijinan/pelayanan yang "
            "terdata/terdaftar"
        ),
    },
]

# Panduan eviden Komponen Hasil; tabel zi-domain.md hanya merujuk ke paragraf
# "Hasil evidence ..." sesudah tabel, yang di sini dituliskan dalam bahasa Indonesia.
PANDUAN_HASIL = {
    125: [
        (
            "Laporan hasil survei eksternal Indeks Persepsi Anti Korupsi (IPAK) oleh TPN/BPS "
            "atau pihak ketiga yang ditunjuk"
        ),
        "Laporan hasil survei internal persepsi anti korupsi unit kerja",
    ],
    126: [
        "Dokumen Perjanjian Kinerja (PK) tahun berjalan",
        "Dokumen Indikator Kinerja Utama (IKU)",
        "Laporan Kinerja (LAKIN) tahun berjalan dan tahun sebelumnya",
        (
            "Data perbandingan capaian kinerja dengan tahun sebelumnya dan dengan capaian "
            "nasional/rata-rata unit kerja sejenis"
        ),
    ],
    127: [
        (
            "Laporan hasil survei eksternal Indeks Persepsi Kualitas Pelayanan (IPKP) oleh "
            "TPN/BPS atau pihak ketiga yang ditunjuk"
        ),
        "Laporan hasil survei internal persepsi kualitas pelayanan unit kerja",
    ],
}

FUNGSI_RUMUS = {"bagi", "jika"}
NODE_RUMUS = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Eq,
    ast.Lt,
    ast.Gt,
    ast.LtE,
    ast.GtE,
)
# Tempat isi dalam pesan/uraian: {nama}; kurung kurawal lain tidak boleh ada.
TEMPAT_ISI = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
BATAS = {"atas", "bawah"}
KATA_SAMBUNG = {"akan", "atau", "dan", "dari", "di", "ke", "oleh", "pada", "serta", "telah", "yang"}


class GagalPeriksaError(Exception):
    """Sumber atau hasil tidak lolos pemeriksaan."""


def gagal(pesan: str) -> NoReturn:
    raise GagalPeriksaError(pesan)


def angka(nilai) -> str:
    """Ubah angka bank (int/float) menjadi string desimal tanpa ".0"."""
    d = Decimal(str(nilai))
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def normal(teks: str) -> str:
    return " ".join(teks.split()).casefold()


# --- Tabel zi-domain.md -------------------------------------------------------


def rapikan_potongan(item: str, dipangkas: list[str]) -> str | None:
    """Terapkan aturan pemotongan pada butir panduan yang berakhir dengan "…"."""
    if not item.endswith("…"):
        return item
    isi = item[:-1].rstrip()
    if len(isi) < BATAS_POTONGAN:
        dipangkas.append(f"dibuang: {item!r}")
        return None
    if isi[-1].isalnum():
        isi = isi.rsplit(None, 1)[0]  # kata terakhir terpotong
    kata = isi.rstrip(" ,;:-/(").split()
    while kata and kata[-1].casefold() in KATA_SAMBUNG:
        kata.pop()
    hasil = " ".join(kata)
    dipangkas.append(f"dipangkas: {item!r} -> {hasil!r}")
    return hasil


def pecah_panduan(sel: str, dipangkas: list[str]) -> list[str]:
    hasil = []
    for bagian in sel.split("; "):
        item = rapikan_potongan(" ".join(bagian.split()), dipangkas)
        if item:
            hasil.append(item)
    return hasil


def baca_tabel(teks_md: str) -> list[dict]:
    """Ambil baris tabel "## 2. LKE item list" sebagai daftar dict."""
    bagian = re.search(r"^## 2\. LKE item list[^\n]*\n(.*?)^## ", teks_md, re.DOTALL | re.MULTILINE)
    if not bagian:
        gagal("zi-domain.md: bagian '## 2. LKE item list' tidak ditemukan")
    if "\nHasil evidence" not in bagian.group(1):
        gagal("zi-domain.md: paragraf 'Hasil evidence' sesudah tabel tidak ditemukan")
    baris = []
    for line in bagian.group(1).splitlines():
        sel = [s.strip() for s in line.strip().strip("|").split("|")]
        if not line.startswith("|") or not sel[0].isdigit():
            continue
        if len(sel) != 8:
            gagal(f"zi-domain.md: baris tabel #{sel[0]} punya {len(sel)} kolom, bukan 8")
        baris.append(
            {
                "nomor": int(sel[0]),
                "area": sel[1],
                "aspek": sel[2],
                "pertanyaan": sel[4],
                "jenis": sel[5],
                "eviden": sel[7],
            }
        )
    if [b["nomor"] for b in baris] != list(range(1, 114)):
        gagal("zi-domain.md: tabel LKE harus berisi baris # 1..113 berurutan")
    return baris


# --- Pohon bank soal ----------------------------------------------------------


def kode_dan_nama(node: dict, kode_induk: str) -> tuple[str, str, str, int | None]:
    """Hitung (kode, level, nama, area_pokja) sebuah simpul bank."""
    awalan, _, sisa = node["nama"].partition(" ")
    awalan = awalan.rstrip(".")
    level = node["level"]
    if level in ("komponen", "sub_komponen"):
        kode = awalan if level == "komponen" else f"{kode_induk}.{awalan}"
        nama = NAMA_KOMPONEN.get(kode)
        if nama is None or nama.upper() != sisa.strip().upper():
            gagal(f"bank: simpul {node['id']} {node['nama']!r} tidak dikenal")
        return kode, level, nama, None
    if level == "area_perubahan":
        pokja = AREA_POKJA[int(awalan) - 1]
        if pokja["nama"].upper() != sisa.strip().upper():
            gagal(f"bank: area {node['nama']!r} tidak cocok dengan {pokja['nama']!r}")
        return f"{kode_induk}.{awalan}", "area", pokja["nama"], pokja["nomor"]
    if level == "sub_area":
        if not re.fullmatch(r"[ivx]+|[a-z]", awalan):
            gagal(f"bank: awalan sub area {node['nama']!r} tidak dikenal")
        return f"{kode_induk}.{awalan}", "sub_area", sisa.strip(), None
    gagal(f"bank: level {level!r} tidak dikenal")


def bangun_node(node: dict, kode_induk: str, soal_bank: list) -> dict:
    kode, level, nama, pokja = kode_dan_nama(node, kode_induk)
    hasil = {
        "kode": kode,
        "level": level,
        "nama": nama,
        "urutan": node["order_index"],
        "bobot": angka(node["bobot_maksimal"]),
        "area_pokja": pokja,
        "children": [],
        "soal": [],
    }
    soal_bank.extend((hasil, s) for s in sorted(node["soals"], key=lambda s: s["excel_baris"]))
    for anak in sorted(node["children"], key=lambda n: n["order_index"]):
        hasil["children"].append(bangun_node(anak, kode, soal_bank))
    return hasil


def soal_dari_bank(s: dict, *, dengan_bobot: bool) -> dict:
    jenis = JENIS.get(s["jenis_jawaban"])
    if jenis is None:
        gagal(f"bank: jenis jawaban {s['jenis_jawaban']!r} (soal {s['id']}) tidak dikenal")
    return {
        "kode": "",
        "nomor_bank": s["id"],
        "urutan": 0,
        "jenis": jenis,
        "teks": s["teks_pertanyaan"].strip(),
        "kriteria": s["kriteria_nilai"].replace("\r\n", "\n").strip(),
        "opsi": [
            {"kode": o["key"], "label": o["label"].strip(), "nilai": angka(o["multiplier"])}
            for o in s["skema_penilaian"]
        ],
        "bobot": angka(s["bobot_maksimal"]) if dengan_bobot else None,
        "panduan_eviden": [],
        "excel_baris": s["excel_baris"],
        "masukan": [],
        "rumus": "",
        "penjelasan_rumus": "",
        "syarat": [],
        "uraian": "",
        "uraian_rumus": "",
        "catatan_batas": {},
    }


def pasangkan(baris_tabel: list, soal_bank: list, dipangkas: list[str]) -> None:
    """Jalankan tabel dan bank berurutan; isi panduan dan tambahkan butir persentase."""
    antrean = list(soal_bank)
    persen = iter(PERSEN)
    for b in baris_tabel:
        if b["jenis"].startswith("% dari isian jumlah"):
            antrean = pasang_persen(b, antrean, next(persen, None), dipangkas)
        else:
            antrean = pasang_soal(b, antrean, dipangkas)
    if antrean:
        gagal(f"bank: {len(antrean)} soal tidak punya baris di tabel zi-domain.md")
    if next(persen, None) is not None:
        gagal("tabel: ada rumus PERSEN yang tidak terpakai")


def pasang_soal(b: dict, antrean: list, dipangkas: list[str]) -> list:
    """Pasangkan satu baris tabel dengan soal bank berikutnya; kembalikan sisa antrean."""
    if not antrean:
        gagal(f"baris #{b['nomor']}: soal bank sudah habis")
    (node, s), sisa = antrean[0], antrean[1:]
    if normal(b["pertanyaan"]) != normal(s["teks_pertanyaan"]):
        gagal(
            f"baris #{b['nomor']}: {b['pertanyaan']!r} != bank {s['id']} {s['teks_pertanyaan']!r}"
        )
    hasil_komponen = node["kode"].startswith("B")
    awalan = {"Pemenuhan": "A.I.", "Reform": "A.II."}.get(b["aspek"], "?")
    if not hasil_komponen and not node["kode"].startswith(awalan):
        gagal(f"baris #{b['nomor']}: aspek {b['aspek']!r} tidak cocok dengan {node['kode']}")
    soal = soal_dari_bank(s, dengan_bobot=hasil_komponen)
    if hasil_komponen:
        soal["panduan_eviden"] = list(PANDUAN_HASIL[s["id"]])
    elif soal["jenis"] == "jumlah":
        gagal(f"baris #{b['nomor']}: isian Jumlah bank {s['id']} tanpa butir persentase")
    else:
        soal["panduan_eviden"] = pecah_panduan(b["eviden"], dipangkas)
    node["soal"].append(soal)
    return sisa


def pasang_persen(b: dict, antrean: list, spek: dict | None, dipangkas: list[str]) -> list:
    """Pasangkan baris "% dari isian jumlah" dengan isian Jumlah bank; kembalikan sisa."""
    nama_isian = b["jenis"].split(":", 1)[1].split("; ")
    ambil, sisa = antrean[: len(nama_isian)], antrean[len(nama_isian) :]
    if spek is None or [s["id"] for _, s in ambil] != spek["bank"]:
        gagal(f"baris #{b['nomor']}: isian bank tidak sesuai daftar rumus PERSEN")
    for nama, (_, s) in zip(nama_isian, ambil, strict=True):
        if normal(nama) != normal(s["teks_pertanyaan"]):
            gagal(f"baris #{b['nomor']}: isian {nama!r} != bank {s['id']} {s['teks_pertanyaan']!r}")
        if JENIS.get(s["jenis_jawaban"]) != "jumlah":
            gagal(f"baris #{b['nomor']}: soal bank {s['id']} bukan isian Jumlah")
    tambah_persen(b, ambil, spek, dipangkas)
    return sisa


def tambah_persen(b: dict, ambil: list, spek: dict, dipangkas: list[str]) -> None:
    node = ambil[0][0]
    if any(n is not node for n, _ in ambil):
        gagal(f"baris #{b['nomor']}: isian Jumlah tersebar di beberapa sub area")
    isian = [soal_dari_bank(s, dengan_bobot=False) for _, s in ambil]
    node["soal"].extend(isian)
    node["soal"].append(
        {
            "kode": "",
            "nomor_bank": None,
            "urutan": 0,
            "jenis": "persen",
            "teks": b["pertanyaan"],
            "kriteria": isian[0]["kriteria"],
            "opsi": [],
            "bobot": None,
            "panduan_eviden": pecah_panduan(b["eviden"], dipangkas),
            "excel_baris": isian[-1]["excel_baris"] + 1,
            # "soal" diisi kode isian setelah penomoran; sementara simpan objeknya.
            "masukan": [
                {"nama": n, "soal": s} for n, s in zip(spek["masukan"], isian, strict=True)
            ],
            "rumus": spek["rumus"],
            "penjelasan_rumus": spek["penjelasan"],
            "syarat": [dict(aturan) for aturan in spek["syarat"]],
            "uraian": spek["uraian"],
            "uraian_rumus": spek["uraian_rumus"],
            "catatan_batas": dict(spek.get("catatan_batas", {})),
        }
    )


def nomori(node: dict) -> None:
    node["soal"].sort(key=lambda s: s["excel_baris"])
    for i, soal in enumerate(node["soal"], start=1):
        soal["urutan"] = i
        soal["kode"] = f"{node['kode']}.{i}"
    for soal in node["soal"]:
        for m in soal["masukan"]:
            m["soal"] = m["soal"]["kode"]
    for anak in node["children"]:
        nomori(anak)


# --- Pemeriksaan --------------------------------------------------------------


def semua_node(nodes: list):
    for n in nodes:
        yield n
        yield from semua_node(n["children"])


def periksa(instrumen: dict) -> Counter:
    """Jalankan semua pemeriksaan; kembalikan jumlah soal per jenis."""
    nodes = list(semua_node(instrumen["nodes"]))
    soal = [(n, s) for n in nodes for s in n["soal"]]
    jenis = periksa_jumlah(soal)
    periksa_bobot(nodes, instrumen["area_pokja"])
    for n, s in soal:
        if s["jenis"] == "persen":
            periksa_rumus(s)
            periksa_uraian(s)
        elif s["syarat"] or s["uraian"] or s["uraian_rumus"] or s["catatan_batas"]:
            gagal(f"{s['kode']}: syarat/uraian hanya untuk butir persentase")
        if n["kode"].startswith("A") and s["jenis"] != "jumlah" and not s["panduan_eviden"]:
            gagal(f"{s['kode']}: panduan_eviden kosong")
        if s["bobot"] is not None and not n["kode"].startswith("B"):
            gagal(f"{s['kode']}: soal pengungkit tidak boleh punya bobot")
    return jenis


def periksa_jumlah(soal: list) -> Counter:
    jenis = Counter(s["jenis"] for _, s in soal)
    bank = sum(1 for _, s in soal if s["nomor_bank"] is not None)
    if bank != JUMLAH_BANK_SOAL:
        gagal(f"jumlah soal bank {bank}, seharusnya {JUMLAH_BANK_SOAL}")
    if jenis["jumlah"] != JUMLAH_ISIAN:
        gagal(f"jumlah isian 'jumlah' {jenis['jumlah']}, seharusnya {JUMLAH_ISIAN}")
    if jenis["persen"] != JUMLAH_PERSEN:
        gagal(f"jumlah butir 'persen' {jenis['persen']}, seharusnya {JUMLAH_PERSEN}")
    baris = Counter(s["excel_baris"] for _, s in soal)
    ganda = sorted(b for b, c in baris.items() if c > 1)
    if ganda:
        gagal(f"excel_baris ganda: {ganda}")
    return jenis


def periksa_bobot(nodes: list, area_pokja: list) -> None:
    bobot = {n["kode"]: Decimal(n["bobot"]) for n in nodes}
    for n in nodes:
        if n["children"]:
            total = sum(Decimal(a["bobot"]) for a in n["children"])
            if total != bobot[n["kode"]]:
                gagal(f"{n['kode']}: jumlah bobot anak {total} != {n['bobot']}")
        if n["level"] == "sub_komponen" and n["kode"].startswith("B"):
            total = sum(Decimal(s["bobot"]) for s in n["soal"])
            if total != bobot[n["kode"]]:
                gagal(f"{n['kode']}: jumlah bobot soal {total} != {n['bobot']}")
    if bobot.get("A") != Decimal(60) or bobot.get("B") != Decimal(40):
        gagal("bobot komponen harus A=60 dan B=40")
    for area in area_pokja:
        total = bobot[f"A.I.{area['nomor']}"] + bobot[f"A.II.{area['nomor']}"]
        if total != Decimal(area["bobot"]):
            gagal(f"area {area['nomor']}: pemenuhan + reform {total} != {area['bobot']}")


def periksa_rumus(s: dict) -> None:
    """Rumus dan syarat harus ekspresi yang diizinkan dan hanya memakai nama dari masukan."""
    periksa_ekspresi(s, s["rumus"], "rumus")
    for aturan in s["syarat"]:
        if set(aturan) != {"rumus", "pesan"}:
            gagal(f"{s['kode']}: syarat harus berisi tepat 'rumus' dan 'pesan'")
        pohon = periksa_ekspresi(s, aturan["rumus"], "syarat")
        if not isinstance(pohon.body, ast.Compare):
            gagal(f"{s['kode']}: syarat {aturan['rumus']!r} bukan perbandingan")
        dipakai = {n.id for n in ast.walk(pohon) if isinstance(n, ast.Name)} - FUNGSI_RUMUS
        tidak_disebut = dipakai - set(TEMPAT_ISI.findall(aturan["pesan"]))
        if tidak_disebut:
            gagal(f"{s['kode']}: pesan syarat tidak menyebut isian {sorted(tidak_disebut)}")


def periksa_uraian(s: dict) -> None:
    """Teks pesan/uraian/catatan hanya memakai tempat isi {nama} dari masukan."""
    if not s["uraian"].strip() or not s["uraian_rumus"].strip():
        gagal(f"{s['kode']}: uraian dan uraian_rumus wajib diisi")
    if not set(s["catatan_batas"]) <= BATAS:
        gagal(f"{s['kode']}: kunci catatan_batas hanya boleh {sorted(BATAS)}")
    teks = [("uraian", s["uraian"]), ("uraian_rumus", s["uraian_rumus"])]
    teks += [("pesan syarat", a["pesan"]) for a in s["syarat"]]
    teks += [(f"catatan_batas.{k}", v) for k, v in s["catatan_batas"].items()]
    nama = {m["nama"] for m in s["masukan"]}
    for bagian, isi in teks:
        if not isinstance(isi, str) or not isi.strip():
            gagal(f"{s['kode']}: {bagian} kosong")
        sisa = TEMPAT_ISI.sub("", isi)
        if "{" in sisa or "}" in sisa:
            gagal(f"{s['kode']}: {bagian} punya kurung kurawal yang bukan tempat isi {{nama}}")
        asing = set(TEMPAT_ISI.findall(isi)) - nama
        if asing:
            gagal(f"{s['kode']}: {bagian} memakai {sorted(asing)} di luar masukan")
    if TEMPAT_ISI.search(s["uraian_rumus"]):
        gagal(f"{s['kode']}: uraian_rumus tanpa angka, jadi tanpa tempat isi")


def periksa_ekspresi(s: dict, ekspresi: str, jenis: str) -> ast.Expression:
    """Periksa satu ekspresi bahasa rumus milik soal ``s``; kembalikan pohonnya."""
    try:
        pohon = ast.parse(ekspresi, mode="eval")
    except SyntaxError as e:
        gagal(f"{s['kode']}: {jenis} tidak valid: {e}")
    fungsi = set()
    for simpul in ast.walk(pohon):
        if not isinstance(simpul, NODE_RUMUS):
            gagal(f"{s['kode']}: unsur rumus {type(simpul).__name__} tidak diizinkan")
        if isinstance(simpul, ast.Call):
            if not isinstance(simpul.func, ast.Name) or simpul.func.id not in FUNGSI_RUMUS:
                gagal(f"{s['kode']}: fungsi rumus tidak dikenal")
            if len(simpul.args) != 3 or simpul.keywords:
                gagal(f"{s['kode']}: {simpul.func.id}() harus punya tepat 3 argumen")
            fungsi.add(id(simpul.func))
        elif isinstance(simpul, ast.Constant) and not isinstance(simpul.value, int | float):
            gagal(f"{s['kode']}: konstanta rumus harus angka")
    nama = {m["nama"] for m in s["masukan"]}
    for simpul in ast.walk(pohon):
        if isinstance(simpul, ast.Name) and id(simpul) not in fungsi and simpul.id not in nama:
            gagal(f"{s['kode']}: {jenis} memakai nama {simpul.id!r} di luar masukan")
    return pohon


# --- Utama --------------------------------------------------------------------


def bangun(bank: dict, teks_md: str, dipangkas: list[str]) -> dict:
    soal_bank: list = []
    nodes = [
        bangun_node(n, "", soal_bank) for n in sorted(bank["data"], key=lambda n: n["order_index"])
    ]
    if bank.get("total_soal") != len(soal_bank):
        gagal(f"bank: total_soal {bank.get('total_soal')} != {len(soal_bank)} soal di pohon")
    pasangkan(baca_tabel(teks_md), soal_bank, dipangkas)
    for n in nodes:
        nomori(n)
    return {
        "format": "zi-portal-instrumen/1",
        "kode": "LKE-ZI-2026",
        "nama": "Lembar Kerja Evaluasi Zona Integritas 2026",
        "tahun": bank["tahun"],
        "regulasi": "Peraturan Menteri PANRB Nomor 90 Tahun 2021",
        "sumber": (
            f"Master soal LKE ZI 2026 PortalRB ({len(soal_bank)} soal, "
            f"{bank['generated_at']}), diperkaya panduan eviden"
        ),
        "ambang": AMBANG,
        "area_pokja": AREA_POKJA,
        "nodes": nodes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    parser.add_argument("--domain", type=Path, default=DEFAULT_DOMAIN)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    bank = json.loads(args.bank.read_text(encoding="utf-8"))
    teks_md = args.domain.read_text(encoding="utf-8")
    dipangkas: list[str] = []
    try:
        instrumen = bangun(bank, teks_md, dipangkas)
        if instrumen["tahun"] != 2026:
            gagal(f"bank: tahun {instrumen['tahun']}, seharusnya 2026")
        jenis = periksa(instrumen)
    except GagalPeriksaError as e:
        print(f"GAGAL: {e}", file=sys.stderr)
        return 1

    args.out.parent.mkdir(parents=True, exist_ok=True)
    teks = json.dumps(instrumen, ensure_ascii=False, indent=1) + "\n"
    args.out.write_text(teks, encoding="utf-8")
    for catatan in dipangkas:
        print(f"panduan {catatan}")
    print(f"soal per jenis: {dict(sorted(jenis.items()))}")
    print(f"ditulis: {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
