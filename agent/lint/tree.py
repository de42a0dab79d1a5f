"""pglast's own syntax trees, parsed without pglast's per-attribute checks.

`pglast.parser.parse_sql` builds every node through `Node.__setattr__`, which checks and
coerces each attribute in Python: three quarters of a migration's parse time. The parser
already gives every attribute its final type (bools, tuples, enum members, nodes), so while
the linter parses, `Node` sets attributes as `object` does, and gets its checks back after.
One exception, found by comparing the trees and by reading pglast's `ast.pyx`: the value of
a boolean constant (`Boolean.boolval`) comes as an int, which the check turns into a bool,
so `Boolean` keeps its check.

Only in a process with a single thread: nodes that another thread builds by hand meanwhile
need the checks (the service renders migrations beside a lint job), and there the checks
stay on. `tests/lint/test_lint_tree.py` compares the trees with pglast's checked parse,
attribute by attribute and type by type.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pglast import ast

from agent.sql import parsing

__all__ = ["parse_sql", "unchecked_nodes"]

_CHECKED_SETATTR = ast.Node.__dict__["__setattr__"]


@contextmanager
def unchecked_nodes() -> Iterator[None]:
    """pglast's attribute checks off for the parses inside (switching costs about 0.1 ms,
    so a batch of files is parsed in one `with`). Nested uses leave it to the outer one."""
    if not _single_threaded() or ast.Node.__dict__["__setattr__"] is not _CHECKED_SETATTR:
        yield
        return
    type.__setattr__(ast.Node, "__setattr__", object.__setattr__)
    type.__setattr__(ast.Boolean, "__setattr__", _CHECKED_SETATTR)
    try:
        yield
    finally:
        type.__delattr__(ast.Boolean, "__setattr__")
        type.__setattr__(ast.Node, "__setattr__", _CHECKED_SETATTR)


def _single_threaded() -> bool:
    return threading.active_count() == 1


def parse_sql(text: str) -> tuple[ast.RawStmt, ...]:
    """`agent.sql.parsing.parse_sql(text)`, the same tree built faster; raises pglast's `ParseError`."""
    with unchecked_nodes():
        return parsing.parse_sql(text)
