"""Panels that later layers add to an eviden page without eviden importing them.

``settings.PANEL_HALAMAN`` (the composition root) maps a page's URL name to dotted paths of
callables ``f(request=, lembar=, akses=) -> html``; e.g. penilaian puts the Komponen Hasil's
points and predicate rules on the Hasil page. Dependencies keep pointing one way."""

from django.conf import settings
from django.utils.module_loading import import_string


def panel(halaman, **konteks):
    return [import_string(p)(**konteks) for p in settings.PANEL_HALAMAN.get(halaman, ())]
