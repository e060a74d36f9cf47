"""Evidence quality checks: what an assessor complains about, caught before they see it.

Per soal: answered but no evidence; evidence guidance items (``Soal.panduan_eviden``) that
no attached document seems to cover; file names that say nothing ("scan…", "IMG_…",
"WhatsApp Image…", "document(1)", "draft"); a top answer whose note is empty. Pure
functions over rows the callers already hold: the workspace table and the dashboards use
the same rules.

A guidance item counts as covered when a document's title or latest file name shares
enough of its key words (two, or all of them when it has fewer): a heuristic, so the page
words it as "no document seems to match".
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

# File names that say nothing about their content (checked on the name without extension).
_SAMAR = re.compile(
    r"""^(
        scan\w* | pindai\w* |
        img[\s_-]?[\d_-]* | image\s*\d* | foto\s*\d* | photo\s*\d* | dsc\w* | cam\d* | pxl[\s_]\w* |
        whatsapp\s+image.* | wa\d+.* | screenshot.* | tangkapan\s+layar.* |
        document\s*(\(\d+\))? | dokumen\s*(\(\d+\))? | doc\s*\d* | file\s*\d* | berkas\s*\d* |
        untitled.* | tanpa\s+judul.* | new\s+document.* | baru\s*\d* |
        draft\w* | draf\w* | copy\s+of.* | salinan.* |
        \d+ | [\W_]*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_KATA = re.compile(r"[a-z0-9]+")
# Words that carry no meaning for matching a document to a guidance item.
_UMUM = frozenset(
    [
        "dan",
        "yang",
        "atau",
        "untuk",
        "dengan",
        "dari",
        "pada",
        "dalam",
        "oleh",
        "ke",
        "di",
        "tentang",
        "telah",
        "sudah",
        "serta",
        "secara",
        "atas",
        "bagi",
        "tiap",
        "setiap",
        "para",
        "adanya",
        "ada",
        "tidak",
        "ini",
        "itu",
        "tersebut",
        "terkait",
        "lain",
        "lainnya",
        "dokumen",
        "bukti",
        "berupa",
        "misalnya",
        "contoh",
        "mis",
        "dll",
        "sebagainya",
    ]
)
_AKHIRAN = re.compile(r"\.[A-Za-z0-9]{1,5}$")


@lru_cache(maxsize=8192)
def nama_samar(nama):
    """Does this file name (or title) say nothing about its content?"""
    inti = _AKHIRAN.sub("", (nama or "").strip())
    inti = re.sub(r"\s*\(\d+\)$", "", inti).strip()
    return bool(_SAMAR.match(inti))


@lru_cache(maxsize=8192)
def kata_kunci(teks):
    """Key words of a text (pure, so results are kept: the same titles recur on every page)."""
    return frozenset(
        k for k in _KATA.findall((teks or "").casefold()) if k not in _UMUM and len(k) >= 2
    )


def panduan_cocok(panduan, teks_dokumen):
    """Is the guidance item ``panduan`` covered by one of ``teks_dokumen`` (titles and
    file names, one string per document)?"""
    kunci = kata_kunci(panduan)
    if not kunci:
        return True
    perlu = min(2, len(kunci))
    return any(len(kunci & kata_kunci(t)) >= perlu for t in teks_dokumen)


@dataclass(frozen=True)
class Dok:
    """An active attachment as the checks see it."""

    judul: str
    nama_berkas: str = ""  # latest version's original file name ("" for a link)


@dataclass(frozen=True)
class KualitasSoal:
    tanpa_eviden: bool = False
    panduan_kurang: tuple = ()
    nama_samar: tuple = ()
    catatan_kosong: bool = False

    @property
    def jumlah(self):
        return (
            int(self.tanpa_eviden)
            + int(bool(self.panduan_kurang))
            + int(bool(self.nama_samar))
            + int(self.catatan_kosong)
        )

    @property
    def tanda(self):
        """``[(kode, label)]`` for the table's flag column."""
        hasil = []
        if self.tanpa_eviden:
            hasil.append(("dijawab-tanpa-eviden", _("dijawab tanpa eviden")))
        if self.panduan_kurang:
            hasil.append(("panduan-kurang", _("panduan eviden belum terpenuhi")))
        if self.nama_samar:
            hasil.append(("nama-samar", _("nama berkas tidak jelas")))
        if self.catatan_kosong:
            hasil.append(("catatan-kosong", _("jawaban tertinggi tanpa catatan")))
        return hasil


JENIS_MASALAH = ("tanpa_eviden", "panduan_kurang", "nama_samar", "catatan_kosong")


def periksa(*, panduan, terjawab, puncak, catatan, dokumen):
    """Check one soal. ``terjawab``: it has an answer; ``puncak``: the answer is the top
    one; ``catatan``: the answer's note; ``dokumen``: its active attachments (``Dok``)."""
    teks = [f"{d.judul} {d.nama_berkas}" for d in dokumen]
    samar = tuple(
        d.nama_berkas or d.judul
        for d in dokumen
        if (d.nama_berkas and nama_samar(d.nama_berkas)) or nama_samar(d.judul)
    )
    return KualitasSoal(
        tanpa_eviden=terjawab and not dokumen,
        panduan_kurang=tuple(p for p in panduan if not panduan_cocok(p, teks)) if dokumen else (),
        nama_samar=samar,
        catatan_kosong=bool(terjawab and puncak and not (catatan or "").strip()),
    )
