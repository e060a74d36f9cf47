"""Charts for documents made on the server: plain SVG strings, no browser and no script.

The PDF report embeds them inline (WeasyPrint draws inline SVG as vectors, text included).
Every mark carries a ``class`` and ``data-*`` attributes (the value it stands for) so a test
can read a chart back with an XML parser.
"""

from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from zi_portal.format import angka

FONT = "DejaVu Sans"
# Bar colours by how many threshold lines the bar reaches (none, some, all).
WARNA_BATANG = ("#c0392b", "#d68910", "#1e8449")
WARNA_GARIS = ("#d68910", "#1e8449", "#2e86c1", "#7d3c98")
WARNA_KISI = "#d5d8dc"
WARNA_TEKS = "#1c2833"


def _f(nilai):
    """A coordinate as short text (2 decimals, no trailing zeros)."""
    teks = f"{float(nilai):.2f}".rstrip("0").rstrip(".")
    return "0" if teks in ("-0", "") else teks


def _warna_batang(persen, garis):
    if not garis:
        return WARNA_BATANG[-1]
    lewat = sum(1 for _label, batas in garis if persen >= float(batas))
    if lewat == 0:
        return WARNA_BATANG[0]
    if lewat == len(garis):
        return WARNA_BATANG[-1]
    return WARNA_BATANG[1]


def batang_persen(baris, garis=(), *, judul="", lebar=640, maks=100, langkah=10):
    """Horizontal bars of percentages against threshold lines, as an SVG string.

    ``baris``: ``[(label, percent)]`` top to bottom, each label written above its bar and
    the value at its end; ``garis``: ``[(label, percent)]`` dashed vertical lines (e.g.
    ``[("WBK", 60), ("WBBM", 75)]``) named above the plot; grid lines every ``langkah``
    percent with a tick label every other one. Bars run from 0 to ``maks`` percent
    (a value outside is drawn clipped, its label keeps the real value).
    """
    maks = float(maks)
    kiri, kanan, atas, bawah = 8.0, 56.0, 30.0, 26.0
    tinggi_label, tinggi_batang, jarak = 15.0, 14.0, 9.0
    per_baris = tinggi_label + tinggi_batang + jarak
    lebar_plot = lebar - kiri - kanan
    tinggi_plot = per_baris * len(baris)
    tinggi = atas + tinggi_plot + bawah

    def x(persen):
        return kiri + lebar_plot * min(max(float(persen), 0.0), maks) / maks

    bagian = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik-batang" width="{_f(lebar)}" '
        f'height="{_f(tinggi)}" viewBox="0 0 {_f(lebar)} {_f(tinggi)}" role="img" '
        f'aria-label={quoteattr(judul)} font-family={quoteattr(FONT)} font-size="10">'
    ]
    if judul:
        bagian.append(f"<title>{escape(judul)}</title>")
    # Grid lines and the axis labels under the plot.
    n_kisi = int(maks // langkah)
    for i in range(n_kisi + 1):
        persen = i * langkah
        xi = _f(x(persen))
        bagian.append(
            f'<line class="kisi" data-persen="{_f(persen)}" x1="{xi}" y1="{_f(atas)}" '
            f'x2="{xi}" y2="{_f(atas + tinggi_plot)}" stroke="{WARNA_KISI}" stroke-width="0.6"/>'
        )
        if i % 2 == 0:
            bagian.append(
                f'<text class="sumbu" x="{xi}" y="{_f(atas + tinggi_plot + 14)}" '
                f'text-anchor="middle" fill="{WARNA_TEKS}">{_f(persen)}%</text>'
            )
    # Bars, each with its label above and its value at the end.
    for i, (label, persen) in enumerate(baris):
        persen = float(persen if persen is not None else 0)
        y_label = atas + i * per_baris + tinggi_label - 4
        y_batang = atas + i * per_baris + tinggi_label
        panjang = x(persen) - kiri
        bagian.append(
            f'<text class="label" x="{_f(kiri)}" y="{_f(y_label)}" '
            f'fill="{WARNA_TEKS}">{escape(str(label))}</text>'
        )
        bagian.append(
            f'<rect class="batang" data-persen="{_f(persen)}" x="{_f(kiri)}" '
            f'y="{_f(y_batang)}" width="{_f(panjang)}" height="{_f(tinggi_batang)}" '
            f'fill="{_warna_batang(persen, garis)}"/>'
        )
        bagian.append(
            f'<text class="nilai" x="{_f(kiri + panjang + 4)}" '
            f'y="{_f(y_batang + tinggi_batang - 3)}" fill="{WARNA_TEKS}" '
            f'font-weight="bold">{escape(angka(Decimal(str(persen))))}%</text>'
        )
    # Threshold lines on top of the bars, named above the plot.
    for i, (label, persen) in enumerate(garis):
        warna = WARNA_GARIS[i % len(WARNA_GARIS)]
        xg = _f(x(persen))
        bagian.append(
            f'<line class="garis" data-label={quoteattr(str(label))} '
            f'data-persen="{_f(persen)}" x1="{xg}" y1="{_f(atas - 6)}" x2="{xg}" '
            f'y2="{_f(atas + tinggi_plot)}" stroke="{warna}" stroke-width="1.4" '
            f'stroke-dasharray="5 3"/>'
        )
        bagian.append(
            f'<text class="label-garis" x="{xg}" y="{_f(atas - 10)}" text-anchor="middle" '
            f'fill="{warna}" font-weight="bold">'
            f"{escape(str(label))} {escape(angka(Decimal(str(persen)), 0))}%</text>"
        )
    bagian.append("</svg>")
    return "".join(bagian)
