"""The changes between two versions of one table, as phased, reversible migrations.

Phases, each its own migration so no slow step runs under a lock that blocks traffic:
prepare (indexes a type change would build again under its lock are dropped concurrently),
expand (one transaction: new nullable columns, sync triggers, NOT VALID checks, policies),
backfill (batched, a commit per batch), index (built concurrently), validate (scans that
let reads and writes go on, then SET NOT NULL through a validated check), and contract
(after the application stops using what it removes: old columns, old constraints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn

from agent.plan import alter_operations as alter
from agent.plan.errors import PlanError
from agent.plan.operations import (
    AddForeignKey,
    CreateIndex,
    CreatePolicy,
    CreateTrigger,
    DisableRowLevelSecurity,
    DropForeignKey,
    DropIndex,
    DropPolicy,
    DropTrigger,
    EnableRowLevelSecurity,
    Operation,
    Section,
    SetComment,
)
from agent.schema.expressions import ExpressionKind, columns_read, is_column_key
from agent.schema.literals import quote_ident
from agent.schema.names import bounded_name
from agent.schema.tables import Check, Column, ForeignKey, Index, Policy, Table, Unique

__all__ = ["PHASES", "BackfillSettings", "TableChanges", "diff_table"]

PHASES = ("prepare", "expand", "backfill", "index", "validate", "contract")


@dataclass
class TableChanges:
    table: str
    phases: dict[str, list[Operation]] = field(default_factory=lambda: {p: [] for p in PHASES})
    breaking: list[str] = field(default_factory=list)
    """What application code must know: renamed, dropped, narrowed, newly required."""

    def add(self, phase: str, *operations: Operation) -> None:
        self.phases[phase].extend(operations)


def _constant(expression: str | None) -> bool:
    """A literal default: adding a NOT NULL column with it is a catalog-only change."""
    return expression is not None and bool(
        re.fullmatch(r"(-?[0-9.]+|true|false|'(?:[^']|'')*'(::[a-z]+)?)", expression))


_WIDER_TEXT = re.compile(r"VARCHAR\((\d+)\)")
_DECIMAL = re.compile(r"DECIMAL\((\d+), (\d+)\)")


def is_widening(old: str, new: str) -> bool:
    """True when PostgreSQL changes the type without rewriting or scanning the table."""
    if old == new:
        return True
    if (a := _WIDER_TEXT.fullmatch(old)) and (new == "TEXT" or ((b := _WIDER_TEXT.fullmatch(new))
                                                                and int(b[1]) >= int(a[1]))):
        return True
    if (a := _DECIMAL.fullmatch(old)) and (b := _DECIMAL.fullmatch(new)):
        return a[2] == b[2] and int(b[1]) >= int(a[1])
    return old.startswith("DECIMAL(") and new == "DECIMAL"


def is_varchar_narrowing(old: str, new: str) -> bool:
    """Shorter varchar: PostgreSQL refuses values that do not fit rather than cutting them."""
    a, b = _WIDER_TEXT.fullmatch(old), _WIDER_TEXT.fullmatch(new)
    return bool(a and b and int(b[1]) < int(a[1]))


@dataclass(frozen=True)
class BackfillSettings:
    batch_size: int = 10_000
    pause_ms: int = 0


class _Differ:
    def __init__(self, old: Table, new: Table, allow_destructive: bool, backfill: BackfillSettings) -> None:
        self.old, self.new = old, new
        self.allow_destructive = allow_destructive
        self.backfill = backfill
        self.changes = TableChanges(new.name)
        self.set_aside: set[str] = set()
        """Indexes a widening would build again under its lock: dropped before it, built after."""
        self.key_columns = new.key_columns
        self.key_type = new.column(self.key_columns[0]).sql_type if self.key_columns else "UUID"

    def refuse(self, message: str) -> NoReturn:
        raise PlanError(f"{self.new.name}: {message}")

    def key(self, work: str) -> str:
        """The one key column that batched work walks the table by."""
        if len(self.key_columns) == 1:
            return self.key_columns[0]
        shape = "a primary key of several columns" if self.key_columns else "no primary key"
        self.refuse(f"{work} walks the table in batches by its primary key column, and the table has {shape}; "
                    "write this change as a migration of your own")

    def destructive(self, what: str, safeguard: str = "the data is copied to a _backup_ table first") -> None:
        if not self.allow_destructive:
            self.refuse(f"{what}: destructive; rerun with --allow-destructive ({safeguard})")
        self.changes.breaking.append(what)

    # ------------------------------------------------------------ columns

    def columns(self) -> None:
        old_names = set(self.old.column_names)
        matched: set[str] = set()
        for column in self.new.columns:
            if column.name in old_names:
                matched.add(column.name)
                self.changed_column(self.old.column(column.name), column)
            elif column.renamed_from in old_names:
                matched.add(column.renamed_from)
                self.renamed_column(self.old.column(column.renamed_from), column)
            else:
                self.added_column(column)
        for column in self.old.columns:
            if column.name not in matched:
                self.destructive(f"column {self.new.name}.{column.name} is dropped")
                self._uncomment("column", column.name, column.comment)
                key = self.key(f"dropping {column.name} (rolled back from its backup)")
                self.changes.add("contract", alter.DropColumn(self.new.name, column, primary_key=(key,),
                                                                key_type=self.key_type))

    def _comment(self, column: Column) -> None:
        if column.comment:
            self.changes.add("expand", SetComment(self.new.name, "column", column.name, column.comment))

    def _uncomment(self, target: str, name: str, comment: str | None, phase: str = "contract") -> None:
        """Before a column or key is dropped: the inverse puts the comment back on it once it is restored."""
        if comment:
            self.changes.add(phase, SetComment(self.new.name, target, name, None, comment))

    def added_column(self, column: Column) -> None:
        table = self.new.name
        self._comment(column)
        if not column.not_null or _constant(column.default):
            self.changes.add("expand", alter.AddColumn(table, column, self.key_columns, self.key_type))
            return
        fill = column.backfill or column.default
        if fill is None:
            raise PlanError(f"{table}: required column {column.name} is added to a table that may hold rows: "
                            "give it a `default` or a `backfill`")
        self.changes.add("expand", alter.AddColumn(table, _nullable(column), self.key_columns, self.key_type))
        if column.default is not None:
            self.changes.add("expand", alter.SetColumnDefault(table, column.name, column.default, None))
        self.changes.add("backfill", self._backfill(column.name, fill))
        self._require(column.name)
        self.changes.breaking.append(f"{table}.{column.name} is new and required: inserts must set it")

    def renamed_column(self, old: Column, new: Column) -> None:
        table = self.new.name
        if not is_widening(old.sql_type, new.sql_type):
            self.refuse(f"{old.name} -> {new.name} changes the type from {old.sql_type} to {new.sql_type}, "
                        "which is not a widening; rename first, change the type in a later version")
        self.changes.add("expand", alter.AddColumn(table, _nullable(new), self.key_columns, self.key_type),
                         alter.CreateSyncTrigger(table, old.name, new.name))
        if new.default is not None:
            self.changes.add("expand", alter.SetColumnDefault(table, new.name, new.default, None))
        source = quote_ident(old.name)
        remember: tuple[tuple[str, str], ...] = ()
        if new.not_null and not old.not_null and new.backfill is not None:
            # rows whose old value is NULL: the down migration makes them NULL again
            source, remember = f"COALESCE({source}, ({new.backfill}))", ((old.name, new.backfill),)
        self.changes.add("backfill", self._backfill(new.name, source, remember))
        self._comment(new)
        if new.not_null:
            self._require(new.name)
        self._uncomment("column", old.name, old.comment)
        self.changes.add("contract", alter.DropSyncTrigger(table, old.name, new.name),
                         alter.DropColumn(table, _nullable(old), primary_key=(self.key(f"renaming {old.name}"),),
                                          refill_from=new.name, refill_not_null=old.not_null,
                                          key_type=self.key_type))
        self.changes.breaking.append(f"{table}.{old.name} is renamed to {new.name}: switch reads and "
                                     "writes before the contract migration runs")

    def changed_column(self, old: Column, new: Column) -> None:
        table = self.new.name
        if old.sql_type != new.sql_type:
            self._type_change(old, new)
        if old.default != new.default:
            self.changes.add("expand", alter.SetColumnDefault(table, new.name, new.default, old.default))
        if old.not_null and not new.not_null:
            # In the validate phase (no transaction), so the inverse's checked SET NOT NULL can commit per step.
            self.changes.add("validate", alter.DropNotNull(table, new.name, self._not_null_check(new.name)))
        if new.not_null and not old.not_null:
            if new.backfill is not None:
                filled = (new.name, new.backfill)
                self.changes.add("backfill", self._backfill(*filled, remember=(filled,)))
            self._require(new.name)
            self.changes.breaking.append(f"{table}.{new.name} becomes required")
        if old.comment != new.comment:
            self.changes.add("expand", SetComment(table, "column", new.name, new.comment, old.comment))

    def _type_change(self, old: Column, new: Column) -> None:
        table = self.new.name
        if is_widening(old.sql_type, new.sql_type):
            # In expand, before the checks and policies change: the old ones stand. The checks
            # it adds back NOT VALID that stay are validated with the others.
            checks = _checks_reading(old.name, self.old.checks)
            self.changes.add("expand", alter.AlterColumnType(
                table, new.name, new.sql_type, old.sql_type, _policies_reading(old.name, self.old.policies), checks))
            kept = [c for c in checks if c in self.new.checks and c.validated]
            self.changes.add("validate", *(alter.ValidateConstraint(table, c.name) for c in kept))
            self.set_aside.update(i.name for i in _indexes_rebuilt(old.name, self.old.indexes))
            return
        if not is_varchar_narrowing(old.sql_type, new.sql_type):
            self.refuse(f"{new.name} changes from {old.sql_type} to {new.sql_type}, which is not a "
                        "widening: add a new column with renamed_from instead")
        self.destructive(f"{table}.{new.name} narrows from {old.sql_type} to {new.sql_type}",
                         "it scans the table under ACCESS EXCLUSIVE and fails if a value is longer")
        self.changes.add("contract", alter.AlterColumnType(
            table, new.name, new.sql_type, old.sql_type, _policies_reading(new.name, self.new.policies),
            _checks_reading(new.name, self.new.checks), widens=False))

    def _backfill(self, column: str, expression: str, remember: tuple[tuple[str, str], ...] = ()) -> alter.Backfill:
        """`remember`: the columns that held values (with what fills them), whose NULL rows the down
        migration restores."""
        return alter.Backfill(self.new.name, ((column, expression),), self.key(f"filling {column}"), self.key_type,
                              self.backfill.batch_size, self.backfill.pause_ms, remember)

    def merge_backfills(self) -> None:
        """One pass over the table fills every new column: a table is read once, not once per column."""
        backfills = [op for op in self.changes.phases["backfill"] if isinstance(op, alter.Backfill)]
        if len(backfills) > 1:
            assignments = tuple(pair for op in backfills for pair in op.assignments)
            remember = tuple(pair for op in backfills for pair in op.remember)
            key = backfills[0].key
            self.changes.phases["backfill"] = [alter.Backfill(self.new.name, assignments, key, self.key_type,
                                                              self.backfill.batch_size, self.backfill.pause_ms,
                                                              remember)]

    def _require(self, column: str) -> None:
        self.changes.add("validate", alter.SetNotNull(self.new.name, column, self._not_null_check(column)))

    def _not_null_check(self, column: str) -> str:
        return bounded_name(f"{self.new.name}_{column}_not_null")

    # ------------------------------------------------------------ constraints, indexes, policies

    def checks(self) -> None:
        old = {c.name: c for c in self.old.checks}
        new = {c.name: c for c in self.new.checks}
        table = self.new.name
        for name, check in new.items():
            if name not in old:
                self.changes.add("expand", alter.AddCheck(table, check))
                if check.validated:
                    self.changes.add("validate", alter.ValidateConstraint(table, name))
            elif old[name].expression != check.expression or (old[name].validated and not check.validated):
                self._swap(old[name], check)
            elif check.validated and not old[name].validated:
                self.changes.add("validate", alter.ValidateConstraint(table, name))
        for name, check in old.items():
            if name not in new:
                self.changes.add("contract", alter.DropCheck(table, check, validated=check.validated))

    def _swap(self, old: Check, new: Check) -> None:
        if set(old.columns) and self._removes_enum_values(old.columns[0]):
            self.destructive(f"enum values of {self.new.name}.{old.columns[0]} are removed",
                             "validation fails while rows still hold a removed value")
        table, staged = self.new.name, bounded_name(f"{new.name}_next")
        self.changes.add("expand", alter.AddCheck(table, new.model_copy(update={"name": staged})))
        validate = [alter.ValidateConstraint(table, staged)] if new.validated else []
        self.changes.add("validate", *validate, alter.DropCheck(table, old, validated=old.validated),
                         alter.RenameConstraint(table, staged, new.name))

    def _removes_enum_values(self, column: str) -> bool:
        if column not in self.old.column_names or column not in self.new.column_names:
            return False
        return bool(set(self.old.column(column).enum_values) - set(self.new.column(column).enum_values))

    def uniques(self) -> None:
        old = {u.name: u for u in self.old.uniques}
        new = {u.name: u for u in self.new.uniques}
        for name, unique in new.items():
            if name in old and old[name] != unique:
                self._swap_unique(old[name], unique)
            elif name not in old:
                self.changes.add("index", alter.AddUnique(self.new.name, unique))
        for name, unique in old.items():
            if name not in new:
                self.changes.add("contract", alter.DropUnique(self.new.name, unique))

    def _swap_unique(self, old: Unique, new: Unique) -> None:
        """Built under a staged name beside the old one (two uniques cannot share a name), which
        goes after the application; the rename also renames its index."""
        table, staged = self.new.name, bounded_name(f"{new.name}_next")
        self.changes.add("index", alter.AddUnique(table, new.model_copy(update={"name": staged})))
        self.changes.add("contract", alter.DropUnique(table, old), alter.RenameConstraint(table, staged, new.name))

    def foreign_keys(self) -> None:
        old = {f.name: f for f in self.old.foreign_keys}
        new = {f.name: f for f in self.new.foreign_keys}
        for name, key in new.items():
            before = old.get(name)
            if before is not None and before != key and before.model_copy(update={"comment": key.comment}) == key:
                # only the reason changed: a comment, not a key rebuilt under a lock
                self.changes.add("expand", SetComment(self.new.name, "constraint", name, key.comment, before.comment))
            elif before != key:
                self._swap_key(before, key)
        for name, key in old.items():
            if name not in new:
                self._uncomment("constraint", name, key.comment)
                self.changes.add("contract", DropForeignKey(self.new.name, key))

    def _swap_key(self, old: ForeignKey | None, new: ForeignKey) -> None:
        """A key's comment (its `reason`) goes and comes with it, so the inverse restores the old one."""
        table = self.new.name
        if old is not None:
            self._uncomment("constraint", old.name, old.comment, phase="validate")
            self.changes.add("validate", DropForeignKey(table, old))
        self.changes.add("validate", AddForeignKey(table, new))
        if new.comment:
            self.changes.add("validate", SetComment(table, "constraint", new.name, new.comment))

    def indexes(self) -> None:
        old = {i.name: i for i in self.old.indexes}
        new = {i.name: i for i in self.new.indexes}
        for name, index in new.items():
            if old.get(name) != index:
                if name in old:
                    self.changes.add("index", DropIndex(self.new.name, old[name], concurrently=True))
                self.changes.add("index", CreateIndex(self.new.name, index, concurrently=True))
        for name, index in old.items():
            if name not in new:
                self.changes.add("contract", DropIndex(self.new.name, index, concurrently=True))

    def tenancy(self) -> None:
        """On: the tenant column is added like any required column, so its rows need a backfill.
        Off: the tenant column, its index and the isolation policy go: destructive."""
        table = self.new.name
        if self.new.tenant_scoped and not self.old.tenant_scoped:
            tenant = self.new.columns[1]
            if tenant.backfill is None:
                raise PlanError(f"{table}: tenant_scoped turns on for a table that may hold rows: give them a "
                                f"tenant with `properties: {{{tenant.name}: {{type: {tenant.property_type}, "
                                "backfill: ...}}`", file=self.new.source_file, key_path=("tenant_scoped",))
            self.changes.breaking.append(f"{table} becomes tenant-scoped: row-level security shows and "
                                         "accepts only the session's tenant's rows")
        elif self.old.tenant_scoped and not self.new.tenant_scoped:
            self.destructive(f"tenant_scoped turns off for {table}: its tenant column, tenant index and "
                             "isolation policy are dropped")

    def _security_phase(self) -> str:
        """RLS goes on once the tenant column is filled and required (before, a backfill would see no
        row), and off with that column, after the application."""
        if self.old.tenant_scoped == self.new.tenant_scoped:
            return "expand"
        return "validate" if self.new.tenant_scoped else "contract"

    def security(self) -> None:
        table, phase = self.new.name, self._security_phase()
        if (self.old.rls_enabled, self.old.rls_forced) != (self.new.rls_enabled, self.new.rls_forced):
            flip = EnableRowLevelSecurity(table, self.new.rls_forced) if self.new.rls_enabled \
                else DisableRowLevelSecurity(table, self.old.rls_forced)
            self.changes.add(phase, flip)
        old = {p.name: p for p in self.old.policies}
        new = {p.name: p for p in self.new.policies}
        for name, policy in old.items():
            if new.get(name) != policy:
                self.changes.add(phase, DropPolicy(table, policy))
        for name, policy in new.items():
            if old.get(name) != policy:
                self.changes.add(phase, CreatePolicy(table, policy))
        if self.old.comment != self.new.comment:
            self.changes.add("expand", SetComment(table, "table", table, self.new.comment, self.old.comment))

    def tenant_switch(self) -> None:
        """The tenant column and row-level security meet in one file each way, so no migration leaves
        a table with a tenant column and no isolation."""
        if self.new.tenant_scoped and not self.old.tenant_scoped:
            self._switch_on(self.new.columns[1].name)

    def _switch_on(self, tenant: str) -> None:
        """No transaction: add the column, fill it, require it, build the indexes, then isolate."""
        phases = self.changes.phases
        added = [op for op in phases["expand"] if isinstance(op, alter.AddColumn) and op.column.name == tenant]
        required = [op for op in phases["validate"] if isinstance(op, alter.SetNotNull) and op.column == tenant]
        indexes = [op for op in phases["index"] if isinstance(op, CreateIndex | DropIndex)]
        isolation = [op for op in phases["validate"] if op.section == Section.ROW_LEVEL_SECURITY]
        moved = [*added, *required, *indexes, *isolation]
        for phase in ("expand", "index", "validate"):
            phases[phase] = [op for op in phases[phase] if op not in moved]
        phases["backfill"] = [*added, *phases["backfill"], *required, *indexes, *isolation]

    def indexes_set_aside(self) -> None:
        """Each index in `set_aside` is dropped concurrently in prepare, before the type changes,
        and built again concurrently in the index phase if it stays; the drop the index changes
        planned for it (a changed or removed index) is then left out."""
        table, phases = self.new.name, self.changes.phases
        for name in sorted(self.set_aside):
            index = next(i for i in self.old.indexes if i.name == name)
            for phase in PHASES:
                phases[phase] = [op for op in phases[phase] if not _drops_index(op, name)]
            self.changes.add("prepare", DropIndex(table, index, concurrently=True))
            if index in self.new.indexes:
                self.changes.add("index", CreateIndex(table, index, concurrently=True))

    def triggers(self) -> None:
        old = {t.name: t for t in self.old.triggers}
        new = {t.name: t for t in self.new.triggers}
        for name, trigger in new.items():
            if name not in old:
                self.changes.add("expand", CreateTrigger(self.new.name, trigger))
        for name, trigger in old.items():
            if name not in new:
                self.changes.add("expand", DropTrigger(self.new.name, trigger))


def _policies_reading(column: str, policies: tuple[Policy, ...]) -> tuple[Policy, ...]:
    """The policies that read the column: PostgreSQL refuses to change its type under them, so
    they are dropped before and created again after. `policies` are those standing when the
    type changes (a policy the same change swaps or drops is swapped or dropped after that)."""
    return tuple(p for p in policies if any(
        column in columns_read(e, ExpressionKind.POLICY) for e in (p.using, p.with_check) if e))


def _checks_reading(column: str, checks: tuple[Check, ...]) -> tuple[Check, ...]:
    """The checks that read the column (PostgreSQL checks every row against them again when
    its type changes)."""
    return tuple(c for c in checks if column in columns_read(c.expression, ExpressionKind.CHECK))


def _drops_index(operation: Operation, name: str) -> bool:
    return isinstance(operation, DropIndex) and operation.index.name == name


def _indexes_rebuilt(column: str, indexes: tuple[Index, ...]) -> list[Index]:
    """The indexes that read the column in an expression or a WHERE, which PostgreSQL builds again
    (under the lock) when the column's type changes, except unique ones: dropped for a while, they
    would let duplicates in, so they are built again under the lock."""
    def reads(index: Index) -> bool:
        expressions = [k for k in index.keys if not is_column_key(k)]
        found = {c for k in expressions for c in columns_read(k, ExpressionKind.INDEX)}
        if index.where:
            found |= columns_read(index.where, ExpressionKind.WHERE)
        return column in found
    return [i for i in indexes if not i.unique and reads(i)]


def _nullable(column: Column) -> Column:
    return column.model_copy(update={"not_null": False, "default": None})


def diff_table(old: Table, new: Table, *, allow_destructive: bool = False,
               backfill: BackfillSettings = BackfillSettings()) -> TableChanges:
    differ = _Differ(old, new, allow_destructive, backfill)
    differ.tenancy()
    differ.columns()
    differ.checks()
    differ.uniques()
    differ.foreign_keys()
    differ.indexes()
    differ.security()
    differ.triggers()
    differ.merge_backfills()
    differ.tenant_switch()
    differ.indexes_set_aside()
    return differ.changes
