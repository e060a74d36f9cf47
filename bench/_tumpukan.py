"""The production stack for bench/beban.py, and the services of `.ci/layanan` it disturbs.

Not a benchmark itself (`.ci/bench` skips bench/_*.py). Holds no locust or gevent import, so
`python bench/_tumpukan.py isi` can fill the database in a plain Django process.

- ``Tumpukan``: a database of its own on the bench PostgreSQL and a bucket of its own on the
  bench S3 (SeaweedFS), `migrate`, `muat_instrumen`, `demo`, the full worksheet
  (tests/lembar_penuh.isi_penuh) with assignments for every account, `collectstatic`, then
  gunicorn started like the Dockerfile's CMD but bound to a free loopback port.
- ``Layanan``: PostgreSQL restarted, Redis and SeaweedFS stopped and started again, each with
  the same command line `.ci/layanan` used (read from the run's files where they record it).
- CPU time of process trees from /proc, for CPU per request.
"""

import glob
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
VENV_BIN = Path(PY).parent
TICK = os.sysconf("SC_CLK_TCK")
SATKER_DEMO = "KANKEMENAG-KOTA-SEMARANG"


def port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_terbuka(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- gunicorn as the Dockerfile runs it --------------------------------------------------------


def cmd_dockerfile():
    """The Dockerfile's CMD (exec form) as a list."""
    teks = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    for baris in teks.splitlines():
        if baris.startswith("CMD "):
            return json.loads(baris[4:])
    raise RuntimeError("Dockerfile tanpa CMD")


def argv_gunicorn(port, ganti=None):
    """The Dockerfile's CMD with the venv's gunicorn and ``--bind 127.0.0.1:port``; ``ganti``
    maps a flag to another value (None drops the flag)."""
    cmd = cmd_dockerfile()
    assert cmd[0] == "gunicorn", cmd
    argv = [str(VENV_BIN / "gunicorn"), *cmd[1:]]
    assert not any(a.startswith("--") and "=" in a for a in argv), argv  # "--flag value" form
    for flag, nilai in {"--bind": f"127.0.0.1:{port}", **(ganti or {})}.items():
        if flag in argv:
            i = argv.index(flag)
            if nilai is None:
                del argv[i : i + 2]
            else:
                argv[i + 1] = nilai
        elif nilai is not None:
            argv += [flag, nilai]
    return argv


def tunggu_http(port, path="/masuk/", batas=60, proses=None):
    import http.client

    akhir = time.monotonic() + batas
    while time.monotonic() < akhir:
        if proses is not None and proses.poll() is not None:
            raise RuntimeError(f"gunicorn berhenti saat start (kode {proses.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"127.0.0.1:{port}{path} tidak menjawab 200 dalam {batas} s")


# --- CPU time from /proc ------------------------------------------------------------------------


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def anak(pid):
    hasil = []
    for berkas in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(berkas) as f:
                hasil += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return hasil


def cpu_pohon(pid):
    """CPU seconds of ``pid`` and its descendants, including children that already exited and
    were waited for (cutime/cstime)."""
    try:
        s = _stat(pid)
    except OSError:
        return 0.0
    # After "(comm)": state is field 3 of stat(5), so utime (14) .. cstime (17) are [11:15].
    total = sum(int(x) for x in s[11:15]) / TICK
    return total + sum(cpu_pohon(a) for a in anak(pid))


def cpu_mesin():
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as f:
        angka = [int(x) for x in f.readline().split()[1:]]
    diam = angka[3] + angka[4]  # idle + iowait
    return sum(angka) - diam, sum(angka)


# --- The stack ----------------------------------------------------------------------------------


def s3_klien():
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=os.environ["S3_UJI_ENDPOINT"],
        aws_access_key_id=os.environ["S3_UJI_ACCESS_KEY"],
        aws_secret_access_key=os.environ["S3_UJI_SECRET_KEY"],
        region_name="us-east-1",
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1},
            connect_timeout=2,
            read_timeout=10,
        ),
    )


class Tumpukan:
    """Database, bucket, data and gunicorn of one load bench, all under names of its own."""

    def __init__(self):
        for perlu in ("RUN_DIR", "DATABASE_URL", "REDIS_URL", "S3_UJI_ENDPOINT"):
            if not os.environ.get(perlu):
                raise SystemExit(f"{perlu} tidak ada: jalankan lewat `make bench`")
        self.run_dir = Path(os.environ["RUN_DIR"])
        akhiran = secrets.token_hex(3)
        self.db = f"beban_{akhiran}"
        self.bucket = f"beban-{akhiran}"
        self.dir = self.run_dir / f"beban-{akhiran}"
        self.dir.mkdir(parents=True)
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        self.db_admin = os.environ["DATABASE_URL"]
        self.db_url = urllib.parse.urlunsplit(url._replace(path=f"/{self.db}"))
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATA_DIR": str(self.dir / "data"),
            "STATIC_ROOT": str(self.dir / "static"),
            "DATABASE_URL": self.db_url,
            "CONN_MAX_AGE": "60",
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": os.environ["S3_UJI_ENDPOINT"],
            "AWS_ACCESS_KEY_ID": os.environ["S3_UJI_ACCESS_KEY"],
            "AWS_SECRET_ACCESS_KEY": os.environ["S3_UJI_SECRET_KEY"],
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
        }
        self.gunicorn = None
        self.port = None
        self.argv = None
        self.log_galat = self.dir / "gunicorn.log"

    def _sql(self, perintah):
        import psycopg2

        conn = psycopg2.connect(self.db_admin)
        try:
            conn.autocommit = True
            conn.cursor().execute(perintah)
        finally:
            conn.close()

    def _manage(self, *argv):
        r = subprocess.run(
            [PY, "manage.py", *argv], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if r.returncode:
            raise RuntimeError(f"manage.py {' '.join(argv)} gagal:\n{r.stdout}\n{r.stderr}")
        return r.stdout

    def siapkan(self):
        """Database and bucket, migrations, instrument, demo, full data, static files."""
        self._sql(f'CREATE DATABASE "{self.db}"')
        s3_klien().create_bucket(Bucket=self.bucket)
        self._manage("migrate", "--noinput", "-v0")
        self._manage("muat_instrumen")
        self._manage("demo")
        r = subprocess.run(
            [PY, str(Path(__file__).resolve()), "isi"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if r.returncode:
            raise RuntimeError(f"pengisian data gagal:\n{r.stdout}\n{r.stderr}")
        self._manage("collectstatic", "--noinput", "-v0")
        return json.loads(r.stdout.strip().splitlines()[-1])

    def mulai(self):
        """gunicorn as the Dockerfile's CMD, on a free loopback port; its access log (stdout)
        and error log (stderr, also Django's log) go to files of this run."""
        self.port = port_bebas()
        self.argv = argv_gunicorn(self.port)
        self.gunicorn = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=open(self.dir / "akses.log", "wb"),  # noqa: SIM115
            stderr=open(self.log_galat, "wb"),  # noqa: SIM115
        )
        tunggu_http(self.port, proses=self.gunicorn)
        return f"http://127.0.0.1:{self.port}"

    def pekerja(self):
        return sorted(anak(self.gunicorn.pid)) if self.gunicorn else []

    def berhenti(self):
        if self.gunicorn and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait()

    def bersihkan(self):
        """Drops this run's database and bucket (the services themselves belong to make bench)."""
        try:
            self._sql(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - best effort; the services go away anyway
            print(f"database {self.db} tidak terhapus: {exc}", file=sys.stderr)
        try:
            s3 = s3_klien()
            for kunci in daftar_objek(s3, self.bucket, ""):
                s3.delete_object(Bucket=self.bucket, Key=kunci)
            s3.delete_bucket(Bucket=self.bucket)
        except Exception as exc:  # noqa: BLE001
            print(f"bucket {self.bucket} tidak terhapus: {exc}", file=sys.stderr)

    # --- What was stored ----------------------------------------------------------------------

    def versi_tersimpan(self):
        """{nama_asli: kunci} of every uploaded version (rows with a storage key)."""
        import psycopg2

        conn = psycopg2.connect(self.db_url)
        try:
            cur = conn.cursor()
            cur.execute("SELECT nama_asli, kunci FROM eviden_versidokumen WHERE kunci <> ''")
            return dict(cur.fetchall())
        finally:
            conn.close()

    def objek(self, awalan="eviden/"):
        return set(daftar_objek(s3_klien(), self.bucket, awalan))


def daftar_objek(s3, bucket, awalan):
    for halaman in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=awalan):
        for o in halaman.get("Contents", []):
            yield o["Key"]


# --- The services of .ci/layanan ----------------------------------------------------------------


def pgbin():
    return sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]


class Layanan:
    """PostgreSQL, Redis and SeaweedFS of this `make bench` run ($RUN_DIR), disturbed and
    brought back with the command lines `.ci/layanan` starts them with."""

    def __init__(self):
        self.run_dir = Path(os.environ["RUN_DIR"])
        self.pg_port = int(os.environ["PG_PORT"])
        self.redis_port = int(os.environ["REDIS_PORT"])
        self.s3_port = int(urllib.parse.urlsplit(os.environ["S3_UJI_ENDPOINT"]).port)

    # PostgreSQL: `pg_ctl ... start` in .ci/layanan, as the postgres user.
    def pg_opsi(self):
        opsi = (
            f"-p {self.pg_port} -k {self.run_dir}/pg -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        # postmaster.opts records the running server's command line: the same options.
        tercatat = shlex.split((self.run_dir / "pg/data/postmaster.opts").read_text())
        assert " ".join(tercatat[3:]) == opsi, (tercatat, opsi)
        return opsi

    def pg_pid(self):
        return int((self.run_dir / "pg/data/postmaster.pid").read_text().split()[0])

    def pg_restart(self):
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                f"{pgbin()}/pg_ctl",
                "-D",
                str(self.run_dir / "pg/data"),
                "-l",
                str(self.run_dir / "pg/postgres.log"),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "-o",
                self.pg_opsi(),
                "restart",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    # Redis: `redis-server --daemonize yes ...` in .ci/layanan.
    def redis_stop(self):
        pid = int((self.run_dir / "redis.pid").read_text().split()[0])
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not port_terbuka(self.redis_port):
                return
            time.sleep(0.1)
        raise RuntimeError("Redis tidak berhenti dalam 10 s")

    def redis_start(self):
        d = self.run_dir
        subprocess.run(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
            + ["--daemonize", "yes", "--save", "", "--appendonly", "no", "--dir", str(d)]
            + ["--pidfile", f"{d}/redis.pid", "--logfile", f"{d}/redis.log"],
            check=True,
        )
        for _ in range(100):
            if port_terbuka(self.redis_port):
                return
            time.sleep(0.1)
        raise RuntimeError("Redis tidak kembali dalam 10 s")

    # SeaweedFS: sw_start in .ci/layanan (setsid weed mini ..., pid in weed.pid). Its command
    # line, working folder and environment are read from /proc before it is stopped, so the
    # restart is the same process in every respect but its pid.
    def weed_stop(self):
        pid = int((self.run_dir / "weed.pid").read_text().split()[0])
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [a.decode() for a in f.read().split(b"\0") if a]
        assert any(a == f"-dir={self.run_dir}/sw" for a in argv), argv
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = dict(e.decode().split("=", 1) for e in f.read().split(b"\0") if e and b"=" in e)
        self._weed = (argv, env, os.readlink(f"/proc/{pid}/cwd"))
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists() or _stat(pid)[0] == "Z":
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        # A killed weed leaves its gRPC sockets (weed mini: under /tmp, named by port).
        for a in argv:
            m = re.match(r"-[a-z.]+\.port\.grpc=(\d+)$", a)
            if m:
                for sok in glob.glob(f"/tmp/seaweedfs-*-grpc-{m.group(1)}.sock"):
                    os.unlink(sok)

    def weed_start(self):
        argv, env, cwd = self._weed
        log = self.run_dir / "weed.log"
        if log.exists():
            log.rename(self.run_dir / f"weed-{int(time.time())}.log")
        p = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=open(log, "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        (self.run_dir / "weed.pid").write_text(f"{p.pid}\n")
        return p

    def weed_tunggu(self, bucket, batas=60):
        """sw_wait's test: the banner, the S3 port, a signed listing (of the bench's bucket)."""
        akhir = time.monotonic() + batas
        log = self.run_dir / "weed.log"
        while time.monotonic() < akhir:
            siap = "All enabled components are running" in log.read_text(errors="replace")
            if siap and port_terbuka(self.s3_port):
                try:
                    s3_klien().list_objects_v2(Bucket=bucket, MaxKeys=1)
                    return
                except Exception:  # noqa: BLE001,S110 - not ready yet
                    pass
            time.sleep(0.2)
        raise RuntimeError("SeaweedFS tidak siap dalam 60 s setelah start ulang")


# --- Full data (run in a Django process: `python bench/_tumpukan.py isi`) -----------------------


def isi():
    """The full worksheet (every graded soal: answer, 5 documents x 3 versions, a third waiting
    for review) and assignments for every account of the load, so Tugas saya has rows: each
    Pokja's soal alternately to its koordinator and its anggota (every fourth overdue), the
    Komponen Hasil soal to the chair. Prints one JSON line with the ids the load needs."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.utils import timezone

    from eviden.models import Butir, Dokumen, Jawaban, Soal, StatusButir, VersiDokumen
    from pokja.models import Pokja
    from tests.lembar_penuh import isi_penuh

    User = get_user_model()
    pokja = {
        p.area: p
        for p in Pokja.objects.filter(
            tim__satker__kode=SATKER_DEMO, tim__tahun=2026
        ).select_related("tim")
    }
    tim = pokja[1].tim
    lembar = tim.lembar_kerja
    ketua = User.objects.get(username="ketua")
    hari_ini = timezone.localdate()
    jumlah_soal, _ = isi_penuh(
        lembar, ketua, dokumen=5, versi=3, tenggat=hari_ini + timedelta(days=14)
    )
    for area in range(1, 7):
        orang = [User.objects.get(username=f"{p}{area}") for p in ("koordinator", "anggota")]
        butir = list(
            Butir.objects.filter(lembar=lembar, soal__area_pokja=area).order_by("soal__kode")
        )
        for i, b in enumerate(butir):
            b.ditugaskan_ke = orang[i % 2]
            if i % 4 == 0:
                b.tenggat = hari_ini - timedelta(days=3)
        Butir.objects.bulk_update(butir, ["ditugaskan_ke", "tenggat"])
    soal = {}
    terbuka = []
    for soal_id, area, status in Butir.objects.filter(lembar=lembar).values_list(
        "soal_id", "soal__area_pokja", "status"
    ):
        soal.setdefault(str(area or 0), []).append(soal_id)
        if area == 1 and status in (StatusButir.DRAF, StatusButir.PERLU_PERBAIKAN):
            terbuka.append(soal_id)
    tugas = dict(
        Butir.objects.filter(lembar=lembar)
        .values_list("ditugaskan_ke__username")
        .annotate(n=Count("pk"))
        .values_list("ditugaskan_ke__username", "n")
    )
    print(
        json.dumps(
            {
                "tim": tim.pk,
                "lembar": lembar.pk,
                "pokja": {str(a): p.pk for a, p in pokja.items()},
                "soal": {a: sorted(ids) for a, ids in soal.items()},
                "terbuka_pokja_1": sorted(terbuka),
                "data": {
                    "soal_in_instrument": Soal.objects.filter(instrumen=lembar.instrumen).count(),
                    "graded_soal_with_evidence": jumlah_soal,
                    "answers": Jawaban.objects.filter(lembar=lembar).count(),
                    "documents": Dokumen.objects.filter(lembar=lembar).count(),
                    "document_versions": VersiDokumen.objects.filter(
                        dokumen__lembar=lembar
                    ).count(),
                    "waiting_for_review": Butir.objects.filter(
                        lembar=lembar, status=StatusButir.DIAJUKAN
                    ).count(),
                    "assignments_per_account": tugas,
                },
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["isi"]:
        isi()
    else:
        print("bench/_tumpukan.py: pembantu bench/beban.py, bukan benchmark", file=sys.stderr)
