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
