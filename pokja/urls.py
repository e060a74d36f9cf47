from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LupaSandiForm

urlpatterns = [
    path("", views.beranda, name="beranda"),
    path("masuk/", views.MasukView.as_view(), name="masuk"),
    path("notifikasi/", views.notifikasi, name="notifikasi"),
    path("notifikasi/dibaca/", views.notifikasi_dibaca, name="notifikasi-dibaca"),
    path("notifikasi/<int:pk>/buka/", views.notifikasi_buka, name="notifikasi-buka"),
    path("profil/", views.profil, name="profil"),
    path("keluar/", auth_views.LogoutView.as_view(), name="keluar"),
    path(
        "lupa-sandi/",
        auth_views.PasswordResetView.as_view(
            form_class=LupaSandiForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "atur-sandi/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "ganti-sandi/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "ganti-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
