from django.urls import path

from . import views

# Every soal action lives under the worksheet; the soal's own area decides whose rights apply.
soal = "lke/<int:lembar_id>/soal/<int:soal_id>/"

urlpatterns = [
    path("pokja/<int:pokja_id>/", views.pokja_soal, name="pokja-soal"),
    path("tim/<int:tim_id>/hasil/", views.hasil, name="tim-hasil"),
    path(soal, views.kartu, name="soal-kartu"),
    path(soal + "jawaban/", views.simpan_jawaban, name="soal-jawaban"),
    path(soal + "hitung/", views.hitung, name="soal-hitung"),
    path(soal + "unggah/", views.unggah, name="soal-unggah"),
    path(soal + "dokumen/<int:dokumen_id>/versi/", views.unggah_versi, name="soal-versi"),
    path(soal + "tautan/", views.tambah_tautan, name="soal-tautan"),
    path(soal + "lampirkan/", views.lampirkan, name="soal-lampirkan"),
    path(soal + "eviden/<int:eviden_id>/arsip/", views.arsip, name="soal-arsip"),
    path(soal + "ajukan/", views.ajukan, name="soal-ajukan"),
    path(soal + "tarik/", views.tarik, name="soal-tarik"),
    path(soal + "buka/", views.buka, name="soal-buka"),
    path(soal + "reviu/", views.reviu, name="soal-reviu"),
    path(soal + "tugaskan/", views.tugaskan, name="soal-tugaskan"),
    path(soal + "riwayat/", views.riwayat, name="soal-riwayat"),
    path("antrean-reviu/", views.antrean, name="antrean-reviu"),
    path("berkas/<int:versi_id>/", views.unduh, name="unduh"),
    path("tugas-saya/", views.tugas, name="tugas-saya"),
]
