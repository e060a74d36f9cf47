from django.contrib import admin

from pokja.admin import TimZIAdmin

from .models import AmbangPredikat, Instrumen, LembarKerja, Node, Soal, SoalMasukan


class HanyaBaca:
    """The instrument is data loaded from its file by ``manage.py muat_instrumen``; a version
    in use is immutable, so the admin shows it and never edits, adds or deletes it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AmbangInline(HanyaBaca, admin.TabularInline):
    model = AmbangPredikat
    extra = 0


@admin.register(Instrumen)
class InstrumenAdmin(HanyaBaca, admin.ModelAdmin):
    list_display = ("kode", "nama", "tahun", "regulasi", "dimuat_pada")
    readonly_fields = ("sidik", "dimuat_pada")
    inlines = [AmbangInline]


@admin.register(AmbangPredikat)
class AmbangPredikatAdmin(HanyaBaca, admin.ModelAdmin):
    list_display = ("instrumen", "predikat", "total", "pengungkit", "persen_area")


@admin.register(Node)
class NodeAdmin(HanyaBaca, admin.ModelAdmin):
    list_display = ("kode", "nama", "level", "bobot", "area_pokja", "instrumen")
    list_filter = ("instrumen", "level", "area_pokja")
    search_fields = ("kode", "nama")
    raw_id_fields = ("induk",)


class MasukanInline(HanyaBaca, admin.TabularInline):
    model = SoalMasukan
    fk_name = "soal"
    extra = 0
    raw_id_fields = ("masukan",)


@admin.register(Soal)
class SoalAdmin(HanyaBaca, admin.ModelAdmin):
    list_display = ("kode", "nomor_bank", "jenis", "teks", "instrumen")
    list_filter = ("instrumen", "jenis")
    search_fields = ("kode", "teks")
    raw_id_fields = ("node",)
    inlines = [MasukanInline]


@admin.register(SoalMasukan)
class SoalMasukanAdmin(HanyaBaca, admin.ModelAdmin):
    list_display = ("soal", "nama", "masukan")
    raw_id_fields = ("soal", "masukan")


@admin.register(LembarKerja)
class LembarKerjaAdmin(admin.ModelAdmin):
    list_display = ("tim", "instrumen")
    autocomplete_fields = ("tim",)


class LembarKerjaInline(admin.StackedInline):
    model = LembarKerja
    can_delete = False
    extra = 1
    max_num = 1


# The Tim ZI admin (pokja) gains the worksheet inline here, so pokja never imports eviden.
TimZIAdmin.inlines = [*TimZIAdmin.inlines, LembarKerjaInline]
