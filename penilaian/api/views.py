"""The PortalRB integration API (Panduan Teknis API Integrasi ZI v1.0.0), under
``/api/portalrb/v1``.

Every endpoint but ``openapi.json`` and the signed evidence links needs
``Authorization: Bearer <token>`` (``token.py``); no session, no CSRF (GET only). Checks in
order: token (401) → rate limit per token (429, ``Retry-After``) → method (405) → the request
itself (422) → the open proposal period (404 ``PERIODE_TIDAK_AKTIF``, spec §8) → the data
(404). Every non-2xx answer, a crash included (500), is the spec's JSON
``{"error": true, "code", "message"}``. Every request under the prefix is logged in
``LogPortalRB``, refused ones included.
"""

import logging
import time
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from eviden.unduhan import sajikan
from pokja.masuk import ip_klien

from ..models import LogPortalRB
from ..usulan.aturan import id_unit_sah
from ..usulan.selectors import pengajuan_terbaru, periode_aktif
from ..usulan.services import catat_terkirim
from . import bangun, batas, selectors, tautan
from .token import DICABUT, TIDAK_ADA, kenali, tandai_dipakai

logger = logging.getLogger(__name__)

BERKAS_OPENAPI = Path(__file__).with_name("openapi.json")


def _json(data, status=200, **header):
    r = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    r["Cache-Control"] = "no-store"
    for nama, nilai in header.items():
        r[nama.replace("_", "-")] = str(nilai)
    return r


def galat(status, kode, pesan, **header):
    return _json(bangun.galat(kode, pesan), status=status, **header)


def _catat(request, *, token=None, unit="", status, jalur=None):
    """One row of ``LogPortalRB``; a failure to log never changes the answer."""
    try:
        LogPortalRB.objects.create(
            token=token,
            jalur=(jalur or request.path)[:300],
            unit=(unit or "")[:80],
            status=status,
            ip=ip_klien(request) or None,
        )
    except Exception:  # noqa: BLE001 - logged; the response stands
        logger.exception("PortalRB: request log not written (%s)", request.path)


def _tolak_token(alasan):
    pesan = {
        TIDAK_ADA: _("Token tidak dikirim. Sertakan header «Authorization: Bearer <token>»."),
        DICABUT: _("Token ini sudah dicabut. Minta token baru kepada admin portal."),
    }.get(alasan, _("Token tidak dikenal."))
    kesalahan = "invalid_request" if alasan == TIDAK_ADA else "invalid_token"
    return galat(401, alasan, pesan, WWW_Authenticate=f'Bearer error="{kesalahan}"')


def _metode_salah(request):
    return galat(
        405,
        "METODE_TIDAK_DIIZINKAN",
        _("Metode %(metode)s tidak diizinkan; gunakan GET.") % {"metode": request.method},
        Allow="GET",
    )


def _server_galat():
    return galat(
        500,
        "KESALAHAN_SERVER",
        _("Terjadi kesalahan di sisi instansi. Silakan coba lagi nanti."),
    )


def _terlalu_banyak(tunggu):
    return galat(
        429,
        "BATAS_PERMINTAAN",
        _(
            "Terlalu banyak permintaan: batasnya %(n)s permintaan per menit per token. Coba "
            "lagi dalam %(detik)s detik."
        )
        % {"n": settings.PORTALRB_BATAS_PER_MENIT, "detik": tunggu},
        Retry_After=tunggu,
    )


def titik_api(hanya_get=True):
    """Wrap an endpoint: Bearer token, rate limit, method, JSON errors, request log."""

    def hias(fungsi):
        @csrf_exempt
        @wraps(fungsi)
        def view(request, **kwargs):
            token, unit, catat = None, kwargs.get("unit_id", ""), True
            try:
                token, alasan = kenali(request.META.get("HTTP_AUTHORIZATION"))
                if alasan is not None:
                    # Refused tokens count per client address too: past the limit they get
                    # 429 and are no longer logged, so nobody fills the log without a token.
                    tunggu = batas.lewat_batas(f"ip:{ip_klien(request)}")
                    catat = tunggu is None
                    respons = _tolak_token(alasan) if catat else _terlalu_banyak(tunggu)
                elif (tunggu := batas.lewat_batas(token.pk)) is not None:
                    respons = _terlalu_banyak(tunggu)  # before any write: sheds the load
                else:
                    tandai_dipakai(token)
                    if hanya_get and request.method != "GET":
                        respons = _metode_salah(request)
                    else:
                        respons = fungsi(request, **kwargs)
            except Exception:  # noqa: BLE001 - the spec wants JSON for a 500 too
                logger.exception("PortalRB API failed: %s", request.path)
                respons = _server_galat()
            if catat:
                _catat(request, token=token, unit=unit, status=respons.status_code)
            return respons

        return view

    return hias


def _periode():
    periode = periode_aktif()
    if periode is None:
        return None, galat(
            404,
            "PERIODE_TIDAK_AKTIF",
            _(
                "Tidak ada periode pengusulan ZI yang sedang berjalan. PortalRB hanya "
                "mengambil data di dalam periode pengusulan."
            ),
        )
    return periode, None


def _daftar(predikat):
    periode, tolak = _periode()
    if tolak:
        return tolak
    unit = selectors.unit_diusulkan(periode.tahun, predikat)
    return _json(bangun.daftar_unit(tahun=periode.tahun, usulan=unit))


@titik_api()
def unit_wbk(request):
    """``GET /pengusulan/unit-wbk``: the units proposed for WBK in the open period's year."""
    return _daftar("WBK")


@titik_api()
def unit_wbbm(request):
    """``GET /pengusulan/unit-wbbm``: the units proposed for WBBM."""
    return _daftar("WBBM")


@titik_api()
def jawaban_unit(request, unit_id):
    """``GET /lke/jawaban-unit/{unit_id}``: every bank soal of the unit's latest frozen
    submission; records which submission PortalRB now holds."""
    if not id_unit_sah(unit_id):
        return galat(
            422,
            "UNIT_ID_TIDAK_SAH",
            _(
                "ID unit tidak sah: gunakan huruf, angka, titik, garis bawah atau tanda "
                "hubung, diawali huruf atau angka, paling panjang 40 karakter."
            ),
        )
    periode, tolak = _periode()
    if tolak:
        return tolak
    usulan = selectors.usulan_unit(periode.tahun, unit_id)
    if usulan is None:
        return galat(
            404,
            "UNIT_TIDAK_DIUSULKAN",
            _("Unit %(id)s tidak diusulkan pada tahun %(tahun)s.")
            % {"id": unit_id, "tahun": periode.tahun},
        )
    pengajuan = pengajuan_terbaru(usulan.tim_id)
    if pengajuan is None:
        return galat(
            404,
            "LKE_BELUM_DIAJUKAN",
            _(
                "Unit %(id)s belum mengajukan (membekukan) LKE-nya. Jawaban dikirim dari "
                "pengajuan terakhir, bukan dari lembar kerja yang masih diisi."
            )
            % {"id": unit_id},
        )
    data = selectors.data_jawaban(pengajuan)
    terbit = time.time()

    def tautan_bukti(nomor_bank):
        tanda = tautan.tanda_bukti(pengajuan.pk, nomor_bank, terbit)
        return request.build_absolute_uri(reverse("portalrb-bukti", args=[tanda]))

    isi = bangun.jawaban_unit(
        kode_unit=usulan.kode_unit,
        nama_unit=usulan.nama_unit,
        tahun=usulan.tahun,
        bank=data.bank,
        unit_isian=data.unit_isian,
        pemakai=data.pemakai,
        berbukti=data.berbukti,
        tpi_terbit=data.tpi_terbit,
        tpi=data.tpi,
        tautan=tautan_bukti,
        tpi_dasar=data.tpi_dasar,
    )
    catat_terkirim(usulan=usulan, pengajuan=pengajuan)
    return _json(isi)


@titik_api(hanya_get=False)
def tidak_ada(request, sisa):
    """Any other path under the prefix (after the token check): JSON 404."""
    return galat(404, "ENDPOINT_TIDAK_ADA", _("Endpoint tidak ditemukan."))


def titik_publik(fungsi):
    """Wrap a public endpoint (no token): method, JSON errors, request log. ``fungsi``
    returns ``(response, unit id for the log)``."""

    @csrf_exempt
    @wraps(fungsi)
    def view(request, **kwargs):
        unit, tanda = "", kwargs.get("tanda")
        try:
            if request.method != "GET":
                respons = _metode_salah(request)
            else:
                respons, unit = fungsi(request, **kwargs)
        except Exception:  # noqa: BLE001 - the spec wants JSON for a 500 too
            logger.exception("PortalRB API failed: %s", request.path)
            respons = _server_galat()
        # The log must not hold working links: the signature is masked.
        jalur = request.path.replace(tanda, "<tanda>") if tanda else request.path
        _catat(request, unit=unit, status=respons.status_code, jalur=jalur)
        return respons

    return view


@titik_publik
def openapi(request):
    """The OpenAPI 3 description kept in the repository (``penilaian/api/openapi.json``),
    served as it is; no token needed."""
    respons = HttpResponse(BERKAS_OPENAPI.read_bytes(), content_type="application/json")
    respons["Cache-Control"] = "no-cache"
    return respons, ""


# --- Signed evidence links (bukti_dukung_unit) ---------------------------------------------


def _mau_html(request):
    return "text/html" in request.headers.get("Accept", "")


def _tolak_tautan(request, status, kode, pesan):
    """The spec's error JSON, or the same as a page for a browser."""
    if _mau_html(request):
        r = render(
            request,
            "penilaian/api/tautan_galat.html",
            {"kode": kode, "pesan": pesan, "status": status},
            status=status,
        )
    else:
        r = galat(status, kode, pesan)
    r["X-Robots-Tag"] = "noindex, nofollow"
    return r


def _buka_tanda(request, tanda):
    """``(BuktiSoal, issued at, None)`` of a valid link, or ``(None, None, response)``."""
    try:
        pengajuan_id, nomor_bank, terbit = tautan.buka(tanda)
    except tautan.TautanKedaluwarsa:
        return (
            None,
            None,
            _tolak_tautan(
                request,
                410,
                "TAUTAN_KEDALUWARSA",
                _(
                    "Tautan bukti dukung ini sudah kedaluwarsa. Ambil ulang jawaban unit dari "
                    "PortalRB (Refetch) untuk mendapat tautan baru."
                ),
            ),
        )
    except tautan.TautanTidakSah:
        return (
            None,
            None,
            _tolak_tautan(
                request, 403, "TAUTAN_TIDAK_SAH", _("Tautan bukti dukung ini tidak sah.")
            ),
        )
    data = selectors.bukti_soal(pengajuan_id, nomor_bank)
    if data is None:
        return (
            None,
            None,
            _tolak_tautan(request, 404, "BUKTI_TIDAK_ADA", _("Bukti dukung ini tidak ditemukan.")),
        )
    return data, terbit, None


@titik_publik
def bukti(request, tanda):
    """The frozen evidence of one soal behind a signed link: files (each with its own link
    under the same signature) and external links. No login."""
    data, terbit, tolak = _buka_tanda(request, tanda)
    if tolak is not None:
        return tolak, ""
    dilihat, eviden = set(), []
    for e in data.eviden:  # one version may be evidence of the soal and of its % soal
        if e.versi_id not in dilihat:
            dilihat.add(e.versi_id)
            eviden.append(e)
    respons = render(
        request,
        "penilaian/api/bukti.html",
        {
            "b": data,
            "eviden": eviden,
            "tanda": tanda,
            "sampai": datetime.fromtimestamp(tautan.berlaku_sampai(terbit), tz=UTC),
        },
    )
    respons["Cache-Control"] = "private, no-store"
    respons["X-Robots-Tag"] = "noindex, nofollow"
    return respons, data.pengajuan.tim.satker.kode


@titik_publik
def berkas(request, tanda, versi_id):
    """One evidence version of a signed evidence page: a stored file is served by
    ``eviden.unduhan.sajikan``; an external link redirects to it."""
    data, _terbit, tolak = _buka_tanda(request, tanda)
    if tolak is not None:
        return tolak, ""
    versi = next((e.versi for e in data.eviden if e.versi_id == versi_id), None)
    unit = data.pengajuan.tim.satker.kode
    if versi is None:
        return _tolak_tautan(
            request, 404, "BUKTI_TIDAK_ADA", _("Berkas ini tidak ditemukan.")
        ), unit
    if versi.tautan:
        respons = HttpResponseRedirect(versi.tautan)
    else:
        respons = sajikan(
            versi.kunci, nama=versi.nama_asli, mime=versi.mime, inline=versi.pratinjau
        )
    respons["X-Robots-Tag"] = "noindex, nofollow"
    return respons, unit
