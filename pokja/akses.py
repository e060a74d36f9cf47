"""The one place that answers "what may this user see and do in this Tim ZI / Pokja".

Every view calls ``get_tim_for_user`` / ``get_pokja_for_user`` (which fetch and authorise in
one step) or asks an ``Akses`` object. Outsiders get 404 (they must not learn that a team
exists); insiders without the right get 403. The rules follow DESIGN.md §3:

- anggota / sekretaris pokja: see the whole team; change answers and evidence of their
  own Pokja and submit them for review;
- koordinator pokja: the same, plus review and assign soal in their own Pokja;
- ketua / sekretaris tim: see everything; review and assign in any Pokja; manage members,
  stages and deadlines;
- kasubbag TU: see everything; export reports;
- kepala kantor: see everything; change nothing;
- admin Kanwil (issue 11): a non-member who administers a Kanwil above the team's satker is
  its *pengawas*: sees everything of the team read-only (like the kepala kantor), changes
  nothing. Assessors are not team members at all: they work on frozen submissions through
  ``penilaian.akses`` and see nothing of the live team.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import (
    PERAN_POKJA,
    AdminKanwil,
    Anggota,
    Lapisan,
    PenugasanPenilai,
    Peran,
    Pokja,
    Satker,
    TimZI,
)

PERAN_PIMPINAN_TIM = {Peran.KETUA_TIM, Peran.SEKRETARIS_TIM}
# Readiness reports and exports: the Kasubbag TU, the chair, the team secretary, the head of
# office (issue 10).
PERAN_EKSPOR = {Peran.KETUA_TIM, Peran.SEKRETARIS_TIM, Peran.KASUBBAG_TU, Peran.KEPALA_KANTOR}
# Who sees the chair's readiness dashboard (the whole team's score, verdict, people's backlog).
PERAN_DASBOR = {Peran.KETUA_TIM, Peran.SEKRETARIS_TIM, Peran.KASUBBAG_TU, Peran.KEPALA_KANTOR}

# The Komponen Hasil soal (IPAK, capaian kinerja, IPKP) belong to no Pokja: the chair and the
# team secretary answer, review and assign them. Pass ``HASIL`` where a Pokja is expected.
HASIL = "hasil"


class Tindakan:
    """Names of the actions a view may ask about."""

    LIHAT = "lihat"
    UBAH_JAWABAN = "ubah_jawaban"  # answer soal, upload evidence, submit for review
    REVIU = "reviu"  # approve / return evidence
    TUGASKAN = "tugaskan"  # assign soal to members with due dates
    KELOLA_TIM = "kelola_tim"  # members, stages, deadlines, snapshot submission
    EKSPOR = "ekspor"  # readiness reports and exports
    DASBOR_TIM = "dasbor_tim"  # the chair's readiness dashboard (read-only)
    CATAT_SKOR = "catat_skor"  # write today's score snapshot from that dashboard (members)


@dataclass(frozen=True)
class Akses:
    """A user's rights in one Tim ZI, computed from their memberships."""

    tim_id: int
    peran_tim: frozenset = field(default_factory=frozenset)
    # Pokja id -> set of pokja-bound roles the user holds there.
    peran_pokja: dict = field(default_factory=dict)
    superuser: bool = False
    # A Kanwil admin above the team's satker (read-only, never a member).
    pengawas: bool = False

    @property
    def anggota(self):
        """May see the team at all (members, the superuser, a Kanwil admin above it)."""
        return bool(self.peran_tim or self.peran_pokja or self.superuser or self.pengawas)

    @property
    def semua_peran(self):
        roles = set(self.peran_tim)
        for per_pokja in self.peran_pokja.values():
            roles |= per_pokja
        return roles

    @property
    def pokja_sendiri(self):
        return set(self.peran_pokja)

    def boleh(self, tindakan, pokja=None):
        """May the user do ``tindakan`` (in ``pokja``, for pokja-level actions)?"""
        if not self.anggota:
            return False
        if tindakan == Tindakan.LIHAT:
            return True
        pimpinan = bool(self.peran_tim & PERAN_PIMPINAN_TIM)
        if pokja == HASIL:
            return tindakan in (Tindakan.UBAH_JAWABAN, Tindakan.REVIU, Tindakan.TUGASKAN) and (
                pimpinan
            )
        pokja_id = getattr(pokja, "pk", pokja)
        di_pokja = self.peran_pokja.get(pokja_id, set())
        if tindakan == Tindakan.UBAH_JAWABAN:
            return pokja_id is not None and bool(di_pokja)
        if tindakan in (Tindakan.REVIU, Tindakan.TUGASKAN):
            return pokja_id is not None and (Peran.KOORDINATOR_POKJA in di_pokja or pimpinan)
        if tindakan == Tindakan.KELOLA_TIM:
            return pimpinan
        if tindakan == Tindakan.EKSPOR:
            return bool(self.peran_tim & PERAN_EKSPOR)
        if tindakan == Tindakan.DASBOR_TIM:
            return bool(self.peran_tim & PERAN_DASBOR) or self.superuser or self.pengawas
        if tindakan == Tindakan.CATAT_SKOR:  # a write: the Kanwil's read-only view may not
            return bool(self.peran_tim & PERAN_DASBOR) or self.superuser
        return False


def akses_untuk(user, tim):
    """Build the ``Akses`` of ``user`` in ``tim``: one query for a member or the superuser;
    one more for anyone else (are they a Kanwil admin above the team's satker?)."""
    tim_id = getattr(tim, "pk", tim)
    if not user.is_authenticated or not user.is_active:
        return Akses(tim_id=tim_id)
    peran_tim, peran_pokja = set(), {}
    rows = Anggota.objects.filter(tim_id=tim_id, user=user).values_list("peran", "pokja_id")
    for peran, pokja_id in rows:
        if peran in PERAN_POKJA:
            peran_pokja.setdefault(pokja_id, set()).add(Peran(peran))
        else:
            peran_tim.add(Peran(peran))
    pengawas = False
    if not rows and not user.is_superuser:
        satker = getattr(tim, "satker_id", None) or TimZI.objects.filter(pk=tim_id).values("satker")
        pengawas = AdminKanwil.objects.filter(syarat_kanwil_atas(satker), user=user).exists()
    return Akses(
        tim_id=tim_id,
        peran_tim=frozenset(peran_tim),
        peran_pokja=peran_pokja,
        superuser=user.is_superuser,
        pengawas=pengawas,
    )


def wajib(akses, tindakan, pokja=None):
    """404 for outsiders, 403 for members without the right; nothing otherwise."""
    if not akses.anggota:
        raise Http404(_("Tidak ditemukan."))
    if not akses.boleh(tindakan, pokja):
        raise PermissionDenied(_("Peran Anda tidak mengizinkan tindakan ini."))


def get_tim_for_user(user, tim_id, tindakan=Tindakan.LIHAT):
    """Return ``(tim, akses)``; 404 for outsiders and unknown ids, 403 without the right."""
    tim = TimZI.objects.select_related("satker").filter(pk=tim_id).first()
    if tim is None:
        raise Http404(_("Tidak ditemukan."))
    akses = akses_untuk(user, tim)
    wajib(akses, tindakan)
    return tim, akses


def get_pokja_for_user(user, pokja_id, tindakan=Tindakan.LIHAT, *, related=()):
    """Return ``(pokja, akses)``; 404 for outsiders and unknown ids, 403 without the right.
    ``related``: more ``select_related`` paths a caller needs in the same query."""
    pokja = Pokja.objects.select_related("tim__satker", *related).filter(pk=pokja_id).first()
    if pokja is None:
        raise Http404(_("Tidak ditemukan."))
    akses = akses_untuk(user, pokja.tim_id)
    wajib(akses, tindakan, pokja)
    return pokja, akses


# --- Who reviews, who may be assigned (WHO questions other apps ask) ---------------------------


def peninjau(tim, area):
    """Ids of the users who may review soal of Pokja ``area`` in ``tim`` (``None`` = Hasil):
    its koordinator, and the ketua and sekretaris tim. One query."""
    syarat = Q(peran__in=PERAN_PIMPINAN_TIM)
    if area is not None:
        syarat |= Q(peran=Peran.KOORDINATOR_POKJA, pokja__area=area)
    tim_id = getattr(tim, "pk", tim)
    return set(Anggota.objects.filter(syarat, tim_id=tim_id).values_list("user_id", flat=True))


def syarat_peninjau(user, *, tim, area):
    """A ``Q`` for rows of another app that ``user`` may review, given the lookup paths of
    the row's team (``tim``) and Pokja area (``area``; NULL for Hasil soal), e.g.
    ``syarat_peninjau(user, tim="lembar__tim", area="soal__area_pokja")``. The membership
    test runs inside the same query (EXISTS), so a count costs one query."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    milik = Anggota.objects.filter(user=user, tim=OuterRef(tim))
    return Q(Exists(milik.filter(peran__in=PERAN_PIMPINAN_TIM))) | Q(
        Exists(milik.filter(peran=Peran.KOORDINATOR_POKJA, pokja__area=OuterRef(area)))
    )


def syarat_anggota(user, *, tim):
    """A ``Q`` for rows of another app whose team (lookup path ``tim``) has ``user`` as a
    member, tested inside the same query (EXISTS)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q(Exists(Anggota.objects.filter(user=user, tim=OuterRef(tim))))


def dapat_ditugaskan(tim, area):
    """Users who may be assigned soal of Pokja ``area`` (its pokja-bound members), or of the
    Hasil soal (``area`` None: ketua and sekretaris tim), by name. One query."""
    if area is None:
        rows = Anggota.objects.filter(tim=tim, peran__in=PERAN_PIMPINAN_TIM)
    else:
        rows = Anggota.objects.filter(tim=tim, pokja__area=area, peran__in=PERAN_POKJA)
    seen, hasil = set(), []
    for a in rows.select_related("user").order_by("user__nama_lengkap", "user_id"):
        if a.user_id not in seen:
            seen.add(a.user_id)
            hasil.append(a.user)
    return hasil


# --- The level above: Kanwil admins and the satker below a Kanwil (issue 11) -------------------

# Satker hang at most this deep below a Kanwil (Kanwil → Kankemenag → KUA/madrasah, with one
# level to spare): "below" is a fixed number of joins, so it stays one query.
KEDALAMAN = 3


def _jalur(awalan, langkah, nilai):
    """``Q(<awalan><langkah>__<langkah>…=nilai)`` for 1..KEDALAMAN steps, OR-ed; ``__in`` when
    ``nilai`` is a queryset (a subquery)."""
    from django.db.models import QuerySet

    akhir = "__in" if isinstance(nilai, QuerySet) else ""
    q = Q()
    for n in range(1, KEDALAMAN + 1):
        q |= Q(**{awalan + "__".join([langkah] * n) + akhir: nilai})
    return q


def syarat_di_bawah(kanwil, awalan=""):
    """A ``Q`` on rows whose satker (lookup path ``awalan``, e.g. ``"tim__satker__"``) lies
    below ``kanwil`` (a Satker, an id or a queryset of ids), up to KEDALAMAN levels down."""
    return _jalur(awalan, "induk", kanwil)


def syarat_kanwil_atas(satker, kolom="kanwil"):
    """A ``Q`` that ``kolom`` (a Satker foreign key) is one of the satker above ``satker``
    (a Satker, an id or a queryset of ids), up to KEDALAMAN levels: each level is a lookup
    through ``induk`` by primary key, so it stays on indexes."""
    from django.db.models import QuerySet

    if isinstance(satker, QuerySet):
        asal = Satker.objects.filter(pk__in=satker)
    else:
        asal = Satker.objects.filter(pk=getattr(satker, "pk", satker))
    q = Q()
    for n in range(1, KEDALAMAN + 1):
        q |= Q(**{f"{kolom}__in": asal.values("__".join(["induk"] * n))})
    return q


def satker_di_bawah(kanwil):
    """The satker below ``kanwil`` (a queryset; one query when evaluated)."""
    return Satker.objects.filter(syarat_di_bawah(kanwil))


def admin_kanwil_atas(user, satker):
    """Is ``user`` an admin of a Kanwil above ``satker`` (or the superuser)? One query."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return AdminKanwil.objects.filter(syarat_kanwil_atas(satker), user=user).exists()


@dataclass(frozen=True)
class AksesKanwil:
    """What a user may do at the level of one Kanwil: ``admin`` (oversight of every satker
    below, drill-down, proposals, assessor grants) or ``penilai`` (one of the Kanwil's own
    TPP assessors with a grant in force: the oversight list only)."""

    kanwil: Satker
    admin: bool
    penilai: bool

    @property
    def lihat(self):
        return self.admin or self.penilai


def get_kanwil_for_user(user, kanwil_id, *, admin=False, sekarang=None):
    """Return ``AksesKanwil`` of ``user`` for the Kanwil ``kanwil_id``: 404 for anyone who is
    neither its admin, the superuser, nor (unless ``admin``) one of its TPP assessors with a
    grant in force now. Two queries."""
    from django.utils import timezone

    kanwil = Satker.objects.filter(pk=kanwil_id, jenis=Satker.Jenis.KANWIL).first()
    if kanwil is None or not user.is_authenticated or not user.is_active:
        raise Http404(_("Tidak ditemukan."))
    is_admin = user.is_superuser or AdminKanwil.objects.filter(user=user, kanwil=kanwil).exists()
    penilai = False
    if not is_admin and not admin:
        penilai = (
            PenugasanPenilai.objects.aktif(sekarang or timezone.now())
            .filter(syarat_di_bawah(kanwil, "satker__"), user=user, lapisan=Lapisan.TPP)
            .exists()
        )
    if not (is_admin or penilai):
        raise Http404(_("Tidak ditemukan."))
    return AksesKanwil(kanwil=kanwil, admin=is_admin, penilai=penilai)


def kanwil_untuk(user, sekarang=None):
    """The Kanwil whose oversight page ``user`` may open (for the menu), by name. One query
    for admins, one more for assessors."""
    from django.utils import timezone

    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Satker.objects.filter(jenis=Satker.Jenis.KANWIL))
    tpp = PenugasanPenilai.objects.aktif(sekarang or timezone.now()).filter(
        user=user, lapisan=Lapisan.TPP
    )
    atas = syarat_kanwil_atas(tpp.values("satker_id"), kolom="pk")
    return list(
        Satker.objects.filter(Q(admin__user=user) | atas, jenis=Satker.Jenis.KANWIL).distinct()
    )
