"""A cluster in the settings: several NATS URLs and the replica count of the agent's streams."""

from __future__ import annotations

import pytest

from agent.bus.connection import server_urls
from agent.bus.contract import BusSettings
from agent.config import ConfigError, load_settings


def test_nats_url_may_list_a_clusters_servers() -> None:
    settings = load_settings(environ={"NATS_URL": "nats://a:4222, nats://b:4222,nats://c:4222"})
    assert settings.nats_url is not None
    assert server_urls(settings.nats_url) == ["nats://a:4222", "nats://b:4222", "nats://c:4222"]


def test_stream_replicas_reach_every_stream_and_the_bucket() -> None:
    replicas = load_settings(environ={"AGENT_STREAM_REPLICAS": "3"}).stream_replicas
    bus = BusSettings(replicas=replicas)
    assert (bus.assignments().num_replicas, bus.results().num_replicas, bus.artifacts().replicas) == (3, 3, 3)
    assert load_settings(environ={}).stream_replicas == 1


@pytest.mark.parametrize("value", ["0", "6", "three"])
def test_a_bad_replica_count_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="AGENT_STREAM_REPLICAS"):
        load_settings(environ={"AGENT_STREAM_REPLICAS": value})
