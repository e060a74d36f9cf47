"""Small, real sample files of every accepted and refused kind, made in memory."""

import io
import struct
import zipfile
import zlib

from eviden import contoh


def pdf(teks="Surat Keputusan Tim ZI"):
    return contoh.pdf(teks)


_OOXML = "application/vnd.openxmlformats-officedocument."
# Main part and its content type, as Office writes them.
OOXML_UTAMA = {
    "docx": ("word/document.xml", _OOXML + "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", _OOXML + "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", _OOXML + "presentationml.presentation.main+xml"),
}


def ooxml(jenis, tipe_utama=None, tambahan=()):
    """A minimal OOXML package: [Content_Types].xml first (as Office writes it), the
    package relationship, and the main part. ``tipe_utama`` overrides the main part's
    content type (e.g. a macro-enabled one); ``tambahan`` adds (name, bytes) members."""
    bagian, tipe = OOXML_UTAMA[jenis]
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{bagian}" ContentType="{tipe_utama or tipe}"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{bagian}"/></Relationships>',
        )
        z.writestr(bagian, '<?xml version="1.0"?><x/>')
        for nama, isi in tambahan:
            z.writestr(nama, isi)
    return b.getvalue()


def odf(mime, tambahan=()):
    """A minimal ODF package: ``mimetype`` first and stored, then content.xml;
    ``tambahan`` adds (name, bytes) members (e.g. a Basic/ macro library)."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<x/>", compress_type=zipfile.ZIP_DEFLATED)
        for nama, isi in tambahan:
            z.writestr(nama, isi, compress_type=zipfile.ZIP_DEFLATED)
    return b.getvalue()


def png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
SKRIP = b"#!/bin/sh\nrm -rf /\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 60

DITERIMA = {
    "sk.pdf": pdf(),
    "notulen.docx": ooxml("docx"),
    "rekap.xlsx": ooxml("xlsx"),
    "paparan.pptx": ooxml("pptx"),
    "laporan.odt": odf("application/vnd.oasis.opendocument.text"),
    "data.ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
    "foto.jpg": JPG,
    "tangkapan.png": png(),
    "video.mp4": MP4,
}
