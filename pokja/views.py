from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import MasukForm, ProfilForm
from .models import Notifikasi
from .selectors import tim_beranda
from .services import tandai_dibaca


class MasukView(auth_views.LoginView):
    form_class = MasukForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def beranda(request):
    # The home page links into every app (workspaces, dashboards), so its template sits at
    # the top level with base.html, outside the pokja layer (tests/test_arah_impor.py).
    return render(request, "beranda.html", {"daftar_tim": tim_beranda(request.user)})


@login_required
def notifikasi(request):
    daftar = list(Notifikasi.objects.filter(user=request.user)[:100])
    return render(request, "pokja/notifikasi.html", {"daftar": daftar})


@login_required
@require_POST
def notifikasi_dibaca(request):
    tandai_dibaca(user=request.user)
    return redirect("notifikasi")


@login_required
@require_POST
def notifikasi_buka(request, pk):
    """Mark one notification read, then back to the list (``tandai``) or follow its link.
    Only the user's own notifications: anyone else's id is 404."""
    n = get_object_or_404(Notifikasi, pk=pk, user=request.user)
    tandai_dibaca(user=request.user, pk=n.pk)
    if request.POST.get("tandai"):
        return redirect("notifikasi")
    aman = url_has_allowed_host_and_scheme(
        n.tautan, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(n.tautan if n.tautan and aman else "notifikasi")


@login_required
def profil(request):
    """Contact details and reminder preferences of the signed-in user."""
    form = ProfilForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profil dan preferensi pengingat disimpan."))
        return redirect("profil")
    return render(request, "pokja/profil.html", {"form": form}, status=422 if form.errors else 200)
