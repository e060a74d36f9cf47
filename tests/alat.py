"""Small tools several test modules share: threads released together, a free port, waiting for
a server, the test S3 client, SQL on the test PostgreSQL server, a TCP relay that can be cut
(a service "going down") and a WhatsApp gateway stand-in that records requests."""

import contextlib
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

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


class Relai:
    """A TCP relay to ``tujuan`` on a loopback port that can be cut and reopened."""

    def __init__(self, tujuan):
        self.tujuan, self.port = tujuan, port_bebas()
        self._soket, self._sambungan, self._kunci = None, [], threading.Lock()
        self.buka()

    def buka(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self._soket = s
        threading.Thread(target=self._terima, args=(s,), daemon=True).start()

    def _terima(self, s):
        while True:
            try:
                klien, _ = s.accept()
            except OSError:
                return
            try:
                hulu = socket.create_connection(self.tujuan, timeout=5)
                hulu.settimeout(None)
            except OSError:
                klien.close()
                continue
            with self._kunci:
                self._sambungan += [klien, hulu]
            for a, b in ((klien, hulu), (hulu, klien)):
                threading.Thread(target=self._salur, args=(a, b), daemon=True).start()

    @staticmethod
    def _salur(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def putus(self):
        # shutdown wakes the thread blocked in accept(); close alone would not on Linux.
        with contextlib.suppress(OSError):
            self._soket.shutdown(socket.SHUT_RDWR)
        self._soket.close()
        with self._kunci:
            for s in self._sambungan:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sambungan = []


TOKEN_GATEWAY = "token-gateway-uji"


class Gateway:
    """A WhatsApp HTTP gateway on loopback recording every request; ``jawaban`` holds the next
    answers (``(status, body)``), then it answers 200 ``{"status": true}``."""

    def __init__(self):
        self.permintaan, self.jawaban, self._kunci = [], [], threading.Lock()
        gw = self

        class Penangan(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                isi = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = {k: v[0] for k, v in parse_qs(isi).items()}
                with gw._kunci:
                    status, badan = gw.jawaban.pop(0) if gw.jawaban else (200, {"status": True})
                    gw.permintaan.append(
                        {"headers": dict(self.headers), "form": form, "status": status}
                    )
                data = json.dumps(badan).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Penangan)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tutup(self):
        self.server.shutdown()
        self.server.server_close()


def pool_baru(app):
    """Forget the app's broker connections, so the next publish uses ``broker_url``."""
    if app._pool is not None:
        with contextlib.suppress(Exception):
            app._pool.force_close_all()
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


def tunggu(syarat, detik=60):
    batas = time.monotonic() + detik
    while time.monotonic() < batas:
        if syarat():
            return
        time.sleep(0.2)
    raise AssertionError("tidak tercapai dalam waktu")


def wajib_layanan():
    """Skip outside `make test` (no REDIS_URL); under CI=true a missing service is an error."""
    import pytest

    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI tanpa layanan: jalankan lewat `make test`.")
        pytest.skip("butuh PostgreSQL/Redis dari `make test`")
