"""The ER diagram of a schema as standalone SVG, laid out here (no Graphviz).

A referenced table stands left of the tables that reference it: layers by the longest chain
of foreign keys, a cycle broken at the table with the fewest unplaced parents. Long layers
are split into columns and many columns wrap into bands, so any schema stays readable.
Each foreign key is an edge from the row of its column to the row of the column it
references. The SVG uses no ids, scripts or external resources, so several can sit in one
HTML page, and the same input always gives the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from agent.schema.tables import Column, ForeignKey, Schema, Table

__all__ = ["render_erd_svg"]

CHAR = 7.2
"""Advance of one character of 12px monospace."""
ROW = 18
HEAD = 26
PAD = 8
GAP_X = 90
GAP_Y = 28
MARGIN = 16
LEGEND = 28
MAX_TYPE = 30
PLAIN = ("#e2e8f0", "#475569", "1")
CHANGED = ("#fde68a", "#b45309", "2.5")


@dataclass(frozen=True)
class _Box:
    table: Table
    x: float
    y: float
    width: float
    keys_width: float
    name_width: float

    @property
    def height(self) -> float:
        return HEAD + ROW * len(self.table.columns) + 4

    def row_y(self, column: str) -> float:
        index = self.table.column_names.index(column) if column in self.table.column_names else -1
        return self.y + HEAD / 2 if index < 0 else self.y + HEAD + ROW * index + ROW / 2


def render_erd_svg(schema: Schema, highlight: frozenset[str] = frozenset(),
                   columns: frozenset[tuple[str, str]] = frozenset()) -> str:
    """The schema's tables and foreign keys as one SVG document; `highlight` names changed tables,
    `columns` changed columns as (table, column)."""
    if not schema.tables:
        return _document(240, 60, ['<text x="16" y="34">no tables</text>'], 0)
    top = MARGIN + (LEGEND if highlight & _names(schema) or _drawn(schema, columns) else 0)
    boxes = _place(schema, top)
    width = max(b.x + b.width for b in boxes.values()) + MARGIN
    height = max(b.y + b.height for b in boxes.values()) + MARGIN
    parts = _legend() if top > MARGIN else []
    parts += [_edge(schema, boxes, t, k) for t in _sorted(schema) for k in _keys_drawn(schema, t)]
    parts += [_table(boxes[t.name], t.name in highlight, columns) for t in _sorted(schema)]
    return _document(width, height, parts, len(schema.tables))


def _names(schema: Schema) -> frozenset[str]:
    return frozenset(t.name for t in schema.tables)


def _drawn(schema: Schema, columns: frozenset[tuple[str, str]]) -> bool:
    return any((t.name, c) in columns for t in schema.tables for c in t.column_names)


def _sorted(schema: Schema) -> list[Table]:
    return sorted(schema.tables, key=lambda t: t.name)


def _keys_drawn(schema: Schema, table: Table) -> list[ForeignKey]:
    return sorted((k for k in table.foreign_keys if schema.table(k.ref_table) is not None), key=lambda k: k.name)


def _document(width: float, height: float, parts: list[str], tables: int) -> str:
    label = f"Entity-relationship diagram: {tables} table{'' if tables == 1 else 's'}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'width="{_n(width)}" height="{_n(height)}" role="img" aria-label={quoteattr(label)} '
            'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">')
    return "\n".join([head, f"<title>{escape(label)}</title>",
                      f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>', *parts, "</svg>", ""])


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


# Layout


def _parents(schema: Schema) -> dict[str, list[str]]:
    return {t.name: sorted({k.ref_table for k in _keys_drawn(schema, t) if k.ref_table != t.name})
            for t in schema.tables}


def _ranks(parents: dict[str, list[str]]) -> dict[str, int]:
    rank: dict[str, int] = {}
    pending = sorted(parents)
    while pending:
        ready = [n for n in pending if all(p in rank for p in parents[n])]
        for name in ready or [_cycle_break(pending, parents, rank)]:
            rank[name] = 1 + max((rank[p] for p in parents[name] if p in rank), default=-1)
        pending = [n for n in pending if n not in rank]
    return rank


def _cycle_break(pending: list[str], parents: dict[str, list[str]], rank: dict[str, int]) -> str:
    return min(pending, key=lambda n: (sum(p not in rank for p in parents[n]), n))


def _layers(schema: Schema) -> list[list[str]]:
    parents = _parents(schema)
    rank = _ranks(parents)
    position: dict[str, int] = {}
    layers: list[list[str]] = []
    for level in range(max(rank.values()) + 1):
        names = [n for n in sorted(rank) if rank[n] == level]
        layer = sorted(names, key=lambda n: (_barycentre(parents[n], position), n))
        position.update({n: i for i, n in enumerate(layer)})
        layers.append(layer)
    return layers


def _barycentre(parents: list[str], position: dict[str, int]) -> float:
    placed = [position[p] for p in parents if p in position]
    return sum(placed) / len(placed) if placed else -1.0


def _columns(schema: Schema) -> list[list[list[str]]]:
    """Layers split into columns of at most `cap` tables, the columns wrapped into bands."""
    cap = max(6, math.ceil(math.sqrt(len(schema.tables))))
    columns = [layer[i:i + cap] for layer in _layers(schema) for i in range(0, len(layer), cap)]
    per_band = max(5, math.ceil(math.sqrt(len(columns))))
    return [columns[i:i + per_band] for i in range(0, len(columns), per_band)]


def _place(schema: Schema, top: float) -> dict[str, _Box]:
    boxes: dict[str, _Box] = {}
    y = top
    for band in _columns(schema):
        sized = [[_sized(schema.table(n)) for n in column] for column in band]  # type: ignore[arg-type]
        heights = [sum(b.height for b in column) + GAP_Y * (len(column) - 1) for column in sized]
        x = float(MARGIN)
        for column, height in zip(sized, heights, strict=True):
            row_y = y + (max(heights) - height) / 2
            for box in column:
                boxes[box.table.name] = _Box(box.table, x, row_y, box.width, box.keys_width, box.name_width)
                row_y += box.height + GAP_Y
            x += max(b.width for b in column) + GAP_X
        y += max(heights) + GAP_Y * 2
    return boxes


def _sized(table: Table) -> _Box:
    keys_width = max(len(_key_label(table, c)) for c in table.columns) * CHAR if table.columns else 0.0
    name_width = max((len(c.name) for c in table.columns), default=0) * CHAR
    type_width = max((len(_type_label(c)) for c in table.columns), default=0) * CHAR
    rows = PAD + keys_width + (PAD if keys_width else 0) + name_width + 2 * PAD + type_width + PAD
    width = max(rows, len(table.name) * CHAR * 1.1 + 2 * PAD)
    return _Box(table, 0.0, 0.0, math.ceil(width), keys_width, name_width)


def _key_label(table: Table, column: Column) -> str:
    keys = ["PK"] if column.name in table.key_columns else []
    keys += ["FK"] if any(column.name in k.columns for k in table.foreign_keys) else []
    keys += ["UK"] if any(column.name in u.columns for u in table.uniques) else []
    return ",".join(keys)


def _type_label(column: Column) -> str:
    text = column.sql_type.lower()
    return text if len(text) <= MAX_TYPE else text[:MAX_TYPE - 1] + "…"


# Drawing


def _legend() -> list[str]:
    fill, stroke, width = CHANGED
    return [f'<rect x="{MARGIN}" y="{MARGIN}" width="14" height="14" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"/>',
            f'<text x="{MARGIN + 22}" y="{MARGIN + 11}">changed by this migration</text>']


def _table(box: _Box, changed: bool, columns: frozenset[tuple[str, str]]) -> str:
    fill, stroke, width = CHANGED if changed else PLAIN
    name = box.table.name
    parts = [f'<g class="table{" changed" if changed else ""}" data-table={quoteattr(name)}>',
             f"<title>{escape(_table_title(box.table, changed))}</title>",
             f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{_n(box.height)}" '
             f'fill="#ffffff" stroke="{stroke}" stroke-width="{width}"/>',
             f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{HEAD}" '
             f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>',
             f'<text x="{_n(box.x + PAD)}" y="{_n(box.y + HEAD / 2 + 4)}" font-weight="bold">{escape(name)}</text>']
    parts += [_row(box, column, (name, column.name) in columns) for column in box.table.columns]
    return "\n".join([*parts, "</g>"])


def _table_title(table: Table, changed: bool) -> str:
    return f"{table.name} ({table.entity}){', changed' if changed else ''}"


def _row(box: _Box, column: Column, changed: bool) -> str:
    baseline = _n(box.row_y(column.name) + 4)
    keys = _key_label(box.table, column)
    name_x = box.x + PAD + box.keys_width + (PAD if box.keys_width else 0)
    type_x = name_x + box.name_width + 2 * PAD
    null = "NOT NULL" if column.not_null else "NULL"
    css = "row changed" if changed else "row"
    parts = [f'<g class="{css}"><title>'
             f"{escape(f'{column.name} {column.sql_type} {null}')}</title>"]
    if changed:
        parts.append(f'<rect x="{_n(box.x + 1)}" y="{_n(box.row_y(column.name) - ROW / 2)}" '
                     f'width="{_n(box.width - 2)}" height="{ROW}" fill="{CHANGED[0]}"/>')
    if keys:
        parts.append(f'<text x="{_n(box.x + PAD)}" y="{baseline}" fill="#b45309" font-size="10">{keys}</text>')
    parts.append(f'<text class="column" x="{_n(name_x)}" y="{baseline}">{escape(column.name)}</text>')
    parts.append(f'<text x="{_n(type_x)}" y="{baseline}" fill="#64748b">{escape(_type_label(column))}</text></g>')
    return "".join(parts)


def _anchor_column(schema: Schema, key: ForeignKey) -> tuple[str, str]:
    """The key's own column and the one it references: not the tenant column a same-tenant key adds."""
    pairs = list(zip(key.columns, key.ref_columns, strict=False))
    own = [p for p in pairs if p[0] != schema.tenant_column]
    return (own or pairs)[0]


def _edge(schema: Schema, boxes: dict[str, _Box], table: Table, key: ForeignKey) -> str:
    child, parent = boxes[table.name], boxes[key.ref_table]
    column, ref_column = _anchor_column(schema, key)
    y1, y2 = child.row_y(column), parent.row_y(ref_column)
    if parent.x + parent.width < child.x:
        x1, d1, x2, d2 = child.x, -1, parent.x + parent.width, 1
    elif child.x + child.width < parent.x:
        x1, d1, x2, d2 = child.x + child.width, 1, parent.x, -1
    else:
        x1, d1, x2, d2 = child.x + child.width, 1, parent.x + parent.width, 1
    bend = max(36.0, abs(x2 - x1) / 2)
    path = (f"M{_n(x1)} {_n(y1)} C{_n(x1 + d1 * bend)} {_n(y1)} {_n(x2 + d2 * bend)} {_n(y2)} "
            f"{_n(x2)} {_n(y2)}")
    title = f"{table.name}.{key.name}: ({', '.join(key.columns)}) -> {key.ref_table} ({', '.join(key.ref_columns)})"
    foot = (f"M{_n(x1 + d1 * 10)} {_n(y1)} L{_n(x1)} {_n(y1 - 5)} M{_n(x1 + d1 * 10)} {_n(y1)} L{_n(x1)} {_n(y1 + 5)}"
            f" M{_n(x2 + d2 * 6)} {_n(y2 - 5)} L{_n(x2 + d2 * 6)} {_n(y2 + 5)}")
    return (f'<g class="edge" data-from={quoteattr(table.name)} data-to={quoteattr(key.ref_table)}>'
            f"<title>{escape(title)}</title>"
            f'<path d="{path}" fill="none" stroke="#64748b" stroke-width="1.4"/>'
            f'<path d="{foot}" fill="none" stroke="#334155" stroke-width="1.4"/></g>')
