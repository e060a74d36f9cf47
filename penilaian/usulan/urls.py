from django.urls import path

from . import views

urlpatterns = [
    path("tim/<int:tim_id>/usulan/", views.tim, name="usulan-tim"),
    path("tim/<int:tim_id>/usulan/<int:pk>/ubah/", views.tim_ubah, name="usulan-tim-ubah"),
    path("tim/<int:tim_id>/usulan/<int:pk>/reviu/", views.tim_reviu, name="usulan-tim-reviu"),
    path("tim/<int:tim_id>/usulan/<int:pk>/tarik/", views.tim_tarik, name="usulan-tim-tarik"),
    path("kanwil/<int:kanwil_id>/usulan/", views.kanwil, name="usulan-kanwil"),
    path(
        "kanwil/<int:kanwil_id>/usulan/<int:pk>/ubah/",
        views.kanwil_ubah,
        name="usulan-kanwil-ubah",
    ),
    path(
        "kanwil/<int:kanwil_id>/usulan/<int:pk>/reviu/",
        views.kanwil_reviu,
        name="usulan-kanwil-reviu",
    ),
    path(
        "kanwil/<int:kanwil_id>/usulan/<int:pk>/tarik/",
        views.kanwil_tarik,
        name="usulan-kanwil-tarik",
    ),
]
