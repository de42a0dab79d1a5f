"""Schema documentation: a markdown page per table, the ER diagram and a query guide.

`README.md` holds the table list and a Mermaid `erDiagram`; `erd.svg` the same diagram drawn by
`agent.diagram` (no Graphviz needed); `erd.dot` the diagram for Graphviz users who want their own.
"""

from __future__ import annotations

from agent.codegen.model import CodegenOptions, Files, Relation, header, relations, sorted_tables
from agent.codegen.query_guide import scans, served
from agent.diagram import render_erd_svg
from agent.schema.tables import Column, Schema, Table

__all__ = ["erd_dot", "mermaid", "render"]


def render(schema: Schema, options: CodegenOptions) -> Files:
    files = {f"{t.name}.md": _table_page(schema, t) for t in sorted_tables(schema)}
    files["erd.dot"] = erd_dot(schema)
    files["erd.svg"] = render_erd_svg(schema)
    files["README.md"] = _index(schema, "The same diagram as a picture: [erd.svg](erd.svg).")
    return files


def _index(schema: Schema, svg_note: str) -> str:
    lines = [f"# {schema.project_name} schema", "", f"<!-- {header('').strip()} -->", "",
             "| table | entity | description |", "|---|---|---|"]
    lines += [f"| [{t.name}]({t.name}.md) | {t.entity} | {_cell(t.comment)} |" for t in sorted_tables(schema)]
    lines += ["", "## Entity-relationship diagram", "", "```mermaid", mermaid(schema), "```", "", svg_note, ""]
    return "\n".join(lines)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _keys(table: Table, column: Column) -> list[str]:
    keys = ["PK"] if column.name in table.key_columns else []
    keys += ["FK"] if any(column.name in k.columns for k in table.foreign_keys) else []
    keys += ["UK"] if any(column.name in u.columns for u in table.uniques) else []
    return keys


def mermaid(schema: Schema) -> str:
    lines = ["erDiagram"]
    for table in sorted_tables(schema):
        lines.append(f"    {table.name} {{")
        for column in table.columns:
            kind = column.sql_type.lower().replace(" ", "").replace("[]", "_array")
            keys = ", ".join(_keys(table, column))
            comment = f' "{column.comment.replace(chr(34), chr(39))}"' if column.comment else ""
            lines.append(f"        {kind} {column.name}{' ' + keys if keys else ''}{comment}".rstrip())
        lines.append("    }")
    lines += [f"    {_relationship(r)}" for r in relations(schema)]
    return "\n".join(lines)


def _relationship(relation: Relation) -> str:
    parent = "|o" if relation.optional else "||"
    child = "o|" if relation.unique else "o{"
    label = ", ".join(relation.key.columns)
    return f'{relation.parent.name} {parent}--{child} {relation.child.name} : "{label}"'


def erd_dot(schema: Schema) -> str:
    lines = ["digraph schema {", "  rankdir=LR;", '  node [shape=plaintext, fontname="Helvetica"];']
    for table in sorted_tables(schema):
        rows = "".join(f"<tr><td align=\"left\">{c.name}</td><td align=\"left\">{c.sql_type}</td></tr>"
                       for c in table.columns)
        lines.append(f'  {table.name} [label=<<table border="0" cellborder="1" cellspacing="0">'
                     f"<tr><td colspan=\"2\"><b>{table.name}</b></td></tr>{rows}</table>>];")
    for relation in relations(schema):
        lines.append(f'  {relation.child.name} -> {relation.parent.name} [label="{relation.key.name}"];')
    return "\n".join([*lines, "}", ""])


def _table_page(schema: Schema, table: Table) -> str:
    lines = [f"# {table.name}", "", f"<!-- {header('').strip()} -->", "",
             f"Entity `{table.entity}`, defined in `{table.source_file}`."]
    lines += ["", table.comment] if table.comment else []
    lines += ["", f"Tenant-scoped: {'yes, by `' + schema.tenant_column + '`' if table.tenant_scoped else 'no'}. "
              f"Audit columns: {'yes' if table.audit else 'no'}."]
    lines += _columns_section(table)
    lines += _constraints_section(table)
    lines += _indexes_section(table)
    lines += _queries_section(schema, table)
    lines += _policies_section(table)
    lines += _triggers_section(table)
    return "\n".join([*lines, ""])


def _columns_section(table: Table) -> list[str]:
    lines = ["", "## Columns", "", "| column | type | null | default | keys | description |",
             "|---|---|---|---|---|---|"]
    for c in table.columns:
        default = f"`{_cell(c.default)}`" if c.default else ""
        values = f" One of: {', '.join(c.enum_values)}." if c.enum_values else ""
        lines.append(f"| `{c.name}` | `{c.sql_type}` | {'no' if c.not_null else 'yes'} | {default} | "
                     f"{', '.join(_keys(table, c))} | {(_cell(c.comment) + values).strip()} |")
    return lines


def _constraints_section(table: Table) -> list[str]:
    lines = ["", "## Constraints", "", "| name | kind | definition |", "|---|---|---|"]
    if table.primary_key:
        lines.append(f"| `{table.primary_key.name}` | primary key | ({', '.join(table.primary_key.columns)}) |")
    lines += [f"| `{u.name}` | unique | ({', '.join(u.columns)}) |" for u in table.uniques]
    lines += [f"| `{c.name}` | check | `{_cell(c.expression)}` |" for c in table.checks]
    for k in table.foreign_keys:
        action = f"ON DELETE {k.on_delete}" + (f" ({', '.join(k.set_null_columns)})" if k.set_null_columns else "")
        reason = f" Why: {_cell(k.comment)}" if k.comment else ""
        lines.append(f"| `{k.name}` | foreign key | ({', '.join(k.columns)}) -> [{k.ref_table}]({k.ref_table}.md) "
                     f"({', '.join(k.ref_columns)}) {action} ON UPDATE {k.on_update}.{reason} |")
    return lines


def _indexes_section(table: Table) -> list[str]:
    lines = ["", "## Indexes", "", "| name | method | keys | unique | where | added by |", "|---|---|---|---|---|---|"]
    for i in table.indexes:
        keys = ", ".join(i.keys) + (f" INCLUDE ({', '.join(i.include)})" if i.include else "")
        lines.append(f"| `{i.name}` | {i.method} | {_cell(keys)} | {'yes' if i.unique else 'no'} | "
                     f"{'`' + _cell(i.where) + '`' if i.where else ''} | {'agent' if i.automatic else 'schema'} |")
    return lines


def _queries_section(schema: Schema, table: Table) -> list[str]:
    lines = ["", "## Queries", "", "Served by an index: the primary key and unique constraints, then each index "
             "with the query verification's index-use step plans for it with EXPLAIN.", "",
             "| query | index | notes |", "|---|---|---|"]
    lines += [f"| `{_cell(s.query)}` | `{s.index}` | {_cell('; '.join(s.notes))} |" for s in served(table)]
    found = scans(schema, table)
    if not found:
        return [*lines, "", "Every column leads an index: no equality filter on one column scans."]
    tenant = f" (row-level security adds `{schema.tenant_column}` to each)" if table.tenant_scoped else ""
    lines += ["", f"Will scan: no index leads with the column{tenant}. Add one if the application filters on it.",
              "", "| query | what PostgreSQL does |", "|---|---|"]
    for scan in found:
        partly = f"; {scan.partly} may serve it by a skip scan when its leading columns have few values" \
            if scan.partly else ""
        lines.append(f"| `{_cell(scan.query)}` | {scan.note}{partly} |")
    return lines


def _policies_section(table: Table) -> list[str]:
    if not table.rls_enabled:
        return ["", "## Row-level security", "", "Not enabled."]
    forced = "enabled and forced (the owner is subject to it too)" if table.rls_forced else "enabled"
    lines = ["", "## Row-level security", "", f"Row-level security is {forced}.", "",
             "| policy | command | roles | using | with check |", "|---|---|---|---|---|"]
    for p in table.policies:
        using = f"`{_cell(p.using)}`" if p.using else ""
        check = f"`{_cell(p.with_check)}`" if p.with_check else ""
        lines.append(f"| `{p.name}` | {p.command} | {', '.join(p.roles) or 'PUBLIC'} | {using} | {check} |")
    return lines


def _triggers_section(table: Table) -> list[str]:
    if not table.triggers:
        return []
    lines = ["", "## Triggers", ""]
    lines += [f"- `{t.name}`: {t.timing} {' OR '.join(t.events)} FOR EACH ROW, `{t.function}()`"
              for t in table.triggers]
    return lines
