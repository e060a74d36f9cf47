"""Dependencies point one way: ``penilaian → eviden → pokja → zi_portal`` (DESIGN.md §2).

A module of one layer may depend on its own layer and on the layers below it, never on a layer
above. Two kinds of source are read, both parsed rather than grepped:

Python (``ast``) — every ``.py`` file of the four packages, migrations included (a migration
is code Django imports and runs; a wrong-way ``dependencies`` entry or import there couples the
schema of a lower app to a higher one just as much as a model does). Checked: ``import`` and
``from … import`` anywhere in the file (also inside functions and ``TYPE_CHECKING`` blocks:
a lazy import is still a dependency), and the string forms of the same arrow:
``import_module``/``__import__``/``include`` of a dotted path, lazy model references
(``ForeignKey("app.Model")``, ``apps.get_model("app", …)``), URL names passed to
``reverse``/``reverse_lazy``/``redirect``/``resolve_url``, and migration ``dependencies``.
Relative imports are skipped: they cannot leave their top-level package, so they never cross a
layer. App labels are assumed equal to the package names (true for all four apps).
``zi_portal/urls.py`` is exempt: it is the composition root, the one module whose job is to
plug every app's URLconf into the project. Settings name apps only in plain strings
(``INSTALLED_APPS``, context processors), which this checker does not read.

Templates (Django's own template lexer) — every file under the template directories. Checked:
``{% url 'name' %}``; each URL name is mapped to the app that defines it by walking the URL
resolver (the module of the view, or of the URLconf that declares it when the view is
Django's own, e.g. the auth password views declared in ``pokja/urls.py``). A template belongs
to the app named by its first folder (``eviden/…`` → eviden); ``registration/`` belongs to
pokja (its views are declared in ``pokja/urls.py``). Top-level templates (``base.html``,
``403.html``, ``404.html``) are the site shell: ``base.html`` already links to eviden pages
(``tugas-saya``, ``antrean-reviu``) next to pokja ones, so the shell is treated like
``zi_portal/urls.py`` — the composition root — and is exempt. ``{% include %}`` and
``{% extends %}`` of another app's template follow the same arrows (extending or including the
shell is always allowed). URL names of Django itself (``admin:…``, ``set_language``) may be used
by any layer.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.urls import URLResolver, get_resolver

BASE = Path(__file__).resolve().parents[1]

# Lowest first: an app may depend on the apps before it in this list, never on those after it.
LAPISAN = ["zi_portal", "pokja", "eviden", "penilaian"]
PERINGKAT = {app: i for i, app in enumerate(LAPISAN)}

# The composition root: wires every app together, so every arrow is allowed there.
AKAR_KOMPOSISI = {"zi_portal.urls"}

# Template folders that are not named after an app.
PEMILIK_FOLDER = {"registration": "pokja"}
SHELL = "<shell>"  # top-level templates: the composition root of the pages

PANGGILAN_MODUL = {"import_module", "__import__", "include"}
PANGGILAN_MODEL = {"ForeignKey", "OneToOneField", "ManyToManyField", "get_model"}
PANGGILAN_URL = {"reverse", "reverse_lazy", "redirect", "resolve_url"}


def _salah_arah(dari, ke):
    """True when layer ``dari`` must not depend on ``ke`` (unknown names are not layers)."""
    return dari in PERINGKAT and ke in PERINGKAT and PERINGKAT[ke] > PERINGKAT[dari]


def _teks(node):
    if isinstance(node, ast.Tuple) and node.elts:  # include(("app.urls", "namespace"))
        node = node.elts[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _nama_panggilan(func):
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


# --- URL names → owning app ------------------------------------------------------------------


def _app_dari_modul(modul):
    app = (modul or "").split(".")[0]
    return app if app in PERINGKAT else None


def pemilik_url():
    """``{"name" or "namespace:name": app or None}`` for every named URL of the project.

    The owner is the app of the view's module; for Django's own views (auth password views,
    ``LogoutView``) the app whose URLconf declares them; ``None`` for Django itself (admin,
    i18n), which every layer may use. A name defined twice keeps the last one, as ``reverse``.
    """
    peta = {}

    def jalan(pola_pola, ns, urlconf):
        for p in pola_pola:
            if isinstance(p, URLResolver):
                modul = getattr(p.urlconf_module, "__name__", urlconf)
                jalan(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns, modul)
            elif p.name:
                app = _app_dari_modul(p.lookup_str) or _app_dari_modul(urlconf)
                peta[ns + p.name] = app

    jalan(get_resolver().url_patterns, "", None)
    return peta


# --- Python ------------------------------------------------------------------------------------


def _dependencies_migrasi(node, modul):
    """The entries of a migration's ``dependencies = [...]``; nothing for any other node."""
    if not (isinstance(node, ast.Assign) and ".migrations." in modul):
        return []
    if not any(isinstance(t, ast.Name) and t.id == "dependencies" for t in node.targets):
        return []
    return getattr(node.value, "elts", [])


def pelanggaran_python(sumber, modul, url=None):
    """Every wrong-way reference in the source of module ``modul``, as readable lines."""
    dari = _app_dari_modul(modul)
    if dari is None or modul in AKAR_KOMPOSISI:
        return []
    url = url or {}
    temuan = []

    def catat(node, ke, apa):
        if _salah_arah(dari, ke):
            temuan.append(f"{modul}:{node.lineno}: {apa} ({dari} → {ke})")

    for node in ast.walk(ast.parse(sumber)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                catat(node, _app_dari_modul(alias.name), f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            catat(node, _app_dari_modul(node.module), f"from {node.module} import …")
        elif isinstance(node, ast.Call):
            nama = _nama_panggilan(node.func)
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "to")]
            teks = _teks(args[0]) if args else None
            if teks is None:
                continue
            if nama in PANGGILAN_MODUL or nama in PANGGILAN_MODEL:
                catat(node, _app_dari_modul(teks), f'{nama}("{teks}")')
            elif nama in PANGGILAN_URL and teks in url:
                catat(node, url[teks], f'{nama}("{teks}")')
        else:
            for dep in _dependencies_migrasi(node, modul):
                teks = _teks(dep)
                if teks:
                    catat(node, _app_dari_modul(teks), f'migration dependency on "{teks}"')
    return temuan


def _berkas_python():
    for app in LAPISAN:
        for path in sorted((BASE / app).rglob("*.py")):
            bagian = list(path.relative_to(BASE).with_suffix("").parts)
            if bagian[-1] == "__init__":
                bagian.pop()
            yield path, ".".join(bagian)


# --- Templates ----------------------------------------------------------------------------------


def pemilik_templat(nama):
    """The layer owning template ``nama``: an app, ``SHELL`` (top level) or None (unknown)."""
    bagian = nama.split("/")
    if len(bagian) == 1:
        return SHELL
    return bagian[0] if bagian[0] in PERINGKAT else PEMILIK_FOLDER.get(bagian[0])


def _literal(bit):
    if len(bit) >= 2 and bit[0] == bit[-1] and bit[0] in "'\"":
        return bit[1:-1]
    return None


def pelanggaran_templat(sumber, nama, url):
    """Every wrong-way (or uncheckable) reference in template ``nama``, as readable lines."""
    dari = pemilik_templat(nama)
    if dari == SHELL:
        return []
    if dari is None:
        return [f"{nama}: folder has no owning layer (add it to PEMILIK_FOLDER)"]
    temuan = []
    for token in Lexer(sumber).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        tempat = f"{nama}:{token.lineno}: {{% {token.contents} %}}"
        if bits[0] == "url" and len(bits) > 1:
            nama_url = _literal(bits[1])
            if nama_url is None:
                temuan.append(f"{tempat}: URL name is not a literal, its layer cannot be checked")
            elif nama_url not in url:
                temuan.append(f"{tempat}: unknown URL name")
            elif _salah_arah(dari, url[nama_url]):
                temuan.append(f"{tempat} ({dari} → {url[nama_url]})")
        elif bits[0] in ("include", "extends") and len(bits) > 1:
            target = _literal(bits[1])
            ke = pemilik_templat(target) if target else None
            if _salah_arah(dari, ke):
                temuan.append(f"{tempat} ({dari} → {ke})")
    return temuan


def _berkas_templat():
    """(path, template name) for every file in the project's and the apps' template dirs."""
    folder = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    folder += [Path(apps.get_app_config(a).path) / "templates" for a in LAPISAN[1:]]
    for akar in folder:
        for path in sorted(p for p in akar.rglob("*") if p.is_file()):
            yield path, path.relative_to(akar).as_posix()


# --- The checks ---------------------------------------------------------------------------------


def test_python_modules_import_only_their_own_layer_and_below():
    url = pemilik_url()
    temuan = []
    for path, modul in _berkas_python():
        temuan += pelanggaran_python(path.read_text(encoding="utf-8"), modul, url)
    assert temuan == [], "Wrong-way dependencies:\n" + "\n".join(temuan)


def test_templates_reference_only_their_own_layer_and_below():
    url = pemilik_url()
    temuan, dibaca = [], 0
    for path, nama in _berkas_templat():
        try:
            sumber = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # not a text template
        dibaca += 1
        temuan += pelanggaran_templat(sumber, nama, url)
    assert dibaca > 0
    assert temuan == [], "Wrong-way template references:\n" + "\n".join(temuan)


def test_url_owner_map_knows_every_layer():
    """The template check is only as good as this map: sample it."""
    url = pemilik_url()
    assert url["beranda"] == "pokja"
    assert url["password_reset"] == "pokja"  # Django's view, declared in pokja/urls.py
    assert url["soal-kartu"] == "eviden"
    assert url["set_language"] is None
    assert url["admin:index"] is None


# --- Self-checks: the checker can fail ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sumber", "modul"),
    [
        ("from penilaian import skor\n", "eviden.x"),
        ("import penilaian.skor\n", "eviden.x"),
        ("def f():\n    from eviden.models import Soal\n", "pokja.x"),
        ("from pokja.models import Pokja\n", "zi_portal.format"),
        ('import importlib\nimportlib.import_module("penilaian.tasks")\n', "pokja.tasks"),
        ('from django.db import models\nx = models.ForeignKey("eviden.Soal", 1)\n', "pokja.m"),
        ('x = apps.get_model("penilaian", "Pengajuan")\n', "eviden.x"),
        ('x = reverse("soal-kartu", args=[1, 2])\n', "pokja.views"),
        ('dependencies = [("eviden", "0001_initial")]\n', "pokja.migrations.0003_x"),
    ],
)
def test_checker_reports_a_wrong_way_python_reference(sumber, modul):
    assert len(pelanggaran_python(sumber, modul, pemilik_url())) == 1


@pytest.mark.parametrize(
    ("sumber", "modul"),
    [
        ("from pokja.akses import Tindakan\nfrom zi_portal.format import tanggal\n", "eviden.x"),
        ("from . import views\nfrom .models import Soal\n", "pokja.x"),
        ('x = reverse("beranda")\ny = models.ForeignKey("self", 1)\n', "eviden.x"),
        ('urlpatterns = [path("", include("penilaian.urls"))]\n', "zi_portal.urls"),
    ],
)
def test_checker_accepts_references_downwards(sumber, modul):
    assert pelanggaran_python(sumber, modul, pemilik_url()) == []


def test_checker_reports_a_wrong_way_template_reference():
    url = pemilik_url()
    sumber = "{% load i18n %}<a href=\"{% url 'soal-kartu' 1 2 %}\">x</a>{% url nama %}"
    temuan = pelanggaran_templat(sumber, "pokja/x.html", url)
    assert len(temuan) == 2 and "pokja → eviden" in temuan[0], temuan
    assert pelanggaran_templat('{% include "eviden/_kartu.html" %}', "pokja/x.html", url)
    assert pelanggaran_templat("{% url 'tidak-ada' %}", "eviden/x.html", url)
    assert pelanggaran_templat("", "lain/x.html", url)  # a folder with no owner
    boleh = "{% extends 'base.html' %}{% url 'beranda' %}{% url 'soal-kartu' 1 2 %}"
    assert pelanggaran_templat(boleh, "eviden/x.html", url) == []
    assert pelanggaran_templat("{% url 'soal-kartu' 1 2 %}", "base.html", url) == []
