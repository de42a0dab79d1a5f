"""The attack corpus against `generate --verify` and against `serve`.

Every schema attack is refused at load: exit 2 from the command, naming the YAML key (with its
line) and what it calls; nothing is written. On the bus every attack is answered with the right
status while a legitimate job beside them succeeds, the service stays up, and no attack leaves a
file on the host.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from nats.aio.client import Client

from agent.bus.contract import assignment_subject
from agent.cli import app
from agent.service import ServiceUrls
from tests.bus.conftest import results_of, serving
from tests.bus.jobs import job
from tests.bus.servers import NatsServer
from tests.security.attack_corpus import (
    CANARY,
    MESSAGE_ATTACKS,
    SCHEMA_ATTACKS,
    MessageAttack,
    SchemaAttack,
    key_path,
    schema_text,
)

pytestmark = pytest.mark.integration


def test_the_corpus_covers_every_category_with_forty_attacks_or_more() -> None:
    categories = Counter(a.category for a in [*SCHEMA_ATTACKS, *MESSAGE_ATTACKS])
    assert set(categories) >= {"file", "network", "large object", "session", "sleep", "catalog", "injection",
                               "encoding"}
    assert sum(categories.values()) >= 40
    assert len({a.name for a in SCHEMA_ATTACKS}) == len(SCHEMA_ATTACKS)


@pytest.mark.parametrize("attack", SCHEMA_ATTACKS, ids=lambda a: a.name)
def test_generate_verify_refuses_the_schema_at_load(attack: SchemaAttack, tmp_path: Path,
                                                    postgres_server_url: str, fresh_database_url: str) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "parts.yaml").write_text(schema_text(attack))
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "data"), "generate", str(schemas), "--verify",
              "--dir", str(tmp_path / "out")],
        env={"SCRATCH_DATABASE_URL": postgres_server_url, "DATABASE_URL": fresh_database_url})
    output = result.output
    assert result.exit_code == 2, output
    assert "parts.yaml:" in output and attack.named in output, output
    path = key_path(attack)
    if path is not None:
        assert f" {path}" in output, output
    assert "root:" not in output  # nothing of /etc/passwd
    assert not (tmp_path / "out").exists()
    assert not CANARY.exists()


async def _answers(client: Client, attacks: list[MessageAttack]) -> dict[str, dict[str, object]]:
    js = client.jetstream()
    for attack in attacks:
        await js.publish(assignment_subject(attack.kind), attack.body)
    answers = await asyncio.gather(*(results_of(client, a.job_id, timeout=120) for a in attacks))
    return {a.name: found[0] for a, found in zip(attacks, answers, strict=True)}


async def test_serve_answers_every_attack_and_keeps_serving(client: Client, nats_server: NatsServer,
                                                            fresh_database_url: str, postgres_server_url: str,
                                                            tmp_path: Path) -> None:
    urls = ServiceUrls(nats_server.url, fresh_database_url, postgres_server_url)
    log = tmp_path / "log.md"
    async with serving(urls, log, concurrency=2) as service:
        answers = await _answers(client, MESSAGE_ATTACKS)
        await client.jetstream().publish(assignment_subject("generate"), job("legit", rows=50))
        (legit,) = await results_of(client, "legit", timeout=180)
        assert service._consumer is not None
    wrong = {name: (answer["status"], (answer.get("error") or {}).get("code"))  # type: ignore[union-attr]
             for name, answer in answers.items()}
    expected = {a.name: (a.status, a.code or wrong[a.name][1]) for a in MESSAGE_ATTACKS}
    assert wrong == expected
    assert legit["status"] == "succeeded", legit.get("error")
    assert not CANARY.exists()
    assert not any(line.startswith("#") and "prod-deploy-42" in line for line in log.read_text().splitlines())
    assert "root:x:0:0" not in json.dumps(answers)
    assert any(name.endswith("_create_storage_locations.sql") for name in legit["artifacts"])  # type: ignore[union-attr]
