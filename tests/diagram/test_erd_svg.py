"""The ER diagram renderer: every table and key drawn, no overlaps, same bytes every time, nothing external."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import example, given
from hypothesis import strategies as st

from agent.diagram import render_erd_svg
from agent.schema.tables import Column, ForeignKey, PrimaryKey, Schema, Table
from tests.generate.helpers import examples, load
from tests.generate.synthetic import synthetic_schema

SVG = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def _groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").split()[:1] == [kind]]


def _boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    found = {}
    for group in _groups(root, "table"):
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        found[group.get("data-table") or ""] = tuple(float(rect.get(k) or 0) for k in ("x", "y", "width", "height"))
    return found  # type: ignore[return-value]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _table(name: str, parents: list[str]) -> Table:
    columns = [Column(name="id", sql_type="UUID", not_null=True, property_type="uuid")]
    columns += [Column(name=f"{p}_id", sql_type="UUID", not_null=False, property_type="uuid") for p in parents]
    keys = [ForeignKey(name=f"{name}_{p}_id_fkey", columns=(f"{p}_id",), ref_table=p, ref_columns=("id",),
                       on_delete="CASCADE") for p in parents]
    return Table(name=name, entity=name.title(), tenant_scoped=False, audit=False, columns=tuple(columns),
                 primary_key=PrimaryKey(name=f"{name}_pkey", columns=("id",)), foreign_keys=tuple(keys))


def test_examples_name_every_table_and_key() -> None:
    schema = examples().schema
    root = _tree(render_erd_svg(schema))
    assert {t.name for t in schema.tables} <= set(_texts(root))
    edges = {(g.get("data-from"), g.get("data-to")) for g in _groups(root, "edge")}
    assert edges == {(t.name, k.ref_table) for t in schema.tables for k in t.foreign_keys}
    boxes = _boxes(root)
    assert boxes["storage_locations"][0] + boxes["storage_locations"][2] < boxes["lots"][0]


def test_every_column_is_a_row_with_its_type() -> None:
    schema = examples().schema
    texts = _texts(_tree(render_erd_svg(schema)))
    lots = schema.table("lots")
    assert lots is not None
    assert {c.name for c in lots.columns} <= set(texts)
    assert "PK" in texts and "FK" in texts


def test_highlight_marks_only_the_named_tables_and_adds_a_legend() -> None:
    schema = examples().schema
    plain = render_erd_svg(schema)
    root = _tree(render_erd_svg(schema, frozenset({"lots", "gone_table"})))
    changed = {g.get("data-table") for g in _groups(root, "table") if "changed" in (g.get("class") or "")}
    assert changed == {"lots"}
    assert "changed by this migration" in _texts(root)
    assert "changed by this migration" not in plain
    assert render_erd_svg(schema, frozenset({"gone_table"})) == plain


def test_same_bytes_whatever_the_order_of_tables() -> None:
    schema = load(synthetic_schema(12)).schema
    reordered = schema.model_copy(update={"tables": tuple(reversed(schema.tables))})
    assert render_erd_svg(schema) == render_erd_svg(reordered) == render_erd_svg(schema)


def test_self_contained_no_ids_scripts_or_links() -> None:
    svg = render_erd_svg(examples().schema, frozenset({"lots"}))
    for word in ("<script", "href", " id=", "url(", "@import", "<style"):
        assert word not in svg


def test_names_are_escaped() -> None:
    schema = Schema(tables=(_table("a<b&c", []), _table('q"t', ["a<b&c"])))
    svg = render_erd_svg(schema)
    root = _tree(svg)
    assert {"a<b&c", 'q"t'} <= set(_texts(root))
    assert "a<b&c" not in svg


def test_an_empty_schema_is_still_a_document() -> None:
    assert _texts(_tree(render_erd_svg(Schema()))) == ["no tables"]


def test_cycles_and_wide_schemas_place_every_table_without_overlap() -> None:
    schema = load(synthetic_schema(40)).schema
    root = _tree(render_erd_svg(schema))
    boxes = _boxes(root)
    assert set(boxes) == {t.name for t in schema.tables}
    names = sorted(boxes)
    assert not [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if _overlap(boxes[a], boxes[b])]
    width, height = float(root.get("width") or 0), float(root.get("height") or 0)
    assert width < 4000 and height < 6000


@st.composite
def _graphs(draw: st.DrawFn) -> Schema:
    count = draw(st.integers(1, 24))
    names = [f"t{i:02d}" for i in range(count)]
    tables = [_table(n, sorted(set(draw(st.lists(st.sampled_from(names), max_size=3))))) for n in names]
    return Schema(tables=tuple(tables))


@given(_graphs())
@example(Schema(tables=(_table("a", ["b"]), _table("b", ["a"]))))
@example(Schema(tables=(_table("a", ["a"]),)))
def test_any_key_graph_is_drawn_whole_and_apart(schema: Schema) -> None:
    root = _tree(render_erd_svg(schema))
    boxes = _boxes(root)
    assert set(boxes) == {t.name for t in schema.tables}
    names = sorted(boxes)
    assert not [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if _overlap(boxes[a], boxes[b])]
    assert len(_groups(root, "edge")) == sum(len(t.foreign_keys) for t in schema.tables)
    assert all(x >= 0 and y >= 0 for x, y, _, _ in boxes.values())


def test_changed_columns_are_marked_in_their_rows_only() -> None:
    schema = examples().schema
    root = _tree(render_erd_svg(schema, columns=frozenset({("lots", "quantity"), ("nowhere", "x")})))
    marked = [g for g in root.iter(f"{SVG}g") if g.get("class") == "row changed"]
    assert [t.text for g in marked for t in g.iter(f"{SVG}text") if t.get("class") == "column"] == ["quantity"]
    assert "changed by this migration" in _texts(root)
    assert render_erd_svg(schema, columns=frozenset({("nowhere", "x")})) == render_erd_svg(schema)
