"""The service's fixtures (a NATS server per test, a client) for the attacks on `serve`."""

from tests.bus.conftest import client, nats_server

__all__ = ["client", "nats_server"]
