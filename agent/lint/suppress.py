"""Inline suppression: `-- agent:ignore CODE[,CODE] reason` silences the next statement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.lint.context import Context
from agent.lint.model import Finding
from agent.lint.registry import Registry
from agent.lint.source import Marker, SourceFile

__all__ = ["KNOWN_VERBS", "Ignore", "apply_ignores", "marker_findings", "read_ignores"]

KNOWN_VERBS = frozenset({
    "ignore", "no-transaction", "direction", "destructive", "phase", "deploy",
})


@dataclass(slots=True)
class Ignore:
    codes: tuple[str, ...]
    reason: str
    offset: int
    statement: int | None
    used: set[str] = field(default_factory=set)


def _target(source: SourceFile, offset: int) -> int | None:
    """The statement containing the comment, else the first one after it."""
    return next((s.index for s in source.statements if s.end > offset), None)


def _ignore(source: SourceFile, marker: Marker) -> Ignore:
    first, _, reason = marker.argument.partition(" ")
    codes = tuple(c.strip().upper() for c in first.split(",") if c.strip())
    return Ignore(codes, reason.strip(), marker.offset, _target(source, marker.offset))


def read_ignores(source: SourceFile) -> list[Ignore]:
    return [_ignore(source, m) for m in source.markers if m.verb == "ignore"]


def _match(finding: Finding, ignores: list[Ignore]) -> Ignore | None:
    for ignore in ignores:
        if ignore.reason and ignore.statement == finding.statement and finding.code in ignore.codes:
            return ignore
    return None


def apply_ignores(
    findings: Iterable[Finding], ignores: list[Ignore]
) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """Split findings into those reported and those suppressed (with the reason)."""
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, str]] = []
    for finding in findings:
        ignore = _match(finding, ignores)
        if ignore is None:
            kept.append(finding)
            continue
        ignore.used.add(finding.code)
        suppressed.append((finding, ignore.reason))
    return kept, suppressed


def _ignore_findings(ignore: Ignore, rules: Registry, context: Context) -> Iterable[Finding]:
    from agent.lint.rules import IGNORE_WITHOUT_REASON, RULES, UNUSED_IGNORE

    if not ignore.reason or not ignore.codes:
        codes = ",".join(ignore.codes) or "(no code)"
        yield IGNORE_WITHOUT_REASON.at(context, ignore.offset, codes=codes)
        return
    for code in ignore.codes:
        if code not in rules and code not in RULES:
            yield UNUSED_IGNORE.at(context, ignore.offset, code=code, problem="names no rule")
        elif code in rules and code not in ignore.used:
            # a rule that did not run (disabled) cannot tell whether its ignore is stale
            problem = "suppressed nothing on the statement that follows it"
            yield UNUSED_IGNORE.at(context, ignore.offset, code=code, problem=problem)


def marker_findings(ignores: list[Ignore], rules: Registry, context: Context) -> list[Finding]:
    """Findings about the markers themselves: missing reasons, unused ignores, unknown verbs.

    Only those of the marker rules (MA001-MA003) that are among `rules` are reported.
    """
    from agent.lint.rules import UNKNOWN_MARKER

    found = [f for ignore in ignores for f in _ignore_findings(ignore, rules, context)]
    for marker in context.source.markers:
        if marker.verb not in KNOWN_VERBS:
            found.append(UNKNOWN_MARKER.at(context, marker.offset, verb=marker.verb))
    return [f for f in found if f.code in rules]
