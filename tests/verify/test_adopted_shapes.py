"""Shapes harbor's schema has (issue 23), verified: columns named like the aliases the data checks
give rows (`source`, `t`), and a GIN index on a member of a json document, which only rows whose
document has that member reach (the sample gives one per tenant such a document)."""

from __future__ import annotations

from agent.schema import load_schema_sources
from tests.generate.helpers import verified_report

ACCESSORIES = """version: 1
entity: Accessory
table: accessories
properties:
  source: {type: string, max_length: 40, required: true}
  t: {type: integer}
  digest: {type: string, max_length: 64, required: true, unique: true}
  extra_attrs: {type: json}
indexes:
  - columns: ["CAST(extra_attrs AS jsonb) -> 'report_uuids'"]
    using: gin
"""


async def test_columns_named_like_aliases_and_a_json_member_index_verify(postgres_server_url: str) -> None:
    loaded = load_schema_sources({"accessories.yaml": ACCESSORIES})
    report = await verified_report(postgres_server_url, loaded)
    assert report.passed, report.to_markdown()
    (probe,) = [f for step in report.steps for f in step.findings if "report_uuids" in f.message
                or "report_uuids" in str(f.details.get("query", ""))]
    assert probe.passed and "@> $1::text::jsonb" in probe.details["query"], probe
