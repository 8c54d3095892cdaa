"""Grade scales and GPA rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from transcript import BUILTIN_SCALES, THAI_8_LEVEL, THAI_PLUS_MINUS, Rounding, load_scale
from transcript.rules.grades import detect_scale, gpa


def test_eight_level_scale_matches_the_specification() -> None:
    points = {s: g.point for s, g in THAI_8_LEVEL.grades.items() if g.in_gpa}
    assert points == {
        "A": 4, "B+": Decimal("3.5"), "B": 3, "C+": Decimal("2.5"),
        "C": 2, "D+": Decimal("1.5"), "D": 1, "F": 0,
    }  # fmt: skip
    assert [s for s, g in THAI_8_LEVEL.grades.items() if not g.in_gpa and g.earns_credit] == [
        "S", "P", "T",
    ]  # fmt: skip
    assert {s for s, g in THAI_8_LEVEL.grades.items() if not g.in_gpa and not g.earns_credit} == {
        "U", "W", "I", "AU", "X",
    }  # fmt: skip
    assert not THAI_8_LEVEL["F"].earns_credit and THAI_8_LEVEL["F"].in_gpa


def test_plus_minus_scale_matches_the_specification() -> None:
    assert THAI_PLUS_MINUS["A-"].point == Decimal("3.67")
    assert THAI_PLUS_MINUS["B+"].point == Decimal("3.33")
    assert THAI_PLUS_MINUS["C-"].point == Decimal("1.67")
    assert "D+" not in THAI_PLUS_MINUS
    assert set(BUILTIN_SCALES) == {"thai-8-level", "thai-plus-minus"}


def test_symbols_compare_without_case() -> None:
    assert THAI_8_LEVEL["b+"] is THAI_8_LEVEL["B+"]
    assert THAI_8_LEVEL.get("nonsense") is None


@pytest.mark.parametrize(
    ("points", "credits", "truncate", "half_up"),
    [
        ("19.5", "6", "3.25", "3.25"),
        ("34", "9", "3.77", "3.78"),  # 3.777...
        ("10", "3", "3.33", "3.33"),
        ("0", "0", "0.00", "0.00"),  # no credit counted (only S/U grades)
    ],
)
def test_gpa_rounding(points: str, credits: str, truncate: str, half_up: str) -> None:
    p, c = Decimal(points), Decimal(credits)
    assert gpa(p, c, Rounding.TRUNCATE) == Decimal(truncate)
    assert gpa(p, c, Rounding.HALF_UP) == Decimal(half_up)


def test_custom_scale_from_toml(tmp_path) -> None:
    path = tmp_path / "five.toml"
    path.write_text(
        'name = "five-point"\nrounding = "half-up"\n[grades]\nA = 5\nB = 4.25\nF = 0\n'
        "S = { credit = true }\nW = { credit = false }\n"
    )
    scale = load_scale(path)
    assert scale.name == "five-point" and scale.rounding is Rounding.HALF_UP
    assert scale["B"].point == Decimal("4.25")  # not the binary float 4.25000000001
    assert scale["S"].earns_credit and not scale["S"].in_gpa
    assert not scale["W"].earns_credit
    assert scale.max_point == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rounding = "banker"\n[grades]\nA = 4\n', "rounding"),
        ("[grades]\n", "at least one symbol"),
        ('[grades]\nA = "four"\n', "not a number"),
        ("[grades]\nA = -1\n", "0 or more"),
        ("[grades]\nA = { pts = 4 }\n", "unknown keys"),
        ("[grades\n", "not valid TOML"),
    ],
)
def test_bad_scale_files_are_explained(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_scale(path)


def test_unknown_scale_name() -> None:
    with pytest.raises(ValueError, match="thai-8-level"):
        load_scale("no-such-scale")


def test_detect_scale() -> None:
    assert detect_scale([("A", Decimal(4)), ("B+", Decimal("3.5"))]) is THAI_8_LEVEL
    assert detect_scale([("A-", Decimal("3.67"))]) is THAI_PLUS_MINUS
    assert detect_scale([("B+", Decimal("3.33"))]) is THAI_PLUS_MINUS
    assert detect_scale([]) is THAI_8_LEVEL
