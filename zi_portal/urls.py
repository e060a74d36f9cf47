from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Administrasi ZI Portal")
admin.site.site_title = _("ZI Portal")
admin.site.index_title = _("Data portal")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pokja.urls")),
    path("", include("eviden.urls")),
    path("", include("penilaian.urls")),
]

# A backing service that cannot be reached gets a friendly 503 instead of the 500 page.
handler500 = "zi_portal.views.galat_server"
