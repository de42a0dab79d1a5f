"""Table sizes for the linter's target (`agent.lint.target`): PostgreSQL's own estimates,
`pg_class.reltuples`, as ANALYZE and VACUUM (and autovacuum) last left them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["SIZES_QUERY", "SizesUnavailableError", "read_table_rows", "run_async"]

T = TypeVar("T")

# Tables, partitioned tables and materialized views outside the system schemas, with an
# estimate (reltuples is -1 for a table never analyzed or vacuumed: its size is unknown). A
# name in several schemas takes its largest estimate, so no table is thought smaller than it is.
SIZES_QUERY = """
SELECT c.relname AS name, max(c.reltuples)::bigint AS rows
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
GROUP BY c.relname
HAVING min(c.reltuples) >= 0
"""


class SizesUnavailableError(RuntimeError):
    """The database could not be reached or read."""


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run, in a worker thread when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


async def _fetch(url: str) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(url, timeout=10)
    try:
        return {str(r["name"]).lower(): int(r["rows"]) for r in await connection.fetch(SIZES_QUERY)}
    finally:
        await connection.close()


def read_table_rows(url: str) -> dict[str, int]:
    """Estimated rows per table name of the database at `url`."""
    try:
        return run_async(lambda: _fetch(url))
    except (OSError, TimeoutError) as error:
        raise SizesUnavailableError(f"could not read table sizes: {error}") from error
    except Exception as error:
        if type(error).__module__.startswith("asyncpg"):
            raise SizesUnavailableError(f"could not read table sizes: {error}") from error
        raise
