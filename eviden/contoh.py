"""A minimal, valid one-page PDF made in memory: the demo's evidence files (and the tests'
sample PDF). No library: five objects and a cross-reference table."""

import io


def pdf(teks="Surat Keputusan Tim ZI"):
    """A one-page PDF showing ``teks`` (ASCII; parentheses and backslashes escaped)."""
    aman = teks.encode("latin-1", "replace").replace(b"\\", b"\\\\")
    aman = aman.replace(b"(", b"\\(").replace(b")", b"\\)")
    isi = b"BT /F1 12 Tf 72 720 Td (" + aman + b") Tj ET"
    objek = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(isi) + isi + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    keluar, posisi = io.BytesIO(), []
    keluar.write(b"%PDF-1.4\n")
    for i, o in enumerate(objek, start=1):
        posisi.append(keluar.tell())
        keluar.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = keluar.tell()
    keluar.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objek) + 1))
    for p in posisi:
        keluar.write(b"%010d 00000 n \n" % p)
    keluar.write(
        b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objek) + 1, xref)
    )
    return keluar.getvalue()
