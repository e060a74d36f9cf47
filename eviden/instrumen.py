"""Load an LKE instrument file (format ``zi-portal-instrumen/1``) into the database.

The file is checked completely before anything is written: weights must add up at every
level (komponen 100 in total, each node the sum of its children, each Pokja area the sum
of its pemenuhan and reform parts), answer types must carry the right options, % formulas
may only use their Jumlah inputs. The rules on those inputs (``syarat``: comparisons in the
formula language with a message) and the texts in words (``uraian``, ``uraian_rumus``,
``catatan_batas``) may only name the soal's inputs, and every % soal must explain its
formula in words. A refused file names the offending node or soal.

``acuan_skor`` names, by kode, the parts the score and the predicate rules read (which
komponen is pengungkit, which soal is the IPAK survey, …) and the top of the 0–4 index
scale, so the scoring code holds no literal of the instrument.

Loading is idempotent: the instrument is keyed by its ``kode`` and remembers the SHA-256
of the file's content; loading the same content again writes nothing. A version is
immutable once a worksheet uses it: frozen submissions, scores and assessor answers point
at its soal, so a changed file for a version in use is refused (give the file a new
``kode``: that loads a new version beside the old one). A version nobody uses yet is
updated in place (ids stay).
"""

import ast
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from . import rumus as rumus_mod
from .models import AmbangPredikat, Instrumen, JenisJawaban, Node, Soal, SoalMasukan

FORMAT = "zi-portal-instrumen/1"
LEVEL_BERIKUT = {
    None: Node.Level.KOMPONEN,
    Node.Level.KOMPONEN: Node.Level.SUB_KOMPONEN,
    Node.Level.SUB_KOMPONEN: Node.Level.AREA,
    Node.Level.AREA: Node.Level.SUB_AREA,
    Node.Level.SUB_AREA: Node.Level.SUB_AREA,  # nested sub-area (e.g. LHKPN / non-LHKPN)
}
JUMLAH_OPSI = {
    JenisJawaban.YA_TIDAK: 2,
    JenisJawaban.ABC: 3,
    JenisJawaban.ABCD: 4,
    JenisJawaban.ABCDE: 5,
}
KOLOM_AMBANG = (
    "total",
    "pengungkit",
    "persen_area",
    "ipak",
    "capaian_kinerja",
    "birokrasi_bersih",
    "pelayanan_prima",
)
TOTAL = Decimal(100)
# What the score reads, by kode: nodes (sums) and soal (single values) of the instrument.
ACUAN_NODE = ("pengungkit", "hasil", "pemenuhan", "reform", "bersih", "prima")
ACUAN_SOAL = ("ipak", "capaian", "ipkp")
BATAS_NILAI = ("atas", "bawah")
PANJANG_URAIAN = Soal._meta.get_field("uraian").max_length


class InstrumenTidakSah(ValueError):
    """The file was refused; ``kesalahan`` lists every problem found."""

    def __init__(self, kesalahan):
        self.kesalahan = list(kesalahan)
        super().__init__("Berkas instrumen ditolak:\n- " + "\n- ".join(self.kesalahan))


@dataclass
class HasilMuat:
    instrumen: Instrumen
    berubah: bool
    jumlah_node: int
    jumlah_soal: int


def _angka(nilai, konteks, kesalahan):
    try:
        d = Decimal(str(nilai))
    except (InvalidOperation, TypeError):
        kesalahan.append(f"{konteks}: angka tidak sah {nilai!r}")
        return None
    if not d.is_finite():
        kesalahan.append(f"{konteks}: angka tidak sah {nilai!r}")
        return None
    return d


def _fmt(d):
    return format(d.normalize(), "f") if d is not None else "?"


def periksa(data):
    """Check a parsed instrument file; return the flat node and soal lists or raise."""
    kesalahan = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InstrumenTidakSah([f"format berkas harus {FORMAT!r}"])
    for kunci in (
        "kode",
        "nama",
        "tahun",
        "regulasi",
        "nodes",
        "ambang",
        "area_pokja",
        "acuan_skor",
    ):
        if kunci not in data:
            kesalahan.append(f"kunci {kunci!r} tidak ada")
    if kesalahan:
        raise InstrumenTidakSah(kesalahan)

    nodes, soal_list = [], []
    kode_node, kode_soal = set(), set()

    def jalan(node, induk, level_induk):
        kode = node.get("kode", "?")
        label = f"node {kode} «{node.get('nama', '')}»"
        if kode in kode_node:
            kesalahan.append(f"{label}: kode ganda")
        kode_node.add(kode)
        level = node.get("level")
        if level != LEVEL_BERIKUT[level_induk] and not (
            level_induk == Node.Level.SUB_KOMPONEN and level == Node.Level.SUB_AREA
        ):
            kesalahan.append(f"{label}: level {level!r} tidak boleh di bawah {level_induk!r}")
        bobot = _angka(node.get("bobot"), label, kesalahan)
        nodes.append((node, induk, bobot))
        anak = node.get("children") or []
        soal = node.get("soal") or []
        if level == Node.Level.AREA and node.get("area_pokja") not in range(1, 7):
            kesalahan.append(f"{label}: area harus punya area_pokja 1–6")
        if not anak and not soal:
            kesalahan.append(f"{label}: tidak punya anak maupun soal")
        if anak:
            jumlah = sum((_angka(a.get("bobot"), label, kesalahan) or 0) for a in anak)
            if bobot is not None and jumlah != bobot:
                kesalahan.append(
                    f"{label}: bobot {_fmt(bobot)} tidak sama dengan jumlah bobot "
                    f"di bawahnya {_fmt(Decimal(jumlah))}"
                )
        berbobot = [s for s in soal if s.get("bobot") is not None]
        if berbobot:
            jumlah = sum((_angka(s["bobot"], label, kesalahan) or 0) for s in berbobot)
            if bobot is not None and (jumlah != bobot or len(berbobot) != len(soal)):
                kesalahan.append(
                    f"{label}: bobot {_fmt(bobot)} tidak sama dengan jumlah bobot soalnya "
                    f"{_fmt(Decimal(jumlah))}"
                )
        for s in soal:
            soal_list.append((s, node))
            if s.get("kode") in kode_soal:
                kesalahan.append(f"soal {s.get('kode')}: kode ganda")
            kode_soal.add(s.get("kode"))
        for a in anak:
            jalan(a, node, level)

    for komponen in data["nodes"]:
        jalan(komponen, None, None)

    total = sum((b or 0) for n, induk, b in nodes if induk is None)
    if total != TOTAL:
        kesalahan.append(f"jumlah bobot komponen {_fmt(Decimal(total))}, seharusnya 100")

    for area in data["area_pokja"]:
        nomor = area.get("nomor")
        harus = _angka(area.get("bobot"), f"area Pokja {nomor}", kesalahan)
        bagian = [
            (n, b)
            for n, _i, b in nodes
            if n.get("level") == "area" and n.get("area_pokja") == nomor
        ]
        jumlah = sum((b or 0) for _n, b in bagian)
        if harus is not None and jumlah != harus:
            kode = ", ".join(n["kode"] for n, _b in bagian) or "-"
            kesalahan.append(
                f"area Pokja {nomor} «{area.get('nama', '')}»: bobot {_fmt(harus)} tidak sama "
                f"dengan jumlah node {kode} = {_fmt(Decimal(jumlah))}"
            )

    jumlah_by_kode = {s["kode"]: s for s, _n in soal_list if s.get("jenis") == JenisJawaban.JUMLAH}
    for s, _node in soal_list:
        label = f"soal {s.get('kode')}"
        jenis = s.get("jenis")
        if jenis not in JenisJawaban.values:
            kesalahan.append(f"{label}: jenis jawaban {jenis!r} tidak dikenal")
            continue
        if not (s.get("teks") or "").strip():
            kesalahan.append(f"{label}: teks pertanyaan kosong")
        if jenis in JUMLAH_OPSI:
            opsi = s.get("opsi") or []
            if len(opsi) != JUMLAH_OPSI[jenis]:
                kesalahan.append(
                    f"{label}: {jenis} perlu {JUMLAH_OPSI[jenis]} opsi, ada {len(opsi)}"
                )
            for o in opsi:
                nilai = _angka(o.get("nilai"), label, kesalahan)
                if nilai is not None and not (0 <= nilai <= 1):
                    kesalahan.append(f"{label}: nilai opsi {o.get('kode')} di luar 0–1")
        if jenis == JenisJawaban.PERSEN:
            nama_masukan = set()
            for m in s.get("masukan") or []:
                nama_masukan.add(m.get("nama"))
                if m.get("soal") not in jumlah_by_kode:
                    kesalahan.append(f"{label}: masukan {m.get('soal')!r} bukan soal Jumlah")
            try:
                _tree, dipakai = rumus_mod.parse(s.get("rumus") or "")
            except rumus_mod.RumusError as exc:
                kesalahan.append(f"{label}: {exc}")
            else:
                if not dipakai or not dipakai <= nama_masukan:
                    kesalahan.append(
                        f"{label}: rumus memakai {sorted(dipakai - nama_masukan) or 'tidak ada'} "
                        "yang bukan masukannya"
                    )
            _periksa_uraian(s, label, nama_masukan, kesalahan)
        elif s.get("rumus"):
            kesalahan.append(f"{label}: hanya soal persen yang boleh punya rumus")
        if jenis != JenisJawaban.PERSEN and any(s.get(k) for k in KOLOM_URAIAN):
            kesalahan.append(f"{label}: hanya soal persen yang boleh punya syarat atau uraian")

    for predikat in ("WBK", "WBBM"):
        ambang = data["ambang"].get(predikat)
        if not isinstance(ambang, dict):
            kesalahan.append(f"ambang {predikat} tidak ada")
            continue
        for kolom in KOLOM_AMBANG:
            _angka(ambang.get(kolom), f"ambang {predikat}.{kolom}", kesalahan)

    _periksa_acuan(data["acuan_skor"], nodes, soal_list, kesalahan)

    if kesalahan:
        raise InstrumenTidakSah(kesalahan)
    return nodes, soal_list


def _periksa_acuan(acuan, nodes, soal_list, kesalahan):
    if not isinstance(acuan, dict):
        kesalahan.append("acuan_skor harus berupa objek")
        return
    asing = set(acuan) - {*ACUAN_NODE, *ACUAN_SOAL, "skala_indeks"}
    if asing:
        kesalahan.append(f"acuan_skor: kunci tidak dikenal {sorted(asing)}")
    node_kode = {n["kode"] for n, _i, _b in nodes}
    soal_jenis = {s.get("kode"): s.get("jenis") for s, _n in soal_list}
    for kunci in ACUAN_NODE:
        if acuan.get(kunci) not in node_kode:
            kesalahan.append(f"acuan_skor.{kunci}: node {acuan.get(kunci)!r} tidak ada")
    for kunci in ACUAN_SOAL:
        if acuan.get(kunci) not in soal_jenis:
            kesalahan.append(f"acuan_skor.{kunci}: soal {acuan.get(kunci)!r} tidak ada")
    skala = _angka(acuan.get("skala_indeks"), "acuan_skor.skala_indeks", kesalahan)
    if skala is not None and skala <= 0:
        kesalahan.append("acuan_skor.skala_indeks harus lebih dari 0")


KOLOM_URAIAN = ("syarat", "uraian", "uraian_rumus", "catatan_batas")


def _periksa_teks(teks, konteks, nama_masukan, kesalahan):
    """A template may only hold ``{name}`` placeholders of the soal's inputs."""
    if not isinstance(teks, str):
        kesalahan.append(f"{konteks}: harus berupa teks")
        return
    sisa = rumus_mod.PLACEHOLDER.sub("", teks)
    if "{" in sisa or "}" in sisa:
        kesalahan.append(f"{konteks}: kurung kurawal hanya untuk tempat isi {{nama}}")
    asing = rumus_mod.placeholder(teks) - nama_masukan
    if asing:
        kesalahan.append(f"{konteks}: tempat isi {sorted(asing)} bukan masukannya")


def _periksa_uraian(s, label, nama_masukan, kesalahan):
    """Check the syarat, uraian, uraian_rumus and catatan_batas of a % soal."""
    syarat = s.get("syarat") or []
    if not isinstance(syarat, list):
        kesalahan.append(f"{label}: syarat harus berupa daftar")
        syarat = []
    for i, aturan in enumerate(syarat, start=1):
        konteks = f"{label}: syarat {i}"
        if not isinstance(aturan, dict) or set(aturan) != {"rumus", "pesan"}:
            kesalahan.append(f"{konteks}: harus berisi tepat 'rumus' dan 'pesan'")
            continue
        konteks = f"{label}: syarat {aturan['rumus']!r}"
        pesan = aturan["pesan"]
        if isinstance(pesan, str) and not pesan.strip():
            kesalahan.append(f"{konteks}: pesan kosong")
        _periksa_teks(pesan, f"{konteks}: pesan", nama_masukan, kesalahan)
        try:
            tree, dipakai = rumus_mod.parse(aturan["rumus"])
        except (rumus_mod.RumusError, TypeError) as exc:
            kesalahan.append(f"{konteks}: {exc}")
            continue
        if not isinstance(tree.body, ast.Compare):
            kesalahan.append(f"{konteks}: syarat harus berupa perbandingan")
        if not dipakai <= nama_masukan:
            kesalahan.append(
                f"{konteks}: memakai {sorted(dipakai - nama_masukan)} yang bukan masukannya"
            )
        elif isinstance(pesan, str) and not dipakai <= rumus_mod.placeholder(pesan):
            kesalahan.append(
                f"{konteks}: pesan tidak menyebut {sorted(dipakai - rumus_mod.placeholder(pesan))}"
            )
    uraian_rumus = s.get("uraian_rumus")
    if not isinstance(uraian_rumus, str) or not uraian_rumus.strip():
        kesalahan.append(f"{label}: soal persen perlu uraian_rumus (rumus dalam kata)")
    for kunci in ("uraian", "uraian_rumus"):
        teks = s.get(kunci) or ""
        _periksa_teks(teks, f"{label}: {kunci}", nama_masukan, kesalahan)
        if isinstance(teks, str) and len(teks) > PANJANG_URAIAN:
            kesalahan.append(f"{label}: {kunci} lebih dari {PANJANG_URAIAN} karakter")
    catatan = s.get("catatan_batas") or {}
    if not isinstance(catatan, dict) or not set(catatan) <= set(BATAS_NILAI):
        kesalahan.append(f"{label}: catatan_batas hanya boleh berkunci {list(BATAS_NILAI)}")
    else:
        for kunci, teks in catatan.items():
            _periksa_teks(teks, f"{label}: catatan_batas.{kunci}", nama_masukan, kesalahan)


def sidik(data):
    kanonik = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(kanonik.encode()).hexdigest()


def _hanya_menambah_acuan(instrumen, data):
    if instrumen.acuan_skor:
        return False
    tanpa = {k: v for k, v in data.items() if k != "acuan_skor"}
    return sidik(tanpa) == instrumen.sidik


def baca_berkas(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as exc:
        raise InstrumenTidakSah([f"{path}: bukan JSON yang sah ({exc})"]) from exc


@transaction.atomic
def muat_instrumen(*, data):
    """Check ``data`` and write it; return a ``HasilMuat``. Raises ``InstrumenTidakSah``."""
    nodes, soal_list = periksa(data)
    tanda = sidik(data)
    instrumen = Instrumen.objects.select_for_update().filter(kode=data["kode"]).first()
    if instrumen is not None and instrumen.sidik == tanda:
        return HasilMuat(instrumen, False, len(nodes), len(soal_list))
    if instrumen is not None and _hanya_menambah_acuan(instrumen, data):
        # Files written before ``acuan_skor`` existed: the same content plus the new key.
        instrumen.acuan_skor, instrumen.sidik = data["acuan_skor"], tanda
        instrumen.save(update_fields=["acuan_skor", "sidik", "dimuat_pada"])
        return HasilMuat(instrumen, True, len(nodes), len(soal_list))
    if instrumen is not None:
        dipakai = instrumen.lembar_kerja.count()
        if dipakai:
            raise InstrumenTidakSah(
                [
                    f"instrumen {instrumen.kode} sudah dipakai oleh {dipakai} lembar kerja, "
                    "jadi isinya tidak boleh diubah (jawaban, pengajuan dan nilai menunjuk "
                    "soalnya). Beri berkas ini kode versi baru, mis. "
                    f"{instrumen.kode}-REV1, lalu muat lagi."
                ]
            )

    atribut = {
        "nama": data["nama"],
        "tahun": data["tahun"],
        "regulasi": data["regulasi"],
        "sumber": data.get("sumber", ""),
        "bobot_area": {str(a["nomor"]): str(a["bobot"]) for a in data["area_pokja"]},
        "acuan_skor": data["acuan_skor"],
        "sidik": tanda,
    }
    if instrumen is None:
        instrumen = Instrumen.objects.create(kode=data["kode"], **atribut)
    else:
        for k, v in atribut.items():
            setattr(instrumen, k, v)
        instrumen.save()

    for predikat in ("WBK", "WBBM"):
        a = data["ambang"][predikat]
        AmbangPredikat.objects.update_or_create(
            instrumen=instrumen,
            predikat=predikat,
            defaults={
                **{k: Decimal(str(a[k])) for k in KOLOM_AMBANG},
                "syarat_predikat": a.get("syarat_predikat", ""),
            },
        )

    node_db = _simpan_node(instrumen, nodes)
    soal_db = _simpan_soal(instrumen, soal_list, node_db)
    _simpan_masukan(soal_list, soal_db)
    return HasilMuat(instrumen, True, len(nodes), len(soal_list))


def _simpan_node(instrumen, nodes):
    """Save nodes level by level (kode depth), so each level can point at saved parents."""
    per_kedalaman = {}
    for node, induk, bobot in nodes:
        per_kedalaman.setdefault(node["kode"].count("."), []).append((node, induk, bobot))
    hasil = {}
    for kedalaman in sorted(per_kedalaman):
        baris = {
            node["kode"]: {
                "induk": hasil[induk["kode"]] if induk else None,
                "level": node["level"],
                "nama": node["nama"],
                "urutan": node["urutan"],
                "bobot": bobot,
                "area_pokja": node.get("area_pokja"),
            }
            for node, induk, bobot in per_kedalaman[kedalaman]
        }
        hasil.update(_buat_atau_ubah(Node, instrumen, baris))
    Node.objects.filter(instrumen=instrumen).exclude(kode__in=hasil.keys()).delete()
    return hasil


def _buat_atau_ubah(model, instrumen, baris):
    """Create or update ``model`` rows of ``instrumen`` keyed by kode; return them by kode."""
    kolom = list(next(iter(baris.values())))
    ada = {o.kode: o for o in model.objects.filter(instrumen=instrumen, kode__in=baris.keys())}
    baru, ubah = [], []
    for kode, nilai in baris.items():
        obj = ada.get(kode)
        if obj is None:
            baru.append(model(instrumen=instrumen, kode=kode, **nilai))
        elif any(_beda(getattr(obj, k), v) for k, v in nilai.items()):
            for k, v in nilai.items():
                setattr(obj, k, v)
            ubah.append(obj)
    model.objects.bulk_create(baru)
    if ubah:
        model.objects.bulk_update(ubah, kolom)
    return {o.kode: o for o in model.objects.filter(instrumen=instrumen, kode__in=baris.keys())}


def _beda(lama, baru):
    if isinstance(lama, Decimal) or isinstance(baru, Decimal):
        return lama is None or baru is None or Decimal(lama) != Decimal(baru)
    if isinstance(lama, Node) or isinstance(baru, Node):
        return getattr(lama, "pk", None) != getattr(baru, "pk", None)
    return lama != baru


def _simpan_soal(instrumen, soal_list, node_db):
    # Each soal inherits the Pokja area of its area ancestor (node codes nest by prefix).
    area_by_node = {}
    for kode, node in node_db.items():
        induk = node
        while induk is not None and induk.area_pokja is None:
            induk = node_db.get(induk.kode.rsplit(".", 1)[0]) if "." in induk.kode else None
        area_by_node[kode] = induk.area_pokja if induk is not None else None
    baris = {}
    for s, node in soal_list:
        baris[s["kode"]] = {
            "node": node_db[node["kode"]],
            "nomor_bank": s.get("nomor_bank"),
            "urutan": s["urutan"],
            "jenis": s["jenis"],
            "teks": s["teks"].strip(),
            "kriteria": (s.get("kriteria") or "").strip(),
            "opsi": s.get("opsi") or [],
            "bobot": Decimal(str(s["bobot"])) if s.get("bobot") is not None else None,
            "panduan_eviden": s.get("panduan_eviden") or [],
            "rumus": s.get("rumus") or "",
            "penjelasan_rumus": s.get("penjelasan_rumus") or "",
            "syarat_masukan": s.get("syarat") or [],
            "uraian": s.get("uraian") or "",
            "uraian_rumus": s.get("uraian_rumus") or "",
            "catatan_batas": s.get("catatan_batas") or {},
            "excel_baris": s.get("excel_baris"),
            "area_pokja": area_by_node.get(node["kode"]),
        }
    Soal.objects.filter(instrumen=instrumen).exclude(kode__in=baris.keys()).delete()
    return _buat_atau_ubah(Soal, instrumen, baris)


def _simpan_masukan(soal_list, soal_db):
    persen = [s for s, _n in soal_list if s["jenis"] == JenisJawaban.PERSEN]
    target = {
        (soal_db[s["kode"]].pk, m["nama"], soal_db[m["soal"]].pk, i)
        for s in persen
        for i, m in enumerate(s.get("masukan") or [], start=1)
    }
    ada_qs = SoalMasukan.objects.filter(soal__in=[soal_db[s["kode"]] for s in persen])
    ada = {(m.soal_id, m.nama, m.masukan_id, m.urutan): m.pk for m in ada_qs}
    SoalMasukan.objects.filter(pk__in=[pk for k, pk in ada.items() if k not in target]).delete()
    SoalMasukan.objects.bulk_create(
        SoalMasukan(soal_id=s, nama=n, masukan_id=m, urutan=u)
        for s, n, m, u in sorted(target - set(ada))
    )
