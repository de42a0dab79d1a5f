"""Scratch servers as a pool: the URLs a SCRATCH_DATABASE_URL lists, and the least busy one per job."""

from __future__ import annotations

import pytest

from agent.config import ConfigError, load_settings
from agent.runtime import scratch_postgres_url
from agent.verify.pool import ScratchPool, scratch_urls


def test_a_comma_before_a_scheme_starts_the_next_server() -> None:
    assert scratch_urls("postgresql://a:5432/postgres, postgres://b/postgres") == [
        "postgresql://a:5432/postgres", "postgres://b/postgres"]
    # libpq's list of hosts for one server stays one URL
    assert scratch_urls("postgresql://h1:5432,h2:5432/postgres") == ["postgresql://h1:5432,h2:5432/postgres"]


def test_each_job_gets_the_server_with_the_fewest_in_flight() -> None:
    pool = ScratchPool("postgresql://a/p,postgresql://b/p,postgresql://c/p")
    with pool.lease() as first, pool.lease() as second:
        assert (first, second) == ("postgresql://a/p", "postgresql://b/p")
        with pool.lease() as third, pool.lease() as fourth:
            assert (third, fourth) == ("postgresql://c/p", "postgresql://a/p")
        assert pool.in_flight == {"postgresql://a/p": 1, "postgresql://b/p": 1, "postgresql://c/p": 0}
        with pool.lease() as fifth:
            assert fifth == "postgresql://c/p"
    assert set(pool.in_flight.values()) == {0}


def test_a_command_verifies_on_the_first_server_and_serve_gets_the_pool() -> None:
    settings = load_settings(environ={"SCRATCH_DATABASE_URL": "postgresql://a/p,postgresql://b/p"})
    with scratch_postgres_url(settings) as one, scratch_postgres_url(settings, pool=True) as every:
        assert one == "postgresql://a/p"
        assert scratch_urls(every) == ["postgresql://a/p", "postgresql://b/p"]


def test_a_bad_server_in_the_pool_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"SCRATCH_DATABASE_URL: .*server 2 of 2 is not a valid URL"):
        load_settings(environ={"SCRATCH_DATABASE_URL": "postgresql://a/p,postgresql://b:99999/p"})
