"""SQL for the operations on live tables (`agent.plan.alter_operations`)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from agent.plan import alter_operations as alter
from agent.plan.operations import Operation
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.names import bounded_name
from agent.schema.tables import Column
from agent.sql.policy_sql import create_policy_sql, drop_policy_sql

__all__ = [
    "ALTER_ACTIONS", "ALTER_RENDERERS", "alter_action", "backfill_bypass", "column_backup", "column_definition",
    "deferrable_clause", "sealed",
]

INDENT = "    "
BACKFILL_SETTING = "'migration_agent.backfill'"
"""Set by a backfill for its own transactions: the agent's triggers leave those rows alone."""


def backfill_bypass(indent: str) -> str:
    """The trigger lines that leave a backfill's row alone. Any session may set the setting, so
    it counts only for one that row security does not filter on the table and that holds TRIGGER
    on it (its owner, a superuser): a migration role, which could change what the trigger does
    anyway. Both tests read caches, not tables, and run only once the setting is on."""
    return textwrap.indent("\n".join([
        f"IF pg_catalog.current_setting({BACKFILL_SETTING}, true) = 'on'",
        "        AND NOT pg_catalog.row_security_active(TG_RELID)",
        "        AND pg_catalog.has_table_privilege(TG_RELID, 'TRIGGER') THEN",
        "    RETURN NEW;",
        "END IF;",
    ]), indent)


def _table(op: Any) -> str:
    return f"ALTER TABLE {quote_ident(op.table)}"


_SERIALS = {"SMALLINT": "SMALLSERIAL", "INTEGER": "SERIAL", "BIGINT": "BIGSERIAL"}


def column_definition(column: Column) -> str:
    """`name TYPE [NOT NULL] [DEFAULT ...]`, as CREATE TABLE and ADD COLUMN write it."""
    kind = _SERIALS.get(column.sql_type, column.sql_type) if column.serial else column.sql_type
    parts = [quote_ident(column.name), kind]
    if column.not_null:
        parts.append("NOT NULL")
    if column.default is not None and not column.serial:
        parts.append(f"DEFAULT {column.default}")
    if column.identity is not None:
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    return " ".join(parts)


def _add_column(op: alter.AddColumn) -> str:
    return f"{_table(op)} ADD COLUMN {column_definition(op.column)};"


def sealed(backup: str) -> str:
    """Row-level security with no policy on a backup table: it holds every tenant's rows, and
    whatever privileges the application role gets on new tables, it sees none of them (only
    a superuser or a BYPASSRLS role, which a restore runs as, reads it)."""
    return f"ALTER TABLE {quote_ident(backup)} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;"


def set_aside(backup: str) -> str:
    """A DO block that keeps a backup of the same name (left by an earlier run of the same down
    migration, after which the up ran again) under the first free numbered name, so that the
    new backup can take the name and no copy is lost."""
    name = quote_literal(backup)
    numbered = f"left({name}, 62 - length(n::text)) || '_' || n"
    body = "\n".join([
        "DECLARE",
        "    n int := 1;",
        "BEGIN",
        f"    IF to_regclass(quote_ident({name})) IS NOT NULL THEN",
        f"        WHILE to_regclass(quote_ident({numbered})) IS NOT NULL LOOP",
        "            n := n + 1;",
        "        END LOOP;",
        f"        EXECUTE format('ALTER TABLE %I RENAME TO %I', {name}, {numbered});",
        "    END IF;",
        "END",
    ])
    tag = _dollar_tag(body)  # a table may be named `$$`
    return f"DO {tag}\n{body}\n{tag};"


def column_backup(op: alter.DropColumn) -> str:
    keys = ", ".join(quote_ident(k) for k in op.primary_key)
    return (f"{set_aside(op.backup_as or '')}\nCREATE TABLE {quote_ident(op.backup_as or '')} AS\n{INDENT}SELECT "
            f"{keys}, {quote_ident(op.column.name)} FROM {quote_ident(op.table)};\n{sealed(op.backup_as or '')}")


def _drop_column(op: alter.DropColumn) -> str:
    backup = column_backup(op) + "\n" if op.backup_as else ""
    return f"{backup}{_table(op)} DROP COLUMN {quote_ident(op.column.name)};"


def _restore_column(op: alter.RestoreColumn) -> str:
    """Add the column back, refill it in keyset batches (from its sibling or its backup), then
    NOT NULL through a validated check; the backup is dropped once its rows are back."""
    nullable = op.column.model_copy(update={"not_null": False, "default": None})
    key = op.primary_key[0]
    lines = [f"{_table(op)} ADD COLUMN {column_definition(nullable)};"]
    source = quote_ident(op.refill_from) if op.refill_from else None
    if source is None and op.backup_as:
        backup = quote_ident(op.backup_as)
        lines.append(f"CREATE UNIQUE INDEX CONCURRENTLY ON {backup} ({quote_ident(key)});")
        source = (f"(SELECT b.{quote_ident(op.column.name)} FROM {backup} AS b "
                  f"WHERE b.{quote_ident(key)} = {quote_ident(op.table)}.{quote_ident(key)})")
    if source is not None:
        lines.append(_backfill(alter.Backfill(op.table, ((op.column.name, source),), key, op.key_type)))
    if op.column.default is not None:
        lines.append(f"{_table(op)} ALTER COLUMN {quote_ident(op.column.name)} SET DEFAULT {op.column.default};")
    if op.column.not_null or op.refill_not_null:
        check = bounded_name(f"{op.table}_{op.column.name}_not_null")
        lines.append(_set_not_null(alter.SetNotNull(op.table, op.column.name, check)))
    if op.backup_as:
        lines.append(f"DROP TABLE {quote_ident(op.backup_as)};")
    return "\n".join(lines)


# Lint does not look inside a DO block, so the ignore goes only on a bare ALTER TABLE.
NARROWING_BACK = ("-- agent:ignore MA108 undoes the up's widening: rolling back chooses the narrowing "
                  "and the values that fit it")


def _alter_type(op: alter.AlterColumnType) -> str:
    """The checks that read the column come off and back in the same statement; with policies
    that read it, one DO block, so they are dropped and re-created atomically even in a file
    that runs outside a transaction."""
    clauses = [*(f"DROP CONSTRAINT {quote_ident(c.name)}" for c in op.checks),
               f"ALTER COLUMN {quote_ident(op.column)} TYPE {op.new_type}",
               *(f"ADD CONSTRAINT {quote_ident(c.name)} CHECK ({c.expression})"
                 + (" NOT VALID" if op.widens or not c.validated else "") for c in op.checks)]
    separator = f",\n{INDENT}"
    alter_sql = (f"{_table(op)}\n{INDENT}{separator.join(clauses)};" if op.checks else
                 f"{_table(op)} {clauses[0]};")
    if op.policies:
        alter_sql = _do_block("\n".join([*(drop_policy_sql(op.table, p) for p in op.policies), alter_sql,
                                         *(create_policy_sql(op.table, p) for p in op.policies)]))
    elif op.undoes_widening:
        alter_sql = f"{NARROWING_BACK}\n{alter_sql}"
    validations = [f"{_table(op)} VALIDATE CONSTRAINT {quote_ident(c.name)};"
                   for c in op.checks if op.widens and op.validate_checks and c.validated]
    return "\n".join([alter_sql, *validations])


def _dollar_tag(body: str) -> str:
    """A dollar quote the body does not contain (expressions from YAML may hold `$$` in a string)."""
    return next(tag for tag in ("$$", *(f"$agent{n}$" for n in range(1, 1000))) if tag not in body)


def _do_block(body: str) -> str:
    tag = _dollar_tag(body)
    return "\n".join([f"DO {tag}", "BEGIN", textwrap.indent(body, INDENT), "END", f"{tag};"])


def _set_default(op: alter.SetColumnDefault) -> str:
    action = "DROP DEFAULT" if op.default is None else f"SET DEFAULT {op.default}"
    return f"{_table(op)} ALTER COLUMN {quote_ident(op.column)} {action};"


def _set_not_null(op: alter.SetNotNull) -> str:
    check, column = quote_ident(op.check_name), quote_ident(op.column)
    return "\n".join([
        f"{_table(op)} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;",
        f"{_table(op)} VALIDATE CONSTRAINT {check};",
        f"{_table(op)} ALTER COLUMN {column} SET NOT NULL;",
        f"{_table(op)} DROP CONSTRAINT {check};",
    ])


def _drop_not_null(op: alter.DropNotNull) -> str:
    return f"{_table(op)} ALTER COLUMN {quote_ident(op.column)} DROP NOT NULL;"


def _add_check(op: alter.AddCheck) -> str:
    name = quote_ident(op.check.name)
    sql = f"{_table(op)}\n{INDENT}ADD CONSTRAINT {name} CHECK ({op.check.expression}) NOT VALID;"
    return sql + (f"\n{_table(op)} VALIDATE CONSTRAINT {name};" if op.validate else "")


def _rename_constraint(op: alter.RenameConstraint) -> str:
    return f"{_table(op)} RENAME CONSTRAINT {quote_ident(op.old_name)} TO {quote_ident(op.new_name)};"


def _drop_constraint_named(op: Any, name: str) -> str:
    return f"{_table(op)} DROP CONSTRAINT {quote_ident(name)};"


def _validate(op: alter.ValidateConstraint) -> str:
    return f"{_table(op)} VALIDATE CONSTRAINT {quote_ident(op.name)};"


def deferrable_clause(deferrable: str | None) -> str:
    """` DEFERRABLE INITIALLY IMMEDIATE|DEFERRED`, or nothing for a key that is not deferrable."""
    return f" DEFERRABLE INITIALLY {deferrable.upper()}" if deferrable else ""


def _add_unique(op: alter.AddUnique) -> str:
    name, columns = quote_ident(op.unique.name), ", ".join(quote_ident(c) for c in op.unique.columns)
    leftover = f"DROP INDEX CONCURRENTLY IF EXISTS {name};\n"
    return (f"{leftover}CREATE UNIQUE INDEX CONCURRENTLY {name}\n{INDENT}ON {quote_ident(op.table)} ({columns});\n"
            f"{_table(op)} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}{deferrable_clause(op.unique.deferrable)};")


def _create_sync_trigger(op: alter.CreateSyncTrigger) -> str:
    name, old, new = quote_ident(op.name), quote_ident(op.old_column), quote_ident(op.new_column)
    body = "\n".join([
        "BEGIN",
        backfill_bypass(INDENT),
        "    IF TG_OP = 'INSERT' THEN",
        f"        IF NEW.{new} IS NULL THEN NEW.{new} := NEW.{old}; ELSIF NEW.{old} IS NULL THEN NEW.{old} := NEW.{new}; END IF;",  # noqa: E501
        f"    ELSIF NEW.{new} IS DISTINCT FROM OLD.{new} THEN",
        f"        NEW.{old} := NEW.{new};",
        f"    ELSIF NEW.{old} IS DISTINCT FROM OLD.{old} THEN",
        f"        NEW.{new} := NEW.{old};",
        "    END IF;",
        "    RETURN NEW;",
        "END;",
    ])
    tag = _dollar_tag(body)
    return (f"CREATE FUNCTION {name}()\nRETURNS trigger\nLANGUAGE plpgsql\nAS {tag}\n{body}\n{tag};\n\n"
            f"CREATE TRIGGER {name}\n{INDENT}BEFORE INSERT OR UPDATE ON {quote_ident(op.table)}\n"
            f"{INDENT}FOR EACH ROW\n{INDENT}EXECUTE FUNCTION {name}();")


def _drop_sync_trigger(op: alter.DropSyncTrigger) -> str:
    name = quote_ident(op.name)
    return f"DROP TRIGGER {name} ON {quote_ident(op.table)};\nDROP FUNCTION {name}();"


def _backfill(op: alter.Backfill) -> str:
    """A DO block filling the columns range by range of the primary key, a commit per range;
    first, for the columns it `remember`s, the keys of their NULL rows go to a sealed backup
    (kept from an earlier, interrupted run)."""
    table = quote_ident(op.table)
    columns = [quote_ident(column) for column, _ in op.assignments]
    sets = ",\n                ".join(
        f"{c} = COALESCE({c}, ({expression}))" for c, (_, expression) in zip(columns, op.assignments, strict=True))
    pending = " OR ".join(f"{c} IS NULL" for c in columns)
    label = f"backfill {op.table}: {', '.join(c for c, _ in op.assignments)}"
    update = [f"UPDATE {table}", f"    SET {sets}",
              f"    WHERE {quote_ident(op.key)} BETWEEN first_key AND last_key AND ({pending});"]
    loop = _keyset_loop(op.table, op.key, op.key_type, op.batch_size, op.pause_ms, update, label)
    return f"{_nulls_backup(op)}\n{loop}" if op.remember else loop


def _nulls_backup(op: alter.Backfill) -> str:
    backup, remembered = quote_ident(op.backup_as or ""), [quote_ident(c) for c, _ in op.remember]
    flags = ", ".join(f"{c} IS NULL AS {c}" for c in remembered)
    return (f"CREATE TABLE IF NOT EXISTS {backup} AS\n{INDENT}SELECT {quote_ident(op.key)}, {flags} "
            f"FROM {quote_ident(op.table)}\n{INDENT}WHERE {' OR '.join(f'{c} IS NULL' for c in remembered)};\n"
            f"{sealed(op.backup_as or '')}")


def _unfill(op: alter.Unfill) -> str:
    """The backfill undone: each remembered column back to NULL in the rows the backup lists, if
    it still holds what the backfill gives (a value written since is kept). No join: the fill
    expression names the table's own columns."""
    filled = op.filled
    table, backup, key = quote_ident(op.table), quote_ident(filled.backup_as or ""), quote_ident(filled.key)

    def listed(flag: str = "") -> str:
        return (f"{key} IN (SELECT b.{key} FROM {backup} AS b WHERE b.{key} BETWEEN first_key AND last_key"
                f"{flag})")

    sets = ",\n                ".join(
        f"{c} = CASE WHEN {c} IS NOT DISTINCT FROM ({expression}) AND {listed(f' AND b.{c}')} THEN NULL ELSE {c} END"
        for c, expression in ((quote_ident(c), e) for c, e in filled.remember))
    update = [f"UPDATE {table}", f"    SET {sets}", f"    WHERE {key} BETWEEN first_key AND last_key AND {listed()};"]
    label = f"undo the backfill of {op.table}: {', '.join(c for c, _ in filled.remember)}"
    loop = _keyset_loop(filled.backup_as or "", filled.key, filled.key_type, filled.batch_size, filled.pause_ms,
                        update, label)
    return (f"CREATE UNIQUE INDEX CONCURRENTLY ON {backup} ({key});\n{loop}\n"
            f"DROP TABLE {backup};")


def _keyset_loop(source: str, key_name: str, key_type: str, batch_size: int, pause_ms: int,
                 update: list[str], label: str) -> str:
    """A DO block running `update` once per range of `batch_size` keys of `source`, a commit per range.

    Each range's bounds come from the key's index alone (an index-only scan); only the UPDATE
    reads the rows, once. Every condition on the key is a plain range, so the plans PL/pgSQL
    caches for the loop keep using the index (`last IS NULL OR key > last` would not)."""
    table, key = quote_ident(source), quote_ident(key_name)
    tag = _dollar_tag("\n".join(update))
    label = label.replace("'", "")
    return "\n".join([
        f"DO {tag}",
        "DECLARE",
        f"    first_key {key_type};",
        f"    last_key {key_type};",
        "    changed bigint;",
        "    done bigint := 0;",
        "BEGIN",
        f"    SELECT {key} INTO first_key FROM {table} ORDER BY {key} LIMIT 1;",
        "    WHILE first_key IS NOT NULL LOOP",
        f"        SELECT {key} INTO last_key FROM {table} WHERE {key} >= first_key",
        f"            ORDER BY {key} OFFSET {batch_size - 1} LIMIT 1;",
        "        IF last_key IS NULL THEN",
        f"            SELECT {key} INTO last_key FROM {table} ORDER BY {key} DESC LIMIT 1;",
        "        END IF;",
        f"        PERFORM set_config({BACKFILL_SETTING}, 'on', true);",
        *(f"        {line}" for line in update),
        "        GET DIAGNOSTICS changed = ROW_COUNT;",
        "        done := done + changed;",
        f"        RAISE NOTICE '{label}: % rows', done;",
        "        COMMIT;",
        *([f"        PERFORM pg_sleep({pause_ms / 1000:g});"] if pause_ms else []),
        f"        SELECT {key} INTO first_key FROM {table} WHERE {key} > last_key ORDER BY {key} LIMIT 1;",
        "    END LOOP;",
        "END",
        f"{tag};",
    ])


def _default_action(op: alter.SetColumnDefault) -> str:
    action = "DROP DEFAULT" if op.default is None else f"SET DEFAULT {op.default}"
    return f"ALTER COLUMN {quote_ident(op.column)} {action}"


ALTER_ACTIONS: dict[type[Operation], Callable[[Any], str | None]] = {
    alter.AddColumn: lambda op: f"ADD COLUMN {column_definition(op.column)}",
    alter.AlterColumnType: lambda op: None if op.policies or op.checks else
    f"ALTER COLUMN {quote_ident(op.column)} TYPE {op.new_type}",
    alter.SetColumnDefault: _default_action,
    alter.DropNotNull: lambda op: f"ALTER COLUMN {quote_ident(op.column)} DROP NOT NULL",
    alter.AddCheck: lambda op: None if op.validate else
    f"ADD CONSTRAINT {quote_ident(op.check.name)} CHECK ({op.check.expression}) NOT VALID",
    alter.DropCheck: lambda op: f"DROP CONSTRAINT {quote_ident(op.check.name)}",
    alter.DropColumn: lambda op: None if op.backup_as else f"DROP COLUMN {quote_ident(op.column.name)}",
}
"""Operations that are one clause of ALTER TABLE: in a transaction they share one statement."""


def alter_action(op: Operation) -> str | None:
    action = ALTER_ACTIONS.get(type(op))
    return action(op) if action else None


def _nothing(op: Operation) -> str:
    return ""


ALTER_RENDERERS: dict[type[Operation], Callable[[Any], str]] = {
    alter.AddColumn: _add_column,
    alter.DropColumn: _drop_column,
    alter.RestoreColumn: _restore_column,
    alter.AlterColumnType: _alter_type,
    alter.SetColumnDefault: _set_default,
    alter.SetNotNull: _set_not_null,
    alter.DropNotNull: _drop_not_null,
    alter.AddCheck: _add_check,
    alter.DropCheck: lambda op: _drop_constraint_named(op, op.check.name),
    alter.ValidateConstraint: _validate,
    alter.RenameConstraint: _rename_constraint,
    alter.AddUnique: _add_unique,
    alter.DropUnique: lambda op: _drop_constraint_named(op, op.unique.name),
    alter.CreateSyncTrigger: _create_sync_trigger,
    alter.DropSyncTrigger: _drop_sync_trigger,
    alter.Backfill: _backfill,
    alter.Unfill: _unfill,
    alter.Nothing: _nothing,
}
