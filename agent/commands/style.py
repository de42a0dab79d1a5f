"""The colours of results on a terminal. Rich leaves them out when the output is not a terminal
or `NO_COLOR` is set (and puts them in with `FORCE_COLOR`); only colours are used, no bold or
dim, so that `NO_COLOR` output carries no escape codes at all."""

from __future__ import annotations

__all__ = ["ERROR", "FAILED", "PASSED", "SKIPPED", "WARNING"]

ERROR = "red"
WARNING = "yellow"
PASSED = "green"
FAILED = "red"
SKIPPED = "yellow"
