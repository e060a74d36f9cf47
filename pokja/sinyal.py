"""Signals other layers listen to, so that pokja never imports them: dependencies point one
way."""

from django.dispatch import Signal

# Sent once an assessor grant is saved (penugasan: the PenugasanPenilai), after the
# transaction commits: penilaian tells the assessor where to work.
penugasan_diberikan = Signal()
