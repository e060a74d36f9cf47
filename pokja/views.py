from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .forms import MasukForm
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
