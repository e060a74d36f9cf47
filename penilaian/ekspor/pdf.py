"""The readiness report ("Laporan Kesiapan Zona Integritas") as an A4 PDF.

One HTML template (``penilaian/ekspor/laporan.html``) rendered by WeasyPrint. What it shows:
the satker's letterhead, the projected score and the verdict for the team's target
predicate (scores from ``permintaan.sumber.skor``: live, or as frozen in a submission), the
six areas as a table and a server-side SVG chart, evidence completeness, quality and
overdue work from the chair's dashboard (``selectors.dasbor``: always the live state), the
stage calendar and the Kasubbag TU's signature block.

WeasyPrint never opens a URL here: its fetcher loads ``data:`` URIs only (the logo is
embedded as one, read from the default storage, so an S3 logo works too) and refuses every
other address without opening it.
"""

import base64
import logging
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from eviden.models import StatusButir
from pokja.models import Anggota, Peran
from zi_portal.format import angka

from ..kalender import WIB
from ..selectors import dasbor, kalender_tim
from ..tampil import baris_aturan
from . import grafik
from .sumber import DISETUJUI

MIME = "application/pdf"
EKSTENSI = "pdf"
TEMPLATE = "penilaian/ekspor/laporan.html"

# Logo types WeasyPrint draws; anything else is left out of the letterhead.
LOGO_MIME = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})
LOGO_MAKS = 2 * 1024 * 1024  # bytes; a bigger logo is left out (it would bloat every PDF)
# Steps reported through ``maju``: data gathered, HTML, layout, PDF written.
LANGKAH = 4

log = logging.getLogger(__name__)


class AlamatDitolak(ValueError):
    """WeasyPrint asked for a URL that is not a ``data:`` URI."""


class PengambilTertutup(URLFetcher):
    """A WeasyPrint fetcher that loads ``data:`` URIs only. Any other URL (http, https,
    file, ftp, relative) is refused before anything is opened, and recorded in
    ``ditolak``; WeasyPrint then draws the document without that resource."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.ditolak = []

    def fetch(self, url, headers=None):
        if not str(url).lower().startswith("data:"):
            self.ditolak.append(url)
            raise AlamatDitolak(f"alamat ditolak (hanya data: URI): {str(url)[:200]}")
        return super().fetch(url, headers)


def tanggal_panjang(waktu):
    """The day of an instant in Asia/Jakarta with the month in full: "24 November 2026"."""
    return dateformat.format(waktu.astimezone(WIB).date(), "j F Y")


def css_teks(teks):
    """``teks`` as a CSS string literal (quotes, backslashes, line breaks and ``<`` escaped,
    so it can sit inside ``<style>``)."""
    keluar = []
    for c in str(teks):
        if c in '\\"<>' or ord(c) < 32:
            keluar.append(f"\\{ord(c):x} ")
        else:
            keluar.append(c)
    return '"' + "".join(keluar) + '"'


def css_halaman():
    """The footer's CSS ``content`` value: "Halaman " counter(page) " dari " counter(pages)
    in the active language."""
    pola = _("Halaman %(halaman)s dari %(jumlah)s")
    penanda = {"halaman": "\x00page\x00", "jumlah": "\x00pages\x00"}
    bagian = []
    for i, potong in enumerate((pola % penanda).split("\x00")):
        if i % 2:
            bagian.append(f"counter({potong})")
        elif potong:
            bagian.append(css_teks(potong))
    return " ".join(bagian)


def logo_data_uri(satker):
    """The satker's logo as a ``data:`` URI, or "" (no logo, a type WeasyPrint cannot draw,
    too big, or unreadable: the letterhead then goes without, the report still renders)."""
    if not satker.logo:
        return ""
    mime = (satker.logo_mime or "").lower()
    if mime not in LOGO_MIME:
        log.warning("logo satker %s dilewati: jenis %r", satker.pk, mime)
        return ""
    try:
        with default_storage.open(satker.logo, "rb") as f:
            isi = f.read(LOGO_MAKS + 1)
    except OSError as e:
        log.warning("logo satker %s tidak terbaca: %s", satker.pk, e)
        return ""
    if not isi or len(isi) > LOGO_MAKS:
        log.warning("logo satker %s dilewati: %d byte", satker.pk, len(isi))
        return ""
    return f"data:{mime};base64,{base64.b64encode(isi).decode('ascii')}"


def penanda_tangan(tim, pengguna=None):
    """The team's Kasubbag TU (``pokja.Anggota``): the requesting user when they hold the
    role, else the first one appointed; None when the team has none. One query."""
    daftar = list(
        Anggota.objects.filter(tim=tim, peran=Peran.KASUBBAG_TU)
        .select_related("user")
        .order_by("pk")
    )
    for a in daftar:
        if pengguna is not None and a.user_id == getattr(pengguna, "pk", None):
            return a.user
    return daftar[0].user if daftar else None


@dataclass(frozen=True)
class BarisArea:
    nomor: int
    nama: str
    nilai: str
    bobot: str
    persen: str
    minimal: list  # [(predikat, "points (percent%)", meets)] per predicate
    status: str
    memenuhi_target: bool


def _baris_area(hasil, target):
    """One row per area: value, weight, percent, each predicate's minimum, status."""
    aturan_area = {
        p.predikat: {a.kode: a for a in p.aturan if a.kode.startswith("area_")}
        for p in hasil.putusan.values()
    }
    baris = []
    for n, a in hasil.area.items():
        minimal, tertinggi, kurang_dari = [], None, None
        for predikat, aturan in aturan_area.items():
            atr = aturan.get(f"area_{n}")
            if atr is None:
                continue
            minimal.append(
                (
                    predikat,
                    f"{angka(atr.ambang)} ({angka(atr.persen_ambang, 0)}%)",
                    atr.memenuhi,
                )
            )
            if atr.memenuhi:
                tertinggi = predikat
            elif kurang_dari is None:
                kurang_dari = predikat
        if tertinggi:
            status = _("Memenuhi %(predikat)s") % {"predikat": tertinggi}
        else:
            status = _("Di bawah batas %(predikat)s") % {"predikat": kurang_dari or "—"}
        target_atr = aturan_area.get(target, {}).get(f"area_{n}")
        baris.append(
            BarisArea(
                nomor=a.nomor,
                nama=a.nama,
                nilai=angka(a.nilai),
                bobot=angka(a.bobot),
                persen=angka(a.persen),
                minimal=minimal,
                status=status,
                memenuhi_target=bool(target_atr and target_atr.memenuhi),
            )
        )
    return baris


def _garis_area(hasil):
    """``[(predikat, minimum area percent)]``: the chart's threshold lines."""
    garis = []
    for p in hasil.putusan.values():
        persen = next((a.persen_ambang for a in p.aturan if a.persen_ambang is not None), None)
        if persen is not None:
            garis.append((p.predikat, persen))
    return garis


def _tahapan_kini(kalender):
    """(the stage in progress, or the next one; its status), or (None, "")."""
    for status in ("berlangsung", "akan_datang"):
        for b in kalender:
            if b.status == status:
                return b, status
    return None, ""


LABEL_STATUS_TAHAPAN = {
    "berlangsung": gettext_lazy("Berlangsung"),
    "akan_datang": gettext_lazy("Akan datang"),
    "selesai": gettext_lazy("Selesai"),
}


def soal_tanpa_disetujui(sumber):
    """``{Pokja area: [soal code, ...]}``: the scored soal of each Pokja that are not approved
    with at least one active (or, for a submission, frozen) evidence document."""
    berkas = {b.soal_id for b in sumber.berkas(DISETUJUI)}
    lengkap = {
        sid
        for sid in berkas
        if (j := sumber.jawaban.get(sid)) is not None and j.status == StatusButir.DISETUJUI
    }
    hasil = {}
    for s in sorted(sumber.soal, key=lambda x: x.kode):
        if s.area_pokja and s.jenis != "jumlah" and s.pk not in lengkap:
            hasil.setdefault(s.area_pokja, []).append(s.kode)
    return hasil


def susun(permintaan):
    """The template's context: every value as it is printed."""
    sumber = permintaan.sumber
    tim = sumber.lembar.tim  # loaded with its satker
    satker = tim.satker
    hasil = sumber.skor
    target = tim.target_predikat
    putusan = hasil.putusan.get(target)
    d = dasbor(tim)
    kalender = kalender_tim(tim, permintaan.waktu)
    kini, status_kini = _tahapan_kini(kalender)
    label_status = {k: str(v) for k, v in LABEL_STATUS_TAHAPAN.items()}
    area = _baris_area(hasil, target)
    garis = _garis_area(hasil)
    bagan = grafik.batang_persen(
        [(f"{a.nomor}. {a.nama}", a.persen) for a in hasil.area.values()],
        garis,
        judul=_("Persentase nilai tiap area"),
    )
    gagal = [baris_aturan(a, hasil) for a in putusan.aturan if not a.memenuhi] if putusan else []
    node_pengungkit = hasil.node[hasil.instrumen.acuan["pengungkit"]].node
    node_hasil = hasil.node[hasil.instrumen.acuan["hasil"]].node
    status_butir = list(StatusButir)
    belum = soal_tanpa_disetujui(sumber)
    pokja = [
        {
            "nama": str(b.pokja) if b.pokja else f"{b.area.nomor}. {b.area.nama}",
            "jumlah": b.jumlah_soal,
            "status": [b.status.get(s.value, 0) for s in status_butir],
            "lengkap": b.lengkap,
            "persen": angka(b.persen_lengkap, 0),
            "tanpa": b.jumlah_soal - b.lengkap,
            "kualitas": b.kualitas,
            "belum": belum.get(b.area.nomor, []),
        }
        for b in d.pokja
    ]
    penanda = penanda_tangan(tim, permintaan.pengguna)
    pengajuan = permintaan.pengajuan
    return {
        "bahasa": translation.get_language() or "id",
        "satker": satker,
        "alamat": [b.strip() for b in satker.alamat.splitlines() if b.strip()],
        "logo": logo_data_uri(satker),
        "tim": tim,
        "target": target,
        "tanggal": tanggal_panjang(permintaan.waktu),
        "dibuat": permintaan.waktu,
        "kota": satker.kota.strip() or satker.nama,
        "kini": kini,
        "status_kini": label_status.get(status_kini, ""),
        "berlangsung": status_kini == "berlangsung",
        "hasil": hasil,
        "maks_pengungkit": node_pengungkit.bobot,
        "maks_hasil": node_hasil.bobot,
        "putusan": putusan,
        "vonis": (
            _("Memenuhi syarat %(predikat)s") % {"predikat": target}
            if putusan and putusan.memenuhi
            else _("Belum memenuhi syarat %(predikat)s") % {"predikat": target}
        ),
        "gagal": gagal,
        "pengajuan": pengajuan,
        "area": area,
        "predikat": [p for p, _teks, _ya in area[0].minimal] if area else [],
        "grafik": bagan,
        "status_butir": [s.label for s in status_butir],
        "pokja": pokja,
        "kualitas": d.kualitas,
        "masalah": d.masalah,
        "terlambat": d.terlambat,
        "kalender": [
            {
                "nama": b.tahapan.get_jenis_display(),
                "mulai": b.tahapan.mulai,
                "selesai": b.tahapan.selesai,
                "tenggat": b.tahapan.tenggat_eviden,
                "status": label_status.get(b.status, b.status),
                "kini": b is kini,
                "pengajuan": b.pengajuan,
            }
            for b in kalender
        ],
        "penanda": penanda,
        "css_halaman": css_halaman(),
        "css_judul": css_teks(satker.nama),
    }


def render(permintaan, keluar, maju):
    """Write the report of ``permintaan`` as a PDF to ``keluar`` (binary file object)."""
    maju(0, LANGKAH)
    konteks = susun(permintaan)
    maju(1, LANGKAH)
    html = render_to_string(TEMPLATE, konteks)
    maju(2, LANGKAH)
    dokumen = HTML(string=html, url_fetcher=PengambilTertutup()).render()
    maju(3, LANGKAH)
    dokumen.write_pdf(keluar)
    maju(4, LANGKAH)
