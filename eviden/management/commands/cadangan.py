"""Backup, restore and check of the database and the evidence objects (docs/cadangan.md).

python manage.py cadangan buat FOLDER       # pg_dump + every object, checked, + manifest
python manage.py cadangan pulihkan FOLDER   # into an empty database and an empty storage
python manage.py cadangan periksa           # every version's object is there and intact
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from eviden import cadangan


class Command(BaseCommand):
    help = "Cadangan dan pemulihan basis data (PostgreSQL) beserta semua objek eviden."

    def add_arguments(self, parser):
        aksi = parser.add_subparsers(dest="aksi", required=True, metavar="{buat,pulihkan,periksa}")
        buat = aksi.add_parser("buat", help="Membuat cadangan ke FOLDER baru.")
        buat.add_argument("folder")
        pulihkan = aksi.add_parser(
            "pulihkan", help="Memulihkan cadangan FOLDER ke basis data dan penyimpanan kosong."
        )
        pulihkan.add_argument("folder")
        aksi.add_parser(
            "periksa", help="Memeriksa bahwa setiap versi berkas ada di penyimpanan dan utuh."
        )

    def handle(self, *args, aksi, **options):
        if aksi == "buat":
            cadangan.buat(options["folder"], default_storage, self._tulis, self._keluhkan)
        elif aksi == "pulihkan":
            cadangan.pulihkan(options["folder"], default_storage, self._tulis, self._keluhkan)
        else:
            hasil = cadangan.periksa(default_storage, self._keluhkan)
            for kunci in hasil.yatim[:20]:
                self.stdout.write(f"Objek yatim (tidak dirujuk versi mana pun): {kunci}")
            if len(hasil.yatim) > 20:
                self.stdout.write(f"… dan {len(hasil.yatim) - 20} objek yatim lainnya.")
            self.stdout.write(hasil.ringkasan())
            if hasil.masalah:
                raise CommandError(
                    f"Pemeriksaan gagal: {len(hasil.hilang)} objek hilang, "
                    f"{len(hasil.rusak)} rusak."
                )

    def _tulis(self, pesan):
        self.stdout.write(pesan)

    def _keluhkan(self, pesan):
        self.stderr.write(pesan)
