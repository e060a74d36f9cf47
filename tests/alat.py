"""Small tools several test modules share: threads released together, a free port, waiting for
a server, the test S3 client and SQL on the test PostgreSQL server."""

import os
import socket
import threading
import time

from django.db import connection


def serentak(fungsi, n):
    """Run ``fungsi(i)`` in ``n`` threads released at the same instant (each with its own
    database connection, closed afterwards); returns the results in order."""
    mulai = threading.Barrier(n)
    hasil, galat = [None] * n, []

    def jalan(i):
        try:
            mulai.wait(10)
            hasil[i] = fungsi(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            galat.append(exc)
        finally:
            connection.close()

    benang = [threading.Thread(target=jalan, args=(i,)) for i in range(n)]
    for b in benang:
        b.start()
    for b in benang:
        b.join(60)
    assert galat == []
    return hasil


def port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tunggu_port(port, proses=None, log=None, detik=30):
    """Until a server listens on ``port``; fails early (with its log) if ``proses`` exits."""
    batas = time.monotonic() + detik
    while time.monotonic() < batas:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proses is not None and proses.poll() is not None:
                raise AssertionError(log.read_text()[-3000:] if log else "berhenti") from None
            time.sleep(0.1)
    raise AssertionError(f"port {port} tidak terbuka dalam {detik} s")


def klien_s3():
    """boto3 client for the test S3 server of `make test`."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=os.environ["S3_UJI_ENDPOINT"],
        aws_access_key_id=os.environ["S3_UJI_ACCESS_KEY"],
        aws_secret_access_key=os.environ["S3_UJI_SECRET_KEY"],
        region_name="us-east-1",
    )


def sql(perintah):
    """One statement outside a transaction (CREATE/DROP DATABASE) on the test server."""
    import psycopg2

    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    try:
        conn.autocommit = True
        conn.cursor().execute(perintah)
    finally:
        conn.close()
