from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .forms import MasukForm
from .selectors import tim_beranda


class MasukView(auth_views.LoginView):
    form_class = MasukForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def beranda(request):
    return render(request, "pokja/beranda.html", {"daftar_tim": tim_beranda(request.user)})
