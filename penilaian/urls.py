from django.urls import path

from . import views

urlpatterns = [
    path("tim/<int:tim_id>/dasbor/", views.dasbor_tim, name="dasbor-tim"),
    path("tim/<int:tim_id>/dasbor/catat/", views.catat_skor, name="dasbor-catat"),
    path("tim/<int:tim_id>/pengangkat/", views.pengangkat, name="pengangkat"),
    path("pokja/<int:pokja_id>/dasbor/", views.dasbor_pokja, name="dasbor-pokja"),
]
