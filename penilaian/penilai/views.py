"""The assessor workspace (DESIGN.md §5): thin views on frozen submissions only.

Every URL but the home starts with the grant (``penilai/<penugasan_id>/…``) and goes through
``penilaian.akses.get_ruang_penilai``: 404 unless the grant is the user's, in force, and its
team has a submission for the stage. Writes are for the grant's own layer only (taken from the
grant, never from the request) and end when the layer publishes its verdict (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eviden.unduhan import sajikan
from zi_portal.format import angka, waktu

from ..akses import get_ruang_penilai, penugasan_aktif
from . import selectors, services
from .forms import PublikasikanForm, PutusanForm, form_jawaban


@login_required
def beranda(request):
    """The user's grants in force with progress and verdict state (any logged-in user; an
    empty state for everyone without a grant)."""
    baris = selectors.beranda(penugasan_aktif(request.user))
    return render(request, "penilaian/penilai/beranda.html", {"baris": baris})


def _konteks(kerja, **lain):
    r = kerja.ruang
    return {
        "ruang": r,
        "kerja": kerja,
        "p": r.pengajuan,
        "g": r.penugasan,
        "tahapan_label": selectors.label_tahapan(r.penugasan.tahapan),
        **lain,
    }


def _terkunci(request, kerja_atau_ruang, pesan):
    if _minta_json(request):
        return JsonResponse({"ok": False, "pesan": str(pesan)}, status=403)
    return render(
        request,
        "penilaian/penilai/terkunci.html",
        {"ruang": getattr(kerja_atau_ruang, "ruang", kerja_atau_ruang), "pesan": pesan},
        status=403,
    )


def _minta_json(request):
    return request.headers.get("Accept", "").startswith("application/json")


@login_required
def ringkasan(request, penugasan_id):
    """The submission (who, when, number, unit score) and every soal, per area, with the
    unit's answer next to the assessor's; filter: all / not yet reviewed / differing."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    kerja = selectors.muat_kerja(ruang)
    saringan = request.GET.get("saring")
    saringan = saringan if saringan in selectors.SARINGAN else "semua"
    lanjut = next((b for b in kerja.baris if not b.dinilai), None) or kerja.baris[0]
    return render(
        request,
        "penilaian/penilai/ringkasan.html",
        _konteks(
            kerja,
            grup=selectors.per_grup(selectors.saring(kerja.baris, saringan)),
            saringan=saringan,
            lanjut=lanjut,
        ),
    )


def _halaman_soal(request, kerja, k, form, status=200, **lain):
    return render(
        request,
        "penilaian/penilai/soal.html",
        _konteks(kerja, k=k, form=form, **lain),
        status=status,
    )


@login_required
def soal(request, penugasan_id, soal_id):
    """Fast review: one soal per page, with the unit's frozen answer and evidence, the
    assessor's answer and note, and keyboard shortcuts (static/js/penilai.js)."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    kerja = selectors.muat_kerja(ruang)
    k = selectors.kartu(kerja, soal_id)
    if k is None:
        raise Http404(_("Tidak ditemukan."))
    return _halaman_soal(request, kerja, k, form_jawaban(k.b))


@login_required
@require_POST
def simpan(request, penugasan_id, soal_id):
    """Save the assessor's answer and note (the page's autosave asks for JSON; the plain
    form submit gets a redirect). A stale version is refused with 409 and the typed text kept
    in the form."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    kerja = selectors.muat_kerja(ruang)
    b = kerja.cari(soal_id)
    if b is None:
        raise Http404(_("Tidak ditemukan."))
    if not kerja.boleh_tulis_jawaban:
        return _terkunci(request, kerja, _pesan_final(kerja))
    json = _minta_json(request)
    form = form_jawaban(b, request.POST)
    if not form.is_valid():
        return _gagal(request, kerja, soal_id, form, json)
    d = form.cleaned_data
    try:
        row, _berubah = services.simpan_jawaban(
            ruang=ruang,
            soal=b.soal,
            user=request.user,
            versi=d["versi"],
            catatan=d.get("catatan", ""),
            pilihan=d.get("pilihan", ""),
            angka=d.get("angka"),
            masukan=form.nilai_masukan() if b.masukan else None,
        )
    except services.Terkunci as exc:
        return _terkunci(request, kerja, exc.args[0] if exc.args else _pesan_final(kerja))
    except services.Bentrok as exc:
        return _bentrok(request, kerja, soal_id, exc.tersimpan, json)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _gagal(request, kerja, soal_id, form, json)
    kerja = selectors.muat_kerja(ruang)
    b = kerja.cari(soal_id)
    pesan = (
        _("Tersimpan %(w)s") % {"w": waktu(row.diubah_pada)}
        if row
        else _("Belum ada yang perlu disimpan.")
    )
    if json:
        return JsonResponse(
            {
                "ok": True,
                "versi": row.versi if row else 0,
                "pesan": pesan,
                "jawaban": b.teks_penilai,
                "total": angka(kerja.hasil_penilai.total),
                "dinilai": f"{kerja.isian_dinilai}/{kerja.jumlah_isian}",
            }
        )
    messages.success(request, pesan)
    k = selectors.kartu(kerja, soal_id)
    tujuan = k.sesudah if request.POST.get("lanjut") == "1" and k.sesudah else k.soal
    return redirect("penilai-soal", penugasan_id=ruang.penugasan.pk, soal_id=tujuan.pk)


def _gagal(request, kerja, soal_id, form, json):
    if json:
        pesan = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return JsonResponse(
            {
                "ok": False,
                "pesan": _("Belum tersimpan: %(p)s") % {"p": pesan},
                "galat": form.errors.get_json_data(),
            },
            status=422,
        )
    k = selectors.kartu(kerja, soal_id)
    return _halaman_soal(request, kerja, k, form, status=422)


def _bentrok(request, kerja, soal_id, tersimpan, json):
    versi = tersimpan.versi if tersimpan else 0
    oleh = tersimpan.diubah_oleh.get_full_name() if tersimpan else ""
    pesan = _(
        "Jawaban soal ini baru saja diubah di tab atau perangkat lain (oleh %(oleh)s, "
        "%(waktu)s). Teks Anda belum disimpan tetapi masih ada di formulir: periksa isian "
        "yang tersimpan, lalu tekan Simpan untuk menimpanya dengan teks Anda."
    ) % {"oleh": oleh or "—", "waktu": waktu(tersimpan.diubah_pada) if tersimpan else "—"}
    if json:
        return JsonResponse(
            {
                "ok": False,
                "bentrok": True,
                "versi": versi,
                "pesan": pesan,
                "tersimpan": {
                    "pilihan": tersimpan.pilihan if tersimpan else "",
                    "angka": str(tersimpan.angka)
                    if tersimpan and tersimpan.angka is not None
                    else "",
                    "catatan": tersimpan.catatan if tersimpan else "",
                },
            },
            status=409,
        )
    data = request.POST.copy()
    data["versi"] = str(versi)  # saving again overwrites, knowingly
    k = selectors.kartu(kerja, soal_id)
    form = form_jawaban(k.b, data)
    return _halaman_soal(request, kerja, k, form, status=409, bentrok=pesan, tersimpan=tersimpan)


def _pesan_final(kerja):
    terbit = [x for x in kerja.putusan_semua if x.dipublikasikan_pada]
    mine = [x for x in terbit if x.lapisan == kerja.ruang.lapisan]
    if mine:
        return services.pesan_terkunci(mine[0])
    return _("Putusan lapisan ini sudah dipublikasikan; pekerjaan penilai sudah final.")


@login_required
def eviden(request, penugasan_id, eviden_beku_id):
    """An evidence version exactly as submitted (only of this grant's submission): the
    stored file through ``eviden.unduhan.sajikan``, or the external link."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    e = selectors.eviden_beku(ruang, eviden_beku_id)
    if e is None:
        raise Http404(_("Tidak ditemukan."))
    v = e.versi
    if v.tautan:
        return HttpResponseRedirect(v.tautan)
    return sajikan(v.kunci, nama=v.nama_asli, mime=v.mime, inline=v.pratinjau)


@login_required
def selisih(request, penugasan_id):
    """Unit vs assessor per soal, per Pokja area and in total (points)."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    kerja = selectors.muat_kerja(ruang)
    return render(
        request,
        "penilaian/penilai/selisih.html",
        _konteks(kerja, s=selectors.selisih(kerja)),
    )


@login_required
def putusan(request, penugasan_id):
    """The layer's verdict (MS/TMS with a reason): save a draft, then publish after a
    confirmation step."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    x = ruang.putusan
    if request.method == "POST":
        if not ruang.boleh_tulis:
            return _terkunci(request, ruang, services.pesan_terkunci(x))
        form = PutusanForm(request.POST)
        if form.is_valid():
            try:
                services.simpan_putusan(
                    ruang=ruang,
                    user=request.user,
                    kesimpulan=form.cleaned_data["kesimpulan"],
                    alasan=form.cleaned_data["alasan"],
                )
            except services.Terkunci as exc:
                return _terkunci(request, ruang, exc.args[0])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if request.POST.get("aksi") == "publikasikan":
                    return redirect("penilai-publikasikan", penugasan_id=ruang.penugasan.pk)
                messages.success(request, _("Draf putusan disimpan. Tim belum dapat melihatnya."))
                return redirect("penilai-putusan", penugasan_id=ruang.penugasan.pk)
    else:
        form = PutusanForm(initial={"kesimpulan": x.kesimpulan, "alasan": x.alasan} if x else None)
    kerja = selectors.muat_kerja(ruang)
    return render(
        request,
        "penilaian/penilai/putusan.html",
        _konteks(kerja, form=form, putusan=x),
        status=422 if form.errors else 200,
    )


@login_required
def publikasikan(request, penugasan_id):
    """The confirmation step of publishing the verdict (GET shows what will be published,
    POST with the box ticked publishes)."""
    ruang = get_ruang_penilai(request.user, penugasan_id)
    x = ruang.putusan
    if not ruang.boleh_tulis:
        if request.method == "POST":
            return _terkunci(request, ruang, services.pesan_terkunci(x))
        return redirect("penilai-putusan", penugasan_id=ruang.penugasan.pk)
    if x is None or not x.kesimpulan:
        messages.warning(request, _("Simpan dulu kesimpulan dan alasannya."))
        return redirect("penilai-putusan", penugasan_id=ruang.penugasan.pk)
    form = PublikasikanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publikasikan(ruang=ruang, user=request.user)
        except services.Terkunci as exc:
            return _terkunci(request, ruang, exc.args[0])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Putusan dipublikasikan. Tim sudah diberi tahu dan dapat membaca catatan Anda."),
            )
            return redirect("penilai-putusan", penugasan_id=ruang.penugasan.pk)
    kerja = selectors.muat_kerja(ruang)
    return render(
        request,
        "penilaian/penilai/publikasikan.html",
        _konteks(kerja, form=form, putusan=x),
        status=422 if form.errors else 200,
    )
