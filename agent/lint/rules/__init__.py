"""Every rule, in the order they run and are documented: one module per rule."""

from __future__ import annotations

from agent.lint.registry import Registry
from agent.lint.rules import (
    add_primary_key,
    add_required_column,
    add_serial_column,
    add_stored_generated_column,
    cluster,
    column_type_change,
    concurrently_in_transaction,
    constraint_not_valid,
    create_index_not_concurrent,
    current_setting_without_missing_ok,
    delete_without_where,
    destructive_without_backup,
    drop_cascade_in_down,
    drop_column,
    drop_database,
    drop_index_not_concurrent,
    drop_not_null,
    drop_schema,
    drop_table,
    exclusion_constraint,
    foreign_key_without_index,
    foreign_key_without_on_delete,
    global_unique_on_tenant_table,
    identifier_too_long,
    ignore_without_reason,
    missing_lock_timeout,
    missing_statement_timeout,
    nested_transaction,
    no_char_type,
    policy_without_with_check,
    prefer_bigint_ids,
    prefer_identity,
    prefer_jsonb,
    prefer_text,
    prefer_timestamptz,
    refresh_matview_not_concurrent,
    reindex_not_concurrent,
    rename_column,
    rename_table,
    rows_filtered_by_forced_rls,
    set_not_null,
    several_alters_one_table,
    tenant_table_without_policy,
    tenant_table_without_rls,
    truncate_cascade,
    type_change_rechecks_rows,
    uncommitted_transaction,
    unique_without_index,
    unknown_marker,
    unused_ignore,
    update_without_where,
    vacuum_full,
    volatile_default,
    work_after_exclusive_lock,
)

__all__ = ["IGNORE_WITHOUT_REASON", "RULES", "UNKNOWN_MARKER", "UNUSED_IGNORE"]

IGNORE_WITHOUT_REASON = ignore_without_reason.RULE
UNUSED_IGNORE = unused_ignore.RULE
UNKNOWN_MARKER = unknown_marker.RULE

RULES = Registry(
    module.RULE
    for module in (
        # markers and suppressions (reported by the engine)
        ignore_without_reason,
        unused_ignore,
        unknown_marker,
        # locks and rewrites
        create_index_not_concurrent,
        drop_index_not_concurrent,
        reindex_not_concurrent,
        constraint_not_valid,
        unique_without_index,
        add_primary_key,
        set_not_null,
        column_type_change,
        volatile_default,
        add_required_column,
        add_serial_column,
        add_stored_generated_column,
        vacuum_full,
        cluster,
        exclusion_constraint,
        refresh_matview_not_concurrent,
        type_change_rechecks_rows,
        # breaking and destructive changes
        drop_column,
        drop_table,
        drop_schema,
        drop_database,
        rename_column,
        rename_table,
        drop_not_null,
        truncate_cascade,
        update_without_where,
        delete_without_where,
        # transactions
        concurrently_in_transaction,
        nested_transaction,
        uncommitted_transaction,
        several_alters_one_table,
        work_after_exclusive_lock,
        # timeouts
        missing_lock_timeout,
        missing_statement_timeout,
        # types and names
        prefer_bigint_ids,
        prefer_text,
        prefer_timestamptz,
        prefer_identity,
        no_char_type,
        prefer_jsonb,
        identifier_too_long,
        # multi-tenant safety (ours)
        foreign_key_without_on_delete,
        foreign_key_without_index,
        tenant_table_without_rls,
        tenant_table_without_policy,
        policy_without_with_check,
        current_setting_without_missing_ok,
        drop_cascade_in_down,
        destructive_without_backup,
        global_unique_on_tenant_table,
        rows_filtered_by_forced_rls,
    )
)
