"""A PostgreSQL database of a bench run's own, on the server DATABASE_URL names: created before
Django starts (DATABASE_URL is pointed at it; child processes inherit it) and dropped at the
end, so a bench never touches another run's data."""

import os
import secrets
import urllib.parse


def sql(url, perintah):
    """Run one statement outside a transaction (CREATE/DROP DATABASE) as the URL's user."""
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        conn.cursor().execute(perintah)
    finally:
        conn.close()


def basis_data_sendiri(awalan):
    """Create ``<awalan>_<random>`` and point DATABASE_URL at it. Returns (admin URL, name),
    or None on another backend (then the configured database is used as it is)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return None
    nama = f"{awalan}_{secrets.token_hex(3)}"
    sql(url, f'CREATE DATABASE "{nama}"')
    bagian = urllib.parse.urlsplit(url)
    os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(bagian._replace(path=f"/{nama}"))
    return url, nama


def hapus(db):
    """Drop the database ``basis_data_sendiri`` made (``db`` is what it returned)."""
    if db:
        sql(db[0], f'DROP DATABASE IF EXISTS "{db[1]}" WITH (FORCE)')


def ukur_halaman(client, url, *, ulang, pemanasan, baris=None):
    """Server time of GET ``url`` through a Django test client (in-process): ``pemanasan``
    warm-up requests, then ``ulang`` timed ones; one more counts the queries. ``baris``: a
    marker of table rows, counted in the result (there must be at least one)."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(pemanasan):
        assert client.get(url).status_code == 200, url
    waktu = []
    for _ in range(ulang):
        t = time.perf_counter()
        r = client.get(url)
        waktu.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, url
    with CaptureQueriesContext(connection) as q:
        html = client.get(url).content
    waktu.sort()
    hasil = {}
    if baris:
        hasil["rows"] = html.decode().count(baris)
        assert hasil["rows"], f"{url}: tidak ada baris ({baris})"
    return {
        **hasil,
        "url": url,
        "html_bytes": len(html),
        "n": ulang,
        "median_ms": round(statistics.median(waktu), 2),
        "p95_ms": round(waktu[int(0.95 * (len(waktu) - 1))], 2),
        "mean_ms": round(statistics.fmean(waktu), 2),
        "queries": len(q.captured_queries),
    }


def tulis_hasil(root, nama, laporan):
    """Write ``laporan`` as ``$BENCH_DIR/<nama>.json`` (default var/bench/) and print it."""
    import json
    import os

    keluar = root / os.environ.get("BENCH_DIR", "var/bench") / f"{nama}.json"
    keluar.parent.mkdir(parents=True, exist_ok=True)
    keluar.write_text(json.dumps(laporan, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(laporan, indent=2, ensure_ascii=False))


def tentang(root, judul):
    """The header every result file starts with: what was measured, when, at which commit, on
    which database, Python, Django and number of CPUs."""
    import os
    import platform
    import subprocess
    import time

    import django
    from django.db import connection

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "benchmark": judul,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": commit,
        "database": connection.vendor,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
    }
