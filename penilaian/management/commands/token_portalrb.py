"""``manage.py token_portalrb buat NAMA`` / ``cabut NAMA`` / ``daftar``: PortalRB API tokens
from the command line (the same functions as the admin)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from penilaian.api.token import buat_token, cabut_token
from penilaian.models import TokenPortalRB


class Command(BaseCommand):
    help = (
        "Membuat, mencabut atau menampilkan token API PortalRB. Token baru dicetak sekali, "
        "pada baris terakhir keluaran."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="aksi", required=True)
        buat = sub.add_parser("buat", help="Buat token baru.")
        buat.add_argument("nama", help="Nama token, mis. portalrb-2026.")
        cabut = sub.add_parser("cabut", help="Cabut token (tidak dapat dipakai lagi).")
        cabut.add_argument("nama", help="Nama token.")
        sub.add_parser("daftar", help="Tampilkan semua token (awalan, bukan token).")

    def handle(self, *args, aksi, nama=None, **options):
        try:
            if aksi == "buat":
                baris, token = buat_token(nama=nama)
                self.stdout.write(
                    _(
                        "Token PortalRB «%(nama)s» dibuat (awalan %(awalan)s). Simpan sekarang di "
                        "konfigurasi API PortalRB; token tidak akan ditampilkan lagi:"
                    )
                    % {"nama": baris.nama, "awalan": baris.awalan}
                )
                self.stdout.write(token)
            elif aksi == "cabut":
                baris = cabut_token(nama=nama)
                self.stdout.write(_("Token PortalRB «%(nama)s» dicabut.") % {"nama": baris.nama})
            else:
                for t in TokenPortalRB.objects.order_by("nama"):
                    keadaan = (
                        _("dicabut %(w)s") % {"w": t.dicabut_pada.isoformat(timespec="seconds")}
                        if t.dicabut_pada
                        else _("aktif")
                    )
                    self.stdout.write(f"{t.nama}\t{t.awalan}…\t{keadaan}")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
