"""The in-app channel: a notification in the portal's notification centre."""

from pokja.services import beri_notifikasi


class KanalInApp:
    nama = "inapp"

    def kirim(self, pengiriman):
        p = pengiriman.pengingat
        beri_notifikasi(user_ids={p.penerima_id}, teks=p.judul[:300], tautan=p.tautan)
