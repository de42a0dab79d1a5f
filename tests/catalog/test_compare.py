"""compare() and fingerprint() on hand-built catalogs: no server needed."""

from __future__ import annotations

import json

from agent.catalog import (
    Catalog,
    Column,
    Constraint,
    Function,
    Index,
    Table,
    View,
    canonical_json,
    compare,
    fingerprint,
)

QUANTITY = Column(name="quantity", type="numeric(14,3)", not_null=True, default="0")
LOTS = Table(
    name="lots",
    rls_enabled=True,
    rls_forced=True,
    columns=(Column(name="lot_id", type="uuid", not_null=True), QUANTITY),
    indexes=(
        Index(name="idx_lots_qty", method="btree", keys=("quantity",),
              definition="CREATE INDEX idx_lots_qty ON lots USING btree (quantity)"),
    ),
)
BASE = Catalog(tables=(LOTS,))


def _with_lots(**changes: object) -> Catalog:
    return BASE.model_copy(update={"tables": (LOTS.model_copy(update=changes),)})


def test_equal_catalogs_have_no_differences_and_one_fingerprint() -> None:
    copy = Catalog.model_validate(json.loads(canonical_json(BASE)))
    assert compare(BASE, copy) == []
    assert fingerprint(BASE) == fingerprint(copy)
    assert fingerprint(BASE).startswith("sha256:") and len(fingerprint(BASE)) == 71


def test_fingerprint_of_a_part_differs_from_the_whole_and_follows_changes() -> None:
    assert fingerprint(LOTS) != fingerprint(BASE)
    assert fingerprint(_with_lots(rls_forced=False)) != fingerprint(BASE)
    assert fingerprint(_with_lots(comment="lots")) != fingerprint(BASE)


def test_canonical_json_sorts_keys_and_has_no_whitespace() -> None:
    text = canonical_json(Column(name="a", type="int"))
    assert text.startswith('{"collation":null,"comment":null,"default":null,')
    assert " " not in text


def test_a_changed_default_is_named_in_words() -> None:
    after = _with_lots(columns=(LOTS.columns[0], QUANTITY.model_copy(update={"default": "1"})))
    (difference,) = compare(BASE, after)
    assert difference.kind == "changed"
    assert difference.path == "table lots / column quantity / default"
    assert difference.message == "column lots.quantity: default is 0 in the first, 1 in the second"
    assert (difference.first, difference.second) == ("0", "1")
    assert str(difference) == difference.message


def test_missing_and_extra_objects() -> None:
    other = Index(name="idx_lots_other", method="hash", keys=("lot_id",), definition="x")
    differences = compare(BASE, _with_lots(indexes=(other,)))
    assert [(d.kind, d.path, d.message) for d in differences] == [
        ("extra", "table lots / index idx_lots_other",
         "index idx_lots_other on lots is in the second but not in the first"),
        ("missing", "table lots / index idx_lots_qty",
         "index idx_lots_qty on lots is in the first but not in the second"),
    ]


def test_labels_name_the_two_sides() -> None:
    (difference,) = compare(BASE, Catalog(), labels=("the database before up", "after down"))
    assert difference.message == (
        "table lots is in the database before up but not in after down"
    )


def test_a_definition_is_not_reported_beside_the_field_that_changed_it() -> None:
    changed = LOTS.indexes[0].model_copy(
        update={"predicate": "quantity > 0", "definition": "CREATE INDEX ... WHERE quantity > 0"}
    )
    differences = compare(BASE, _with_lots(indexes=(changed,)))
    assert [d.path for d in differences] == ["table lots / index idx_lots_qty / predicate"]
    assert differences[0].message == (
        "index idx_lots_qty on lots: predicate is none in the first, quantity > 0 in the second"
    )


def test_a_definition_alone_is_reported() -> None:
    changed = LOTS.indexes[0].model_copy(update={"definition": "CREATE INDEX ... (quantity DESC)"})
    (difference,) = compare(BASE, _with_lots(indexes=(changed,)))
    assert difference.path == "table lots / index idx_lots_qty / definition"


def test_column_order_is_a_difference_of_its_own() -> None:
    (difference,) = compare(BASE, _with_lots(columns=tuple(reversed(LOTS.columns))))
    assert difference.path == "table lots / column_order"
    assert difference.message == (
        "table lots: column order is (lot_id, quantity) in the first,"
        " (quantity, lot_id) in the second"
    )


def test_an_added_column_is_extra_without_an_order_difference() -> None:
    added = Column(name="note", type="text")
    differences = compare(BASE, _with_lots(columns=(*LOTS.columns, added)))
    assert [(d.kind, d.message) for d in differences] == [
        ("extra", "column lots.note is in the second but not in the first"),
    ]


def test_list_values_and_booleans_read_as_words() -> None:
    fk = Constraint(name="lots_fk", kind="foreign", columns=("a", "b"), definition="x",
                    on_delete="RESTRICT", deferrable=False)
    moved = fk.model_copy(update={"columns": ("b", "a"), "deferrable": True})
    messages = [d.message for d in compare(_with_lots(constraints=(fk,)),
                                           _with_lots(constraints=(moved,)))]
    assert messages == [
        "constraint lots_fk on lots: columns is (a, b) in the first, (b, a) in the second",
        "constraint lots_fk on lots: deferrable is false in the first, true in the second",
    ]


def test_long_values_are_not_spelled_out_in_the_message() -> None:
    view = View(name="v", materialized=True, definition=" SELECT 1;")
    changed = view.model_copy(update={"definition": " SELECT 1\n  FROM lots;"})
    (difference,) = compare(Catalog(views=(view,)), Catalog(views=(changed,)))
    assert difference.message == (
        "materialized view v: definition differs between the first and the second"
    )
    assert difference.second == " SELECT 1\n  FROM lots;"


def test_overloaded_functions_are_told_apart_by_their_arguments() -> None:
    one = Function(name="f", arguments="a integer", result="integer", language="sql", body="1")
    two = one.model_copy(update={"arguments": "a text"})
    differences = compare(Catalog(functions=(one, two)), Catalog(functions=(one,)))
    assert [(d.kind, d.path) for d in differences] == [("missing", "function f(a text)")]


def test_the_schema_name_counts() -> None:
    (difference,) = compare(BASE, BASE.model_copy(update={"schema_name": "archive"}))
    assert difference.message == "catalog: schema is public in the first, archive in the second"


def test_the_order_of_differences_is_the_walk_order() -> None:
    views = (View(name="a_view", definition="x"),)
    after = _with_lots(rls_enabled=False, rls_forced=False, comment="c").model_copy(
        update={"views": views}
    )
    paths = [d.path for d in compare(BASE, after)]
    assert paths == [
        "table lots / rls_enabled",
        "table lots / rls_forced",
        "table lots / comment",
        "view a_view",
    ]
    assert [d.path for d in compare(BASE, after)] == paths
