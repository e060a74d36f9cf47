from django.urls import include, path

from . import views
from .ekspor import views as ekspor

urlpatterns = [
    path("tim/<int:tim_id>/dasbor/", views.dasbor_tim, name="dasbor-tim"),
    path("tim/<int:tim_id>/dasbor/catat/", views.catat_skor, name="dasbor-catat"),
    path("tim/<int:tim_id>/pengangkat/", views.pengangkat, name="pengangkat"),
    path("pokja/<int:pokja_id>/dasbor/", views.dasbor_pokja, name="dasbor-pokja"),
    path("tim/<int:tim_id>/kalender/", views.kalender, name="kalender"),
    path("tim/<int:tim_id>/tahapan/<int:pk>/ubah/", views.tahapan_ubah, name="tahapan-ubah"),
    path("tim/<int:tim_id>/tahapan/<int:pk>/ajukan/", views.ajukan, name="ajukan"),
    path("tim/<int:tim_id>/pengajuan/<int:pk>/", views.pengajuan, name="pengajuan"),
    path("tim/<int:tim_id>/pengingat/", views.log_pengingat, name="log-pengingat"),
    path(
        "tim/<int:tim_id>/pengingat/kirim/",
        views.kirim_pengingat_sekarang,
        name="kirim-pengingat",
    ),
    path("tim/<int:tim_id>/ekspor/", ekspor.ekspor, name="ekspor"),
    path("tim/<int:tim_id>/ekspor/<int:pk>/", ekspor.status, name="ekspor-status"),
    path("tim/<int:tim_id>/ekspor/<int:pk>/unduh/", ekspor.unduh, name="ekspor-unduh"),
    path("tim/<int:tim_id>/kop/", ekspor.kop, name="kop"),
    path("tim/<int:tim_id>/kop/logo/", ekspor.logo, name="kop-logo"),
    path("", include("penilaian.impor.urls")),
    path("", include("penilaian.penilai.urls")),
    path("", include("penilaian.kanwil.urls")),
    path("", include("penilaian.usulan.urls")),
    path("", include("penilaian.api.urls")),
]
