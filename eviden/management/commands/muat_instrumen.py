from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from eviden.instrumen import InstrumenTidakSah, baca_berkas, muat_instrumen


class Command(BaseCommand):
    help = "Memuat berkas instrumen LKE (format zi-portal-instrumen/1) ke basis data."

    def add_arguments(self, parser):
        parser.add_argument(
            "berkas", nargs="?", default=str(settings.INSTRUMEN_DEFAULT), help="Path berkas JSON."
        )

    def handle(self, *args, berkas, **options):
        try:
            hasil = muat_instrumen(data=baca_berkas(berkas))
        except (InstrumenTidakSah, OSError) as exc:
            raise CommandError(str(exc)) from exc
        status = "dimuat" if hasil.berubah else "tidak berubah (isi sama dengan yang sudah dimuat)"
        self.stdout.write(
            f"Instrumen {hasil.instrumen.kode}: {status}; "
            f"{hasil.jumlah_node} node, {hasil.jumlah_soal} soal."
        )
