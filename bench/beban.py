"""Load and faults on the production stack at full data (locust, loopback only).

The stack (bench/_tumpukan.py): gunicorn exactly as the Dockerfile's CMD (gthread workers and
threads; only --bind differs: a free loopback port), DEBUG=false, PostgreSQL with persistent
connections (CONN_MAX_AGE=60 as .env.example recommends), Redis for cache and broker, evidence
on S3 (SeaweedFS), all from `make bench`'s own services; the demo team's worksheet full
(tests/lembar_penuh.isi_penuh: every graded soal answered with 5 documents x 3 versions, a third
waiting for review) and soal assigned to every account that signs in, so Tugas saya has rows.

Load (locust as a library, FastHttpUser, in this process; every request carries
X-Forwarded-Proto: https and opens its own connection, as the proxy in front of the portal
would, so the Secure session cookie is the one production sets):
1. a bare authenticated page and the realistic page mix, each ramped over 3, 6, 12, 24
   concurrent users without think time until requests/s stops rising (saturation);
2. the mix at half its saturation rate (constant throughput per user) for p50/p95/p99, and
   the bare page at the same rate for the p95 comparison (and at half its own saturation).
Goals (issue 8): mix saturation >= 1/3 of the bare page's; mix p95 at half load <= 3x the bare
page's p95 at the same rate. Reported, not asserted.

Faults, each while the mix runs at half load and 3 users upload small distinct PDFs:
PostgreSQL restarted (pg_ctl -m fast restart), Redis stopped for 10 s, S3 stopped for 8 s
(then started and waited for). Each reports failed requests, acknowledged uploads, lost
writes (acknowledged, but its VersiDokumen row or S3 object is missing: must be 0), orphan
objects (under eviden/ in the bucket, referenced by no VersiDokumen: must be 0) and when the
portal answered normally again. gunicorn is never restarted.

Writes $BENCH_DIR/beban.json (default var/bench/). BENCH_BEBAN_SKALA scales every duration
(default 1: about 6 minutes on 2 cores).
"""

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote, unquote, urlencode  # noqa: E402

import gevent  # noqa: E402
import locust  # noqa: E402
from gevent.pool import Pool  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.contrib.fasthttp import FastHttpSession  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.event import EventHook  # noqa: E402
from locust.log import setup_logging  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _tumpukan as tp  # noqa: E402

from tests.contoh_berkas import pdf  # noqa: E402

SKALA = float(os.environ.get("BENCH_BEBAN_SKALA", "1"))
LANGKAH = (3, 6, 12, 24)  # concurrent users of the saturation ramp (12 = 3 workers x 4 threads)
PEMANASAN = 3 * SKALA  # seconds after start not counted (connections, first queries)
UKUR_LANGKAH = 10 * SKALA
UKUR_SETENGAH = 35 * SKALA
PENGGUNA_SETENGAH = 16
PENGUNGGAH = 3  # upload users in the fault runs, each 2 uploads/s
SANDI = "demo-zi-2026"
PIMPINAN = ("ketua", "sekretaris")
AKUN = PIMPINAN + tuple(f"{p}{a}" for a in range(1, 7) for p in ("koordinator", "anggota"))
AKUN_UNGGAH = ("koordinator1", "anggota1")  # Pokja I members: may change its open soal
POLOS = "/ganti-sandi/"
ACAK = random.Random(8)  # noqa: S311 - seeded: comparable page sequences
# One connection per request, as a reverse proxy without upstream keep-alive (nginx's default)
# talks to gunicorn: each request goes to whichever worker accepts it. A kept-alive client
# connection stays with the worker that accepted it, so with a few users the figures depended
# on how their connections happened to spread over the 3 workers (78 or 136 req/s at 3 users).
HEADER = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, deflate", "Connection": "close"}

# The page mix, per kind of account (weights of one random pick per request).
# - soal page: where the work is done (answer, evidence, review) - several soal are opened for
#   each visit of a workspace, so it is the most frequent page;
# - workspace (a Pokja's table): the list people return to between soal;
# - Beranda: the landing page after signing in and the way between teams;
# - Tugas saya: checked a few times per session;
# - dashboards: occasional progress checks - a Pokja's by its members, the team's readiness
#   dashboard by the chair and the secretary (the only ones of these accounts allowed to).
# Leaders open any Pokja's pages; members their own Pokja's.
CAMPURAN_ANGGOTA = {"soal": 5, "ruang_kerja": 3, "beranda": 3, "tugas_saya": 2, "dasbor_pokja": 1}
CAMPURAN_PIMPINAN = {
    "soal": 3,
    "ruang_kerja": 3,
    "beranda": 3,
    "tugas_saya": 2,
    "dasbor_tim": 2,
    "dasbor_pokja": 1,
}


class Lewati(Exception):
    """BENCH_BEBAN_GANGGUAN=0: the load runs only (while working on the bench)."""


class K:
    """What the users of a run share: the stack's ids, the signed-in sessions, counters."""

    basis = ""
    https = ""
    info = {}
    sesi = []  # page sessions, one per user slot
    sesi_unggah = []
    nomor = itertools.count()
    nomor_unggah = itertools.count()
    aktif = True
    dalam_proses = 0
    soal_unggah = None
    diakui = []  # names of acknowledged uploads
    dikirim = []  # names of every upload sent


class Sesi:
    def __init__(self, akun, cookies, csrf=""):
        self.akun, self.cookies, self.csrf = akun, cookies, csrf


def tanpa_secure(jar):
    """Production cookies are Secure and this client talks plain http to 127.0.0.1 (the proxy's
    side of TLS), where a cookie jar would hold them back: every cookie loses the flag as soon
    as it is received."""
    for c in jar:
        c.secure = False


def masuk(akun):
    """Signs ``akun`` in once (the lock-out allows 5 failures: a failure stops the bench)."""
    s = FastHttpSession(K.basis, request_event=EventHook(), user=None, headers=HEADER)
    r = s.get("/masuk/")
    tanpa_secure(s.cookiejar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    r = s.post(
        "/masuk/",
        data=urlencode({"username": akun, "password": SANDI, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": K.https + "/masuk/",
        },
        allow_redirects=False,
    )
    lokasi = r.headers.get("Location") or ""
    if r.status_code != 302 or "/masuk/" in lokasi:
        raise SystemExit(f"{akun} tidak bisa masuk: HTTP {r.status_code} {lokasi}")
    tanpa_secure(s.cookiejar)
    cookies = list(s.cookiejar)
    assert {"sessionid", "csrftoken"} <= {c.name for c in cookies}, cookies
    return s, cookies


def csrf_dari(html):
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


class Portal(FastHttpUser):
    abstract = True
    default_headers = HEADER
    network_timeout = 60.0
    connection_timeout = 10.0
    # At constant throughput (``takt``) each user first waits a random part of its period:
    # locust starts the users of one second together, and users in step arrive in bursts.
    sebar = 0.0

    def on_start(self):
        if self.sebar:
            gevent.sleep(ACAK.uniform(0, self.sebar))
        self.jadwal = time.monotonic()

    def ambil_sesi(self, daftar, nomor):
        sesi = daftar[next(nomor) % len(daftar)]
        for c in sesi.cookies:
            self.client.cookiejar.set_cookie(c)
        return sesi

    def buka(self, url, nama):
        with self.client.get(url, name=nama, allow_redirects=False, catch_response=True) as r:
            tanpa_secure(self.client.cookiejar)  # a refreshed session cookie
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


def takt(laju):
    """Constant throughput per user (``laju`` requests/s), paced from the user's own start.
    locust's constant_throughput paces from the moment the user was spawned, which puts users
    spawned together back in step whatever on_start waited. A request that ends late is
    followed at once, never by a catch-up burst."""
    jeda = 1 / laju

    def tunggu(user):
        sekarang = time.monotonic()
        user.jadwal = max(user.jadwal + jeda, sekarang)
        return user.jadwal - sekarang

    return tunggu


def _jalan(fungsi):
    """A task body that stops issuing requests once the run is winding down."""

    def bungkus(self):
        if not K.aktif:
            gevent.sleep(0.1)
            return
        K.dalam_proses += 1
        try:
            fungsi(self)
        finally:
            K.dalam_proses -= 1

    bungkus.__name__ = fungsi.__name__
    return bungkus


class Polos(Portal):
    abstract = True

    def on_start(self):
        self.ambil_sesi(K.sesi, K.nomor)
        super().on_start()

    @task
    @_jalan
    def halaman(self):
        self.buka(POLOS, "bare " + POLOS)


class Campuran(Portal):
    abstract = True

    def on_start(self):
        self.akun = self.ambil_sesi(K.sesi, K.nomor).akun
        self.pimpinan = self.akun in PIMPINAN
        bobot = CAMPURAN_PIMPINAN if self.pimpinan else CAMPURAN_ANGGOTA
        self.jenis, self.bobot = list(bobot), list(bobot.values())
        super().on_start()

    @task
    @_jalan
    def halaman(self):
        jenis = ACAK.choices(self.jenis, self.bobot)[0]
        url = url_halaman(jenis, self.akun, ACAK.randrange(1 << 20))
        self.buka(url, jenis)


class Pengunggah(Portal):
    abstract = True
    wait_time = takt(2)
    sebar = 0.5

    def on_start(self):
        self.csrf = self.ambil_sesi(K.sesi_unggah, K.nomor_unggah).csrf
        super().on_start()

    @task
    @_jalan
    def unggah(self):
        soal = next(K.soal_unggah)
        lembar = K.info["lembar"]
        nama = f"beban-{uuid.uuid4().hex[:16]}.pdf"
        K.dikirim.append(nama)
        with self.client.post(
            f"/lke/{lembar}/soal/{soal}/unggah/",
            name="unggah",
            data=pdf(teks=nama),  # distinct bytes: never refused as a duplicate
            headers={
                "Content-Type": "application/octet-stream",
                "X-Nama-Berkas": quote(nama),
                "X-CSRFToken": self.csrf,
                "Referer": f"{K.https}/lke/{lembar}/soal/{soal}/",
            },
            allow_redirects=False,
            catch_response=True,
        ) as r:
            tanpa_secure(self.client.cookiejar)
            pesan = unquote(r.headers.get("X-Pesan") or "") if r.headers else ""
            if r.status_code == 200 and "tersimpan" in pesan:
                K.diakui.append(nama)
                r.success()
            else:
                r.failure(f"HTTP {r.status_code} {pesan[:80]}")


def kelas(dasar, nama, **atribut):
    return type(nama, (dasar,), {"abstract": False, **atribut})


# --- Running and summarising -------------------------------------------------------------------


class Catatan:
    """Every request of a run: (end time, name, ms, ok, status)."""

    def __init__(self):
        self.baris = []

    def __call__(self, name, response_time, response=None, exception=None, **_):
        status = getattr(response, "status_code", 0) or 0
        self.baris.append((time.time(), name, response_time, exception is None, status))


def persentil(urut, p):
    if not urut:
        return None
    return round(urut[max(0, math.ceil(p * len(urut)) - 1)], 1)


def ringkas(baris, t0, t1):
    """Requests that completed in [t0, t1); percentiles of the successful ones."""
    di = [b for b in baris if t0 <= b[0] < t1]
    waktu = sorted(b[2] for b in di if b[3])
    gagal = [b for b in di if not b[3]]
    return {
        "duration_s": round(t1 - t0, 1),
        "requests": len(di),
        "rps": round(len(di) / (t1 - t0), 1),
        "p50_ms": persentil(waktu, 0.50),
        "p95_ms": persentil(waktu, 0.95),
        "p99_ms": persentil(waktu, 0.99),
        "failures": len(gagal),
        "failure_statuses": dict(Counter(str(b[4]) for b in gagal)),
    }


def per_nama(baris, t0, t1):
    nama = sorted({b[1] for b in baris if t0 <= b[0] < t1})
    hasil = {}
    for n in nama:
        di = [b for b in baris if t0 <= b[0] < t1 and b[1] == n]
        waktu = sorted(b[2] for b in di if b[3])
        hasil[n] = {
            "requests": len(di),
            "share": None,
            "mean_ms": round(sum(waktu) / len(waktu), 1) if waktu else None,
            "p50_ms": persentil(waktu, 0.5),
            "p95_ms": persentil(waktu, 0.95),
            "failures": sum(1 for b in di if not b[3]),
        }
    total = sum(h["requests"] for h in hasil.values()) or 1
    for h in hasil.values():
        h["share"] = round(h["requests"] / total, 3)
    return hasil


class Cpu:
    """CPU seconds of gunicorn (master + workers), PostgreSQL (postmaster + backends), this
    client process, and the whole machine, between two snapshots."""

    def __init__(self, tumpukan, layanan):
        self.g, self.l = tumpukan, layanan

    def snap(self):
        t = os.times()
        return {
            "wall": time.monotonic(),
            "gunicorn": tp.cpu_pohon(self.g.gunicorn.pid),
            "postgresql": tp.cpu_pohon(self.l.pg_pid()),
            "client": t.user + t.system,
            "machine": tp.cpu_mesin(),
        }

    @staticmethod
    def beda(a, b, requests):
        dt = b["wall"] - a["wall"]
        inti = {k: round((b[k] - a[k]) / dt, 2) for k in ("gunicorn", "postgresql", "client")}
        sibuk = b["machine"][0] - a["machine"][0]
        semua = b["machine"][1] - a["machine"][1]
        mesin = round(sibuk / semua * os.cpu_count(), 2) if semua else None
        server = (b["gunicorn"] - a["gunicorn"]) + (b["postgresql"] - a["postgresql"])
        return {
            "cores_gunicorn": inti["gunicorn"],
            "cores_postgresql": inti["postgresql"],
            "cores_client": inti["client"],
            "cores_machine_busy": mesin,
            "cores_other_processes": round(mesin - sum(inti.values()), 2) if mesin else None,
            "server_cpu_ms_per_request": round(server / requests * 1000, 2) if requests else None,
            "gunicorn_cpu_ms_per_request": (
                round((b["gunicorn"] - a["gunicorn"]) / requests * 1000, 2) if requests else None
            ),
        }


TENANG_BATAS = 120.0  # seconds this bench may wait in all for other processes to go quiet
LAIN_TENANG = 0.3  # cores used by other processes that still count as a quiet machine


def tunggu_tenang(cpu):
    """The machine is shared: before a measured run, wait (within TENANG_BATAS for the whole
    bench) until processes other than this stack and client use < LAIN_TENANG cores."""
    global TENANG_BATAS
    mulai = time.monotonic()
    while True:
        a = cpu.snap()
        gevent.sleep(1.0)
        lain = Cpu.beda(a, cpu.snap(), 0)["cores_other_processes"] or 0.0
        if lain < LAIN_TENANG or time.monotonic() - mulai >= TENANG_BATAS:
            break
        gevent.sleep(2.0)
    tunggu = time.monotonic() - mulai - 1.0
    TENANG_BATAS = max(0.0, TENANG_BATAS - tunggu)
    return {"other_cores_before": lain, "waited_for_quiet_s": round(tunggu, 1)}


def fase(kelas_user, jumlah, *, ukur, laju_spawn=None, aksi=None, sesudah_aksi=0.0, cpu=None):
    """One locust run: ``jumlah`` users, ``PEMANASAN`` s not counted, ``ukur`` s measured.
    Users stop issuing requests at the end and the requests in flight are waited for. With
    ``aksi`` (a fault, started after the warm-up) every request of the run counts, from the
    start to the last one in flight, and the run lasts until ``sesudah_aksi`` s after the
    service is back."""
    tenang = tunggu_tenang(cpu) if cpu else None
    env = Environment(user_classes=list(kelas_user), host=K.basis)
    catatan = Catatan()
    env.events.request.add_listener(catatan)
    runner = env.create_local_runner()
    K.nomor, K.nomor_unggah, K.aktif = itertools.count(), itertools.count(), True
    runner.start(jumlah, spawn_rate=min(laju_spawn or jumlah, 100))
    t_mulai = time.time()
    gevent.sleep(PEMANASAN)
    t0 = time.time()
    c0 = cpu.snap() if cpu else None
    g = gevent.spawn(aksi) if aksi else None
    gevent.sleep(ukur)
    waktu_aksi = None
    if g is not None:
        waktu_aksi = g.get()
        sisa = waktu_aksi["back_at"] + sesudah_aksi - time.time()
        if sisa > 0:
            gevent.sleep(sisa)
    t1 = time.time()
    c1 = cpu.snap() if cpu else None
    K.aktif = False
    akhir = time.monotonic() + 70
    while K.dalam_proses and time.monotonic() < akhir:
        gevent.sleep(0.1)
    peringatan_cpu = runner.cpu_warning_emitted
    runner.quit()
    if aksi:
        t0, t1 = t_mulai, time.time()
    hasil = ringkas(catatan.baris, t0, t1)
    hasil["users"] = jumlah
    if c0:
        hasil["cpu"] = Cpu.beda(c0, c1, hasil["requests"])
        hasil["cpu"].update(tenang)
        lain = hasil["cpu"]["cores_other_processes"]
        hasil["machine_quiet"] = lain is not None and lain < LAIN_TENANG
    if peringatan_cpu:
        hasil["client_cpu_warning"] = True
    return hasil, catatan.baris, t0, t1, waktu_aksi


def fase_tenang(*args, **kwargs):
    """``fase``, once more (within the waiting budget) when others used the machine meanwhile."""
    hasil = fase(*args, **kwargs)
    if not hasil[0].get("machine_quiet", True) and TENANG_BATAS > 0:
        lain = hasil[0]["cpu"]["cores_other_processes"]
        cetak(f"    (other processes used {lain} cores: run again)")
        hasil = fase(*args, **kwargs)
        hasil[0]["repeated_after_noisy_run"] = {"other_cores": lain}
    return hasil


def jenuh(dasar, nama, cpu):
    """Steps of concurrency without think time until requests/s stops rising (< +5 %)."""
    k = kelas(dasar, nama, wait_time=constant(0))
    langkah = []
    for n in LANGKAH:
        hasil, *_ = fase_tenang([k], n, ukur=UKUR_LANGKAH, cpu=cpu)
        langkah.append(hasil)
        cetak(f"  {nama} {n:>2} users: {hasil['rps']:7.1f} req/s  p95 {hasil['p95_ms']} ms")
        sebelumnya = max((h["rps"] for h in langkah[:-1]), default=0)
        if len(langkah) >= 2 and hasil["rps"] < 1.05 * sebelumnya:
            break
    puncak = max(langkah, key=lambda h: h["rps"])
    return {
        "saturation_rps": puncak["rps"],
        "at_users": puncak["users"],
        "p95_ms_at_saturation": puncak["p95_ms"],
        "steps": langkah,
    }


def beban_tetap(dasar, nama, laju, cpu, per_halaman=False):
    """``laju`` requests/s from PENGGUNA_SETENGAH users at constant throughput each (spawned
    one per 1/laju s, so they do not fire in step)."""
    k = kelas(
        dasar,
        nama,
        wait_time=takt(laju / PENGGUNA_SETENGAH),
        sebar=PENGGUNA_SETENGAH / laju,
    )
    hasil, baris, t0, t1, _ = fase_tenang(
        [k], PENGGUNA_SETENGAH, ukur=UKUR_SETENGAH, laju_spawn=laju, cpu=cpu
    )
    hasil["target_rps"] = round(laju, 1)
    if per_halaman:
        hasil["per_page"] = per_nama(baris, t0, t1)
    cetak(
        f"  {nama}: {hasil['rps']:.1f} req/s (target {laju:.1f})  p50 {hasil['p50_ms']}  "
        f"p95 {hasil['p95_ms']}  p99 {hasil['p99_ms']} ms  failures {hasil['failures']}"
    )
    return hasil


# --- Faults ----------------------------------------------------------------------------------


def garis_waktu(baris, t0, t1):
    """Per second since t0: [ok, failed] for pages and uploads."""
    n = int(math.ceil(t1 - t0))
    hal = [[0, 0] for _ in range(n)]
    ung = [[0, 0] for _ in range(n)]
    for t, nama, _ms, ok, _s in baris:
        if t0 <= t < t1:
            (ung if nama == "unggah" else hal)[int(t - t0)][0 if ok else 1] += 1
    return {"pages_ok_failed": hal, "uploads_ok_failed": ung}


def gangguan(nama, ganggu, pulihkan, jeda, laju_halaman, tumpukan, cpu):
    """The mix at ``laju_halaman`` plus PENGUNGGAH upload users; ``ganggu`` at +5 s of the
    window, ``pulihkan`` ``jeda`` s later; measured until 12 s after the service is back."""
    campuran = kelas(
        Campuran,
        f"Campuran_{nama}",
        wait_time=takt(laju_halaman / PENGGUNA_SETENGAH),
        sebar=PENGGUNA_SETENGAH / laju_halaman,
        fixed_count=PENGGUNA_SETENGAH,
    )
    unggah = kelas(Pengunggah, f"Pengunggah_{nama}", fixed_count=PENGUNGGAH)
    awal_diakui, awal_dikirim = len(K.diakui), len(K.dikirim)
    pekerja_awal = tumpukan.pekerja()
    tenang = tunggu_tenang(cpu)

    def aksi():
        gevent.sleep(5)
        mulai = time.time()
        ganggu()
        tengah = time.time()
        if jeda:
            gevent.sleep(jeda)
        if pulihkan:
            pulihkan()
        return {
            "fault_at": mulai,
            "fault_action_s": round(tengah - mulai, 2),
            "back_at": time.time(),
        }

    hasil, baris, t0, t1, w = fase(
        [campuran, unggah],
        PENGGUNA_SETENGAH + PENGUNGGAH,
        ukur=10,
        laju_spawn=laju_halaman,
        aksi=aksi,
        sesudah_aksi=12,
    )
    gevent.sleep(2)
    diakui = K.diakui[awal_diakui:]
    dikirim = K.dikirim[awal_dikirim:]
    tersimpan = tumpukan.versi_tersimpan()
    objek = tumpukan.objek()
    hilang = [n for n in diakui if n not in tersimpan or tersimpan[n] not in objek]
    kunci = set(tersimpan.values())
    yatim = sorted(objek - kunci)
    tanpa_ack = [n for n in dikirim if n not in set(diakui) and n in tersimpan]
    di = [b for b in baris if t0 <= b[0] < t1]
    gagal = [b for b in di if not b[3]]
    hasil["requests_pages"] = sum(1 for b in di if b[1] != "unggah")
    hasil["requests_uploads"] = sum(1 for b in di if b[1] == "unggah")
    hasil["failed_pages"] = sum(1 for b in gagal if b[1] != "unggah")
    hasil["failed_uploads"] = sum(1 for b in gagal if b[1] == "unggah")
    hasil["acknowledged_uploads"] = len(diakui)
    hasil["lost_writes"] = len(hilang)
    hasil["lost_write_names"] = hilang[:10]
    hasil["orphan_objects"] = len(yatim)
    hasil["orphan_keys"] = yatim[:10]
    hasil["stored_but_not_acknowledged"] = len(tanpa_ack)
    rel = {k: round(v - t0, 2) for k, v in w.items() if k.endswith("_at")}
    hasil["fault_at_s"], hasil["service_back_at_s"] = rel["fault_at"], rel["back_at"]
    hasil["fault_action_s"] = w["fault_action_s"]
    if gagal:
        pertama, terakhir = gagal[0][0], max(b[0] for b in gagal)
        pulih = min((b[0] for b in di if b[3] and b[0] > terakhir), default=None)
        hasil["first_failure_at_s"] = round(pertama - t0, 2)
        hasil["last_failure_at_s"] = round(terakhir - t0, 2)
        hasil["answering_normally_at_s"] = round(pulih - t0, 2) if pulih else None
        # From the fault's start (includes the deliberate downtime of Redis and S3) and from
        # the moment the service was running again.
        hasil["normal_after_fault_start_s"] = round(pulih - w["fault_at"], 2) if pulih else None
        hasil["normal_after_service_back_s"] = (
            round(max(0.0, pulih - w["back_at"]), 2) if pulih else None
        )
    else:
        hasil["answering_normally_at_s"] = None
        hasil["normal_after_fault_start_s"] = 0.0
        hasil["normal_after_service_back_s"] = 0.0
    hasil["timeline_per_s"] = garis_waktu(baris, t0, t1)
    hasil.update(tenang)
    # The portal still answers, by the same gunicorn workers (none restarted).
    s, _ = masuk_probe()
    hasil["bare_page_after_run_status"] = s
    hasil["gunicorn_workers_unchanged"] = tumpukan.pekerja() == pekerja_awal
    cetak(
        f"  {nama}: {hasil['requests']} requests, {hasil['failures']} failed "
        f"({hasil['failed_pages']} pages, {hasil['failed_uploads']} uploads), "
        f"{len(diakui)} uploads acknowledged, lost {len(hilang)}, orphans {len(yatim)}, "
        f"normal {hasil['normal_after_service_back_s']} s after the service was back"
    )
    return hasil


def perintah_redis():
    import redis

    klien = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2)
    try:
        return klien.info("stats")["total_commands_processed"]
    finally:
        klien.close()


def masuk_probe():
    """GET the bare page with an existing session (no new sign-in)."""
    r = sesi_http(K.sesi[0]).get(POLOS, allow_redirects=False)
    return r.status_code, r


def sesi_http(sesi):
    s = FastHttpSession(K.basis, request_event=EventHook(), user=None, headers=HEADER)
    for c in sesi.cookies:
        s.cookiejar.set_cookie(c)
    return s


def url_halaman(jenis, akun, i):
    """The URL of a page kind for ``akun`` (leaders: Pokja ``i % 6 + 1``), ``i``-th soal."""
    info = K.info
    area = str(i % 6 + 1) if akun in PIMPINAN else akun[-1]
    return {
        "bare " + POLOS: POLOS,
        "beranda": "/",
        "ruang_kerja": f"/pokja/{info['pokja'][area]}/",
        "soal": f"/lke/{info['lembar']}/soal/{info['soal'][area][i % len(info['soal'][area])]}/",
        "tugas_saya": "/tugas-saya/",
        "dasbor_pokja": f"/pokja/{info['pokja'][area]}/dasbor/",
        "dasbor_tim": f"/tim/{info['tim']}/dasbor/",
    }[jenis]


def tanpa_beban(n=30):
    """Each page kind alone, one request at a time, over the accounts of the mix: its response
    time without queueing (server time plus loopback), i.e. what the page costs."""
    sesi = [(x.akun, sesi_http(x)) for x in K.sesi[: len(AKUN)]]
    pimpinan = [x for x in sesi if x[0] in PIMPINAN]
    hasil = {}
    for jenis in ("bare " + POLOS, *CAMPURAN_PIMPINAN):
        daftar = pimpinan if jenis == "dasbor_tim" else sesi
        waktu = []
        for i in range(n + 3):
            akun, s = daftar[i % len(daftar)]
            mulai = time.perf_counter()
            r = s.get(url_halaman(jenis, akun, i // len(daftar)), allow_redirects=False)
            tanpa_secure(s.cookiejar)
            if r.status_code != 200:
                raise SystemExit(f"{akun} {jenis}: HTTP {r.status_code}")
            if i >= 3:
                waktu.append((time.perf_counter() - mulai) * 1000)
        waktu.sort()
        hasil[jenis] = {
            "n": n,
            "mean_ms": round(sum(waktu) / n, 1),
            "p50_ms": persentil(waktu, 0.5),
            "p95_ms": persentil(waktu, 0.95),
        }
    polos = hasil["bare " + POLOS]["mean_ms"]
    for h in hasil.values():
        h["mean_vs_bare"] = round(h["mean_ms"] / polos, 2)
    return hasil


# --- Checks before the load ---------------------------------------------------------------------


def periksa_halaman():
    """Every page of the mix once per account: 200, and Tugas saya with rows. Returns the rows
    of Tugas saya per account and the HTML sizes."""
    baris_tugas, ukuran = {}, {}
    for sesi in K.sesi[: len(AKUN)]:
        s = sesi_http(sesi)
        jenis = ["bare " + POLOS, *CAMPURAN_ANGGOTA]
        if sesi.akun in PIMPINAN:
            jenis.append("dasbor_tim")
        for nama in jenis:
            url = url_halaman(nama, sesi.akun, 0)
            r = s.get(url, allow_redirects=False)
            tanpa_secure(s.cookiejar)
            if r.status_code != 200:
                raise SystemExit(f"{sesi.akun} {url}: HTTP {r.status_code}")
            ukuran.setdefault(nama, len(r.text))
            if nama == "tugas_saya":
                baris_tugas[sesi.akun] = r.text.count("data-tugas=")
    kosong = [a for a, n in baris_tugas.items() if not n]
    if kosong:
        raise SystemExit(f"Tugas saya kosong untuk {kosong}")
    return baris_tugas, ukuran


def siapkan_unggah():
    """Upload sessions (Pokja I members), their CSRF token from a page, and the open Pokja I soal
    whose page offers an upload (data-url=".../unggah/")."""
    terbuka = []
    for akun in AKUN_UNGGAH:
        s, cookies = masuk(akun)
        html = s.get(f"/lke/{K.info['lembar']}/soal/{K.info['terbuka_pokja_1'][0]}/").text
        K.sesi_unggah.append(Sesi(akun, cookies, csrf_dari(html)))
        if not terbuka:
            for soal in K.info["terbuka_pokja_1"]:
                html = s.get(f"/lke/{K.info['lembar']}/soal/{soal}/").text
                if f'data-url="/lke/{K.info["lembar"]}/soal/{soal}/unggah/"' in html:
                    terbuka.append(soal)
    if not terbuka:
        raise SystemExit("tidak ada soal Pokja I yang bisa diunggahi")
    K.soal_unggah = itertools.cycle(terbuka)
    return terbuka


# --- Report ----------------------------------------------------------------------------------


def cetak(teks):
    print(teks, file=sys.stderr, flush=True)


def log_gunicorn(path):
    teks = path.read_text(errors="replace") if path.exists() else ""
    baris = teks.splitlines()
    permintaan = Counter(
        m.group(1) for m in re.finditer(r"^(\w[\w ]+): (/\S*)", teks, re.M) if " " in m.group(1)
    )
    return {
        "lines": len(baris),
        "tracebacks": teks.count("Traceback (most recent call last)"),
        "worker_boots": teks.count("Booting worker"),
        "worker_timeouts": teks.count("WORKER TIMEOUT"),
        "service_unreachable_warnings": teks.count("layanan tidak terjangkau"),
        "request_errors_by_kind": dict(permintaan),
        "error_lines_sample": [b for b in baris if "[ERROR]" in b or "CRITICAL" in b][:10],
    }


def versi(paket):
    try:
        from importlib.metadata import version

        return version(paket)
    except Exception:  # noqa: BLE001
        return None


def pg_versi(tumpukan):
    import psycopg2

    conn = psycopg2.connect(tumpukan.db_url)
    try:
        cur = conn.cursor()
        cur.execute("SHOW server_version")
        return cur.fetchone()[0]
    finally:
        conn.close()


def model_cpu():
    try:
        for baris in Path("/proc/cpuinfo").read_text().splitlines():
            if baris.startswith("model name"):
                return baris.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    mulai = time.monotonic()
    setup_logging("WARNING")
    tumpukan, layanan = tp.Tumpukan(), tp.Layanan()
    laporan = {
        "benchmark": "load and faults on the production stack (locust, loopback)",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }
    try:
        cetak("  stack: database, bucket, migrate, muat_instrumen, demo, full data, static")
        K.info = tumpukan.siapkan()
        K.basis = tumpukan.mulai()
        K.https = K.basis.replace("http://", "https://")
        cpu = Cpu(tumpukan, layanan)
        laporan["machine"] = {
            "cpus": os.cpu_count(),
            "cpu_model": model_cpu(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        laporan["stack"] = {
            "gunicorn_argv": ["gunicorn", *tumpukan.argv[1:]],
            "gunicorn_from": "Dockerfile CMD, --bind replaced by a free 127.0.0.1 port",
            "versions": {
                "django": versi("django"),
                "gunicorn": versi("gunicorn"),
                "postgresql": pg_versi(tumpukan),
                "locust": locust.__version__,
            },
            "settings": {
                "DEBUG": "false",
                "CONN_MAX_AGE": 60,
                "cache_and_broker": "Redis (make bench's)",
                "evidence_storage": "S3: SeaweedFS weed mini (make bench's), bucket of its own",
                "database": "PostgreSQL (make bench's), database of its own, fsync=off",
                "static": "collectstatic + whitenoise (not requested by the load)",
            },
            "data": K.info["data"],
            "client": (
                "locust FastHttpUser in one process on the same machine (shares the CPUs), "
                "one connection per request, gzip, X-Forwarded-Proto: https, sessions signed "
                "in once per user slot and reused by every run"
            ),
        }
        cetak("  sign-ins")
        akun = [AKUN[i % len(AKUN)] for i in range(max(LANGKAH))]
        K.sesi = [Sesi(a, c) for a, (_s, c) in zip(akun, Pool(4).map(masuk, akun), strict=True)]
        terbuka = siapkan_unggah()
        baris_tugas, ukuran = periksa_halaman()
        laporan["stack"]["tugas_saya_rows_per_account"] = baris_tugas
        laporan["stack"]["html_chars_per_page_kind"] = ukuran
        laporan["bare_page"] = {
            "url": POLOS,
            "why": (
                "a signed-in page with no query of its own (session, user and the base "
                "template's navigation only); /notifikasi/ adds a query for the list"
            ),
        }
        laporan["mix"] = {
            "weights_member": CAMPURAN_ANGGOTA,
            "weights_chair_and_secretary": CAMPURAN_PIMPINAN,
            "accounts": list(AKUN),
            "pages": {
                "beranda": "/",
                "ruang_kerja": "/pokja/<own Pokja, leaders any>/",
                "soal": "/lke/<l>/soal/<random soal of that Pokja>/",
                "tugas_saya": "/tugas-saya/",
                "dasbor_pokja": "/pokja/<id>/dasbor/",
                "dasbor_tim": "/tim/<id>/dasbor/ (ketua, sekretaris)",
            },
        }
        runs = laporan["runs"] = {}
        cetak("  each page kind alone (one request at a time)")
        tenang = tunggu_tenang(cpu)
        runs["per_page_unloaded"] = tanpa_beban()
        runs["per_page_unloaded_machine"] = tenang
        cetak("  saturation: bare page")
        runs["bare_saturation"] = jenuh(Polos, "Polos", cpu)
        cetak("  saturation: page mix")
        runs["mix_saturation"] = jenuh(Campuran, "Campuran", cpu)
        setengah = runs["mix_saturation"]["saturation_rps"] / 2
        cetak(f"  half load: {setengah:.1f} req/s")
        runs["mix_half_load"] = beban_tetap(
            Campuran, "CampuranSetengah", setengah, cpu, per_halaman=True
        )
        # Which pages the mix's server time goes to: share of requests x time alone.
        per = runs["mix_half_load"]["per_page"]
        biaya = {j: h["share"] * runs["per_page_unloaded"][j]["mean_ms"] for j, h in per.items()}
        runs["mix_half_load"]["estimated_share_of_server_time"] = {
            j: round(b / sum(biaya.values()), 3) for j, b in biaya.items()
        }
        runs["bare_at_mix_half_load_rate"] = beban_tetap(Polos, "PolosSetengah", setengah, cpu)
        runs["bare_half_own_saturation"] = beban_tetap(
            Polos, "PolosSetengahSendiri", runs["bare_saturation"]["saturation_rps"] / 2, cpu
        )
        rasio_rps = (
            runs["mix_saturation"]["saturation_rps"] / runs["bare_saturation"]["saturation_rps"]
        )
        p95_polos = runs["bare_at_mix_half_load_rate"]["p95_ms"]
        rasio_p95 = runs["mix_half_load"]["p95_ms"] / p95_polos
        laporan["goals"] = {
            "throughput_ratio_mix_to_bare": round(rasio_rps, 3),
            "throughput_goal": ">= 0.333",
            "throughput_met": rasio_rps >= 1 / 3,
            "p95_ratio_mix_half_load_to_bare_same_rate": round(rasio_p95, 2),
            "p95_goal": "<= 3",
            "p95_met": rasio_p95 <= 3,
            "p95_ratio_mix_half_load_to_bare_half_own_saturation": round(
                runs["mix_half_load"]["p95_ms"] / runs["bare_half_own_saturation"]["p95_ms"], 2
            ),
        }
        if os.environ.get("BENCH_BEBAN_GANGGUAN", "1") == "0":
            raise Lewati
        cetak("  faults (mix at half load + uploads)")
        faults = laporan["faults"] = {
            "load": (
                f"page mix at {setengah:.1f} req/s ({PENGGUNA_SETENGAH} users) + {PENGUNGGAH} "
                "users uploading a distinct ~600-byte PDF at 2/s each as koordinator1/anggota1 "
                f"to {len(terbuka)} open Pokja I soal"
            ),
        }
        faults["postgresql_restart"] = gangguan(
            "pg", layanan.pg_restart, None, 0, setengah, tumpukan, cpu
        )
        faults["postgresql_restart"]["fault"] = "pg_ctl -m fast -w restart (same options)"
        # Whether anything in the request path uses Redis: commands it processed from the
        # start of the run until it was stopped.
        redis = {"awal": perintah_redis()}

        def redis_henti():
            redis["selama"] = perintah_redis() - redis["awal"] - 1  # minus this INFO
            layanan.redis_stop()

        faults["redis_stopped"] = gangguan(
            "redis", redis_henti, layanan.redis_start, 10, setengah, tumpukan, cpu
        )
        faults["redis_stopped"]["redis_commands_before_stop"] = redis["selama"]
        faults["redis_stopped"]["fault"] = "redis-server SIGTERM, started again 10 s later"

        def s3_kembali():
            layanan.weed_start()
            layanan.weed_tunggu(tumpukan.bucket)

        faults["s3_stopped"] = gangguan(
            "s3", layanan.weed_stop, s3_kembali, 8, setengah, tumpukan, cpu
        )
        faults["s3_stopped"]["fault"] = "weed mini SIGTERM, started again 8 s later and waited for"
    except Lewati:
        pass
    except BaseException:
        traceback.print_exc()
        cetak(f"log gunicorn: {tumpukan.log_galat}")
        if tumpukan.log_galat.exists():
            cetak("\n".join(tumpukan.log_galat.read_text(errors="replace").splitlines()[-40:]))
        raise
    finally:
        tumpukan.berhenti()
        laporan["gunicorn_log"] = log_gunicorn(tumpukan.log_galat)
        if os.environ.get("BENCH_BEBAN_LOG") and tumpukan.log_galat.exists():
            Path(os.environ["BENCH_BEBAN_LOG"]).write_bytes(tumpukan.log_galat.read_bytes())
        tumpukan.bersihkan()
    laporan["bench_seconds"] = round(time.monotonic() - mulai)
    keluar = ROOT / os.environ.get("BENCH_DIR", "var/bench") / "beban.json"
    keluar.parent.mkdir(parents=True, exist_ok=True)
    keluar.write_text(json.dumps(laporan, indent=2, ensure_ascii=False) + "\n")
    ringkasan(laporan)


def ringkasan(lap):
    r, g = lap["runs"], lap["goals"]
    print(f"beban.json ({lap['bench_seconds']} s, {lap['machine']['cpus']} CPUs)")
    print(f"  gunicorn {' '.join(lap['stack']['gunicorn_argv'][1:])}")
    for nama in ("bare_saturation", "mix_saturation"):
        h = r[nama]
        print(
            f"  {nama}: {h['saturation_rps']} req/s at {h['at_users']} users, "
            f"p95 {h['p95_ms_at_saturation']} ms"
        )
    for nama in ("mix_half_load", "bare_at_mix_half_load_rate", "bare_half_own_saturation"):
        h = r[nama]
        print(
            f"  {nama}: {h['rps']} req/s p50/p95/p99 {h['p50_ms']}/{h['p95_ms']}/{h['p99_ms']} ms"
            f", failures {h['failures']}"
        )
    ramai = [
        f"{n} ({h['users']} users)"
        for n, r in lap["runs"].items()
        for h in r.get("steps", [r])
        if h.get("machine_quiet") is False
    ]
    if ramai:
        print(f"  WARNING: other processes used the CPUs during {', '.join(ramai)}")
    print(
        f"  throughput mix/bare {g['throughput_ratio_mix_to_bare']} (goal >= 1/3: "
        f"{'met' if g['throughput_met'] else 'MISSED'}); p95 mix/bare "
        f"{g['p95_ratio_mix_half_load_to_bare_same_rate']} (goal <= 3: "
        f"{'met' if g['p95_met'] else 'MISSED'})"
    )
    for nama, f in lap.get("faults", {}).items():
        if isinstance(f, dict):
            print(
                f"  {nama}: {f['requests']} requests, {f['failures']} failed, "
                f"{f['acknowledged_uploads']} uploads acknowledged, lost writes "
                f"{f['lost_writes']}, orphans {f['orphan_objects']}, normal again "
                f"{f['normal_after_service_back_s']} s after the service was back"
            )


if __name__ == "__main__":
    main()
