"""Signals other layers listen to (penilaian sends reminders), so that eviden never imports
them: dependencies point one way."""

from django.dispatch import Signal

# Sent after a reviewer returns a soal with a note: lembar, soal, butir, reviewer (user),
# penerima (set of user ids told), catatan.
soal_dikembalikan = Signal()

# Sent by ``manage.py demo`` once the demo teams exist (tim, tim_luar), so later layers add
# their part of the demo (penilaian: a deadline a week away and today's reminders).
demo_siap = Signal()
