"""What makes a PostgreSQL connection URL acceptable, checked before any connection is tried.

One check for the settings (`DATABASE_URL` and the like) and for every `--database-url`
option, so that a mistyped URL is bad input (exit 2) with the reason, not a failed
connection (exit 3) or a driver's traceback.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import click

if TYPE_CHECKING:
    from agent.project.file import Project

__all__ = ["checked_url", "postgres_url_problem"]

_SCHEMES = ("postgresql", "postgres")


def postgres_url_problem(url: str) -> str | None:
    """Why `url` is no PostgreSQL URL, or None when it is one."""
    try:
        parts = urlsplit(url)
        if "," not in parts.netloc:  # host1:port1,host2:port2 is libpq's list of servers
            parts.port  # noqa: B018  (reading it checks the number and its range)
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if parts.scheme not in _SCHEMES:
        return "must start with postgresql:// or postgres://"
    return None


def _without_password(url: str) -> str:
    """The URL as it may be shown in an error: a password in it becomes ***."""
    head, at, rest = url.rpartition("@")
    scheme, colon_slashes, user = head.partition("://")
    if not at or not colon_slashes or ":" not in user:
        return url
    return f"{scheme}://{user.split(':', 1)[0]}:***@{rest}"


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _project(ctx: click.Context) -> Project | None:
    from agent.project.locate import PROJECT

    return ctx.find_root().meta.get(PROJECT)


def _named_database(ctx: click.Context, name: str) -> str:
    from agent.project.file import ProjectFileError

    try:
        return cast("Project", _project(ctx)).database_url(name)
    except ProjectFileError as error:
        raise click.BadParameter(str(error)) from None


def checked_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the option's URL, or a usage error (exit 2) saying what is wrong.
    A bare name is a database of the project file's [databases]."""
    if value is not None and _NAME.fullmatch(value) and _project(ctx) is not None:
        value = _named_database(ctx, value)
    problem = postgres_url_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(
            f"{_without_password(str(value))!r} {problem}, like postgresql://user@host:5432/dbname")
    return value
