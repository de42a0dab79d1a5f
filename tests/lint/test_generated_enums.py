"""The planner's native enum migrations (issue 23) lint clean, up and down: what they cannot
avoid (a value renamed, a type swapped to remove or reorder values) carries the agent's own
ignore marker with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.schema import load_schema_sources
from agent.schema.tables import Schema
from tests.diff.test_native_enums import MEMBER, _load, _plan
from tests.lint.test_generated_clean import _lint_folder

# change -> (Role's values before, or None for a new type; after; allow_destructive)
CHANGES = {
    "create": (None, "[USER, ADMIN]", False),
    "add": ("[USER, ADMIN]", "[GUEST, USER, OWNER, ADMIN]", False),
    "rename": ("[USER, ADMIN]", "{values: [USER, SUPERUSER], renamed_from: {SUPERUSER: ADMIN}}", False),
    "remove": ("[USER, ADMIN, GUEST]", "[USER, ADMIN]", True),
    "reorder": ("[USER, ADMIN]", "[ADMIN, USER]", False),
}
# what each change's files may suppress
SUPPRESSED = {"create": set(), "add": {"MA108"}, "rename": {"MA212"}, "remove": {"MA108"}, "reorder": {"MA108"}}


@pytest.mark.parametrize("change", CHANGES)
def test_the_planners_enum_migrations_lint_clean(change: str, tmp_path: Path) -> None:
    before, after, destructive = CHANGES[change]
    old = _load(before).schema if before else Schema()
    outcome = _plan(_load(after), old, minute=1, destructive=destructive)
    exit_code, findings = _lint_folder(outcome, tmp_path)
    reported = [f"{name}:{f['line']} {f['code']} {f['message']}" for name, found in findings.items()
                for f in found if "reason" not in f]
    assert reported == []
    assert exit_code == 0
    suppressed = [f for found in findings.values() for f in found if "reason" in f]
    assert {f["code"] for f in suppressed} == SUPPRESSED[change]
    assert all(len(f["reason"]) > 30 for f in suppressed)


def test_a_new_value_made_the_default_is_used_only_after_its_own_migration_commits(tmp_path: Path) -> None:
    """MA306 would flag the default in the migration that adds the value: the planner puts the two apart."""
    project = "project:\n  naming: camelCase\n  enums:\n    Role: [USER, ADMIN, OWNER]\n"
    owner = load_schema_sources({"project.yaml": project,
                                 "member.yaml": MEMBER.replace("default: USER", "default: OWNER")})
    outcome = _plan(owner, _load("[USER, ADMIN]").schema, minute=1)
    assert len([m for m in outcome.migrations if "'OWNER'" in m.up_sql]) == 2
    exit_code, findings = _lint_folder(outcome, tmp_path)
    assert [f["code"] for found in findings.values() for f in found if "reason" not in f] == []
    assert exit_code == 0
