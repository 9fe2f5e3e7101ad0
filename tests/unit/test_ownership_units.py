"""Blocks, not only files: the function around an AI block decides its class when it is core."""

from __future__ import annotations

from ownwise.attribution.document import split_lines
from ownwise.ownership.units import enclosing_unit, unit_verdict

ROUTES = '''\
import hmac
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items():
    return []


def authenticate(given, stored):
    if not given:
        return False
    return hmac.compare_digest(given, stored)


def plain(x):
    y = x + 1
    return y
'''


def test_a_block_in_a_security_function_of_a_crud_file_is_core() -> None:
    lines = split_lines(ROUTES)
    start = next(i for i, ln in enumerate(lines) if "compare_digest" in ln)
    unit = unit_verdict("app/routes.py", lines, start, start)
    assert unit is not None and unit.core and unit.name == "authenticate"
    assert unit.why == "the function authenticate is core: it uses hmac (security)"
    assert (unit.start_line, unit.end_line) == (11, 14)
    plain = next(i for i, ln in enumerate(lines) if "y = x + 1" in ln)
    other = unit_verdict("app/routes.py", lines, plain, plain)
    assert other is not None and not other.core and other.why == "the function plain: 0 branch points"
    assert unit_verdict("app/routes.py", lines, 3, 3) is None  # module level: no function


def test_branching_functions_are_core_in_braced_languages() -> None:
    body = "".join(f"    if (x === {i}) {{ y += {i}; }}\n" for i in range(12))
    ts = f"export function score(x: number): number {{\n  let y = 0;\n{body}  return y;\n}}\n\nconst id = (v) => v;\n"
    lines = split_lines(ts)
    unit = unit_verdict("src/score.ts", lines, 5, 6)
    assert unit is not None and unit.core and unit.why == "the function score is core: 12 branch points"
    go = "package x\n\nfunc (s *S) Run(x int) int {\n\tif x > 1 {\n\t\treturn 2\n\t}\n\treturn x\n}\n"
    assert enclosing_unit(split_lines(go), 4, 4, "go") == ("Run", 2, 7)


def test_nested_python_functions_and_methods() -> None:
    src = "class A:\n    def m(self, x):\n        def inner(y):\n            return y\n        return inner(x)\n"
    lines = split_lines(src)
    assert enclosing_unit(lines, 3, 3, "python") == ("inner", 2, 3)
    assert enclosing_unit(lines, 4, 4, "python") == ("m", 1, 4)
    assert enclosing_unit(lines, 2, 4, "python") == ("m", 1, 4)  # the block spans inner and beyond
