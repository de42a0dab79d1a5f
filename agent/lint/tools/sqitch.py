"""sqitch: `deploy/<change>.sql`, its `revert/<change>.sql` (the down) and `verify/<change>.sql`
(a check, not a migration: left out), in the order of `sqitch.plan` beside those folders.
sqitch runs each script with psql, statement by statement, in no transaction of its own: a
script's own BEGIN and COMMIT (sqitch's templates write them) make its transaction."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import PurePath

from agent.lint.tools.model import Tool

__all__ = ["TOOL"]

PLAN = "sqitch.plan"
_DEPLOY, _REVERT, _VERIFY = "deploy", "revert", "verify"


def _split(path: str) -> tuple[str, str, str] | None:
    """(project folder, script folder, change name) of a script under deploy/, revert/ or
    verify/ (the nearest such folder), else None."""
    parts = PurePath(path).parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in (_DEPLOY, _REVERT, _VERIFY):
            change = "/".join(parts[index + 1 :]).removesuffix(".sql")
            return str(PurePath(*parts[:index])) if index else ".", parts[index], change
    return None


def _plan_order(root: str) -> dict[str, int]:
    """Each change's place in the plan (a reworked change: its last place)."""
    try:
        with open(os.path.join(root, PLAN), encoding="utf-8") as file:
            lines = file.read().splitlines()
    except (OSError, ValueError):
        return {}
    order: dict[str, int] = {}
    for line in lines:
        text = line.strip()
        if text and text[0] not in "%#@":
            order[text.split()[0]] = len(order)
    return order


class Sqitch(Tool):
    name = "sqitch"
    summary = "sqitch: deploy/, revert/ (down), verify/ (left out), in sqitch.plan's order"
    left_out = "verify/ scripts (checks sqitch runs after a deploy, not migrations)"

    def detects(self, paths: Sequence[str], first_text: str) -> bool:
        found = (_split(p) for p in paths)
        return any(f is not None and os.path.isfile(os.path.join(f[0], PLAN)) for f in found)

    def migration(self, path: str) -> tuple[str, bool] | None:
        found = _split(path)
        if found is None or found[1] == _VERIFY:
            return None
        return f"{found[0]}/{found[2]}", found[1] == _REVERT

    def lints(self, path: str) -> bool:
        found = _split(path)
        return found is None or found[1] != _VERIFY

    def run_order(self, paths: Sequence[str]) -> list[str]:
        plans: dict[str, dict[str, int]] = {}

        def key(path: str) -> tuple[int, int]:
            found = _split(path)
            if found is None:
                return 1, 0
            order = plans.setdefault(found[0], _plan_order(found[0]))
            return 0, order.get(found[2], len(order))

        return sorted(paths, key=key)  # stable: what the plan does not name keeps its place

    def transactional(self, path: str, text: str) -> bool | None:
        return False


TOOL = Sqitch()
