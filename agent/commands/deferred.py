"""Settings loaded when a command first asks for them, for commands that seldom need them.

The root command reads the settings (pydantic) and configures logging (structlog) before
any subcommand runs. `migration-agent lint` needs neither unless it traces, so for it the
root leaves a loader in the click context instead; `deferred_settings` runs it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from agent.config import Settings

__all__ = ["SETTINGS_ON_DEMAND", "defer_settings", "deferred_settings"]

# Subcommands that load the settings themselves, when they need them.
SETTINGS_ON_DEMAND = frozenset({"lint"})
_LOADER = "migration_agent.load_settings"


def defer_settings(context: click.Context, load: Callable[[], Settings]) -> None:
    context.meta[_LOADER] = load


def deferred_settings(context: click.Context) -> Settings | None:
    """The settings the root command deferred (loaded now, once), None if it did not."""
    load = context.meta.pop(_LOADER, None)
    if load is None:
        return None
    loaded: Settings = load()
    context.find_root().obj = loaded
    return loaded
