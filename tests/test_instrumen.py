"""Loading the LKE instrument: the 2026 bank, every weight, idempotence, refusals."""

import copy
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from eviden.instrumen import InstrumenTidakSah, baca_berkas, muat_instrumen
from eviden.models import AmbangPredikat, Instrumen, JenisJawaban, Node, Soal, SoalMasukan
from eviden.rumus import parse, placeholder

pytestmark = pytest.mark.django_db

# PermenPANRB 90/2021 Tabel 3 (area weights) and Lampiran III (sub-indicator weights).
BOBOT_AREA = {1: 8, 2: 7, 3: 10, 4: 10, 5: 15, 6: 10}
BOBOT_SUB_AREA_PEMENUHAN_1 = [Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("1.5")]


@pytest.fixture
def data():
    return baca_berkas(settings.INSTRUMEN_DEFAULT)


def test_it_loads_the_127_soal_of_the_2026_bank_with_derived_percent_items(instrumen):
    soal = Soal.objects.filter(instrumen=instrumen)
    assert soal.exclude(nomor_bank=None).count() == 127
    assert sorted(soal.exclude(nomor_bank=None).values_list("nomor_bank", flat=True)) == list(
        range(1, 128)
    )
    assert soal.filter(jenis=JenisJawaban.JUMLAH).count() == 22
    persen = soal.filter(jenis=JenisJawaban.PERSEN)
    assert persen.count() == 8
    assert not persen.exclude(nomor_bank=None).exists()
    # Every Jumlah input feeds exactly one % item, and each % item uses only Jumlah inputs.
    masukan = SoalMasukan.objects.filter(soal__instrumen=instrumen)
    assert masukan.count() == 22
    assert set(masukan.values_list("masukan__jenis", flat=True)) == {JenisJawaban.JUMLAH}
    assert masukan.values("masukan").distinct().count() == 22


def test_weights_match_the_regulation(instrumen):
    nodes = Node.objects.filter(instrumen=instrumen)
    komponen = {n.nama: n.bobot for n in nodes.filter(level=Node.Level.KOMPONEN)}
    assert komponen == {"Pengungkit": 60, "Hasil": 40}
    sub = {n.kode: n.bobot for n in nodes.filter(level=Node.Level.SUB_KOMPONEN)}
    assert sub == {"A.I": 30, "A.II": 30, "B.I": Decimal("22.5"), "B.II": Decimal("17.5")}
    for area, bobot in BOBOT_AREA.items():
        parts = nodes.filter(level=Node.Level.AREA, area_pokja=area)
        assert [p.kode[:4] for p in parts.order_by("kode")] == ["A.I.", "A.II"]
        assert sum(p.bobot for p in parts) == bobot
        # Pemenuhan and reform each carry half the area weight.
        assert {p.bobot for p in parts} == {Decimal(bobot) / 2}
    sub_area_1 = nodes.filter(induk__kode="A.I.1").order_by("urutan")
    assert [n.bobot for n in sub_area_1] == BOBOT_SUB_AREA_PEMENUHAN_1
    # Every node with children carries exactly the sum of its children.
    for node in nodes:
        anak = list(node.anak.all())
        if anak:
            assert sum(a.bobot for a in anak) == node.bobot, node.kode
    # Hasil soal carry their own weights: IPAK 17.5 + capaian kinerja 5, IPKP 17.5.
    hasil = dict(
        Soal.objects.filter(instrumen=instrumen, bobot__isnull=False).values_list(
            "nomor_bank", "bobot"
        )
    )
    assert hasil == {125: Decimal("17.5"), 126: Decimal("5"), 127: Decimal("17.5")}
    assert instrumen.bobot_area == {str(k): str(v) for k, v in BOBOT_AREA.items()}


def test_thresholds_are_data_of_the_instrument(instrumen):
    wbk = AmbangPredikat.objects.get(instrumen=instrumen, predikat="WBK")
    wbbm = AmbangPredikat.objects.get(instrumen=instrumen, predikat="WBBM")
    assert (wbk.total, wbk.pengungkit, wbk.persen_area) == (75, 40, 60)
    assert (wbk.ipak, wbk.capaian_kinerja, wbk.birokrasi_bersih, wbk.pelayanan_prima) == (
        Decimal("15.75"),
        Decimal("2.5"),
        Decimal("18.25"),
        Decimal("14"),
    )
    assert (wbbm.total, wbbm.pengungkit, wbbm.persen_area) == (85, 48, 75)
    assert (wbbm.capaian_kinerja, wbbm.birokrasi_bersih, wbbm.pelayanan_prima) == (
        Decimal("3.75"),
        Decimal("19.5"),
        Decimal("15.75"),
    )
    assert wbbm.syarat_predikat == "WBK"


def test_answer_types_carry_their_multipliers(instrumen):
    harapan = {
        JenisJawaban.YA_TIDAK: ["1", "0"],
        JenisJawaban.ABC: ["1", "0.5", "0"],
        JenisJawaban.ABCD: ["1", "0.67", "0.33", "0"],
        JenisJawaban.ABCDE: ["1", "0.75", "0.5", "0.25", "0"],
    }
    for jenis, nilai in harapan.items():
        for soal in Soal.objects.filter(instrumen=instrumen, jenis=jenis):
            assert [o["nilai"] for o in soal.opsi] == nilai, soal.kode
    pengungkit = Soal.objects.filter(instrumen=instrumen, node__kode__startswith="A.")
    tanpa_panduan = [
        s.kode for s in pengungkit.exclude(jenis=JenisJawaban.JUMLAH) if not s.panduan_eviden
    ]
    assert tanpa_panduan == []


def test_loading_twice_changes_nothing(instrumen, data, django_assert_max_num_queries):
    sebelum = {
        "instrumen": list(Instrumen.objects.values()),
        "node": list(Node.objects.order_by("pk").values()),
        "soal": list(Soal.objects.order_by("pk").values()),
        "masukan": list(SoalMasukan.objects.order_by("pk").values()),
    }
    # Same content: SAVEPOINT, one SELECT ... FOR UPDATE, RELEASE; no write at all.
    with django_assert_max_num_queries(3):
        hasil = muat_instrumen(data=data)
    assert hasil.berubah is False
    sesudah = {
        "instrumen": list(Instrumen.objects.values()),
        "node": list(Node.objects.order_by("pk").values()),
        "soal": list(Soal.objects.order_by("pk").values()),
        "masukan": list(SoalMasukan.objects.order_by("pk").values()),
    }
    assert sesudah == sebelum


def test_a_changed_file_updates_rows_in_place_while_no_worksheet_uses_the_version(instrumen, data):
    soal = Soal.objects.get(instrumen=instrumen, nomor_bank=1)
    ubah = copy.deepcopy(data)
    sub_area = ubah["nodes"][0]["children"][0]["children"][0]["children"][0]
    sub_area["soal"][0]["teks"] = "Unit kerja telah membentuk tim ZI (revisi)"
    assert muat_instrumen(data=ubah).berubah is True
    soal_baru = Soal.objects.get(instrumen=instrumen, nomor_bank=1)
    assert soal_baru.pk == soal.pk
    assert soal_baru.teks == "Unit kerja telah membentuk tim ZI (revisi)"
    assert Soal.objects.filter(instrumen=instrumen).count() == 135


def _satu_soal_dihapus(data):
    ubah = copy.deepcopy(data)
    sub_area = ubah["nodes"][0]["children"][0]["children"][0]["children"][0]
    sub_area["soal"][0]["teks"] = "Teks yang diubah"
    del sub_area["soal"][1]
    return ubah


def test_a_version_in_use_is_immutable_a_changed_file_is_refused_and_writes_nothing(dunia, data):
    instrumen = dunia.lembar.instrumen
    sebelum = (
        list(Soal.objects.order_by("pk").values()),
        list(Node.objects.order_by("pk").values()),
        Instrumen.objects.get(pk=instrumen.pk).sidik,
    )
    with pytest.raises(InstrumenTidakSah) as exc:
        muat_instrumen(data=_satu_soal_dihapus(data))
    assert "sudah dipakai oleh 2 lembar kerja" in str(exc.value)
    assert "LKE-ZI-2026-REV1" in str(exc.value)
    sesudah = (
        list(Soal.objects.order_by("pk").values()),
        list(Node.objects.order_by("pk").values()),
        Instrumen.objects.get(pk=instrumen.pk).sidik,
    )
    assert sesudah == sebelum


def test_a_changed_file_with_a_new_kode_loads_a_new_version_beside_the_old_one(dunia, data):
    lama = dunia.lembar.instrumen
    ubah = _satu_soal_dihapus(data)
    ubah["kode"] = "LKE-ZI-2026-REV1"
    baru = muat_instrumen(data=ubah).instrumen
    assert baru.pk != lama.pk
    assert Soal.objects.filter(instrumen=baru).count() == 134
    assert Soal.objects.filter(instrumen=lama).count() == 135
    assert Soal.objects.get(instrumen=lama, nomor_bank=1).teks != "Teks yang diubah"


def test_the_command_refuses_a_changed_file_for_a_version_in_use(dunia, data, tmp_path):
    berkas = tmp_path / "lke.json"
    berkas.write_text(json.dumps(_satu_soal_dihapus(data)), encoding="utf-8")
    with pytest.raises(CommandError, match="sudah dipakai"):
        call_command("muat_instrumen", str(berkas))


def test_a_file_from_before_acuan_skor_upgrades_a_version_in_use_without_touching_soal(dunia, data):
    """Databases loaded before ``acuan_skor`` existed: the same content plus that key only
    sets the key (and the new fingerprint); any other change is still refused."""
    from eviden.instrumen import sidik

    instrumen = dunia.lembar.instrumen
    lama = {k: v for k, v in data.items() if k != "acuan_skor"}
    Instrumen.objects.filter(pk=instrumen.pk).update(acuan_skor={}, sidik=sidik(lama))
    soal = list(Soal.objects.order_by("pk").values())
    assert muat_instrumen(data=data).berubah is True
    instrumen.refresh_from_db()
    assert instrumen.acuan_skor["ipak"] == "B.I.1"
    assert instrumen.sidik == sidik(data)
    assert list(Soal.objects.order_by("pk").values()) == soal


def test_acuan_skor_must_name_existing_nodes_and_soal(data):
    ubah = copy.deepcopy(data)
    ubah["acuan_skor"]["ipak"] = "B.I.9"
    ubah["acuan_skor"]["pengungkit"] = "Z"
    ubah["acuan_skor"]["skala_indeks"] = "0"
    with pytest.raises(InstrumenTidakSah) as exc:
        muat_instrumen(data=ubah)
    pesan = str(exc.value)
    assert "acuan_skor.ipak: soal 'B.I.9' tidak ada" in pesan
    assert "acuan_skor.pengungkit: node 'Z' tidak ada" in pesan
    assert "skala_indeks harus lebih dari 0" in pesan


def test_the_instrument_is_read_only_in_the_admin(admin_client, instrumen):
    from django.urls import reverse

    soal = Soal.objects.filter(instrumen=instrumen).first()
    r = admin_client.post(reverse("admin:eviden_soal_change", args=[soal.pk]), {"teks": "diubah"})
    assert r.status_code == 403
    assert admin_client.post(reverse("admin:eviden_soal_delete", args=[soal.pk])).status_code == 403
    assert Soal.objects.get(pk=soal.pk).teks == soal.teks


def _node(data, kode):
    tumpukan = list(data["nodes"])
    while tumpukan:
        n = tumpukan.pop()
        if n["kode"] == kode:
            return n
        tumpukan.extend(n.get("children", []))
    raise KeyError(kode)


def test_a_file_whose_weights_do_not_add_up_is_refused_naming_the_node(data):
    rusak = copy.deepcopy(data)
    _node(rusak, "A.I.1.ii")["bobot"] = "1.25"  # Rencana Pembangunan ZI: 1 in the regulation
    with pytest.raises(InstrumenTidakSah) as exc:
        muat_instrumen(data=rusak)
    pesan = str(exc.value)
    assert "A.I.1 «Manajemen Perubahan»" in pesan
    assert "bobot 4 tidak sama dengan jumlah bobot di bawahnya 4.25" in pesan
    assert not Instrumen.objects.exists()  # nothing written


def test_an_area_weight_that_breaks_the_regulation_is_refused(data):
    rusak = copy.deepcopy(data)
    rusak["area_pokja"][4]["bobot"] = "20"  # Penguatan Pengawasan is 15
    with pytest.raises(InstrumenTidakSah, match="area Pokja 5 «Penguatan Pengawasan»: bobot 20"):
        muat_instrumen(data=rusak)


def _persen(data, kode):
    node, _, _nomor = kode.rpartition(".")
    (soal,) = [s for s in _node(data, node)["soal"] if s["kode"] == kode]
    return soal


def _syarat(data):
    """The syarat of "perubahan telah terintegrasi" (A.II.1.i.6)."""
    return _persen(data, "A.II.1.i.6")["syarat"]


@pytest.mark.parametrize(
    ("rusak", "pesan"),
    [
        (lambda d: _node(d, "B").update(bobot="45"), "jumlah bobot komponen 105, seharusnya 100"),
        (
            lambda d: _node(d, "A.I.1.i")["soal"][1]["opsi"].pop(),
            "soal A.I.1.i.2: abc perlu 3 opsi",
        ),
        (
            lambda d: _node(d, "A.II.1.i")["soal"][2].update(rumus="__import__('os')"),
            "soal A.II.1.i.3: fungsi tidak dikenal",
        ),
        (
            lambda d: _node(d, "A.II.1.i")["soal"][2].update(rumus="perubahan / orang"),
            "rumus memakai ['orang'] yang bukan masukannya",
        ),
        (
            lambda d: _node(d, "A.I.1.i")["soal"][0].update(jenis="esai"),
            "soal A.I.1.i.1: jenis jawaban 'esai' tidak dikenal",
        ),
        (lambda d: _node(d, "A.I.1.i").update(soal=[]), "node A.I.1.i «Penyusunan Tim Kerja»"),
        (
            lambda d: _syarat(d)[0].update(rumus="terintegrasi <= orang"),
            "soal A.II.1.i.6: syarat 'terintegrasi <= orang': memakai ['orang'] yang bukan "
            "masukannya",
        ),
        (
            lambda d: _syarat(d)[0].update(rumus="terintegrasi <="),
            "soal A.II.1.i.6: syarat 'terintegrasi <=': rumus tidak dapat dibaca",
        ),
        (
            lambda d: _syarat(d)[0].update(rumus="open('x') <= perubahan"),
            "soal A.II.1.i.6: syarat \"open('x') <= perubahan\": fungsi tidak dikenal",
        ),
        (
            lambda d: _syarat(d)[0].update(rumus="terintegrasi - perubahan"),
            "soal A.II.1.i.6: syarat 'terintegrasi - perubahan': syarat harus berupa perbandingan",
        ),
        (
            lambda d: _syarat(d)[0].update(pesan="Terintegrasi ({terintegrasi}) terlalu banyak."),
            "soal A.II.1.i.6: syarat 'terintegrasi <= perubahan': pesan tidak menyebut "
            "['perubahan']",
        ),
        (
            lambda d: _syarat(d)[0].update(pesan="{terintegrasi} > {perubahan} {orang}"),
            "soal A.II.1.i.6: syarat 'terintegrasi <= perubahan': pesan: tempat isi ['orang'] "
            "bukan masukannya",
        ),
        (
            lambda d: _syarat(d)[0].update(pesan="{terintegrasi.__class__} {perubahan}"),
            "soal A.II.1.i.6: syarat 'terintegrasi <= perubahan': pesan: kurung kurawal hanya",
        ),
        (
            lambda d: _persen(d, "A.II.1.i.6").update(uraian="{terintegrasi} dari {semua}"),
            "soal A.II.1.i.6: uraian: tempat isi ['semua'] bukan masukannya",
        ),
        (
            lambda d: _persen(d, "A.II.1.i.3")["catatan_batas"].update(atas="{agen} < {orang}"),
            "soal A.II.1.i.3: catatan_batas.atas: tempat isi ['orang'] bukan masukannya",
        ),
        (
            lambda d: _persen(d, "A.II.1.i.3")["catatan_batas"].update(tengah="?"),
            "soal A.II.1.i.3: catatan_batas hanya boleh berkunci ['atas', 'bawah']",
        ),
        (
            lambda d: _persen(d, "A.II.1.i.6").update(uraian_rumus=""),
            "soal A.II.1.i.6: soal persen perlu uraian_rumus",
        ),
        (
            lambda d: _persen(d, "A.II.1.i.6").pop("uraian_rumus"),
            "soal A.II.1.i.6: soal persen perlu uraian_rumus",
        ),
        (
            lambda d: _persen(d, "A.II.1.i.5").update(uraian_rumus="jumlah ÷ jumlah"),
            "soal A.II.1.i.5: hanya soal persen yang boleh punya syarat atau uraian",
        ),
    ],
)
def test_broken_files_are_refused_with_a_message(data, rusak, pesan):
    data = copy.deepcopy(data)
    rusak(data)
    with pytest.raises(InstrumenTidakSah) as exc:
        muat_instrumen(data=data)
    assert pesan in str(exc.value)
    assert not Soal.objects.exists()


def test_command_loads_and_reports_no_change_the_second_time(tmp_path, data):
    call_command("muat_instrumen")
    assert Soal.objects.count() == 135
    from io import StringIO

    out = StringIO()
    call_command("muat_instrumen", stdout=out)
    assert "tidak berubah" in out.getvalue()
    rusak = copy.deepcopy(data)
    rusak["kode"] = "LKE-RUSAK"
    _node(rusak, "A.I.5")["bobot"] = "7"
    berkas = tmp_path / "rusak.json"
    berkas.write_text(json.dumps(rusak), encoding="utf-8")
    with pytest.raises(CommandError, match="node A.I.5 «Penguatan Pengawasan»"):
        call_command("muat_instrumen", str(berkas))
    assert not Instrumen.objects.filter(kode="LKE-RUSAK").exists()


# The rules on the Jumlah inputs chosen for each % item (a part may not exceed its whole).
SYARAT = {
    "A.II.1.i.3": [],  # more changes than change agents is allowed (capped at 100 %)
    "A.II.1.i.6": ["terintegrasi <= perubahan"],
    "A.II.3.iii.4": ["disanksi <= tahun_ini"],
    "A.II.4.i.3": ["tercapai <= sasaran"],
    "A.II.5.ii.4": ["selesai <= harus", "diproses <= harus"],
    "A.II.5.iii.a.5": ["sudah_lapor <= kepala + pejabat + lainnya"],
    "A.II.5.iii.b.5": ["sudah_lapor <= administrator + pengawas + fungsional"],
    "A.II.6.i.4": ["dipermudah <= terdaftar"],
}


def test_every_percent_item_explains_itself_in_words_with_only_its_inputs(instrumen):
    persen = Soal.objects.filter(instrumen=instrumen, jenis=JenisJawaban.PERSEN)
    assert {s.kode: [a["rumus"] for a in s.syarat_masukan] for s in persen} == SYARAT
    for soal in persen:
        nama = set(soal.daftar_masukan.values_list("nama", flat=True))
        assert soal.uraian_rumus.strip() and soal.uraian.strip(), soal.kode
        assert "bagi(" not in soal.uraian_rumus and not placeholder(soal.uraian_rumus)
        # The sentence with numbers names every input the formula uses.
        assert placeholder(soal.uraian) == parse(soal.rumus)[1], soal.kode
        assert set(soal.catatan_batas) <= {"atas", "bawah"}, soal.kode
        teks = [soal.uraian, *soal.catatan_batas.values()]
        for aturan in soal.syarat_masukan:
            _tree, dipakai = parse(aturan["rumus"])
            assert dipakai <= nama, (soal.kode, aturan)
            assert placeholder(aturan["pesan"]) >= dipakai, (soal.kode, aturan)
            teks.append(aturan["pesan"])
        for t in teks:
            assert placeholder(t) <= nama, (soal.kode, t)
    # Only the values that can leave [0, 1] carry a note: changes per agent and discipline.
    batas = {s.kode: sorted(s.catatan_batas) for s in persen if s.catatan_batas}
    assert batas == {"A.II.1.i.3": ["atas"], "A.II.3.iii.4": ["bawah"]}
    lain = Soal.objects.filter(instrumen=instrumen).exclude(jenis=JenisJawaban.PERSEN)
    assert not lain.exclude(syarat_masukan=[], uraian="", uraian_rumus="", catatan_batas={})


def test_the_words_are_stored_as_in_the_file(instrumen, data):
    berkas = _persen(data, "A.II.5.iii.a.5")
    soal = Soal.objects.get(instrumen=instrumen, kode="A.II.5.iii.a.5")
    assert soal.syarat_masukan == berkas["syarat"]
    assert (
        soal.uraian
        == berkas["uraian"]
        == ("{sudah_lapor} sudah melapor dari {kepala} + {pejabat} + {lainnya} wajib lapor")
    )
    assert soal.uraian_rumus == berkas["uraian_rumus"]
    assert soal.catatan_batas == {}


def test_a_changed_rule_is_updated_in_place(instrumen, data):
    soal = Soal.objects.get(instrumen=instrumen, kode="A.II.1.i.6")
    ubah = copy.deepcopy(data)
    _syarat(ubah)[0]["pesan"] = "Terintegrasi ({terintegrasi}) > dibuat ({perubahan})."
    assert muat_instrumen(data=ubah).berubah is True
    soal.refresh_from_db()
    assert (
        soal.syarat_masukan[0]["pesan"] == "Terintegrasi ({terintegrasi}) > dibuat ({perubahan})."
    )
