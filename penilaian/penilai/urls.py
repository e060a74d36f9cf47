"""The assessor workspace: every URL but the home starts with the grant."""

from django.urls import path

from . import views

urlpatterns = [
    path("penilai/", views.beranda, name="penilai-beranda"),
    path("penilai/<int:penugasan_id>/", views.ringkasan, name="penilai-ringkasan"),
    path("penilai/<int:penugasan_id>/soal/<int:soal_id>/", views.soal, name="penilai-soal"),
    path(
        "penilai/<int:penugasan_id>/soal/<int:soal_id>/simpan/",
        views.simpan,
        name="penilai-simpan",
    ),
    path(
        "penilai/<int:penugasan_id>/eviden/<int:eviden_beku_id>/",
        views.eviden,
        name="penilai-eviden",
    ),
    path("penilai/<int:penugasan_id>/selisih/", views.selisih, name="penilai-selisih"),
    path("penilai/<int:penugasan_id>/putusan/", views.putusan, name="penilai-putusan"),
    path(
        "penilai/<int:penugasan_id>/putusan/publikasikan/",
        views.publikasikan,
        name="penilai-publikasikan",
    ),
]
