"""The PortalRB integration API under ``/api/portalrb/v1`` (``views`` for the rules)."""

from django.urls import path

from . import views

AWALAN = "api/portalrb/v1/"

urlpatterns = [
    path(AWALAN + "pengusulan/unit-wbk", views.unit_wbk, name="portalrb-unit-wbk"),
    path(AWALAN + "pengusulan/unit-wbbm", views.unit_wbbm, name="portalrb-unit-wbbm"),
    path(
        AWALAN + "lke/jawaban-unit/<str:unit_id>",
        views.jawaban_unit,
        name="portalrb-jawaban-unit",
    ),
    path(AWALAN + "openapi.json", views.openapi, name="portalrb-openapi"),
    path(AWALAN + "bukti/<str:tanda>", views.bukti, name="portalrb-bukti"),
    path(
        AWALAN + "bukti/<str:tanda>/berkas/<int:versi_id>",
        views.berkas,
        name="portalrb-berkas",
    ),
    # Anything else under the prefix, the prefix itself included: JSON 404 after the token
    # check (never Django's page).
    path(AWALAN + "<path:sisa>", views.tidak_ada, name="portalrb-tidak-ada"),
    path(AWALAN, views.tidak_ada, {"sisa": ""}, name="portalrb-tidak-ada"),
    path(AWALAN.rstrip("/"), views.tidak_ada, {"sisa": ""}, name="portalrb-tidak-ada"),
]
