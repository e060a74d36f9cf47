"""Every invariant of the WHO and WHAT models is a named database constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from eviden.models import Node, Soal
from pokja.models import Anggota, Peran, Pokja, Satker, TimZI
from pokja.services import buat_tim, tetapkan_anggota

from .factories import SatkerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _langgar(nama_constraint, fungsi):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        fungsi()
    # PostgreSQL names the violated constraint; SQLite names the columns or the check.
    pesan = str(exc.value)
    assert nama_constraint in pesan or "UNIQUE" in pesan, pesan


def test_a_tim_gets_its_six_pokja_once():
    satker = SatkerFactory()
    tim = buat_tim(satker=satker, tahun=2026, target_predikat="WBK")
    assert sorted(tim.pokja.values_list("area", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert buat_tim(satker=satker, tahun=2026, target_predikat="WBK") == tim
    assert Pokja.objects.filter(tim=tim).count() == 6


def test_one_tim_per_satker_per_year():
    satker = SatkerFactory()
    TimZI.objects.create(satker=satker, tahun=2026)
    _langgar(
        "pokja_timzi_satu_tim_per_satker_per_tahun",
        lambda: TimZI.objects.create(satker=satker, tahun=2026),
    )
    TimZI.objects.create(satker=satker, tahun=2027)  # another year is fine


def test_tim_year_and_predicate_are_checked():
    satker = SatkerFactory()
    _langgar("pokja_timzi_tahun_wajar", lambda: TimZI.objects.create(satker=satker, tahun=1999))
    _langgar(
        "pokja_timzi_predikat_valid",
        lambda: TimZI.objects.create(satker=satker, tahun=2026, target_predikat="XYZ"),
    )


def test_one_pokja_per_area_and_only_areas_1_to_6():
    tim = buat_tim(satker=SatkerFactory(), tahun=2026, target_predikat="WBK")
    _langgar("pokja_pokja_satu_per_area", lambda: Pokja.objects.create(tim=tim, area=3))
    tim.pokja.filter(area=6).delete()
    _langgar("pokja_pokja_area_1_sampai_6", lambda: Pokja.objects.create(tim=tim, area=7))


@pytest.fixture
def tim():
    return buat_tim(satker=SatkerFactory(), tahun=2026, target_predikat="WBK")


def test_one_ketua_per_tim(tim):
    Anggota.objects.create(tim=tim, user=UserFactory(), peran=Peran.KETUA_TIM)
    _langgar(
        "pokja_anggota_satu_ketua_per_tim",
        lambda: Anggota.objects.create(tim=tim, user=UserFactory(), peran=Peran.KETUA_TIM),
    )
    # Another team may have its own ketua.
    tim2 = buat_tim(satker=SatkerFactory(), tahun=2026, target_predikat="WBK")
    Anggota.objects.create(tim=tim2, user=UserFactory(), peran=Peran.KETUA_TIM)


def test_one_kepala_kantor_per_tim(tim):
    Anggota.objects.create(tim=tim, user=UserFactory(), peran=Peran.KEPALA_KANTOR)
    _langgar(
        "pokja_anggota_satu_kepala_kantor_per_tim",
        lambda: Anggota.objects.create(tim=tim, user=UserFactory(), peran=Peran.KEPALA_KANTOR),
    )


def test_one_koordinator_per_pokja(tim):
    pokja = tim.pokja.get(area=1)
    Anggota.objects.create(tim=tim, user=UserFactory(), peran=Peran.KOORDINATOR_POKJA, pokja=pokja)
    _langgar(
        "pokja_anggota_satu_koordinator_per_pokja",
        lambda: Anggota.objects.create(
            tim=tim, user=UserFactory(), peran=Peran.KOORDINATOR_POKJA, pokja=pokja
        ),
    )


@pytest.mark.parametrize(
    "peran", [Peran.KOORDINATOR_POKJA, Peran.SEKRETARIS_POKJA, Peran.ANGGOTA_POKJA]
)
def test_pokja_roles_need_a_pokja(tim, peran):
    _langgar(
        "pokja_anggota_peran_pokja_wajib_pokja",
        lambda: Anggota.objects.create(tim=tim, user=UserFactory(), peran=peran),
    )


@pytest.mark.parametrize("peran", [Peran.KETUA_TIM, Peran.KASUBBAG_TU, Peran.KEPALA_KANTOR])
def test_team_roles_carry_no_pokja(tim, peran):
    _langgar(
        "pokja_anggota_peran_pokja_wajib_pokja",
        lambda: Anggota.objects.create(
            tim=tim, user=UserFactory(), peran=peran, pokja=tim.pokja.get(area=1)
        ),
    )


def test_no_duplicate_memberships(tim):
    user = UserFactory()
    Anggota.objects.create(tim=tim, user=user, peran=Peran.KASUBBAG_TU)
    _langgar(
        "pokja_anggota_unik_peran_tim",
        lambda: Anggota.objects.create(tim=tim, user=user, peran=Peran.KASUBBAG_TU),
    )
    # Kasubbag TU often also chairs the team: a second, different role is allowed.
    Anggota.objects.create(tim=tim, user=user, peran=Peran.KETUA_TIM)
    pokja = tim.pokja.get(area=2)
    Anggota.objects.create(tim=tim, user=user, peran=Peran.ANGGOTA_POKJA, pokja=pokja)
    _langgar(
        "pokja_anggota_unik_per_pokja",
        lambda: Anggota.objects.create(
            tim=tim, user=user, peran=Peran.SEKRETARIS_POKJA, pokja=pokja
        ),
    )


def test_the_service_refuses_a_pokja_of_another_team_with_a_message(tim):
    lain = buat_tim(satker=SatkerFactory(), tahun=2026, target_predikat="WBK")
    with pytest.raises(ValidationError) as exc:
        tetapkan_anggota(
            tim=tim, user=UserFactory(), peran=Peran.ANGGOTA_POKJA, pokja=lain.pokja.get(area=1)
        )
    assert "Pokja harus milik Tim ZI yang sama." in str(exc.value)


def test_satker_cannot_be_its_own_parent_or_loop():
    a = SatkerFactory()
    a.induk = a
    _langgar("pokja_satker_induk_bukan_diri_sendiri", a.save)
    b = SatkerFactory(induk=a)
    a.induk = b
    with pytest.raises(ValidationError, match="melingkar"):
        a.full_clean()
    _langgar(
        "pokja_satker_jenis_valid", lambda: Satker.objects.create(nama="X", kode="X", jenis="dinas")
    )


def test_instrument_constraints(instrumen):
    node = Node.objects.filter(instrumen=instrumen, level=Node.Level.AREA).first()
    _langgar(
        "eviden_node_kode_unik",
        lambda: Node.objects.create(
            instrumen=instrumen,
            level="area",
            kode=node.kode,
            nama="x",
            urutan=1,
            bobot=1,
            area_pokja=1,
        ),
    )
    _langgar(
        "eviden_node_area_wajib_area_pokja",
        lambda: Node.objects.create(
            instrumen=instrumen, level="area", kode="Z", nama="x", urutan=1, bobot=1
        ),
    )
    _langgar(
        "eviden_node_area_pokja_1_sampai_6",
        lambda: Node.objects.create(
            instrumen=instrumen, level="area", kode="Z", nama="x", urutan=1, bobot=1, area_pokja=9
        ),
    )
    soal = Soal.objects.filter(instrumen=instrumen, jenis="abc").first()
    _langgar(
        "eviden_soal_rumus_hanya_untuk_persen",
        lambda: Soal.objects.filter(pk=soal.pk).update(rumus="a / b"),
    )
    _langgar(
        "eviden_soal_nomor_bank_unik",
        lambda: Soal.objects.create(
            instrumen=instrumen,
            node=soal.node,
            kode="Z.1",
            nomor_bank=soal.nomor_bank,
            urutan=99,
            jenis="abc",
            teks="x",
        ),
    )
