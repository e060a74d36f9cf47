"""The small formula language of % soal, e.g. ``bagi(perubahan, agen, 0)``.

Formulas are data in the instrument file, so they are parsed with ``ast`` and evaluated by
walking a whitelist of node types: numbers, variable names, ``+ - * /``, unary minus,
comparisons and two functions, ``bagi(a, b, d)`` (a ÷ b, or d when b is 0) and
``jika(syarat, x, y)``. Nothing else (attributes, calls of other names, subscripts) is
accepted, so a formula can never run code. Results are clamped to [0, 1].

The same language states the rules (``syarat``) that the Jumlah inputs of a % soal must
satisfy, e.g. ``terintegrasi <= perubahan``; ``periksa_syarat`` returns the messages of the
rules that do not hold. ``uraikan`` fills a sentence template such as
``"{perubahan} perubahan dari {agen} agen perubahan"`` with numbers written the Indonesian
way (1.250; 2,5). Templates are instrument data, so only plain ``{name}`` placeholders are
substituted, by a regular expression; ``str.format`` is never used on them.
"""

import ast
import operator
import re
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

_BINOP = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_CMP = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_FUNGSI = {"bagi": 3, "jika": 3}


class RumusError(ValueError):
    """A formula that cannot be parsed or evaluated."""


def parse(rumus):
    """Parse and check ``rumus``; return ``(tree, variable names used)``."""
    try:
        tree = ast.parse(rumus, mode="eval")
    except SyntaxError as exc:
        raise RumusError(f"rumus tidak dapat dibaca: {rumus!r}") from exc
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNGSI:
                raise RumusError(f"fungsi tidak dikenal dalam rumus {rumus!r}")
            if len(node.args) != _FUNGSI[node.func.id] or node.keywords:
                raise RumusError(f"{node.func.id}() perlu {_FUNGSI[node.func.id]} argumen")
        elif isinstance(node, ast.Name):
            if node.id not in _FUNGSI:
                names.add(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise RumusError(f"konstanta tidak sah dalam rumus {rumus!r}")
        elif not isinstance(
            node,
            (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Load, ast.USub, ast.Div)
            + tuple(_BINOP)
            + tuple(_CMP),
        ):
            raise RumusError(f"bagian rumus tidak diizinkan: {type(node).__name__}")
    return tree, names


def _eval(node, nilai):
    if isinstance(node, ast.Expression):
        return _eval(node.body, nilai)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return nilai[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, nilai)
    if isinstance(node, ast.BinOp):
        kiri, kanan = _eval(node.left, nilai), _eval(node.right, nilai)
        if isinstance(node.op, ast.Div):
            if kanan == 0:
                raise RumusError("pembagian dengan nol")
            return kiri / kanan
        return _BINOP[type(node.op)](kiri, kanan)
    if isinstance(node, ast.Compare):
        kiri = _eval(node.left, nilai)
        for op, pembanding in zip(node.ops, node.comparators, strict=True):
            kanan = _eval(pembanding, nilai)
            if not _CMP[type(op)](kiri, kanan):
                return False
            kiri = kanan
        return True
    if isinstance(node, ast.Call):
        a, b, c = node.args
        if node.func.id == "jika":
            return _eval(b, nilai) if _eval(a, nilai) else _eval(c, nilai)
        pembagi = _eval(b, nilai)
        return _eval(c, nilai) if pembagi == 0 else _eval(a, nilai) / pembagi
    raise RumusError(f"bagian rumus tidak diizinkan: {type(node).__name__}")


@dataclass(frozen=True)
class Hasil:
    """A formula's result: ``mentah`` unclamped, ``nilai`` clamped to [0, 1].

    ``batas`` is ``"atas"`` when ``mentah`` > 1, ``"bawah"`` when ``mentah`` < 0, else ``""``
    (the keys of a soal's ``catatan_batas``). Both values are None while an input is missing.
    """

    nilai: Decimal | None
    mentah: Decimal | None
    batas: str = ""


def _hitung_pohon(tree, names, nilai):
    """Evaluate a parsed tree; None when an input is missing, bools become 0/1."""
    if any(nilai.get(n) is None for n in names):
        return None
    try:
        hasil = _eval(tree, {k: Decimal(str(v)) for k, v in nilai.items() if v is not None})
    except (InvalidOperation, DivisionByZero) as exc:
        raise RumusError(str(exc)) from exc
    if isinstance(hasil, bool):
        hasil = Decimal(int(hasil))
    return hasil


def hitung_rinci(rumus, nilai):
    """Evaluate ``rumus`` with ``nilai`` (name → number); return a ``Hasil``."""
    mentah = _hitung_pohon(*parse(rumus), nilai)
    if mentah is None:
        return Hasil(None, None, "")
    batas = "atas" if mentah > 1 else "bawah" if mentah < 0 else ""
    return Hasil(min(max(mentah, Decimal(0)), Decimal(1)), mentah, batas)


def hitung(rumus, nilai):
    """Evaluate ``rumus`` with ``nilai`` (name → number); return a Decimal in [0, 1].

    Returns None when an input is missing (not answered yet).
    """
    return hitung_rinci(rumus, nilai).nilai


def periksa_syarat(syarat, nilai):
    """Return the filled ``pesan`` of every rule in ``syarat`` that ``nilai`` breaks.

    ``syarat`` is a list of ``{"rumus": "<comparison>", "pesan": "<template>"}``. A rule
    whose inputs are not all filled yet is skipped.
    """
    pesan = []
    for aturan in syarat:
        hasil = _hitung_pohon(*parse(aturan["rumus"]), nilai)
        if hasil is not None and not hasil:
            pesan.append(uraikan(aturan["pesan"], nilai))
    return pesan


# A placeholder is a plain variable name in braces; nothing else in a template is special.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
KOSONG = "…"


def placeholder(teks):
    """Return the set of ``{name}`` placeholder names in ``teks``."""
    return set(PLACEHOLDER.findall(teks or ""))


def angka_id(nilai):
    """Write a number the Indonesian way: ``1250`` → ``1.250``, ``2.5`` → ``2,5``."""
    d = Decimal(str(nilai))
    if d == d.to_integral_value():
        return f"{int(d):,}".replace(",", ".")
    tanda = "-" if d < 0 else ""
    utuh, _, pecahan = format(abs(d).normalize(), "f").partition(".")
    return f"{tanda}{int(utuh):,}".replace(",", ".") + "," + pecahan


def uraikan(teks, nilai):
    """Fill the ``{name}`` placeholders of ``teks`` with the numbers in ``nilai``.

    Missing or empty inputs are written as "…"; anything else in ``teks`` is left as is.
    """

    def isi(cocok):
        v = nilai.get(cocok.group(1))
        return KOSONG if v is None else angka_id(v)

    return PLACEHOLDER.sub(isi, teks or "")
