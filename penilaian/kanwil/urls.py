from django.urls import path

from . import views

urlpatterns = [
    path("kanwil/<int:kanwil_id>/", views.pengawasan, name="kanwil-pengawasan"),
    path("kanwil/<int:kanwil_id>/penilai/", views.penilai, name="kanwil-penilai"),
    path(
        "kanwil/<int:kanwil_id>/penilai/<int:pk>/cabut/", views.cabut, name="kanwil-penilai-cabut"
    ),
]
