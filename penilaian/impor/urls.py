from django.urls import path

from . import views

urlpatterns = [
    path("tim/<int:tim_id>/impor-lke/", views.unggah, name="impor-lke"),
    path("tim/<int:tim_id>/impor-lke/pratinjau/", views.pratinjau, name="impor-lke-pratinjau"),
    path("tim/<int:tim_id>/impor-lke/terapkan/", views.terapkan, name="impor-lke-terapkan"),
    path("tim/<int:tim_id>/impor-lke/batal/", views.batal, name="impor-lke-batal"),
]
