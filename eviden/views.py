"""Evidence work in the browser. Views are thin: authorise through ``pokja.akses``, validate,
call a service, render. Every action on a soal goes through ``_aksi`` (authorise → service →
the soal's card, or the card with the refusal and 4xx); without htmx a plain form post gets
a message and a redirect to the soal's page instead."""

from dataclasses import dataclass
from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pokja.akses import (
    HASIL,
    Tindakan,
    akses_untuk,
    dapat_ditugaskan,
    get_pokja_for_user,
    get_tim_for_user,
    wajib,
)
from pokja.models import Pokja

from . import berkas as berkas_mod
from . import services
from .forms import ReviuForm, TautanForm, TugasForm, form_jawaban
from .kartu import Hak, Ruang, baris_tabel, daftar_soal, hitung_persen, kartu_soal
from .models import Dokumen, Eviden, JenisJawaban, LembarKerja, Soal, StatusButir, VersiDokumen
from .panel import panel
from .riwayat import riwayat_soal
from .selectors import Saringan, antrean_reviu, lembar_kerja_tim, susun_tabel, tugas_saya
from .unduhan import sajikan


def _htmx(request):
    return request.headers.get("HX-Request") == "true"


def _unggahan(request):
    return request.content_type == "application/octet-stream"  # XHR upload (eviden.js)


# --- Workspace tables -------------------------------------------------------------------------


def _ruang_kerja(request, akses, tim, ruang, **lain):
    saringan = Saringan.dari(request.GET)
    konteks = {"tim": tim, "ruang": ruang, "akses": akses, "saringan": saringan, **lain}
    if ruang is not None:
        hak = Hak.dari(akses, ruang)
        kelompok = daftar_soal(ruang.lembar.instrumen, ruang.area)
        semua = baris_tabel(ruang.lembar, kelompok)
        # The assignee filter offers the people who hold assignments here (already loaded
        # with the rows), by name.
        anggota = sorted(
            {b.butir.ditugaskan_ke for b in semua if b.butir.ditugaskan_ke_id},
            key=lambda u: (u.get_full_name(), u.pk),
        )
        konteks.update(
            hak=hak,
            anggota=anggota,
            tabel=susun_tabel(semua, saringan, request.user),
            status_pilihan=StatusButir.choices,
        )
    return render(request, "eviden/ruang_kerja.html", konteks)


@login_required
@require_GET
def pokja_soal(request, pokja_id):
    """A Pokja's workspace: a compact table of its soal (no forms), each opening its page."""
    # The Pokja comes with its team's worksheet and instrument in the same query.
    pokja, akses = get_pokja_for_user(
        request.user, pokja_id, related=("tim__lembar_kerja__instrumen",)
    )
    lembar = getattr(pokja.tim, "lembar_kerja", None)
    return _ruang_kerja(request, akses, pokja.tim, Ruang(lembar, pokja) if lembar else None)


@login_required
@require_GET
def hasil(request, tim_id):
    """The team's Komponen Hasil soal (IPAK, capaian kinerja, IPKP), answered by the chair."""
    tim, akses = get_tim_for_user(request.user, tim_id)
    lembar = lembar_kerja_tim(tim)
    tambahan = panel("tim-hasil", request=request, lembar=lembar, akses=akses) if lembar else []
    return _ruang_kerja(request, akses, tim, Ruang(lembar) if lembar else None, panel=tambahan)


# --- One soal: its page, its card, the actions on it --------------------------------------


@dataclass
class Konteks:
    ruang: Ruang
    akses: object
    soal: Soal

    @property
    def lembar(self):
        return self.ruang.lembar


def _konteks(request, lembar_id, soal_id, tindakan):
    """Fetch and authorise: outsiders and unknown ids get 404, members without the right 403.
    The soal's own area decides the Pokja (or Komponen Hasil) whose rights apply."""
    lembar = (
        LembarKerja.objects.select_related("tim__satker", "instrumen").filter(pk=lembar_id).first()
    )
    if lembar is None:
        raise Http404(_("Tidak ditemukan."))
    akses = akses_untuk(request.user, lembar.tim_id)
    wajib(akses, Tindakan.LIHAT)
    soal = (
        Soal.objects.filter(pk=soal_id, instrumen_id=lembar.instrumen_id)
        .exclude(jenis=JenisJawaban.JUMLAH)  # Jumlah inputs are answered through their % soal
        .first()
    )
    if soal is None:
        raise Http404(_("Tidak ditemukan."))
    pokja = None
    if soal.area_pokja:
        pokja = Pokja.objects.filter(tim_id=lembar.tim_id, area=soal.area_pokja).first()
        if pokja is None:
            raise Http404(_("Tidak ditemukan."))
    ruang = Ruang(lembar, pokja)
    wajib(akses, tindakan, ruang.sasaran)
    return Konteks(ruang, akses, soal)


def _kartu_dari(k):
    kartu = kartu_soal(k.ruang, k.soal, Hak.dari(k.akses, k.ruang))
    if kartu is None:
        raise Http404(_("Tidak ditemukan."))
    return kartu


def _siapkan_form(kartu, data_jawaban=None):
    if kartu.boleh_ubah:
        kartu.form = form_jawaban(kartu, data_jawaban)
    if kartu.hak.tugaskan:
        kartu.form_tugas = TugasForm(
            initial={"ditugaskan_ke": kartu.butir.ditugaskan_ke_id, "tenggat": kartu.butir.tenggat},
            anggota=dapat_ditugaskan(kartu.ruang.tim, kartu.ruang.area),
            prefix=f"t{kartu.soal.pk}",
        )
    return kartu


def _konteks_kartu(kartu, **extra):
    return {"k": kartu, "maks_mb": settings.EVIDEN_MAKS_MB, **extra}


def _jawab(request, k, *, pesan="", galat="", status=200, kartu=None, **extra):
    """The card after an action: htmx gets the card (the message inside it); an XHR upload
    gets the card with the message in a header, shown once beside the file by eviden.js;
    a plain form post gets a flash message and a redirect to the soal's page."""
    if not _htmx(request) and not _unggahan(request):
        if kartu is not None:  # a refused form without JavaScript: show it again, as typed
            konteks = _konteks_kartu(kartu, kembali=_url_kembali(kartu), galat=galat, **extra)
            return render(request, "eviden/soal.html", konteks, status=status)
        if galat:
            messages.error(request, galat)
        elif pesan:
            messages.success(request, pesan)
        return HttpResponseRedirect(reverse("soal-kartu", args=[k.lembar.pk, k.soal.pk]))
    if kartu is None:
        kartu = _siapkan_form(_kartu_dari(k))
    if _unggahan(request):
        respons = render(request, "eviden/_kartu.html", _konteks_kartu(kartu), status=status)
        respons["X-Pesan"] = quote(galat or pesan)
        return respons
    return render(
        request,
        "eviden/_kartu.html",
        _konteks_kartu(kartu, pesan=pesan, galat=galat, **extra),
        status=status,
    )


def _aksi(request, lembar_id, soal_id, tindakan, jalankan):
    """Authorise → run the service (``jalankan(k)`` returns the success message) → card.
    Refusals come back on the card: locked soal 409, upload refusals 400, the rest 422."""
    k = _konteks(request, lembar_id, soal_id, tindakan)
    try:
        pesan = jalankan(k)
    except services.Terkunci as exc:
        return _jawab(request, k, galat=" ".join(exc.messages), status=409)
    except berkas_mod.BerkasDitolak as exc:
        return _jawab(request, k, galat=str(exc), status=400)
    except ValidationError as exc:
        return _jawab(request, k, galat=" ".join(exc.messages), status=422)
    return _jawab(request, k, pesan=pesan)


@login_required
@require_GET
def kartu(request, lembar_id, soal_id):
    """The soal's page (its own URL, next/previous soal); htmx gets the card alone."""
    k = _konteks(request, lembar_id, soal_id, Tindakan.LIHAT)
    kartu = _siapkan_form(_kartu_dari(k))
    if _htmx(request):
        return render(request, "eviden/_kartu.html", _konteks_kartu(kartu))
    return render(request, "eviden/soal.html", _konteks_kartu(kartu, kembali=_url_kembali(kartu)))


def _url_kembali(kartu):
    return kartu.ruang.url + f"#soal-{kartu.soal.kode}"


@login_required
@require_POST
def simpan_jawaban(request, lembar_id, soal_id):
    k = _konteks(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN)
    kartu = _kartu_dari(k)
    if not kartu.status.boleh_diubah():
        return _jawab(request, k, galat=str(kartu.status.alasan_terkunci()), status=409)
    form = form_jawaban(kartu, request.POST)
    if not form.is_valid():
        _siapkan_form(kartu)
        kartu.form = form
        galat = _("Jawaban belum tersimpan. Periksa isian yang ditandai.")
        return _jawab(request, k, galat=galat, status=422, kartu=kartu)
    data = form.cleaned_data
    try:
        services.simpan_jawaban(
            lembar=k.lembar,
            soal=k.soal,
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
        kartu = _siapkan_form(_kartu_dari(k))
        data_pengguna = request.POST.copy()
        data_pengguna[f"s{k.soal.pk}-versi"] = kartu.jawaban.versi if kartu.jawaban else 0
        kartu.form = form_jawaban(kartu, data_pengguna)
        galat = _(
            "Jawaban ini sudah diubah oleh %(nama)s setelah Anda membukanya. Jawaban Anda "
            "BELUM disimpan. Bandingkan kedua versi di bawah, lalu simpan lagi bila perlu."
        ) % {"nama": konflik.tersimpan.diubah_oleh if konflik.tersimpan else "-"}
        return _jawab(request, k, galat=galat, status=409, kartu=kartu, konflik=konflik.tersimpan)
    except services.Terkunci as exc:  # submitted by someone else a moment ago
        return _jawab(request, k, galat=" ".join(exc.messages), status=409)
    except ValidationError as exc:
        return _jawab(request, k, galat=" ".join(exc.messages), status=422)
    return _jawab(request, k, pesan=_("Jawaban tersimpan."))


@login_required
@require_POST
def hitung(request, lembar_id, soal_id):
    """Live value of a % soal from the Jumlah inputs typed so far (nothing is saved)."""
    k = _konteks(request, lembar_id, soal_id, Tindakan.LIHAT)
    kartu = _kartu_dari(k)
    form = form_jawaban(kartu, request.POST)
    form.is_valid()
    angka = {
        m.masukan.nama: (
            form.cleaned_data.get(f"masukan_{m.soal.pk}")
            if f"masukan_{m.soal.pk}" not in form.errors
            else None
        )
        for m in kartu.masukan
    }
    kartu.hasil_persen = hitung_persen(kartu.soal, [m.masukan for m in kartu.masukan], {}, angka)
    return render(
        request,
        "eviden/_nilai_persen.html",
        {"soal": kartu.soal, "hasil": kartu.hasil_persen, "angka": angka, "form": form},
    )


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
def unggah(request, lembar_id, soal_id):
    """Upload a file as new evidence of the soal (raw body, name in X-Nama-Berkas)."""

    def jalankan(k):
        services.pastikan_terbuka(lembar=k.lembar, soal=k.soal)  # before reading the body
        versi = services.unggah_berkas(
            lembar=k.lembar, soal=k.soal, user=request.user, berkas=_terima_unggahan(request)
        )
        return _("«%(nama)s» tersimpan.") % {"nama": versi.nama_asli}

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, jalankan)


@login_required
@require_POST
def unggah_versi(request, lembar_id, soal_id, dokumen_id):
    """Upload a new version of a document attached to this soal."""

    def jalankan(k):
        dokumen = get_object_or_404(
            Dokumen.objects.distinct(),
            pk=dokumen_id,
            lembar=k.lembar,
            lampiran__soal=k.soal,
            lampiran__diarsipkan=False,
        )
        lain = services.pokja_lain_pemakai(dokumen=dokumen, area=k.ruang.area)
        pokja = {p.area: p for p in Pokja.objects.filter(tim_id=k.ruang.tim.pk)}
        # area None: the document is also evidence of a Komponen Hasil soal.
        sasaran = [pokja.get(a) if a is not None else HASIL for a in lain]
        if any(not k.akses.boleh(Tindakan.UBAH_JAWABAN, t) for t in sasaran):
            raise berkas_mod.BerkasDitolak(
                _(
                    "Dokumen ini juga menjadi eviden Pokja lain; versi baru akan mengubah "
                    "eviden mereka. Unggah berkas ini sebagai dokumen baru."
                )
            )
        services.pastikan_terbuka(lembar=k.lembar, soal=k.soal, dokumen=dokumen)
        versi = services.unggah_berkas(
            lembar=k.lembar,
            soal=k.soal,
            user=request.user,
            berkas=_terima_unggahan(request),
            dokumen=dokumen,
        )
        return _("Versi %(n)s dari «%(judul)s» tersimpan.") % {
            "n": versi.nomor,
            "judul": dokumen.judul,
        }

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, jalankan)


@login_required
@require_POST
def tambah_tautan(request, lembar_id, soal_id):
    def jalankan(k):
        form = TautanForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Isi tautannya."))
        services.tambah_tautan(
            lembar=k.lembar,
            soal=k.soal,
            user=request.user,
            tautan=form.cleaned_data["tautan"],
            judul=form.cleaned_data["judul"],
        )
        return _("Tautan tersimpan.")

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, _sebagai_422(jalankan))


def _sebagai_422(jalankan):
    """Refusals of links and reuse are form errors (422), not refused uploads (400)."""

    def dibungkus(k):
        try:
            return jalankan(k)
        except berkas_mod.BerkasDitolak as exc:
            raise ValidationError(str(exc)) from exc

    return dibungkus


@login_required
def lampirkan(request, lembar_id, soal_id):
    """GET: documents of the team not yet on this soal. POST: attach one (no re-upload)."""
    if request.method == "POST":

        def jalankan(k):
            pk = request.POST.get("dokumen", "")
            dokumen = (
                Dokumen.objects.filter(pk=pk, lembar=k.lembar).first() if pk.isdecimal() else None
            )
            if dokumen is None:
                raise ValidationError(_("Pilih dokumen."))
            services.lampirkan_dokumen(
                lembar=k.lembar, soal=k.soal, user=request.user, dokumen=dokumen
            )
            return _("«%(judul)s» dilampirkan.") % {"judul": dokumen.judul}

        return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, _sebagai_422(jalankan))
    k = _konteks(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN)
    sudah = Eviden.objects.filter(lembar=k.lembar, soal=k.soal, diarsipkan=False).values("dokumen")
    dokumen = (
        Dokumen.objects.filter(lembar=k.lembar)
        .exclude(pk__in=sudah)
        .prefetch_related("lampiran__soal")
        .order_by("judul")[:200]
    )
    return render(
        request,
        "eviden/_lampirkan.html",
        {"soal": k.soal, "lembar": k.lembar, "dokumen": dokumen},
    )


@login_required
@require_POST
def arsip(request, lembar_id, soal_id, eviden_id):
    def jalankan(k):
        eviden = get_object_or_404(Eviden, pk=eviden_id, lembar=k.lembar, soal=k.soal)
        arsipkan = request.POST.get("aksi") != "pulihkan"
        services.arsipkan_eviden(eviden=eviden, user=request.user, arsip=arsipkan)
        return _("Eviden diarsipkan.") if arsipkan else _("Eviden dipulihkan.")

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, jalankan)


# --- Review and assignment ------------------------------------------------------------------


@login_required
@require_POST
def ajukan(request, lembar_id, soal_id):
    def jalankan(k):
        services.ajukan_reviu(lembar=k.lembar, soal=k.soal, user=request.user)
        return _("Diajukan untuk direviu. Peninjau sudah diberi tahu.")

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, jalankan)


@login_required
@require_POST
def tarik(request, lembar_id, soal_id):
    def jalankan(k):
        services.tarik_kembali(lembar=k.lembar, soal=k.soal, user=request.user)
        return _("Pengajuan ditarik kembali; jawaban dan eviden dapat diubah lagi.")

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, jalankan)


@login_required
@require_POST
def buka(request, lembar_id, soal_id):
    def jalankan(k):
        if request.POST.get("yakin") != "1":
            raise ValidationError(
                _(
                    "Centang pernyataan bahwa soal harus diajukan dan direviu ulang, lalu "
                    "tekan Buka kembali."
                )
            )
        services.buka_kembali(lembar=k.lembar, soal=k.soal, user=request.user)
        return _("Soal dibuka kembali dan peninjau diberi tahu. Ajukan lagi setelah diubah.")

    return _aksi(request, lembar_id, soal_id, Tindakan.UBAH_JAWABAN, jalankan)


@login_required
@require_POST
def reviu(request, lembar_id, soal_id):
    dari_antrean = request.POST.get("tampilan") == "antrean"

    def jalankan(k):
        form = ReviuForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Pilih keputusan reviu."))
        setujui = form.cleaned_data["keputusan"] == "setujui"
        services.reviu(
            lembar=k.lembar,
            soal=k.soal,
            user=request.user,
            setujui=setujui,
            catatan=form.cleaned_data["catatan"],
            pengajuan=form.cleaned_data["pengajuan"],
        )
        return _("Disetujui.") if setujui else _("Dikembalikan untuk perbaikan.")

    if not dari_antrean:
        return _aksi(request, lembar_id, soal_id, Tindakan.REVIU, jalankan)
    # From the review queue: answer with this queue item (done, or the refusal with the
    # note as typed); without htmx, back to the queue with a message.
    k = _konteks(request, lembar_id, soal_id, Tindakan.REVIU)
    try:
        pesan, galat, status = jalankan(k), "", 200
    except ValidationError as exc:
        pesan, galat, status = "", " ".join(exc.messages), 422
    if not _htmx(request):
        (messages.error if galat else messages.success)(request, f"{k.soal.kode}: {galat or pesan}")
        return HttpResponseRedirect(reverse("antrean-reviu"))
    item = next(iter(antrean_reviu(request.user, lembar=k.lembar, soal=k.soal)), None)
    return render(
        request,
        "eviden/_antrean_item.html",
        {
            "i": item,
            "soal": k.soal,
            "lembar": k.lembar,
            "pesan": pesan,
            "galat": galat,
            "catatan": request.POST.get("catatan", ""),
        },
        status=status,
    )


@login_required
@require_POST
def tugaskan(request, lembar_id, soal_id):
    def jalankan(k):
        form = TugasForm(
            request.POST,
            anggota=dapat_ditugaskan(k.ruang.tim, k.ruang.area),
            prefix=f"t{k.soal.pk}",
        )
        if not form.is_valid():
            raise ValidationError(
                _("Penugasan tidak sah: pilih anggota Pokja ini dan tanggal yang benar.")
            )
        services.tugaskan(
            lembar=k.lembar,
            soal=k.soal,
            user=request.user,
            ditugaskan_ke=form.cleaned_data["ditugaskan_ke"],
            tenggat=form.cleaned_data["tenggat"],
        )
        return _("Penugasan tersimpan.")

    return _aksi(request, lembar_id, soal_id, Tindakan.TUGASKAN, jalankan)


@login_required
@require_GET
def riwayat(request, lembar_id, soal_id):
    k = _konteks(request, lembar_id, soal_id, Tindakan.LIHAT)
    return render(
        request,
        "eviden/_riwayat.html",
        {"soal": k.soal, "riwayat": riwayat_soal(k.lembar, k.soal)},
    )


# --- Queue, tasks, downloads ------------------------------------------------------------------


@login_required
@require_GET
def antrean(request):
    """Soal waiting for the user's review, oldest first, with approve/return on the page."""
    return render(request, "eviden/antrean.html", {"antrean": antrean_reviu(request.user)})


@login_required
@require_GET
def tugas(request):
    return render(request, "eviden/tugas_saya.html", {"tugas": tugas_saya(request.user)})


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
    return sajikan(versi.kunci, nama=versi.nama_asli, mime=versi.mime, inline=versi.pratinjau)
