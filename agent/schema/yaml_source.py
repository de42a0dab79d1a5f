"""Safe YAML reading that remembers where every value came from.

The document is composed into nodes by PyYAML's safe machinery and turned into
plain Python values here, so that each key path maps to its line and column.
Only the standard tags are accepted; aliases are expanded with a node budget,
which stops an alias bomb before it expands.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from agent.schema.diagnostics import Diagnostic, KeyPath, Location, SchemaError

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "SourceDocument", "read_source_file", "read_yaml_bytes"]

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 10_000
MAX_DEPTH = 32

_STANDARD_SCALARS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class SourceDocument:
    """A parsed file: its data and the location of every key path in it."""

    path: Path
    data: Any
    locations: dict[KeyPath, Location] = field(default_factory=dict)
    """Where each key path starts: a mapping key's own position, a list item's position."""
    scalars: dict[KeyPath, Location] = field(default_factory=dict)
    """Where each scalar value is written (for a key, its value rather than the key)."""

    def locate(self, key_path: KeyPath, *, at_key: bool = False) -> Location:
        """The location of the deepest known prefix of `key_path`: its value when that is a
        scalar (what a message about it is about), else where it starts; `at_key` for a
        message about the key itself (an unknown or duplicate key)."""
        for end in range(len(key_path), -1, -1):
            prefix = tuple(key_path[:end])
            found = None if at_key else self.scalars.get(prefix)
            found = found or self.locations.get(prefix)
            if found is not None:
                return found
        return Location(self.path.name, 1, 1)

    def diagnostic(
        self, key_path: KeyPath, message: str, *, warning: bool = False, at_key: bool = False
    ) -> Diagnostic:
        return Diagnostic(self.locate(key_path, at_key=at_key), key_path, message, warning=warning)


class _Builder:
    def __init__(self, path: Path) -> None:
        self.document = SourceDocument(path, None)
        self.nodes = 0
        self.errors: list[Diagnostic] = []
        self._scalars = yaml.SafeLoader("")

    def location(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.document.path.name, mark.line + 1, mark.column + 1)

    def fail(self, node: Node, key_path: KeyPath, message: str) -> None:
        self.errors.append(Diagnostic(self.location(node), key_path, message))

    def build(self, node: Node, key_path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooManyNodes(self.location(node))
        if len(key_path) > MAX_DEPTH:
            self.fail(node, key_path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        self.document.locations.setdefault(key_path, self.location(node))
        if isinstance(node, ScalarNode):
            self.document.scalars[key_path] = self.location(node)
        if isinstance(node, MappingNode):
            return self.mapping(node, key_path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*key_path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, key_path)

    def mapping(self, node: MappingNode, key_path: KeyPath) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            self.fail(node, key_path, f"tag {node.tag} is not allowed")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, key_path, "keys must be plain scalars")
                continue
            key = str(key_node.value)
            if key in result:
                self.fail(key_node, (*key_path, key), f"duplicate key {key!r}")
                continue
            self.document.locations[(*key_path, key)] = self.location(key_node)
            result[key] = self.build(value_node, (*key_path, key))
        return result

    def scalar(self, node: Node, key_path: KeyPath) -> Any:
        if node.tag not in _STANDARD_SCALARS:
            self.fail(node, key_path, f"tag {node.tag} is not allowed")
            return None
        try:
            value = self._scalars.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as error:  # e.g. an integer of 5 000 digits
            digits = sum(c.isdigit() for c in str(node.value))
            too_long = node.tag == "tag:yaml.org,2002:int" and digits > 100
            self.fail(node, key_path, f"a number of {digits} digits is too long for any PostgreSQL type"
                      if too_long else f"not a usable value: {error}")
            return None
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        return value


class _TooManyNodes(Exception):
    def __init__(self, location: Location) -> None:
        self.location = location


def read_yaml_bytes(path: Path, raw: bytes) -> SourceDocument:
    """Parse one file's bytes; every problem is raised together as a SchemaError."""
    if len(raw) > MAX_FILE_BYTES:
        message = f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES} (1 MiB)"
        raise SchemaError([Diagnostic(Location(path.name, 1, 1), (), message)])
    start = Location(path.name, 1, 1)
    try:
        root = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise SchemaError([Diagnostic(start, (), "file is not UTF-8")]) from None
    except yaml.MarkedYAMLError as error:
        raise SchemaError([_syntax_diagnostic(path, error)]) from None
    except yaml.reader.ReaderError as error:  # control characters; it carries an offset, not a mark
        raise SchemaError([Diagnostic(start, (), f"YAML: {error.reason} (character {error.position + 1})")]) from None
    except RecursionError:  # the composer recurses per level; a deep document is refused whole
        raise SchemaError([Diagnostic(start, (), f"nested more than {MAX_DEPTH} levels deep")]) from None
    builder = _Builder(path)
    if root is None:
        return builder.document
    try:
        builder.document.data = builder.build(root, ())
    except _TooManyNodes as bomb:
        message = f"more than {MAX_NODES} nodes after expanding aliases (an alias bomb?)"
        raise SchemaError([Diagnostic(bomb.location, (), message)]) from None
    if builder.errors:
        raise SchemaError(builder.errors)
    return builder.document


def read_source_file(path: Path) -> bytes:
    """A file's bytes, refusing one over the size limit before reading it."""
    location = Location(path.name, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"file is {size} bytes; the limit is {MAX_FILE_BYTES} (1 MiB)"
            raise SchemaError([Diagnostic(location, (), message)])
        return path.read_bytes()
    except OSError as error:
        raise SchemaError([Diagnostic(location, (), f"cannot read: {error.strerror}")]) from None


def _syntax_diagnostic(path: Path, error: yaml.MarkedYAMLError) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = error.problem or error.context or "invalid YAML"
    return Diagnostic(Location(path.name, line, column), (), f"YAML syntax: {problem}")
