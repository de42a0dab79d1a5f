"""Scratch servers as a pool: SCRATCH_DATABASE_URL may list several servers, and each job's
scratch database goes to the one with the fewest jobs of this process in flight. Verification is
CPU-bound in PostgreSQL, so more scratch servers is how throughput grows with machines."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

__all__ = ["ScratchPool", "scratch_urls"]

# A comma followed by a scheme starts the next server; other commas belong to one URL (libpq's
# postgresql://host1:5432,host2:5432/db lists the hosts of one server).
_NEXT_URL = re.compile(r",\s*(?=postgres(?:ql)?://)")


def scratch_urls(spec: str) -> list[str]:
    """The servers of a SCRATCH_DATABASE_URL: one URL, or several separated by commas."""
    return [part.strip() for part in _NEXT_URL.split(spec) if part.strip()]


class ScratchPool:
    def __init__(self, spec: str) -> None:
        self.in_flight = dict.fromkeys(scratch_urls(spec), 0)

    @contextlib.contextmanager
    def lease(self) -> Iterator[str]:
        """The server with the fewest jobs in flight (the first listed of equals), for one job."""
        url = min(self.in_flight, key=self.in_flight.__getitem__)
        self.in_flight[url] += 1
        try:
            yield url
        finally:
            self.in_flight[url] -= 1
