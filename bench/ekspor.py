"""Exports: the evidence ZIP's throughput and memory, the PDF report and the Excel workbook.

1. ZIP bundle (penilaian.ekspor.zip.render) of 200 evidence files x 5 MiB of incompressible
   (seeded random) bytes, 1000 MiB in all, written as real stored versions through the storage
   API on local storage (FileSystemStorage under this run's own DATA_DIR) with valid
   Dokumen/Eviden/VersiDokumen rows (SHA-256 and size of the bytes written). 10 of the 40
   soal are approved, so the "disetujui" bundle holds 50 files (250 MiB) and "terbaru" all
   200: two sizes from one team. Each render runs in a fresh child process (``python
   bench/ekspor.py anak ...``) whose peak resident memory (VmHWM of /proc/self/status) is read
   before and after the render: memory must not grow with the bundle. Next to it, in the same
   run and on the same disk: the same files copied one by one into a folder with
   shutil.copyfileobj (1 MiB buffer), and read once through SHA-256 only. Every timed run
   starts after os.sync() (no dirty pages left by the one before) and is timed twice: until
   the last byte is written (into the page cache), and until it is on disk (fsync of every
   output file). MB/s for each, the ratio zip/copy (goal: at least 0.5), the best of three
   alternating rounds (five). All inputs were just written, so every reader finds them in the page
   cache. The bundle is opened afterwards (every member's CRC checked). Also measured: the
   250 MiB with deflate level 1 forced on every member (why the bundle stores what is already
   compressed), and, when the run has S3 (make bench's SeaweedFS), 100 files x 5 MiB read
   from the bucket (50 approved), with the child's memory at both sizes.
2. PDF report (penilaian.ekspor.pdf.render) of the demo team (``manage.py demo``).
3. Excel workbook (penilaian.ekspor.xlsx.render) of a full team (tests/lembar_penuh.isi_penuh:
   every soal answered, 5 documents x 3 versions each).
   2 and 3 are recorded as "belum tersedia" while their modules cannot be imported (or have
   no ``render``), and as "gagal" with the error when they raise: this bench never fails for
   them.

Run through `make bench` (fresh PostgreSQL, Redis, S3) or only this one:
`BENCH="bench/ekspor.py" make bench`. Writes $BENCH_DIR/ekspor.json (default var/bench/).
Everything it writes (database, files, bucket objects) is removed at the end.
BENCH_EKSPOR_BERKAS (default 200) and BENCH_EKSPOR_MIB (default 5) change the data.
"""

import hashlib
import importlib
import io
import json
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _basis  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings")

ANAK = len(sys.argv) > 1 and sys.argv[1] == "anak"
JUMLAH_BERKAS = int(os.environ.get("BENCH_EKSPOR_BERKAS", "200"))
MIB = 1024 * 1024
UKURAN_BERKAS = int(os.environ.get("BENCH_EKSPOR_MIB", "5")) * MIB
DOKUMEN_PER_SOAL = 5
SOAL_DISETUJUI = 10
BERKAS_S3 = 100
SALIN = MIB
PUTARAN = 5


S3_UJI = {
    k: os.environ.get(k, "")
    for k in ("S3_UJI_ENDPOINT", "S3_UJI_BUCKET", "S3_UJI_ACCESS_KEY", "S3_UJI_SECRET_KEY")
}
if ANAK:
    DB_SENDIRI = DATA_SENDIRI = None
    if os.environ.get("BENCH_EKSPOR_S3"):
        # The child reads evidence from the bucket, through the production S3 settings.
        os.environ.update(
            AWS_STORAGE_BUCKET_NAME=S3_UJI["S3_UJI_BUCKET"],
            AWS_S3_ENDPOINT_URL=S3_UJI["S3_UJI_ENDPOINT"],
            AWS_ACCESS_KEY_ID=S3_UJI["S3_UJI_ACCESS_KEY"],
            AWS_SECRET_ACCESS_KEY=S3_UJI["S3_UJI_SECRET_KEY"],
        )
else:
    # Local storage in a folder of this run's own (beside the run's data, same disk).
    os.environ.pop("AWS_STORAGE_BUCKET_NAME", None)
    if os.environ.get("DATA_DIR"):
        os.makedirs(os.environ["DATA_DIR"], exist_ok=True)  # settings.py makes it, later
    DATA_SENDIRI = tempfile.mkdtemp(prefix="bench-ekspor-", dir=os.environ.get("DATA_DIR"))
    os.environ["DATA_DIR"] = DATA_SENDIRI
    DB_SENDIRI = _basis.basis_data_sendiri("bench_ekspor")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from penilaian.ekspor.sumber import DISETUJUI, TERBARU, Permintaan, Sumber  # noqa: E402
from pokja.models import TimZI  # noqa: E402

User = get_user_model()


def vm(kunci, pid="self"):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"{kunci}:\s+(\d+)", f.read()).group(1)) * 1024


# --- Child: one render, its time and its memory ----------------------------------------------


def anak(modul, tim_id, pilih, keluar, deflate):
    """Render ``modul`` for team ``tim_id`` into ``keluar``; print one JSON line."""
    m = importlib.import_module(f"penilaian.ekspor.{modul}")
    if deflate:
        m.TERPADAT = frozenset()  # every member deflated at level 1
    tim = TimZI.objects.select_related("satker").get(pk=tim_id)
    langkah = [0, 0]

    def maju(selesai, total):
        langkah[0] += 1
        langkah[1] = selesai

    if hasattr(default_storage, "bucket"):
        default_storage.bucket  # noqa: B018 - boto3 loaded before memory is read, as in a worker
    sebelum_rss, sebelum_hwm = vm("VmRSS"), vm("VmHWM")
    t = time.perf_counter()
    with open(keluar, "wb") as f:
        m.render(Permintaan(Sumber(tim), waktu=timezone.now(), pilih_berkas=pilih), f, maju)
        detik = time.perf_counter() - t
        f.flush()
        os.fsync(f.fileno())
    tahan = time.perf_counter() - t
    print(
        json.dumps(
            {
                "seconds": detik,
                "seconds_with_fsync": tahan,
                "rss_before": sebelum_rss,
                "hwm_before": sebelum_hwm,
                "hwm_after": vm("VmHWM"),
                "output_bytes": os.path.getsize(keluar),
                "progress_calls": langkah[0],
                "progress_last": langkah[1],
            }
        )
    )


def jalankan_anak(modul, tim_id, pilih, keluar, *, deflate=False, s3=False):
    env = dict(os.environ)
    if s3:
        env["BENCH_EKSPOR_S3"] = "1"
    argv = [sys.executable, __file__, "anak", modul, str(tim_id), pilih, str(keluar)]
    if deflate:
        argv.append("--deflate")
    r = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"render anak gagal ({r.returncode}):\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# --- Data -------------------------------------------------------------------------------------


class Acak(io.RawIOBase):
    """``ukuran`` seeded random bytes, read in chunks, hashed as they are read."""

    def __init__(self, benih, ukuran):
        self.acak = random.Random(benih)  # noqa: S311 - bench data, not secrets
        self.sisa = ukuran
        self.sha = hashlib.sha256()

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.sisa if n is None or n < 0 else min(n, self.sisa)
        data = self.acak.randbytes(n)
        self.sisa -= n
        self.sha.update(data)
        return data


def buat_tim(instrumen, kode, nama):
    from eviden.services import siapkan_tim
    from pokja.models import Satker

    satker = Satker.objects.create(kode=kode, nama=nama, jenis=Satker.Jenis.KANKEMENAG)
    return siapkan_tim(satker=satker, tahun=2026, target_predikat="WBK", instrumen=instrumen)


def isi_berkas(tim, user, jumlah, simpan):
    """``jumlah`` documents on the first soal of the sheet (DOKUMEN_PER_SOAL each), one version
    each, bytes stored by ``simpan(kunci, Acak) -> kunci``; the first SOAL_DISETUJUI soal are
    approved. Returns [(kunci, ukuran)]."""
    from eviden.models import Butir, Dokumen, Eviden, Soal, StatusButir, VersiDokumen

    lembar = tim.lembar_kerja
    soal = list(Soal.objects.filter(instrumen=lembar.instrumen).order_by("excel_baris", "kode"))
    soal = soal[: -(-jumlah // DOKUMEN_PER_SOAL)]
    Butir.objects.bulk_create(
        Butir(lembar=lembar, soal=s, status=StatusButir.DISETUJUI, direviu_oleh=user)
        for s in soal[:SOAL_DISETUJUI]
    )
    tersimpan = []
    for i in range(jumlah):
        s = soal[i // DOKUMEN_PER_SOAL]
        d = Dokumen.objects.create(lembar=lembar, judul=f"Pindaian SK {s.kode} bagian {i + 1}")
        Eviden.objects.create(lembar=lembar, soal=s, dokumen=d, dilampirkan_oleh=user)
        isi = Acak(i, UKURAN_BERKAS)
        kunci = simpan(f"eviden/{lembar.pk}/{uuid.uuid4().hex}.pdf", isi)
        VersiDokumen.objects.create(
            dokumen=d,
            nomor=1,
            kunci=kunci,
            sha256=isi.sha.hexdigest(),
            ukuran=UKURAN_BERKAS,
            mime="application/pdf",  # random bytes stand in for scanned (incompressible) PDFs
            nama_asli=f"scan{i:04d}.pdf",
            diunggah_oleh=user,
        )
        tersimpan.append((kunci, UKURAN_BERKAS))
    return tersimpan


def simpan_lokal(kunci, isi):
    return default_storage.save(kunci, File(isi, name=kunci))


# --- Measuring --------------------------------------------------------------------------------


def mb_s(bita, detik):
    return round(bita / MIB / detik, 1) if detik else None


def salin_semua(berkas, tujuan):
    """Copy every stored file into ``tujuan`` (one folder), 1 MiB at a time; then fsync them.
    Returns (seconds written, seconds with fsync)."""
    tujuan.mkdir()
    os.sync()  # start from clean page cache, as every timed run does
    t = time.perf_counter()
    for i, (kunci, _u) in enumerate(berkas):
        with open(default_storage.path(kunci), "rb") as a, open(tujuan / f"{i:04d}", "wb") as b:
            shutil.copyfileobj(a, b, SALIN)
    detik = time.perf_counter() - t
    for i in range(len(berkas)):
        fd = os.open(tujuan / f"{i:04d}", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    tahan = time.perf_counter() - t
    shutil.rmtree(tujuan)
    return detik, tahan


def sidik_semua(berkas):
    """Read every stored file once through SHA-256 (what the bundle adds to a copy)."""
    t = time.perf_counter()
    for kunci, _u in berkas:
        h = hashlib.sha256()
        with open(default_storage.path(kunci), "rb") as f:
            while bagian := f.read(SALIN):
                h.update(bagian)
    return time.perf_counter() - t


def zip_sekali(tim_id, pilih, keluar, periksa=False, **opsi):
    os.sync()  # start from clean page cache, as every timed run does
    r = jalankan_anak("zip", tim_id, pilih, keluar, **opsi)
    if periksa:
        with zipfile.ZipFile(keluar) as z:
            r["members"] = len(z.namelist())
            assert z.testzip() is None
    os.unlink(keluar)
    return r


def ringkas_zip(hasil, bita):
    terbaik = min(h["seconds"] for h in hasil)
    return {
        "input_mib": round(bita / MIB),
        "seconds_runs": [round(h["seconds"], 3) for h in hasil],
        "mb_s_best": mb_s(bita, terbaik),
        "mb_s_median": mb_s(bita, statistics.median(h["seconds"] for h in hasil)),
        "seconds_with_fsync_runs": [round(h["seconds_with_fsync"], 3) for h in hasil],
        "mb_s_with_fsync_best": mb_s(bita, min(h["seconds_with_fsync"] for h in hasil)),
        "output_bytes": hasil[0]["output_bytes"],
        "child_rss_before_render_mb": round(hasil[0]["rss_before"] / MIB, 1),
        "child_peak_rss_mb": round(max(h["hwm_after"] for h in hasil) / MIB, 1),
        "child_peak_growth_during_render_mb": round(
            max(h["hwm_after"] - h["rss_before"] for h in hasil) / MIB, 1
        ),
        "progress_calls": hasil[0]["progress_calls"],
    }


def bagian_zip(instrumen, user, kerja):
    """Part 1: the bundle against a plain copy, at 250 MiB and 1000 MiB, local storage."""
    tim = buat_tim(instrumen, "BENCH-ZIP", "Kankemenag Bench Ekspor ZIP")
    t = time.perf_counter()
    berkas = isi_berkas(tim, user, JUMLAH_BERKAS, simpan_lokal)
    generasi = time.perf_counter() - t
    total = sum(u for _k, u in berkas)
    disetujui = berkas[: SOAL_DISETUJUI * DOKUMEN_PER_SOAL]
    kecil = sum(u for _k, u in disetujui)
    salin, sidik, besar, kecil_hasil = [], [], [], []
    for putaran in range(PUTARAN):
        salin.append(salin_semua(berkas, kerja / "salinan"))
        os.sync()
        sidik.append(sidik_semua(berkas))
        besar.append(zip_sekali(tim.pk, TERBARU, kerja / "besar.zip", periksa=putaran == 0))
        kecil_hasil.append(zip_sekali(tim.pk, DISETUJUI, kerja / "kecil.zip"))
    deflate = zip_sekali(tim.pk, DISETUJUI, kerja / "deflate.zip", deflate=True)
    ringkas_besar = ringkas_zip(besar, total)
    ringkas_kecil = ringkas_zip(kecil_hasil, kecil)
    salin_mb_s = mb_s(total, min(d for d, _t in salin))
    salin_tahan_mb_s = mb_s(total, min(t for _d, t in salin))
    return {
        "data": {
            "files": len(berkas),
            "file_mib": UKURAN_BERKAS // MIB,
            "total_mib": round(total / MIB),
            "content": "seeded random bytes (incompressible), stored as application/pdf",
            "storage": "FileSystemStorage, this run's own folder under DATA_DIR",
            "generation_s": round(generasi, 1),
        },
        "copy_shutil_copyfileobj": {
            "what": "each stored file copied into one folder, 1 MiB buffer, same disk",
            "seconds_runs": [round(d, 3) for d, _t in salin],
            "mb_s_best": salin_mb_s,
            "seconds_with_fsync_runs": [round(t, 3) for _d, t in salin],
            "mb_s_with_fsync_best": salin_tahan_mb_s,
        },
        "sha256_read_only": {
            "seconds_runs": [round(s, 3) for s in sidik],
            "mb_s_best": mb_s(total, min(sidik)),
        },
        "zip_terbaru (all files)": {**ringkas_besar, "members": besar[0]["members"]},
        "zip_disetujui (a quarter)": ringkas_kecil,
        "ratio_zip_to_copy (best runs, all files)": round(
            ringkas_besar["mb_s_best"] / salin_mb_s, 2
        ),
        "ratio_zip_to_copy_with_fsync (best runs, all files)": round(
            ringkas_besar["mb_s_with_fsync_best"] / salin_tahan_mb_s, 2
        ),
        "goal_ratio": 0.5,
        "memory_flat": {
            f"peak_growth_{round(kecil / MIB)}_mib_mb": ringkas_kecil[
                "child_peak_growth_during_render_mb"
            ],
            f"peak_growth_{round(total / MIB)}_mib_mb": ringkas_besar[
                "child_peak_growth_during_render_mb"
            ],
        },
        "deflate_level_1_every_member (disetujui)": {
            "seconds": round(deflate["seconds"], 3),
            "mb_s": mb_s(kecil, deflate["seconds"]),
            "output_bytes": deflate["output_bytes"],
            "stored_output_bytes": ringkas_kecil["output_bytes"],
            "child_peak_growth_during_render_mb": round(
                (deflate["hwm_after"] - deflate["rss_before"]) / MIB, 1
            ),
        },
    }


def s3_klien():
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=S3_UJI["S3_UJI_ENDPOINT"],
        aws_access_key_id=S3_UJI["S3_UJI_ACCESS_KEY"],
        aws_secret_access_key=S3_UJI["S3_UJI_SECRET_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


def bagian_s3(instrumen, user, kerja):
    """The bundle read from S3 (make bench's SeaweedFS): throughput and child memory."""
    if not all(S3_UJI.values()):
        return {"skipped": "no S3 in this run (S3_UJI_ENDPOINT)"}
    s3, bucket = s3_klien(), S3_UJI["S3_UJI_BUCKET"]
    awalan = f"bench-ekspor-{secrets.token_hex(4)}"
    tersimpan = []

    def simpan(kunci, isi):
        kunci = f"{awalan}/{kunci}"
        s3.upload_fileobj(isi, bucket, kunci)
        tersimpan.append(kunci)
        return kunci

    try:
        tim = buat_tim(instrumen, "BENCH-ZIP-S3", "Kankemenag Bench Ekspor ZIP S3")
        t = time.perf_counter()
        berkas = isi_berkas(tim, user, BERKAS_S3, simpan)
        unggah = time.perf_counter() - t
        total = sum(u for _k, u in berkas)
        kecil = sum(u for _k, u in berkas[: SOAL_DISETUJUI * DOKUMEN_PER_SOAL])
        besar, sebagian = [], []
        for i in range(2):
            besar.append(zip_sekali(tim.pk, TERBARU, kerja / "s3.zip", periksa=i == 0, s3=True))
            sebagian.append(zip_sekali(tim.pk, DISETUJUI, kerja / "s3k.zip", s3=True))
        return {
            "files": len(berkas),
            "upload_s": round(unggah, 1),
            "zip_terbaru (all files)": {
                **ringkas_zip(besar, total),
                "members": besar[0]["members"],
            },
            "zip_disetujui (half)": ringkas_zip(sebagian, kecil),
        }
    finally:
        for kunci in tersimpan:
            s3.delete_object(Bucket=bucket, Key=kunci)


def modul_format(nama):
    """(module, None) when penilaian.ekspor.<nama> can be imported and has render()."""
    try:
        m = importlib.import_module(f"penilaian.ekspor.{nama}")
    except Exception as exc:
        return None, f"belum tersedia ({type(exc).__name__}: {exc})"
    if not callable(getattr(m, "render", None)):
        return None, "belum tersedia (modul tanpa render)"
    return m, None


def ukur_format(nama, tim, kerja, ulang=2):
    """Render format ``nama`` for ``tim`` ``ulang`` times in this process: seconds each."""
    m, alasan = modul_format(nama)
    if m is None:
        return {"status": alasan}
    detik, ukuran = [], 0
    keluar = kerja / f"laporan.{getattr(m, 'EKSTENSI', nama)}"
    try:
        for _i in range(ulang):
            t = time.perf_counter()
            with open(keluar, "wb") as f:
                m.render(Permintaan(Sumber(tim), waktu=timezone.now()), f, lambda s, t: None)
            detik.append(time.perf_counter() - t)
            ukuran = keluar.stat().st_size
    except Exception as exc:
        return {"status": f"gagal ({type(exc).__name__}: {str(exc)[:500]})"}
    hasil = {
        "status": "ok",
        "seconds_runs": [round(d, 3) for d in detik],
        "seconds_first (cold caches)": round(detik[0], 3),
        "seconds_best": round(min(detik), 3),
        "output_bytes": ukuran,
        "mime": getattr(m, "MIME", ""),
    }
    if nama == "pdf" and shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(keluar)], capture_output=True, text=True).stdout
        cocok = re.search(r"^Pages:\s+(\d+)", info, re.M)
        hasil["pages"] = int(cocok.group(1)) if cocok else None
    if nama == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(keluar, read_only=True)
        hasil["sheets"] = {ws.title: ws.max_row for ws in wb.worksheets}
        wb.close()
    keluar.unlink()
    return hasil


def bagian_pdf(kerja):
    tim = TimZI.objects.get(satker__kode="KANKEMENAG-KOTA-SEMARANG", tahun=2026)
    return {"team": f"{tim} (manage.py demo)", **ukur_format("pdf", tim, kerja)}


def bagian_xlsx(instrumen, user, kerja):
    from tests.lembar_penuh import isi_penuh

    tim = buat_tim(instrumen, "BENCH-XLSX", "Kankemenag Bench Ekspor Excel")
    n_soal, n_versi = isi_penuh(tim.lembar_kerja, user, dokumen=5, versi=3)
    return {
        "team": "full worksheet (tests/lembar_penuh.isi_penuh, 5 documents x 3 versions)",
        "soal_with_evidence": n_soal,
        "versions": n_versi,
        **ukur_format("xlsx", tim, kerja),
    }


def main():
    from eviden.instrumen import baca_berkas, muat_instrumen

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    instrumen = muat_instrumen(data=baca_berkas(settings.INSTRUMEN_DEFAULT)).instrumen
    user = User.objects.create_user(
        username="bench-ekspor", nama_lengkap="Pegawai Bench Ekspor", password=None
    )
    siap = time.perf_counter() - t0
    kerja = Path(tempfile.mkdtemp(prefix="kerja-", dir=DATA_SENDIRI))
    laporan = {
        "benchmark": "exports: evidence ZIP (throughput, child memory), PDF report, Excel",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "database": connection.vendor,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "setup_s (migrate, demo)": round(siap, 1),
    }
    laporan["zip_local"] = bagian_zip(instrumen, user, kerja)
    laporan["zip_s3"] = bagian_s3(instrumen, user, kerja)
    laporan["pdf_demo"] = bagian_pdf(kerja)
    laporan["xlsx_full_team"] = bagian_xlsx(instrumen, user, kerja)
    keluar = ROOT / os.environ.get("BENCH_DIR", "var/bench") / "ekspor.json"
    keluar.parent.mkdir(parents=True, exist_ok=True)
    keluar.write_text(json.dumps(laporan, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(laporan, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    if ANAK:
        modul, tim_id, pilih, keluar = sys.argv[2:6]
        anak(modul, int(tim_id), pilih, keluar, "--deflate" in sys.argv[6:])
    else:
        try:
            main()
        finally:
            if DB_SENDIRI:
                connection.close()
                _basis.hapus(DB_SENDIRI)
            shutil.rmtree(DATA_SENDIRI, ignore_errors=True)
