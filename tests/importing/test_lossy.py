"""What the YAML cannot express is reported by table and name, never dropped in silence."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from agent.catalog import read_catalog
from agent.commands.import_schema import import_command
from agent.exit_codes import ExitCode
from agent.importing import import_texts

pytestmark = pytest.mark.integration

UNSUPPORTED = """
CREATE TABLE bookings (
    booking_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room text NOT NULL,
    starts_at timestamp NOT NULL,
    code character(3),
    notes tsvector,
    CONSTRAINT bookings_room_excl EXCLUDE USING btree (room WITH =)
);
CREATE TABLE pairs (a integer, b integer, PRIMARY KEY (a, b));
CREATE VIEW booking_rooms WITH (security_barrier) AS SELECT room FROM bookings;
CREATE INDEX idx_bookings_notes ON bookings USING gist (notes tsvector_ops (siglen = 100));
"""


async def test_unsupported_objects_are_named(db: asyncpg.Connection) -> None:
    await db.execute(UNSUPPORTED)
    imported = import_texts(await read_catalog(db))
    messages = [str(p) for p in imported.errors]
    expected = [
        "bookings: exclusion constraint bookings_room_excl",
        "bookings: index idx_bookings_notes has operator class parameters or an explicit ASC the YAML cannot say",
        "booking_rooms: view booking_rooms has options (security_invoker, security_barrier, CHECK OPTION)",
    ]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert "primary_key:\n- a\n- b\n" in imported.texts["pairs.yaml"]  # a key of two columns is no loss


async def test_the_command_writes_nothing_unless_loss_is_allowed(
    db: asyncpg.Connection, fresh_database_url: str, tmp_path: Path
) -> None:
    await db.execute(UNSUPPORTED)
    args = ["--database-url", fresh_database_url, "-o", str(tmp_path / "out")]
    refused = await asyncio.to_thread(CliRunner().invoke, import_command, args)
    assert refused.exit_code == ExitCode.FINDINGS
    assert "exclusion constraint bookings_room_excl" in refused.output
    assert not (tmp_path / "out").exists()
    allowed = await asyncio.to_thread(CliRunner().invoke, import_command, [*args, "--allow-loss"])
    assert allowed.exit_code == 0, allowed.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bookings.yaml", "pairs.yaml", "project.yaml"]


async def test_half_made_tenant_table_is_not_tenant_scoped(db: asyncpg.Connection) -> None:
    await db.execute("""
        CREATE TABLE notes (note_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                            tenant_id uuid NOT NULL, body text);
        ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
        CREATE POLICY notes_tenant_isolation ON notes
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
    """)
    imported = import_texts(await read_catalog(db))
    text = imported.texts["notes.yaml"]
    assert "tenant_scoped: false" in text and "notes_tenant_isolation" in text
    assert any("row level security is enabled=True, forced=False" in str(p) for p in imported.errors)
    assert any("is not the agent's tenant isolation" in str(p) for p in imported.problems)


async def test_a_hand_written_table_imports_without_loss(db: asyncpg.Connection) -> None:
    await db.execute("""
        CREATE TABLE customers (
            customer_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            email varchar(200) NOT NULL UNIQUE,
            status varchar(10) CHECK (status IN ('a', 'b')),
            score int CHECK (score > 0),
            referred_by uuid REFERENCES customers ON DELETE SET NULL
        );
        COMMENT ON TABLE customers IS 'People who buy';
    """)
    imported = import_texts(await read_catalog(db))
    print(*imported.problems, sep="\n")
    assert imported.errors == []
    assert imported.texts["customers.yaml"] == CUSTOMERS


CUSTOMERS = """\
version: 1
entity: Customer
table: customers
description: People who buy
tenant_scoped: false
audit: false
primary_key: customer_id
properties:
  email:
    type: string
    max_length: 200
    required: true
    unique: true
  status:
    type: enum
    max_length: 10
    values:
    - a
    - b
  score:
    type: integer
  referred_by:
    type: uuid
    references:
      table: customers
      on_delete: SET NULL
      index: false
constraints:
- check: score > 0
"""
