"""MA507: an identifier longer than PostgreSQL keeps (63 bytes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pglast import parser

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import SourceFile, Statement

__all__ = ["MAX_IDENTIFIER_BYTES", "RULE"]

MAX_IDENTIFIER_BYTES = 63


def _identifier(raw: str) -> str:
    if raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1].replace('""', '"')
    return raw.lower()


# Where an over-long identifier could be: a quoted one (anything between the quotes), or a
# run of identifier characters of at least 16 (a character is at most 4 bytes in UTF-8).
# Compiled on first use by `re` (only text with non-ASCII characters needs it, and compiling
# the wide character class takes a noticeable part of the command's start-up).
_CANDIDATE = "\"|[0-9A-Za-z_$\u0080-\U0010ffff]{16,}"
# In ASCII text a character is a byte: the same question is a quote or a run of 64.
_LONG_ASCII_RUN = re.compile(f"[0-9A-Za-z_$]{{{MAX_IDENTIFIER_BYTES + 1}}}")


def _may_have_long_identifier(text: str) -> bool:
    if text.isascii():
        return '"' in text or _LONG_ASCII_RUN.search(text) is not None
    return any(
        m.group() == '"' or len(m.group().encode()) > MAX_IDENTIFIER_BYTES
        for m in re.finditer(_CANDIDATE, text)
    )


def long_identifiers(text: str) -> Iterator[tuple[int, str]]:
    """(offset, name) of identifier tokens over the limit, read with the SQL lexer."""
    if len(text.encode()) <= MAX_IDENTIFIER_BYTES or not _may_have_long_identifier(text):
        return
    for token in parser.scan(text):
        if token.name != "IDENT" or token.end - token.start < MAX_IDENTIFIER_BYTES // 4:
            continue
        name = _identifier(text[token.start : token.end + 1])
        if len(name.encode()) > MAX_IDENTIFIER_BYTES:
            yield token.start, name


_FILE_MEMO: list[object] = [None, True]


def _file_may_have_long_identifier(source: SourceFile) -> bool:
    """Asked once per file: a statement's runs of name characters lie within the file's,
    so a file without a quote or a long run has no statement with one."""
    if _FILE_MEMO[0] is not source:
        _FILE_MEMO[:] = [source, _may_have_long_identifier(source.text)]
    return bool(_FILE_MEMO[1])


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if not _file_may_have_long_identifier(context.source):
        return
    text = context.source.text[statement.start : statement.end]
    for offset, name in long_identifiers(text):
        yield RULE.at(context, statement.start + offset, name=name[:40] + "...",
                      size=len(name.encode()))


RULE = Rule(
    code="MA507",
    name="identifier-too-long",
    severity=Severity.ERROR,
    message=(
        "identifier {name} is {size} bytes: PostgreSQL silently cuts it to 63, so the object "
        "gets another name than the one written (and two such names can collide)"
    ),
    why=(
        "Names longer than 63 bytes are truncated with only a NOTICE. Code, later migrations "
        "and generated types that use the full name then miss the object, and two long names "
        "sharing a 63-byte prefix clash."
    ),
    instead=(
        "Shorten the name to at most 63 bytes; for generated names, cut and append a short "
        "hash of the full name so it stays unique."
    ),
    bad=(
        "CREATE INDEX CONCURRENTLY "
        "idx_storage_locations_tenant_id_location_type_zone_aisle_bin_is_active "
        "ON storage_locations (tenant_id, location_type, zone, aisle);"
    ),
    good=(
        "CREATE INDEX CONCURRENTLY idx_storage_locations_tenant_type_zone_3f9a "
        "ON storage_locations (tenant_id, location_type, zone, aisle);"
    ),
    check=check,
)
