import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from eviden.impor import ImporDitolak, impor
from eviden.selectors import lembar_satker


class Command(BaseCommand):
    help = (
        "Mengimpor jawaban unit (bentuk PortalRB: daftar {soal_id, jawaban_unit, catatan_unit}) "
        "ke lembar kerja satker pada tahun itu. Seluruh berkas diperiksa dulu; bila ada satu "
        "baris salah, tidak ada yang ditulis."
    )

    def add_arguments(self, parser):
        parser.add_argument("berkas", help="Berkas JSON jawaban unit.")
        parser.add_argument("--satker", required=True, help="Kode satker, mis. KANKEMENAG-KOTA-X")
        parser.add_argument("--tahun", required=True, type=int)
        parser.add_argument(
            "--oleh", default="", help="Username yang dicatat di riwayat (kosong: sistem)."
        )

    def handle(self, *args, berkas, satker, tahun, oleh, **options):
        lembar = lembar_satker(satker, tahun)
        if lembar is None:
            raise CommandError(f"Tidak ada lembar kerja untuk satker {satker} tahun {tahun}.")
        user = None
        if oleh:
            user = get_user_model().objects.filter(username=oleh).first()
            if user is None:
                raise CommandError(f"Pengguna {oleh!r} tidak ada.")
        try:
            with open(berkas, encoding="utf-8") as f:
                baris = json.load(f)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"{berkas}: tidak dapat dibaca sebagai JSON ({exc})") from exc
        try:
            berubah = impor(lembar=lembar, baris=baris, user=user)
        except ImporDitolak as exc:
            for k in exc.kesalahan:
                self.stderr.write(k)
            raise CommandError(
                f"{len(exc.kesalahan)} baris salah; tidak ada jawaban yang ditulis."
            ) from exc
        self.stdout.write(
            f"{len(baris)} baris diperiksa; {berubah} jawaban berubah pada {lembar.tim}."
        )
