"""The field corpus (tests/lint/field, SOURCES.md): 1,315 real migration files of eight public
projects and six migration tools, linted in one run per project as the CLI lints a folder.

What a regression would change: the tool each project is detected as, the files that do not
parse (MA000 only where PostgreSQL's own parser refuses the text), the count per rule, and
findings read and judged by hand in docs/lint-field.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pglast
import pytest

from agent.lint.api import lint_project
from agent.lint.engine import Report

FIELD = Path(__file__).parent / "field"

# project folder -> (migration tool detected, .sql files, runs linted: a goose or dbmate file
# is one run per section)
PROJECTS = {
    "crates-io": ("diesel", 571, 571),
    "harbor": ("golang-migrate", 39, 39),
    "kestra": ("flyway", 26, 26),
    "marquez": ("flyway", 84, 84),
    "openfga": ("goose", 6, 12),
    "openmeter": ("golang-migrate", 538, 538),
    "supabase-postgres": ("dbmate", 30, 30),
    "hoppscotch": ("prisma", 21, 21),
}

# Findings per rule over the whole corpus. A change here is a change in what the linter says
# about real migrations: read the files that moved before updating a number.
PINNED = {
    "MA000": 1, "MA101": 422, "MA102": 751, "MA104": 261, "MA105": 25, "MA106": 12, "MA107": 82,
    "MA108": 117, "MA109": 3, "MA110": 138, "MA111": 1, "MA112": 15, "MA118": 2, "MA201": 191,
    "MA202": 43, "MA205": 32, "MA206": 5, "MA207": 33, "MA209": 39, "MA210": 3, "MA211": 3,
    "MA213": 9, "MA216": 18, "MA301": 2, "MA304": 32, "MA305": 224, "MA401": 1095, "MA402": 371,
    "MA501": 121, "MA503": 210, "MA504": 87, "MA505": 481, "MA506": 6, "MA507": 1, "MA601": 91,
    "MA602": 305, "MA603": 9, "MA604": 9, "MA607": 3, "MA608": 141,
}

UNPARSED = ["crates-io/migrations/20170318181441_downloads_need_no_id/down.sql"]

# (file, section or None, code, line): findings judged right in docs/lint-field.md
EXPECTED = [
    ("marquez/migration/V42__add_job_symlink_target.sql", None, "MA305", 2),
    ("openmeter/migrations/20250516090128_billing-invoice-snapshotted-at.up.sql", None, "MA305", 7),
    ("openmeter/migrations/20250311193204_balance-snapshot-indexes.down.sql", None, "MA305", 4),
    ("harbor/postgresql/0181_2.15.3_schema.up.sql", None, "MA305", 5),
    ("openmeter/migrations/20260721140844_deprecate_detailed_line_currency.down.sql", None, "MA305", 4),
    # a foreign key of a new table holds SHARE ROW EXCLUSIVE on harbor_user during the DELETE
    ("harbor/postgresql/0004_1.8.0_schema.up.sql", None, "MA305", 47),
    ("openmeter/migrations/20241204162012_subscriptions.up.sql", None, "MA304", 85),
    ("openmeter/migrations/20260512114051_flatfee_run_domain_fields.up.sql", None, "MA304", 14),
    ("crates-io/migrations/2017-11-12-195324_lower_teams_names/up.sql", None, "MA209", 1),
    ("crates-io/migrations/20141002222430_dumped_migration_53/up.sql", None, "MA602", 1),
    ("kestra/migrations/V1_13__log_fulltext.sql", None, "MA112", 3),
    ("crates-io/migrations/20141001190227_dumped_migration_41/up.sql", None, "MA110", 1),
    ("openfga/postgres/003_add_reverse_lookup_index.sql", "up", "MA101", 2),
    # Prisma sends the file as one string: its statements share one implicit transaction
    ("hoppscotch/migrations/20251207122817_add_slug_to_published_docs/migration.sql", None, "MA305", 5),
]

# (file, code): findings judged wrong in docs/lint-field.md and fixed since
NOT_EXPECTED = [
    ("crates-io/migrations/20151126095136_dumped_migration_103/up.sql", "MA305"),
    ("openmeter/migrations/20260722145858_add_charge_cost_basis.down.sql", "MA305"),
    ("openmeter/migrations/20250108103427_billing-profile-progressive-billing-flag.up.sql", "MA305"),
    ("crates-io/migrations/2021-07-18-125813_add_rate_limit_action/up.sql", "MA304"),
    ("marquez/migration/V12__alter_dataset_fields_to_change_unique_constraint.sql", "MA304"),
    ("openmeter/migrations/20250409142535_subscriptionaddon.up.sql", "MA601"),
    ("crates-io/migrations/20141001190227_dumped_migration_41/down.sql", "MA608"),
    ("openmeter/migrations/20250103121359_plan-phase-duration.down.sql", "MA210"),
    ("openmeter/migrations/20250610101736_plan-subscription-billing-cadence.down.sql", "MA608"),
]


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {project: lint_project([str(FIELD / project)]) for project in PROJECTS}


def _relative(path: str) -> str:
    return Path(path).relative_to(FIELD).as_posix()


def _findings(reports: dict[str, Report]) -> list[tuple[str, str | None, str, int]]:
    return [(_relative(f.path), f.source.section, x.code, x.line)
            for report in reports.values() for f in report.files for x in f.findings]


def test_the_corpus_is_what_sources_md_lists() -> None:
    sources = (FIELD / "SOURCES.md").read_text(encoding="utf-8")
    total = 0
    for project, (tool, files, _) in PROJECTS.items():
        found = sorted((FIELD / project).rglob("*.sql"))
        assert len(found) == files, project
        assert f"| {project} |" in sources and f"| {tool} |" in sources
        assert list((FIELD / project).glob("LICENSE*")), f"{project} has no licence file beside it"
        total += files
    assert total >= 1000 and len(PROJECTS) >= 6 and len({t for t, _, _ in PROJECTS.values()}) >= 4


def test_each_project_is_detected_as_its_tool_and_every_file_is_linted(reports: dict[str, Report]) -> None:
    for project, (tool, _, runs) in PROJECTS.items():
        report = reports[project]
        assert (report.tool, report.tool_by) == (tool, "detected"), project
        assert len(report.files) == runs, project


def test_syntax_errors_only_where_postgres_refuses_the_file(reports: dict[str, Report]) -> None:
    unparsed = sorted({path for path, _, code, _ in _findings(reports) if code == "MA000"})
    assert unparsed == UNPARSED
    for path in unparsed:
        with pytest.raises(pglast.parser.ParseError):
            pglast.parser.parse_sql((FIELD / path).read_text(encoding="utf-8"))


def test_counts_per_rule_are_pinned(reports: dict[str, Report]) -> None:
    counts = Counter(code for _, _, code, _ in _findings(reports))
    assert dict(sorted(counts.items())) == PINNED


def test_judged_findings_stay_as_judged(reports: dict[str, Report]) -> None:
    found = set(_findings(reports))
    assert [e for e in EXPECTED if e not in found] == []
    codes = {(path, code) for path, _, code, _ in found}
    assert [n for n in NOT_EXPECTED if n in codes] == []
