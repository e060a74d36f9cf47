"""Recalculate a workbook the way a person opening it would: LibreOffice Calc, headless.

openpyxl writes formulas without cached values, so reading an exported workbook with
``data_only=True`` gives ``None`` everywhere; after a round trip through LibreOffice every
formula cell holds the value Calc computed. ``Kalkulator`` keeps a private LibreOffice
profile (never the user's own, so parallel runs and other programs do not interfere) in
which Calc is told to recalculate every OOXML file on load (Calc setting
``org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`` = 0, "always"): values cached
in the file are never trusted, which ``ubah_angka`` + a second conversion can prove.

Usage::

    k = Kalkulator(tmp_path / "lo")
    [hasil] = k.hitung_ulang(berkas)         # one LibreOffice start for any number of files
    wb = baca(hasil)                           # openpyxl, data_only=True
"""

import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.xml.functions import fromstring

# Calc's "Recalculation on file load" for Excel 2007 and newer: 0 always, 1 never, 2 prompt.
SELALU, TIDAK_PERNAH = 0, 1
FILTER_XLSX = "xlsx:Calc MS Excel 2007 XML"
BATAS_DETIK = 180

REGISTRI = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def soffice():
    """The LibreOffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class KalkulasiGagal(RuntimeError):
    pass


class Kalkulator:
    """LibreOffice with a private profile under ``folder``. ``hitung_saat_buka`` False keeps
    Calc's "never recalculate" instead (a control: cached values are then shown as is)."""

    def __init__(self, folder, *, hitung_saat_buka=True):
        self.folder = Path(folder)
        self.profil = self.folder / "profil"
        self.mode = SELALU if hitung_saat_buka else TIDAK_PERNAH
        self._urut = 0

    def _siapkan_profil(self):
        user = self.profil / "user"
        user.mkdir(parents=True, exist_ok=True)
        registri = user / "registrymodifications.xcu"
        if not registri.exists():
            registri.write_text(REGISTRI.format(mode=self.mode), encoding="utf-8")
        return registri

    def hitung_ulang(self, *berkas, batas_detik=BATAS_DETIK):
        """Open each file in Calc (recalculating it) and save it as xlsx; return the new
        paths, in order. One LibreOffice process for all files."""
        program = soffice()
        if program is None:
            raise KalkulasiGagal("LibreOffice (soffice) tidak terpasang")
        if not berkas:
            return []
        nama = [Path(b).name for b in berkas]
        if len(set(nama)) != len(nama):
            raise KalkulasiGagal(f"nama berkas harus berbeda: {nama}")
        self._siapkan_profil()
        self._urut += 1
        tujuan = self.folder / f"hasil-{self._urut}"
        tujuan.mkdir(parents=True, exist_ok=True)
        perintah = [
            program,
            f"-env:UserInstallation={self.profil.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            FILTER_XLSX,
            "--outdir",
            str(tujuan),
            *[str(Path(b).resolve()) for b in berkas],
        ]
        env = {**os.environ, "HOME": str(self.folder)}
        proses = subprocess.Popen(  # noqa: S603 - fixed program, our own arguments
            perintah,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            keluar, galat = proses.communicate(timeout=batas_detik)
        except subprocess.TimeoutExpired:
            os.killpg(proses.pid, signal.SIGKILL)
            proses.communicate()
            raise KalkulasiGagal(f"LibreOffice tidak selesai dalam {batas_detik} detik") from None
        hasil = [tujuan / Path(n).with_suffix(".xlsx").name for n in nama]
        hilang = [str(h) for h in hasil if not h.exists()]
        if proses.returncode != 0 or hilang:
            raise KalkulasiGagal(
                f"LibreOffice gagal (kode {proses.returncode}, tidak ada {hilang}):\n"
                f"{keluar.decode(errors='replace')}\n{galat.decode(errors='replace')}"
            )
        return hasil


def baca(berkas):
    """The workbook with the values Calc computed (openpyxl, ``data_only=True``)."""
    return openpyxl.load_workbook(berkas, data_only=True)


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _xml_lembar(arsip, lembar):
    """The part name of sheet ``lembar`` (``xl/worksheets/sheet1.xml``)."""
    buku = fromstring(arsip.read("xl/workbook.xml"))
    rid = None
    for s in buku.iterfind("m:sheets/m:sheet", _NS):
        if s.get("name") == lembar:
            rid = s.get(f"{{{_NS['r']}}}id")
    if rid is None:
        raise KeyError(f"lembar {lembar!r} tidak ada")
    rels = fromstring(arsip.read("xl/_rels/workbook.xml.rels"))
    for r in rels.iterfind("rel:Relationship", _NS):
        if r.get("Id") == rid:
            target = r.get("Target").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise KeyError(f"relasi {rid} tidak ada")


def ubah_angka(sumber, tujuan, lembar, sel, angka):
    """Copy ``sumber`` to ``tujuan`` with the number in cell ``sel`` of sheet ``lembar``
    replaced by ``angka``, touching nothing else: every cached formula value stays as it
    was (stale), unlike a save through openpyxl, which drops them all."""
    with zipfile.ZipFile(sumber) as masuk, zipfile.ZipFile(tujuan, "w", zipfile.ZIP_DEFLATED) as k:
        bagian = _xml_lembar(masuk, lembar)
        for info in masuk.infolist():
            data = masuk.read(info.filename)
            if info.filename == bagian:
                teks = data.decode("utf-8")
                pola = re.compile(rf'<c r="{sel}"([^>]*)><v>[^<]*</v>')

                def ganti(cocok):
                    atribut = re.sub(r'\s+t="[^"]*"', "", cocok.group(1))
                    return f'<c r="{sel}"{atribut} t="n"><v>{angka}</v>'

                baru, n = pola.subn(ganti, teks, count=1)
                if n != 1:
                    raise KeyError(f"sel angka {sel} tidak ada di {bagian}")
                data = baru.encode("utf-8")
            k.writestr(info, data)
    return Path(tujuan)
