"""The permission helper, for every role of DESIGN.md §3 and for an outsider."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pokja.akses import Tindakan, akses_untuk, get_pokja_for_user, get_tim_for_user
from pokja.models import Pokja, TimZI

from .factories import UserFactory

pytestmark = pytest.mark.django_db

T = Tindakan
SEMUA = [T.LIHAT, T.UBAH_JAWABAN, T.REVIU, T.TUGASKAN, T.KELOLA_TIM, T.EKSPOR]

# persona -> {pokja area: allowed actions}; area None = team-level actions.
HARAPAN = {
    "kepala": {None: {T.LIHAT, T.EKSPOR}, 1: {T.LIHAT, T.EKSPOR}, 2: {T.LIHAT, T.EKSPOR}},
    "ketua": {
        None: {T.LIHAT, T.KELOLA_TIM, T.EKSPOR},
        1: {T.LIHAT, T.REVIU, T.TUGASKAN, T.KELOLA_TIM, T.EKSPOR},
        2: {T.LIHAT, T.REVIU, T.TUGASKAN, T.KELOLA_TIM, T.EKSPOR},
    },
    "sekretaris": {
        None: {T.LIHAT, T.KELOLA_TIM, T.EKSPOR},
        1: {T.LIHAT, T.REVIU, T.TUGASKAN, T.KELOLA_TIM, T.EKSPOR},
        2: {T.LIHAT, T.REVIU, T.TUGASKAN, T.KELOLA_TIM, T.EKSPOR},
    },
    "kasubbag": {None: {T.LIHAT, T.EKSPOR}, 1: {T.LIHAT, T.EKSPOR}, 2: {T.LIHAT, T.EKSPOR}},
    "koordinator1": {
        None: {T.LIHAT},
        1: {T.LIHAT, T.UBAH_JAWABAN, T.REVIU, T.TUGASKAN},
        2: {T.LIHAT},
    },
    "anggota1": {None: {T.LIHAT}, 1: {T.LIHAT, T.UBAH_JAWABAN}, 2: {T.LIHAT}},
    "sekpokja2": {None: {T.LIHAT}, 1: {T.LIHAT}, 2: {T.LIHAT, T.UBAH_JAWABAN}},
    "anggota2": {None: {T.LIHAT}, 1: {T.LIHAT}, 2: {T.LIHAT, T.UBAH_JAWABAN}},
}


@pytest.mark.parametrize("persona", sorted(HARAPAN))
def test_each_role_may_do_exactly_its_actions(dunia, persona):
    user = dunia.user[persona]
    akses = akses_untuk(user, dunia.tim)
    for area, boleh in HARAPAN[persona].items():
        pokja = dunia.pokja(area) if area else None
        for tindakan in SEMUA:
            assert akses.boleh(tindakan, pokja) is (tindakan in boleh), (persona, area, tindakan)


@pytest.mark.parametrize("persona", sorted(HARAPAN))
def test_helpers_return_403_for_insiders_without_the_right(dunia, persona):
    user = dunia.user[persona]
    for area, boleh in HARAPAN[persona].items():
        if area is None:
            continue
        pokja = dunia.pokja(area)
        for tindakan in SEMUA:
            if tindakan in boleh:
                obj, akses = get_pokja_for_user(user, pokja.pk, tindakan)
                assert obj == pokja
            else:
                with pytest.raises(PermissionDenied):
                    get_pokja_for_user(user, pokja.pk, tindakan)


def test_outsider_gets_404_for_everything_of_the_team(dunia):
    luar = dunia.user["luar"]
    for tindakan in SEMUA:
        with pytest.raises(Http404):
            get_tim_for_user(luar, dunia.tim.pk, tindakan)
        for pokja in dunia.tim.pokja.all():
            with pytest.raises(Http404):
                get_pokja_for_user(luar, pokja.pk, tindakan)
    assert not TimZI.objects.for_user(luar).filter(pk=dunia.tim.pk).exists()
    assert not Pokja.objects.for_user(luar).filter(tim=dunia.tim).exists()
    # ... while their own team is visible to them.
    assert list(TimZI.objects.for_user(luar)) == [dunia.tim_luar]


def test_unknown_ids_and_anonymous_users_get_404(dunia, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_pokja_for_user(dunia.user["ketua"], 999_999)
    with pytest.raises(Http404):
        get_tim_for_user(AnonymousUser(), dunia.tim.pk)


def test_inactive_users_see_nothing(dunia):
    user = dunia.user["ketua"]
    user.is_active = False
    user.save()
    assert not TimZI.objects.for_user(user).exists()
    with pytest.raises(Http404):
        get_tim_for_user(user, dunia.tim.pk)


def test_members_see_only_their_teams(dunia):
    for persona in HARAPAN:
        assert list(TimZI.objects.for_user(dunia.user[persona])) == [dunia.tim]
        assert Pokja.objects.for_user(dunia.user[persona]).count() == 6
    assert not TimZI.objects.for_user(UserFactory()).exists()
