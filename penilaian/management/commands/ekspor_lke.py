from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from eviden.models import LembarKerja
from penilaian.ekspor import xlsx
from penilaian.ekspor.sumber import Permintaan, Sumber
from penilaian.models import Pengajuan
from pokja.models import Satker, TimZI


class Command(BaseCommand):
    help = (
        "Menulis LKE satker pada tahun itu ke berkas Excel (.xlsx) berumus hidup, dari jawaban "
        "terkini atau dari satu pengajuan (--pengajuan ID)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--satker", required=True, help="Kode satker.")
        parser.add_argument("--tahun", required=True, type=int)
        parser.add_argument("--pengajuan", type=int, help="ID pengajuan yang dibekukan.")
        parser.add_argument("berkas", help="Berkas .xlsx yang ditulis.")

    def handle(self, *args, satker, tahun, pengajuan, berkas, **options):
        sk = Satker.objects.filter(kode=satker).first()
        if sk is None:
            raise CommandError(_("Satker dengan kode %(kode)s tidak ditemukan.") % {"kode": satker})
        tim = TimZI.objects.filter(satker=sk, tahun=tahun).first()
        if tim is None:
            raise CommandError(
                _("Satker %(kode)s tidak punya Tim ZI tahun %(tahun)s.")
                % {"kode": satker, "tahun": tahun}
            )
        if not LembarKerja.objects.filter(tim=tim).exists():
            raise CommandError(_("Tim ZI ini belum punya lembar kerja."))
        beku = None
        if pengajuan is not None:
            beku = (
                Pengajuan.objects.select_related("tahapan", "instrumen")
                .filter(tim=tim, pk=pengajuan)
                .first()
            )
            if beku is None:
                raise CommandError(
                    _("Pengajuan %(id)s tidak ada pada Tim ZI %(kode)s tahun %(tahun)s.")
                    % {"id": pengajuan, "kode": satker, "tahun": tahun}
                )
        sumber = Sumber(tim, beku)
        permintaan = Permintaan(sumber, timezone.now(), portal_url=settings.PORTAL_URL)
        jalur = Path(berkas)
        if jalur.suffix.lower() != f".{xlsx.EKSTENSI}":
            raise CommandError(_("Nama berkas harus berakhiran .xlsx."))
        sementara = jalur.with_name(f".{jalur.name}.sementara")
        try:
            with sementara.open("wb") as keluar:
                xlsx.render(permintaan, keluar, lambda _i, _n: None)
            sementara.replace(jalur)
        except OSError as exc:
            raise CommandError(
                _("Berkas %(berkas)s tidak dapat ditulis: %(alasan)s")
                % {"berkas": jalur, "alasan": exc.strerror or exc}
            ) from exc
        finally:
            sementara.unlink(missing_ok=True)
        self.stdout.write(
            _("%(berkas)s TOTAL %(total)s")
            % {"berkas": jalur.resolve(), "total": f"{sumber.skor.total:.4f}"}
        )
