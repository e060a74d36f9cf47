"""``manage.py kirim_pengingat [--tanggal YYYY-MM-DD]``: the reminder sweep for operators and
tests, run in this process (no worker needed) as if on that date, followed by the outbox.

The last line is ``email=N inapp=N whatsapp=N``: what was delivered by this run. A second
run for the same date delivers nothing (the ledger already holds that day's reminders).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from penilaian import pengingat
from penilaian.models import Kanal, StatusKirim


class Command(BaseCommand):
    help = "Mengirim pengingat tenggat (email, notifikasi portal, WhatsApp) untuk satu tanggal."

    def add_arguments(self, parser):
        parser.add_argument("--tanggal", help="YYYY-MM-DD (bawaan: hari ini, WIB)")
        parser.add_argument("--tim", type=int, action="append", help="hanya Tim ZI ini (id)")

    def handle(self, *args, **opsi):
        try:
            hari = date.fromisoformat(opsi["tanggal"]) if opsi["tanggal"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(
                f"Tanggal tidak valid: {opsi['tanggal']} (pakai YYYY-MM-DD)"
            ) from exc
        terkirim = {k.value: 0 for k in Kanal}
        tim_ids = opsi["tim"] or pengingat.tim_aktif(hari)
        baru = 0
        for tim_id in tim_ids:
            hasil = pengingat.sapu_tim(tim_id, hari, antre=False)
            baru += len(hasil.pengingat)
            for k, n in hasil.hitung().items():
                terkirim[k] += n
        # E-mail and WhatsApp of this run, and anything left waiting in the outbox.
        gagal = 0
        for pk in pengingat.tertunda(timezone.now() + timezone.timedelta(days=1)):
            p = pengingat.kirim(pk)
            if p is None:
                continue
            if p.status == StatusKirim.TERKIRIM:
                terkirim[p.kanal] += 1
            else:
                gagal += 1
        self.stdout.write(f"Tanggal {hari.isoformat()}: {len(tim_ids)} tim, {baru} pengingat baru.")
        if gagal:
            self.stdout.write(f"{gagal} pengiriman gagal; dicoba lagi oleh pekerja antrean.")
        self.stdout.write(" ".join(f"{k}={terkirim[k]}" for k in ("email", "inapp", "whatsapp")))
