from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pokja.akses import get_pokja_for_user

from .selectors import lembar_kerja_tim, soal_pokja


@login_required
def pokja_soal(request, pokja_id):
    """A Pokja's LKE soal (pemenuhan and reform of its area), read-only for now."""
    pokja, akses = get_pokja_for_user(request.user, pokja_id)
    lembar = lembar_kerja_tim(pokja.tim)
    bagian = soal_pokja(lembar.instrumen, pokja.area) if lembar else []
    return render(
        request,
        "eviden/pokja_soal.html",
        {"pokja": pokja, "tim": pokja.tim, "akses": akses, "lembar": lembar, "bagian": bagian},
    )
