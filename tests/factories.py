import factory
from django.contrib.auth import get_user_model

from pokja.models import Satker

SANDI = "sandi-uji-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    nama_lengkap = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@uji.zi-portal.test")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or SANDI)
        if create:
            obj.save(update_fields=["password"])


class SatkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Satker
        django_get_or_create = ("kode",)

    kode = factory.Sequence(lambda n: f"SATKER-{n}")
    nama = factory.Sequence(lambda n: f"Kantor Kementerian Agama Kabupaten Uji {n}")
    jenis = Satker.Jenis.KANKEMENAG
