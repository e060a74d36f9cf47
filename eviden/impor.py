"""Import a unit's answers in the PortalRB "jawaban unit" shape.

A file is a JSON list of ``{"soal_id": <bank soal id>, "jawaban_unit": "Ya"|"Tidak"|"A".."E"|
<number>, "catatan_unit": "..."}``. ``periksa`` checks the whole file against the
worksheet's instrument version and current state and returns every bad row; ``impor``
writes nothing unless the file is clean, then saves each changed answer through
``services.simpan_jawaban`` (the web form's service: locks, input rules, audit history).

Jumlah inputs have bank ids of their own but are saved with the % soal they feed, under its
lock and rules, exactly as the form saves them; their note goes to that % soal.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from . import rumus, services
from .kartu import Masukan
from .models import (
    JENIS_PILIHAN,
    Butir,
    Jawaban,
    JenisJawaban,
    Soal,
    SoalMasukan,
    StatusButir,
)


@dataclass
class Rencana:
    """What a clean file changes: per soal saved through the service, its new values."""

    lembar: object
    simpan: list = field(default_factory=list)  # [(soal, pilihan, angka, catatan, {Masukan: n})]
    berubah: int = 0  # answers (rows of the file) whose stored value changes


class ImporDitolak(ValueError):
    def __init__(self, kesalahan):
        self.kesalahan = list(kesalahan)
        super().__init__("\n".join(self.kesalahan))


def _angka(nilai):
    if isinstance(nilai, bool) or not isinstance(nilai, (int, float, str)):
        return None
    try:
        d = Decimal(str(nilai).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def periksa(lembar, baris):
    """Check every row of ``baris`` (the parsed file); return a ``Rencana`` or raise
    ``ImporDitolak`` listing each bad row as "baris N (soal_id X): reason"."""
    if not isinstance(baris, list):
        raise ImporDitolak(["berkas harus berisi daftar (JSON list) jawaban"])
    instrumen = lembar.instrumen
    skala = Decimal(str(instrumen.acuan_skor.get("skala_indeks", "4")))
    soal_bank = {
        s.nomor_bank: s for s in Soal.objects.filter(instrumen=instrumen, nomor_bank__isnull=False)
    }
    pemakai = {}  # Jumlah soal id -> (% soal, variable name)
    masukan_persen = {}  # % soal id -> [(variable name, Jumlah soal id)]
    for m in SoalMasukan.objects.filter(soal__instrumen=instrumen).select_related("soal"):
        pemakai[m.masukan_id] = (m.soal, m.nama)
        masukan_persen.setdefault(m.soal_id, []).append((m.nama, m.masukan_id))
    tersimpan = {j.soal_id: j for j in Jawaban.objects.filter(lembar=lembar)}
    status = dict(Butir.objects.filter(lembar=lembar).values_list("soal_id", "status"))

    kesalahan, dilihat = [], {}
    pilihan_baru, angka_baru = {}, {}
    for i, row in enumerate(baris, start=1):
        label = f"baris {i}"
        if not isinstance(row, dict) or "soal_id" not in row or "jawaban_unit" not in row:
            kesalahan.append(f"{label}: harus berisi soal_id dan jawaban_unit")
            continue
        sid = row["soal_id"]
        label = f"baris {i} (soal_id {sid!r})"
        soal = soal_bank.get(sid) if isinstance(sid, int) and not isinstance(sid, bool) else None
        if soal is None:
            kesalahan.append(f"{label}: soal tidak ada dalam instrumen {instrumen.kode}")
            continue
        if sid in dilihat:
            kesalahan.append(f"{label}: soal ganda, sudah ada di baris {dilihat[sid]}")
            continue
        dilihat[sid] = i
        catatan = row.get("catatan_unit") or ""
        if not isinstance(catatan, str):
            kesalahan.append(f"{label}: catatan_unit harus berupa teks")
            continue
        jawab = row["jawaban_unit"]
        if soal.jenis == JenisJawaban.JUMLAH and soal.pk not in pemakai:
            kesalahan.append(f"{label}: isian jumlah ini tidak dipakai soal mana pun")
            continue
        pemilik = pemakai[soal.pk][0] if soal.jenis == JenisJawaban.JUMLAH else soal
        alasan = StatusButir(status.get(pemilik.pk, "draf")).alasan_terkunci()
        if alasan:
            kesalahan.append(f"{label}: soal {pemilik.kode} terkunci. {alasan}")
            continue
        if soal.jenis in JENIS_PILIHAN:
            kode = {o["kode"] for o in soal.opsi}
            if not isinstance(jawab, str) or jawab.strip() not in kode:
                kesalahan.append(
                    f"{label}: jawaban {jawab!r} tidak sah untuk soal {soal.kode} "
                    f"({soal.get_jenis_display()}: {', '.join(o['kode'] for o in soal.opsi)})"
                )
                continue
            pilihan_baru[soal.pk] = (soal, jawab.strip(), catatan)
        else:
            angka = _angka(jawab)
            if angka is None or angka < 0:
                kesalahan.append(
                    f"{label}: jawaban {jawab!r} untuk soal {soal.kode} harus angka 0 atau lebih"
                )
                continue
            if soal.jenis == JenisJawaban.NILAI_0_4 and angka > skala:
                kesalahan.append(
                    f"{label}: nilai {jawab!r} untuk soal {soal.kode} harus antara 0 dan "
                    f"{rumus.angka_id(skala)}"
                )
                continue
            if soal.jenis == JenisJawaban.JUMLAH and angka != angka.to_integral_value():
                kesalahan.append(f"{label}: jumlah {jawab!r} untuk soal {soal.kode} harus bulat")
                continue
            angka_baru[soal.pk] = (soal, angka, catatan)

    rencana = Rencana(lembar)
    for sid, (soal, pilihan, catatan) in pilihan_baru.items():
        lama = tersimpan.get(sid)
        if lama is None or lama.pilihan != pilihan or lama.penjelasan != catatan:
            rencana.simpan.append((soal, pilihan, None, catatan, {}))
            rencana.berubah += 1

    per_persen = {}
    for sid, (soal, angka, catatan) in angka_baru.items():
        if soal.jenis == JenisJawaban.NILAI_0_4:
            lama = tersimpan.get(sid)
            if lama is None or lama.angka != angka or lama.penjelasan != catatan:
                rencana.simpan.append((soal, "", angka, catatan, {}))
                rencana.berubah += 1
            continue
        persen, nama = pemakai[sid]
        per_persen.setdefault(persen.pk, (persen, []))[1].append((soal, nama, angka, catatan))
    for persen, isian in per_persen.values():
        semua = {
            nama: (tersimpan[sid].angka if sid in tersimpan else None)
            for nama, sid in masukan_persen[persen.pk]
        }
        semua.update({nama: angka for _s, nama, angka, _c in isian})
        for pesan in rumus.periksa_syarat(persen.syarat_masukan, semua):
            baris_ini = ", ".join(str(s.nomor_bank) for s, *_ in isian)
            kesalahan.append(f"soal_id {baris_ini} (soal {persen.kode}): {pesan}")
        berubah = [
            (s, nama, angka)
            for s, nama, angka, _c in isian
            if s.pk not in tersimpan or tersimpan[s.pk].angka != angka
        ]
        catatan = next((c for *_x, c in isian if c), None)
        lama = tersimpan.get(persen.pk)
        catatan_berubah = catatan is not None and (lama is None or lama.penjelasan != catatan)
        if berubah or catatan_berubah:
            masukan = {Masukan(soal=s, nama=nama): angka for s, nama, angka in berubah}
            penjelasan = catatan if catatan is not None else (lama.penjelasan if lama else "")
            rencana.simpan.append((persen, "", None, penjelasan, masukan))
            rencana.berubah += len(berubah) or 1

    if kesalahan:
        raise ImporDitolak(kesalahan)
    return rencana


@transaction.atomic
def impor(*, lembar, baris, user):
    """Check the file and, if every row is good, save it; return the number of answers
    changed. Raises ``ImporDitolak`` (nothing written) otherwise."""
    rencana = periksa(lembar, baris)
    tersimpan = {j.soal_id: j.versi for j in Jawaban.objects.filter(lembar=lembar)}
    for soal, pilihan, angka, catatan, masukan in rencana.simpan:
        try:
            services.simpan_jawaban(
                lembar=lembar,
                soal=soal,
                user=user,
                versi=tersimpan.get(soal.pk, 0),
                pilihan=pilihan,
                angka=angka,
                penjelasan=catatan,
                masukan=masukan,
            )
        except (ValidationError, services.KonflikJawaban) as exc:
            raise ImporDitolak([f"soal {soal.kode}: {exc}"]) from exc
    return rencana.berubah
