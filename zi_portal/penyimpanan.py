"""Evidence storage on S3: the one place that turns the S3 settings into django-storages options.

settings.py calls it with the environment's values; the S3 tests call it with the test server's,
so what they exercise is what production runs.
"""

from botocore.config import Config


def penyimpanan_s3(
    *,
    bucket,
    endpoint_url="",
    access_key="",
    secret_key="",
    region_name="us-east-1",
    addressing_style="path",
    querystring_expire=300,
    **ganti,
):
    """The STORAGES["default"] entry for a private bucket: generated keys are never overwritten,
    downloads are short-lived signed URLs, and an unreachable server fails within seconds
    (the request gets the 503 page) instead of holding a web thread for minutes."""
    opsi = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "access_key": access_key,
        "secret_key": secret_key,
        "region_name": region_name,
        "addressing_style": addressing_style,
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": querystring_expire,
        "file_overwrite": False,
        "client_config": Config(
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
        ),
        **ganti,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": opsi}
