"""Lint rules for the hazards of native enum types (issue 23): a value added and used before
the commit (MA306), a value removed through a new type (MA217), the catalog edited by hand
(MA218). PostgreSQL itself confirms the hazard MA306 reports and the way out it suggests."""

from __future__ import annotations

import asyncpg
import pytest

from agent.lint import RULES
from agent.lint.parallel import lint_texts
from agent.lint.rules.system_catalog_write import SYSTEM_CATALOGS
from tests.lint.lint_helpers import all_codes

STATE = "CREATE TYPE lot_state AS ENUM ('open', 'hold', 'closed');\n"


def _codes_of_last(*files: str) -> list[str]:
    """The codes reported for the last of `files`, linted in order as one run."""
    report = lint_texts([(f"{n:04d}_m.sql", text) for n, text in enumerate(files)], workers=1)
    return [f.code for f in report.files[-1].findings]


# ----------------------------------------------------------------- MA306


@pytest.mark.parametrize("sql", [
    "BEGIN;\nALTER TYPE lot_state ADD VALUE 'held';\nUPDATE lots SET state = 'held' WHERE lot_id = 1;\nCOMMIT;",
    # the file runs as one transaction (no BEGIN of its own, no agent:no-transaction)
    "ALTER TYPE lot_state ADD VALUE IF NOT EXISTS 'held';\n"
    "ALTER TABLE lots ALTER COLUMN state SET DEFAULT 'held';",
    "BEGIN;\nALTER TYPE lot_state ADD VALUE 'held' AFTER 'open';\n"
    "CREATE INDEX CONCURRENTLY lots_held ON lots (lot_id) WHERE state = 'held'::lot_state;\nCOMMIT;",
    "BEGIN;\nALTER TYPE public.lot_state ADD VALUE 'held';\n"
    "INSERT INTO lots (lot_id, state) VALUES (1, 'held');\nCOMMIT;",
])
def test_a_value_used_in_the_transaction_that_adds_it_is_ma306(sql: str) -> None:
    assert "MA306" in all_codes(sql)


@pytest.mark.parametrize("sql", [
    "BEGIN;\nALTER TYPE lot_state ADD VALUE 'held';\nCOMMIT;\n"
    "BEGIN;\nUPDATE lots SET state = 'held' WHERE lot_id = 1;\nCOMMIT;",
    "-- agent:no-transaction\nALTER TYPE lot_state ADD VALUE 'held';\nUPDATE lots SET state = 'held' WHERE lot_id = 1;",
    # another label, and the new one only as the place of the next (no value is read)
    "BEGIN;\nALTER TYPE lot_state ADD VALUE 'held';\nALTER TYPE lot_state ADD VALUE 'frozen' AFTER 'held';\n"
    "UPDATE lots SET state = 'open' WHERE lot_id = 1;\nCOMMIT;",
    # a type created in the same transaction: nobody else can see it, PostgreSQL allows the use
    "BEGIN;\nCREATE TYPE lot_state AS ENUM ('open');\nALTER TYPE lot_state ADD VALUE 'held';\n"
    "CREATE TABLE lots (lot_id bigint PRIMARY KEY, state lot_state NOT NULL DEFAULT 'held');\nCOMMIT;",
])
def test_a_value_used_after_its_commit_is_not_ma306(sql: str) -> None:
    assert "MA306" not in all_codes(sql)


def test_ma306_points_at_the_use_and_names_the_line_that_added_it() -> None:
    sql = "BEGIN;\nALTER TYPE lot_state ADD VALUE 'held';\nUPDATE lots SET state = 'held' WHERE lot_id = 1;\nCOMMIT;"
    report = lint_texts([("m.sql", sql)], workers=1)
    [finding] = [f for f in report.files[0].findings if f.code == "MA306"]
    assert (finding.line, finding.column) == (3, 25)
    assert finding.message == ("'held' is used before the transaction that adds it to lot_state (line 2) "
                               "commits: PostgreSQL refuses it (unsafe use of new value)")


async def _lots(db: asyncpg.Connection) -> None:
    await db.execute("DROP TABLE IF EXISTS lots; DROP TYPE IF EXISTS lot_state;"
                     "CREATE TYPE lot_state AS ENUM ('open');"
                     "CREATE TABLE lots (lot_id bigint PRIMARY KEY, state lot_state NOT NULL DEFAULT 'open');"
                     "INSERT INTO lots (lot_id) VALUES (1);")


@pytest.mark.integration
async def test_postgresql_refuses_ma306s_bad_example_and_runs_its_good_one(db: asyncpg.Connection) -> None:
    rule = RULES["MA306"]
    await _lots(db)
    with pytest.raises(asyncpg.UnsafeNewEnumValueUsageError, match="unsafe use of new value"):
        await db.execute(rule.bad)
    await db.execute("ROLLBACK")
    assert await db.fetchval("SELECT count(*) FROM pg_enum WHERE enumlabel = 'held'") == 0
    # outside a transaction each statement commits by itself
    for statement in rule.good.removeprefix("-- agent:no-transaction\n").split(";\n"):
        await db.execute(statement)
    assert await db.fetchval("SELECT state::text FROM lots WHERE lot_id = 1") == "held"


@pytest.mark.integration
async def test_postgresql_allows_the_new_value_of_a_type_created_in_the_same_transaction(
        db: asyncpg.Connection) -> None:
    await db.execute("DROP TABLE IF EXISTS lots; DROP TYPE IF EXISTS lot_state;")
    async with db.transaction():
        await db.execute("CREATE TYPE lot_state AS ENUM ('open'); ALTER TYPE lot_state ADD VALUE 'held';"
                         "CREATE TABLE lots (lot_id bigint PRIMARY KEY, state lot_state NOT NULL DEFAULT 'held');"
                         "INSERT INTO lots (lot_id) VALUES (1);")
    assert await db.fetchval("SELECT state::text FROM lots") == "held"


# ----------------------------------------------------------------- MA217

SWAP = ("ALTER TYPE lot_state RENAME TO lot_state_old;\n"
        "CREATE TYPE lot_state AS ENUM ('open', 'closed');\n"
        "ALTER TABLE lots ALTER COLUMN state TYPE lot_state USING state::text::lot_state;\n"
        "DROP TYPE lot_state_old;")
SWAP_BY_NEW_NAME = ("CREATE TYPE lot_state_new AS ENUM ('open', 'closed');\n"
                    "ALTER TABLE lots ALTER COLUMN state TYPE lot_state_new USING state::text::lot_state_new;\n"
                    "DROP TYPE lot_state;\n"
                    "ALTER TYPE lot_state_new RENAME TO lot_state;")


@pytest.mark.parametrize("swap", [SWAP, SWAP_BY_NEW_NAME], ids=["renamed aside", "new name"])
def test_a_value_removed_through_a_new_type_is_ma217(swap: str) -> None:
    assert "MA217" in _codes_of_last(STATE, swap)
    report = lint_texts([("1.sql", STATE), ("2.sql", swap)], workers=1)
    [finding] = [f for f in report.files[1].findings if f.code == "MA217"]
    assert finding.message == ("lot_state loses value 'hold': the running release's writes of it fail and "
                               "its reads of it stop matching")


@pytest.mark.parametrize("swap", [
    # a reorder, and a value added through the swap: every old label stays
    SWAP.replace("('open', 'closed')", "('closed', 'hold', 'open')"),
    SWAP.replace("('open', 'closed')", "('open', 'hold', 'held', 'closed')"),
    # acknowledged: a contract step after the release that no longer uses it, destructive, a down
    "-- agent:deploy after-app\n" + SWAP,
    "-- agent:destructive 'hold' retired in 2025.11\n" + SWAP,
    "-- agent:direction down\n" + SWAP,
])
def test_a_swap_that_keeps_every_value_or_is_acknowledged_is_not_ma217(swap: str) -> None:
    assert "MA217" not in _codes_of_last(STATE, swap)


def test_ma217_needs_to_know_the_old_values() -> None:
    """A type no earlier file of the run created: what it held is unknown, nothing is claimed."""
    assert "MA217" not in _codes_of_last(SWAP)


def test_ma217_follows_values_added_and_renamed_by_earlier_files() -> None:
    later = "ALTER TYPE lot_state ADD VALUE 'held';\nALTER TYPE lot_state RENAME VALUE 'hold' TO 'paused';"
    assert "MA217" not in _codes_of_last(STATE, later, SWAP.replace("'closed')", "'closed', 'held', 'paused')"))
    assert "MA217" in _codes_of_last(STATE, later, SWAP.replace("'closed')", "'closed', 'paused')"))
    assert "MA217" not in _codes_of_last(STATE, "DROP TYPE lot_state;", "CREATE TYPE lot_state AS ENUM ('x');")


# ----------------------------------------------------------------- MA218


@pytest.mark.parametrize("sql", [
    "DELETE FROM pg_enum WHERE enumlabel = 'hold' AND enumtypid = 'lot_state'::regtype;",
    "UPDATE pg_catalog.pg_enum SET enumlabel = 'paused' WHERE enumlabel = 'hold';",
    "UPDATE pg_attribute SET atttypmod = 104 WHERE attrelid = 'lots'::regclass AND attname = 'code';",
    "INSERT INTO pg_catalog.pg_enum (enumtypid, enumsortorder, enumlabel) VALUES (1, 3, 'x');",
])
def test_writing_a_system_catalog_is_ma218(sql: str) -> None:
    assert "MA218" in all_codes(sql)


@pytest.mark.parametrize("sql", [
    "SELECT enumlabel FROM pg_enum WHERE enumtypid = 'lot_state'::regtype;",
    "DELETE FROM app.pg_enum WHERE enumlabel = 'hold';",
    "UPDATE lots SET state = 'open' FROM pg_enum e WHERE e.enumlabel = 'hold' AND lots.lot_id = 1;",
])
def test_reading_a_catalog_or_writing_a_table_of_that_name_elsewhere_is_not_ma218(sql: str) -> None:
    assert "MA218" not in all_codes(sql)


@pytest.mark.integration
async def test_ma218s_catalogs_are_postgresqls(db: asyncpg.Connection) -> None:
    rows = await db.fetch("SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace "
                          "AND relkind = 'r'")
    assert {r["relname"] for r in rows} == SYSTEM_CATALOGS


def test_ma108_names_the_new_type_as_written() -> None:
    """A type swap's cast to a mixed-case enum (or its array) is named as PostgreSQL reads it."""
    sql = ('ALTER TABLE "Member" ALTER COLUMN roles TYPE "Role"[] USING roles::text[]::"Role"[];\n'
           "ALTER TABLE lots ALTER COLUMN quantity TYPE numeric(12, 3);")
    report = lint_texts([("m.sql", sql)], workers=1)
    assert [f.message.split(" can rewrite")[0] for f in report.files[0].findings if f.code == "MA108"] == [
        'changing Member.roles to "Role"[]', "changing lots.quantity to numeric(12, 3)"]


@pytest.mark.parametrize("workers", [1, 3])
def test_ma217_knows_the_values_across_workers(workers: int) -> None:
    """The enum types travel with the catalog a worker passes on to the next."""
    files = [("000.sql", STATE), *((f"{n:03d}.sql", "SELECT 1;") for n in range(1, 31)), ("999.sql", SWAP)]
    report = lint_texts(files, workers=workers)
    assert "MA217" in [f.code for f in report.files[-1].findings]
