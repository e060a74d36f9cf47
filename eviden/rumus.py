"""The small formula language of % soal, e.g. ``bagi(perubahan, agen, 0)``.

Formulas are data in the instrument file, so they are parsed with ``ast`` and evaluated by
walking a whitelist of node types: numbers, variable names, ``+ - * /``, unary minus,
comparisons and two functions, ``bagi(a, b, d)`` (a ÷ b, or d when b is 0) and
``jika(syarat, x, y)``. Nothing else (attributes, calls of other names, subscripts) is
accepted, so a formula can never run code. Results are clamped to [0, 1].
"""

import ast
import operator
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


def hitung(rumus, nilai):
    """Evaluate ``rumus`` with ``nilai`` (name → number); return a Decimal in [0, 1].

    Returns None when an input is missing (not answered yet).
    """
    tree, names = parse(rumus)
    if any(nilai.get(n) is None for n in names):
        return None
    try:
        hasil = _eval(tree, {k: Decimal(str(v)) for k, v in nilai.items() if v is not None})
    except (InvalidOperation, DivisionByZero) as exc:
        raise RumusError(str(exc)) from exc
    if isinstance(hasil, bool):
        hasil = Decimal(int(hasil))
    return min(max(hasil, Decimal(0)), Decimal(1))
