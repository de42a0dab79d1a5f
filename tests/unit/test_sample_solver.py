"""The sample engine's reading of checks: SQL's three-valued logic, and rows mended to meet a check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest

from agent.sample.expressions import Unsupported, truth
from agent.sample.solver import CheckRule, mend

D = dt.date


@pytest.mark.parametrize(("check", "row", "expected"), [
    ("a IS DISTINCT FROM b", {"a": 1, "b": None}, True),
    ("a <> b", {"a": 1, "b": None}, None),
    ("a IS NOT DISTINCT FROM b", {"a": None, "b": None}, True),
    ("e >= s + 1", {"e": D(2024, 1, 2), "s": D(2024, 1, 1)}, True),
    ("e >= s + interval '2 days'", {"e": D(2024, 1, 2), "s": D(2024, 1, 1)}, False),
    ("q NOT IN (1, 2) AND q BETWEEN 0 AND 5", {"q": 3}, True),
    ("q IN (1, NULL)", {"q": 3}, None),
    ("char_length(c) >= 3 AND c ~ '^[A-Z]+$'", {"c": "ABC"}, True),
    ("NOT (p > q)", {"p": Decimal("1.5"), "q": 2}, True),
    ("x IS NULL OR y IS NOT NULL", {"x": 1, "y": None}, False),
    ("coalesce(x, 0) > 0", {"x": None}, False),
])
def test_checks_read_as_postgresql_reads_them(check: str, row: dict[str, Any], expected: bool | None) -> None:
    assert truth(check, row) is expected


def test_what_it_cannot_read_is_said_so() -> None:
    with pytest.raises(Unsupported):
        truth("md5(c) = 'x'", {"c": "a"})


class _Space:
    """Every column free; candidates 0..9 for numbers, later dates for dates."""

    def __init__(self, nullable: set[str]) -> None:
        self.nulls = nullable

    def free(self, column: str) -> bool:
        return True

    def nullable(self, column: str) -> bool:
        return column in self.nulls

    def candidates(self, column: str, row: dict[str, Any]) -> Iterable[Any]:
        value = row.get(column)
        if isinstance(value, dt.date):
            return [value + dt.timedelta(days=n) for n in range(1, 5)]
        return list(range(10))

    def fit(self, column: str, value: Any) -> Any:
        return value


@pytest.mark.parametrize(("check", "row"), [
    ("end_on >= start_on + 1", {"start_on": D(2024, 3, 1), "end_on": D(2024, 2, 1)}),
    ("end_on IS NULL OR end_on >= start_on + interval '2 days'", {"start_on": D(2024, 3, 1), "end_on": D(2024, 3, 1)}),
    ("a IS DISTINCT FROM b", {"a": 4, "b": 4}),
    ("a <> b AND a BETWEEN 2 AND 3", {"a": 7, "b": 2}),
    ("(s = 'OPEN' AND q > 2) OR s <> 'OPEN'", {"s": "OPEN", "q": 1}),
    ("char_length(c) >= 5", {"c": "ab"}),
    ("c ~ '^[A-Z]{2}-[0-9]{3}$'", {"c": "nope"}),
    ("NOT (q IN (1, 2, 3))", {"q": 2}),
])
def test_a_row_breaking_a_check_is_mended_until_it_holds(check: str, row: dict[str, Any]) -> None:
    rule = CheckRule.read("c", check)
    assert truth(check, row) is False
    assert mend([rule], row, _Space({"end_on"}), lambda _: None) is None
    assert truth(check, row) is not False
