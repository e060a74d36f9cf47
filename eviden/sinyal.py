"""Signals other layers listen to (penilaian sends reminders), so that eviden never imports
them: dependencies point one way."""

from django.dispatch import Signal

# Sent after a reviewer returns a soal with a note: lembar, soal, butir, reviewer (user),
# penerima (set of user ids told), catatan.
soal_dikembalikan = Signal()
