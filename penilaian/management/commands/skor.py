import json

from django.core.management.base import BaseCommand, CommandError

from eviden.selectors import lembar_satker
from penilaian.selectors import skor_lembar
from penilaian.skor import ringkas
from zi_portal.format import angka


class Command(BaseCommand):
    help = (
        "Menghitung nilai LKE lembar kerja satker pada tahun itu (dengan --json: satu objek JSON)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--satker", required=True)
        parser.add_argument("--tahun", required=True, type=int)
        parser.add_argument(
            "--json", action="store_true", dest="sebagai_json", help="Cetak satu objek JSON."
        )

    def handle(self, *args, satker, tahun, sebagai_json, **options):
        lembar = lembar_satker(satker, tahun)
        if lembar is None:
            raise CommandError(f"Tidak ada lembar kerja untuk satker {satker} tahun {tahun}.")
        hasil = skor_lembar(lembar)
        if sebagai_json:
            self.stdout.write(json.dumps(ringkas(hasil), ensure_ascii=False))
            return
        self._tabel(lembar, hasil)

    def _tabel(self, lembar, hasil):
        w = self.stdout.write
        w(f"Nilai LKE {lembar.tim} ({lembar.instrumen.kode})")
        w("")
        baris = [
            ("Nilai total", hasil.total, None),
            ("Pengungkit", hasil.pengungkit, None),
            ("  Pemenuhan", hasil.pemenuhan, None),
            ("  Reform", hasil.reform, None),
        ]
        for a in hasil.area.values():
            baris.append((f"  Area {a.nomor} {a.nama}", a.nilai, a.bobot))
        baris += [
            ("Hasil", hasil.hasil, None),
            ("  Birokrasi bersih dan akuntabel", hasil.bersih, None),
            ("  Pelayanan publik prima", hasil.prima, None),
        ]
        lebar = max(len(b[0]) for b in baris) + 2
        for label, nilai, bobot in baris:
            ekor = f"  dari {angka(bobot)} ({angka(nilai / bobot * 100)}%)" if bobot else ""
            w(f"{label.ljust(lebar)}{angka(nilai).rjust(7)}{ekor}")
        w("")
        for p in hasil.putusan.values():
            w(f"{p.predikat}: {'MEMENUHI' if p.memenuhi else 'BELUM MEMENUHI'}")
            for a in p.aturan:
                if not a.memenuhi:
                    nilai, ambang, kurang = angka(a.nilai), angka(a.ambang), angka(a.kurang)
                    w(f"  - {a.kode}: {nilai} < {ambang} (kurang {kurang})")
        if hasil.belum_dijawab:
            w("")
            w(
                f"Belum dijawab ({len(hasil.belum_dijawab)} soal, dihitung 0): "
                + ", ".join(s.kode for s in hasil.belum_dijawab)
            )
