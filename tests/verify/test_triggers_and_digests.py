"""Sample data for shapes adopted databases have (issue 23, from crates.io): a table a trigger on
another table fills (a counter row per crate), and a digest column whose width a check fixes
(`octet_length(tar_sha256) = 32`). Both verify: the trigger's rows count as the table's sample,
and the digests are made as wide as the check says."""

from __future__ import annotations

from agent.schema import load_schema_sources
from tests.generate.helpers import verified_report

PROJECT = """project:
  sql_objects:
    - name: insert_download_counter
      create: |
        CREATE FUNCTION insert_download_counter() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO crate_downloads (crate_id) VALUES (NEW.id);
          RETURN NEW;
        END $$
      drop: DROP FUNCTION insert_download_counter()
    - name: crates_insert_download_counter
      create: CREATE TRIGGER crates_insert_download_counter AFTER INSERT ON crates
        FOR EACH ROW EXECUTE FUNCTION insert_download_counter()
      drop: DROP TRIGGER crates_insert_download_counter ON crates
"""

CRATES = """version: 1
entity: Crate
table: crates
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
  name: {type: string, max_length: 40, required: true, unique: true}
  tar_sha256: {type: bytea, required: true}
constraints:
  - name: crates_tar_sha256_len
    check: octet_length(tar_sha256) = 32
"""

DOWNLOADS = """version: 1
entity: CrateDownload
table: crate_downloads
tenant_scoped: false
audit: false
primary_key: crate_id
properties:
  crate_id:
    type: integer
    references: {table: crates, on_delete: CASCADE, reason: the counter of its crate}
  downloads: {type: bigint, required: true, default: 0}
"""


async def test_a_table_a_trigger_fills_and_a_digest_of_fixed_width_verify(postgres_server_url: str) -> None:
    loaded = load_schema_sources({"project.yaml": PROJECT, "crates.yaml": CRATES,
                                  "crate-downloads.yaml": DOWNLOADS})
    report = await verified_report(postgres_server_url, loaded)
    assert report.passed, report.to_markdown()
    sample = next(step for step in report.steps if step.title == "Sample data")
    assert all(f.passed for f in sample.findings), [f.message for f in sample.findings]


RELEASES_PROJECT = """project:
  sql_objects:
    - name: fill_release
      create: |
        CREATE FUNCTION fill_release() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.major := CASE WHEN NEW.num ~ '^[0-9]+[.][0-9]+[.][0-9]+' THEN split_part(NEW.num, '.', 1)::integer END;
          NEW.search := to_tsvector('simple', NEW.num);
          RETURN NEW;
        END $$
      drop: DROP FUNCTION fill_release()
    - name: releases_fill
      create: CREATE TRIGGER releases_fill BEFORE INSERT OR UPDATE ON releases
        FOR EACH ROW EXECUTE FUNCTION fill_release()
      drop: DROP TRIGGER releases_fill ON releases
"""

RELEASES = """version: 1
entity: Release
table: releases
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, serial: true}
  num: {type: string, max_length: 40, required: true, unique: true, example: [1.0.0, 0.3.1]}
  major: {type: integer, required: true}
  search: {type: custom, sql_type: tsvector, required: true}
indexes:
  - columns: [search]
    using: gin
"""


async def test_columns_a_trigger_fills_from_a_shaped_value_verify(postgres_server_url: str) -> None:
    """A BEFORE trigger fills two NOT NULL columns from `num`, one only when it reads as a version:
    NULL given for them is replaced before the row is stored (the not-null check says so), rows
    and copies beyond the two examples are shaped like them, and the full-text index is probed
    with `@@`."""
    loaded = load_schema_sources({"project.yaml": RELEASES_PROJECT, "releases.yaml": RELEASES})
    report = await verified_report(postgres_server_url, loaded)
    assert report.passed, report.to_markdown()
    messages = [f.message for step in report.steps for f in step.findings]
    assert "releases: NULL in NOT NULL column major is replaced before the row is stored (a trigger fills it)" \
        in messages
    (probe,) = [f for step in report.steps for f in step.findings if f.message.startswith("idx_releases_search")]
    assert probe.passed and "search @@ $1::text::tsquery" in probe.details["query"], probe
