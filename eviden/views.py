"""Evidence work in the browser. Views are thin: authorise through ``pokja.akses``, validate,
call a service, render. Every action on a soal answers with the soal's card (for htmx) or,
without htmx, with a message and a redirect back to the workspace."""

from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pokja.akses import Tindakan, akses_untuk, get_pokja_for_user

from . import berkas as berkas_mod
from . import services
from .forms import JawabanForm, ReviuForm, TautanForm, TugasForm, awal_jawaban
from .models import Dokumen, Eviden, StatusButir, VersiDokumen
from .riwayat import riwayat_soal
from .selectors import (
    Saringan,
    anggota_pokja,
    lembar_kerja_tim,
    lengkapi,
    nilai_persen,
    ruang_kerja,
    satu_soal,
    tugas_saya,
)


def _htmx(request):
    return request.headers.get("HX-Request") == "true"


def _hak(akses, pokja):
    return {
        "boleh_ubah": akses.boleh(Tindakan.UBAH_JAWABAN, pokja),
        "boleh_reviu": akses.boleh(Tindakan.REVIU, pokja),
        "boleh_tugaskan": akses.boleh(Tindakan.TUGASKAN, pokja),
    }


def _siapkan_kartu(soal, hak, anggota):
    if hak["boleh_ubah"]:
        soal.form = JawabanForm(initial=awal_jawaban(soal), soal=soal, prefix=f"s{soal.pk}")
    if hak["boleh_tugaskan"]:
        soal.form_tugas = TugasForm(
            initial={
                "ditugaskan_ke": soal.butir.ditugaskan_ke_id,
                "tenggat": soal.butir.tenggat,
            },
            anggota=anggota,
            prefix=f"t{soal.pk}",
        )


@login_required
@require_GET
def pokja_soal(request, pokja_id):
    """The Pokja workspace: every soal of its area with the team's answers and evidence."""
    pokja, akses = get_pokja_for_user(request.user, pokja_id)
    lembar = lembar_kerja_tim(pokja.tim)
    hak = _hak(akses, pokja)
    saringan = Saringan(
        status=request.GET.get("status", "")
        if request.GET.get("status") in StatusButir.values
        else "",
        penugasan=request.GET.get("penugasan", "")[:20],
        tanpa_eviden=request.GET.get("tanpa_eviden") == "1",
        perlu_perbaikan=request.GET.get("perbaikan") == "1",
    )
    bagian, ringkasan, anggota = [], {}, []
    if lembar:
        anggota = anggota_pokja(pokja.tim, pokja.area)
        bagian, ringkasan = ruang_kerja(lembar, pokja.area, saringan, request.user)
        for b in bagian:
            for blok in b.sub_area:
                for s in blok.soal:
                    _siapkan_kartu(s, hak, anggota)
    return render(
        request,
        "eviden/pokja_soal.html",
        {
            "pokja": pokja,
            "tim": pokja.tim,
            "akses": akses,
            "lembar": lembar,
            "bagian": bagian,
            "ringkasan": ringkasan,
            "saringan": saringan,
            "anggota": anggota,
            "status_pilihan": StatusButir.choices,
            "maks_mb": settings.EVIDEN_MAKS_MB,
            **hak,
        },
    )


def _konteks(request, pokja_id, soal_id, tindakan):
    pokja, akses = get_pokja_for_user(request.user, pokja_id, tindakan)
    lembar = lembar_kerja_tim(pokja.tim)
    soal = satu_soal(lembar.instrumen, soal_id, pokja.area) if lembar else None
    if soal is None:
        raise Http404(_("Tidak ditemukan."))
    return pokja, akses, lembar, soal


def _kartu(request, pokja, akses, lembar, soal, *, pesan="", galat="", status=200):
    """Answer with the soal's card (htmx) or a message + redirect (plain form posts)."""
    unggahan = request.content_type == "application/octet-stream"  # XHR upload (eviden.js)
    if not _htmx(request) and not unggahan:
        if galat:
            messages.error(request, galat)
        elif pesan:
            messages.success(request, pesan)
        url = reverse("pokja-soal", args=[pokja.pk]) + f"#soal-{soal.kode}"
        return HttpResponseRedirect(url)
    lengkapi(lembar, [soal])
    hak = _hak(akses, pokja)
    anggota = anggota_pokja(pokja.tim, pokja.area) if hak["boleh_tugaskan"] else []
    _siapkan_kartu(soal, hak, anggota)
    return render(
        request,
        "eviden/_butir.html",
        {
            "s": soal,
            "pokja": pokja,
            "pesan": pesan,
            "galat": galat,
            "maks_mb": settings.EVIDEN_MAKS_MB,
            **hak,
        },
        status=status,
    )


@login_required
@require_GET
def kartu(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.LIHAT)
    return _kartu(request, pokja, akses, lembar, soal)


# --- Answers --------------------------------------------------------------------------------


@login_required
@require_POST
def simpan_jawaban(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    lengkapi(lembar, [soal])
    form = JawabanForm(request.POST, soal=soal, prefix=f"s{soal.pk}")
    konteks = {"s": soal, "pokja": pokja, "form": form}
    if not form.is_valid():
        konteks["galat"] = _("Jawaban belum tersimpan. Periksa isian yang ditandai.")
        return render(request, "eviden/_jawaban.html", konteks, status=422)
    data = form.cleaned_data
    try:
        services.simpan_jawaban(
            lembar=lembar,
            soal=soal,
            user=request.user,
            versi=data["versi"],
            pilihan=data.get("pilihan") or "",
            angka=data.get("angka"),
            penjelasan=data["penjelasan"],
            masukan=form.nilai_masukan(),
        )
    except services.KonflikJawaban as konflik:
        # Keep both versions visible: the stored one (read-only) and the user's own in the
        # form, now based on the stored version so a deliberate re-save is possible.
        lengkapi(lembar, [soal])
        data_pengguna = request.POST.copy()
        data_pengguna[f"s{soal.pk}-versi"] = soal.jawaban.versi if soal.jawaban else 0
        konteks.update(
            form=JawabanForm(data_pengguna, soal=soal, prefix=f"s{soal.pk}"),
            konflik=konflik.tersimpan,
            galat=_(
                "Jawaban ini sudah diubah oleh %(nama)s setelah Anda membukanya. Jawaban Anda "
                "BELUM disimpan. Bandingkan kedua versi di bawah, lalu simpan lagi bila perlu."
            )
            % {"nama": konflik.tersimpan.diubah_oleh if konflik.tersimpan else "-"},
        )
        return render(request, "eviden/_jawaban.html", konteks, status=409)
    if not _htmx(request):
        messages.success(request, _("Jawaban tersimpan."))
        return HttpResponseRedirect(reverse("pokja-soal", args=[pokja.pk]) + f"#soal-{soal.kode}")
    lengkapi(lembar, [soal])
    konteks.update(
        form=JawabanForm(initial=awal_jawaban(soal), soal=soal, prefix=f"s{soal.pk}"),
        pesan=_("Jawaban tersimpan."),
    )
    return render(request, "eviden/_jawaban.html", konteks)


@login_required
@require_POST
def hitung(request, pokja_id, soal_id):
    """Live value of a % soal from the Jumlah inputs typed so far (nothing is saved)."""
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.LIHAT)
    angka = {}
    for m in soal.daftar_input:
        mentah = request.POST.get(f"s{soal.pk}-masukan_{m.pk}", "").strip()
        try:
            angka[m.nama_variabel] = int(mentah) if len(mentah) <= 12 else None
        except ValueError:
            angka[m.nama_variabel] = None
        if angka[m.nama_variabel] is not None and angka[m.nama_variabel] < 0:
            angka[m.nama_variabel] = None
    return render(request, "eviden/_nilai_persen.html", {"nilai": nilai_persen(soal, angka)})


# --- Evidence -------------------------------------------------------------------------------


def _terima_unggahan(request):
    """Stream the raw request body (XHR upload) into a checked temporary file."""
    nama = unquote(request.headers.get("X-Nama-Berkas", ""))
    try:
        panjang = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        panjang = None
    return berkas_mod.terima(request, nama, panjang)


@login_required
@require_POST
def unggah(request, pokja_id, soal_id):
    """Upload a file as new evidence of the soal (raw body, name in X-Nama-Berkas)."""
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    try:
        masuk = _terima_unggahan(request)
        versi = services.unggah_berkas(lembar=lembar, soal=soal, user=request.user, berkas=masuk)
    except berkas_mod.BerkasDitolak as exc:
        return _kartu(request, pokja, akses, lembar, soal, galat=str(exc), status=400)
    pesan = _("«%(nama)s» tersimpan.") % {"nama": versi.nama_asli}
    return _kartu(request, pokja, akses, lembar, soal, pesan=pesan)


@login_required
@require_POST
def unggah_versi(request, pokja_id, soal_id, dokumen_id):
    """Upload a new version of a document attached to this soal."""
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    dokumen = get_object_or_404(
        Dokumen.objects.distinct(),
        pk=dokumen_id,
        lembar=lembar,
        lampiran__soal=soal,
        lampiran__diarsipkan=False,
    )
    lain = services.pokja_lain_pemakai(dokumen=dokumen, area=pokja.area)
    if any(not akses.boleh(Tindakan.UBAH_JAWABAN, pokja.tim.pokja.get(area=a)) for a in lain):
        galat = _(
            "Dokumen ini juga menjadi eviden Pokja lain; versi baru akan mengubah eviden mereka. "
            "Unggah berkas ini sebagai dokumen baru."
        )
        return _kartu(request, pokja, akses, lembar, soal, galat=galat, status=400)
    try:
        masuk = _terima_unggahan(request)
        versi = services.unggah_berkas(
            lembar=lembar, soal=soal, user=request.user, berkas=masuk, dokumen=dokumen
        )
    except berkas_mod.BerkasDitolak as exc:
        return _kartu(request, pokja, akses, lembar, soal, galat=str(exc), status=400)
    pesan = _("Versi %(n)s dari «%(judul)s» tersimpan.") % {
        "n": versi.nomor,
        "judul": dokumen.judul,
    }
    return _kartu(request, pokja, akses, lembar, soal, pesan=pesan)


@login_required
@require_POST
def tambah_tautan(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    form = TautanForm(request.POST)
    if not form.is_valid():
        return _kartu(request, pokja, akses, lembar, soal, galat=_("Isi tautannya."), status=422)
    try:
        services.tambah_tautan(
            lembar=lembar,
            soal=soal,
            user=request.user,
            tautan=form.cleaned_data["tautan"],
            judul=form.cleaned_data["judul"],
        )
    except berkas_mod.BerkasDitolak as exc:
        return _kartu(request, pokja, akses, lembar, soal, galat=str(exc), status=422)
    return _kartu(request, pokja, akses, lembar, soal, pesan=_("Tautan tersimpan."))


@login_required
def lampirkan(request, pokja_id, soal_id):
    """GET: documents of the team not yet on this soal. POST: attach one (no re-upload)."""
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    if request.method == "POST":
        pk = request.POST.get("dokumen", "")
        dokumen = Dokumen.objects.filter(pk=pk, lembar=lembar).first() if pk.isdecimal() else None
        if dokumen is None:
            return _kartu(
                request, pokja, akses, lembar, soal, galat=_("Pilih dokumen."), status=422
            )
        try:
            services.lampirkan_dokumen(lembar=lembar, soal=soal, user=request.user, dokumen=dokumen)
        except berkas_mod.BerkasDitolak as exc:
            return _kartu(request, pokja, akses, lembar, soal, galat=str(exc), status=422)
        pesan = _("«%(judul)s» dilampirkan.") % {"judul": dokumen.judul}
        return _kartu(request, pokja, akses, lembar, soal, pesan=pesan)
    sudah = Eviden.objects.filter(lembar=lembar, soal=soal, diarsipkan=False).values("dokumen")
    dokumen = (
        Dokumen.objects.filter(lembar=lembar)
        .exclude(pk__in=sudah)
        .prefetch_related("lampiran__soal")
        .order_by("judul")[:200]
    )
    return render(
        request, "eviden/_lampirkan.html", {"s": soal, "pokja": pokja, "dokumen": dokumen}
    )


@login_required
@require_POST
def arsip(request, pokja_id, soal_id, eviden_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    eviden = get_object_or_404(Eviden, pk=eviden_id, lembar=lembar, soal=soal)
    arsipkan = request.POST.get("aksi") != "pulihkan"
    services.arsipkan_eviden(eviden=eviden, user=request.user, arsip=arsipkan)
    pesan = _("Eviden diarsipkan.") if arsipkan else _("Eviden dipulihkan.")
    return _kartu(request, pokja, akses, lembar, soal, pesan=pesan)


# --- Review and assignment ------------------------------------------------------------------


@login_required
@require_POST
def ajukan(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.UBAH_JAWABAN)
    try:
        services.ajukan_reviu(lembar=lembar, soal=soal, user=request.user)
    except ValidationError as exc:
        return _kartu(request, pokja, akses, lembar, soal, galat=" ".join(exc.messages), status=422)
    return _kartu(request, pokja, akses, lembar, soal, pesan=_("Diajukan untuk direviu."))


@login_required
@require_POST
def reviu(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.REVIU)
    form = ReviuForm(request.POST)
    if not form.is_valid():
        return _kartu(
            request, pokja, akses, lembar, soal, galat=_("Pilih keputusan reviu."), status=422
        )
    setujui = form.cleaned_data["keputusan"] == "setujui"
    try:
        services.reviu(
            lembar=lembar,
            soal=soal,
            user=request.user,
            setujui=setujui,
            catatan=form.cleaned_data["catatan"],
        )
    except ValidationError as exc:
        return _kartu(request, pokja, akses, lembar, soal, galat=" ".join(exc.messages), status=422)
    pesan = _("Eviden disetujui.") if setujui else _("Dikembalikan untuk perbaikan.")
    return _kartu(request, pokja, akses, lembar, soal, pesan=pesan)


@login_required
@require_POST
def tugaskan(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.TUGASKAN)
    form = TugasForm(
        request.POST, anggota=anggota_pokja(pokja.tim, pokja.area), prefix=f"t{soal.pk}"
    )
    if not form.is_valid():
        galat = _("Penugasan tidak sah: pilih anggota Pokja ini dan tanggal yang benar.")
        return _kartu(request, pokja, akses, lembar, soal, galat=galat, status=422)
    try:
        services.tugaskan(
            lembar=lembar,
            soal=soal,
            user=request.user,
            ditugaskan_ke=form.cleaned_data["ditugaskan_ke"],
            tenggat=form.cleaned_data["tenggat"],
        )
    except ValidationError as exc:
        return _kartu(request, pokja, akses, lembar, soal, galat=" ".join(exc.messages), status=422)
    return _kartu(request, pokja, akses, lembar, soal, pesan=_("Penugasan tersimpan."))


@login_required
@require_GET
def riwayat(request, pokja_id, soal_id):
    pokja, akses, lembar, soal = _konteks(request, pokja_id, soal_id, Tindakan.LIHAT)
    return render(
        request,
        "eviden/_riwayat.html",
        {"s": soal, "pokja": pokja, "riwayat": riwayat_soal(lembar, soal)},
    )


# --- Downloads, tasks -----------------------------------------------------------------------


@login_required
@require_GET
def unduh(request, versi_id):
    """Serve a stored version to team members only; outsiders and unknown ids get 404.

    Local storage streams the file; S3 storage answers with a short-lived signed URL.
    PDF and images may preview inline; anything else is an attachment.
    """
    versi = (
        VersiDokumen.objects.select_related("dokumen__lembar")
        .filter(pk=versi_id)
        .exclude(kunci="")
        .first()
    )
    if versi is None or not akses_untuk(request.user, versi.dokumen.lembar.tim_id).anggota:
        raise Http404(_("Tidak ditemukan."))
    jenis = "inline" if versi.pratinjau else "attachment"
    disposisi = f"{jenis}; filename*=UTF-8''{quote(versi.nama_asli)}"
    if hasattr(default_storage, "bucket_name"):
        url = default_storage.url(
            versi.kunci,
            parameters={"ResponseContentDisposition": disposisi, "ResponseContentType": versi.mime},
        )
        return HttpResponseRedirect(url)
    respons = FileResponse(
        default_storage.open(versi.kunci, "rb"),
        as_attachment=not versi.pratinjau,
        filename=versi.nama_asli,
        content_type=versi.mime,
    )
    respons["Content-Security-Policy"] = "sandbox"
    respons["Cache-Control"] = "private, no-store"
    return respons


@login_required
@require_GET
def tugas(request):
    return render(request, "eviden/tugas_saya.html", {"tugas": tugas_saya(request.user)})
