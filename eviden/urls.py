from django.urls import path

from . import views

urlpatterns = [
    path("pokja/<int:pokja_id>/", views.pokja_soal, name="pokja-soal"),
]
