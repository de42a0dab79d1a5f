"""Ending the process without interpreter teardown, for a command that leaves nothing to
clean up.

A lint run over a thousand files ends holding hundreds of thousands of small objects
(syntax trees, findings); the interpreter frees them one by one when it exits, which took
a sixth of the run. A command that has written all its output and holds no other resource
(no server, no log file, no thread) asks for a quick exit; `agent.cli.main`, and only it,
then flushes stdout and stderr and ends the process with `os._exit`. Nothing changes for a
command run in-process (tests, `CliRunner`).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

__all__ = ["exit_process", "request_quick_exit", "reset"]

_requested = False


def request_quick_exit() -> None:
    global _requested
    _requested = True


def reset() -> None:
    global _requested
    _requested = False


def exit_process(code: int) -> NoReturn:
    """`sys.exit(code)`, or after a request, flush and `os._exit(code)`."""
    if _requested:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
