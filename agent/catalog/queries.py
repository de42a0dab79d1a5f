"""The catalog queries, one per object kind; `$1` is always the schema name.

Each query returns rows in no particular order: sorting happens in Python, so the
order never depends on the database's collation. Expressions are deparsed with
`pretty` on, under the `search_path` that `read_catalog` pins to the schema.
"""

from __future__ import annotations

__all__ = ["queries"]

_IN_SCHEMA = "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1"
_NOT_EXTENSION = (
    "NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '{catalog}'::regclass"
    " AND e.objid = {oid} AND e.deptype = 'e')"
)
_RELATION_KINDS = "c.relkind IN ('r', 'p', 'v', 'm')"


def _attnames(relid: str, attnums: str) -> str:
    """An array of the column names numbered by `attnums`, in that order."""
    return (
        f"ARRAY(SELECT a.attname::text FROM unnest({attnums}) WITH ORDINALITY u(num, pos)"
        f" JOIN pg_attribute a ON a.attrelid = {relid} AND a.attnum = u.num ORDER BY u.pos)"
    )


RELATIONS = f"""
SELECT c.relname::text AS name, c.relkind::text AS kind, c.relpersistence = 'u' AS unlogged,
       c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
       coalesce(c.reloptions, '{{}}') AS options,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       (SELECT CASE WHEN pn.nspname = $1 THEN pc.relname::text
                    ELSE pn.nspname || '.' || pc.relname END
          FROM pg_inherits h JOIN pg_class pc ON pc.oid = h.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE h.inhrelid = c.oid AND c.relispartition) AS partition_of,
       pg_get_expr(c.relpartbound, c.oid, true) AS partition_bound,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c {_IN_SCHEMA}
WHERE {_RELATION_KINDS} AND {_NOT_EXTENSION.format(catalog="pg_class", oid="c.oid")}
"""

COLUMNS = f"""
SELECT c.relname::text AS relation, a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       a.attidentity::text AS identity, a.attgenerated::text AS generated,
       pg_get_expr(d.adbin, d.adrelid, true) AS expression,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation,
       col_description(c.oid, a.attnum) AS comment, a.attnum AS position,
       (SELECT b.typnamespace <> 'pg_catalog'::regnamespace AND b.typtype <> 'e'
               AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_type'::regclass
                               AND e.objid = b.oid AND e.deptype = 'e')
          FROM pg_type b WHERE b.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END) AS own_type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid {_IN_SCHEMA}
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE {_RELATION_KINDS} AND a.attnum > 0 AND NOT a.attisdropped
"""

_CONSTRAINTS = f"""
SELECT c.relname::text AS relation, k.conname::text AS name, k.contype::text AS kind,
       {_attnames("k.conrelid", "k.conkey")} AS columns,
       pg_get_constraintdef(k.oid, true) AS definition,
       CASE WHEN k.contype = 'c' THEN pg_get_expr(k.conbin, k.conrelid, true) END AS expression,
       CASE WHEN fn.nspname = $1 THEN fc.relname::text
            ELSE fn.nspname || '.' || fc.relname END AS referenced_table,
       {_attnames("k.confrelid", "k.confkey")} AS referenced_columns,
       k.confupdtype::text AS on_update, k.confdeltype::text AS on_delete,
       k.confmatchtype::text AS match,
       {_attnames("k.conrelid", "k.confdelsetcols")} AS delete_set_columns,
       k.condeferrable AS deferrable, k.condeferred AS initially_deferred,
       k.convalidated AS validated, {{enforced}} AS enforced,
       obj_description(k.oid, 'pg_constraint') AS comment
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid {_IN_SCHEMA}
LEFT JOIN pg_class fc ON fc.oid = k.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE k.contype IN ('p', 'u', 'c', 'f', 'x')
"""

# A key that is a column is its exact name (as YAML writes it, `userId`, not `"userId"`);
# an expression is PostgreSQL's own text of it.
_INDEX_KEY = """CASE WHEN x.indkey[k - 1] <> 0
    THEN (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1])
    ELSE pg_get_indexdef(x.indexrelid, k, true) END"""

INDEXES = f"""
SELECT c.relname::text AS relation, i.relname::text AS name, am.amname::text AS method,
       x.indisunique AS unique,
       ARRAY(SELECT {_INDEX_KEY} FROM generate_series(1, x.indnkeyatts) k ORDER BY k) AS keys,
       ARRAY(SELECT {_INDEX_KEY} FROM generate_series(x.indnkeyatts + 1, x.indnatts) k ORDER BY k) AS include,
       pg_get_expr(x.indpred, x.indrelid, true) AS predicate,
       x.indnullsnotdistinct AS nulls_not_distinct, x.indisvalid AS valid,
       x.indisprimary AS is_primary,
       (SELECT k.conname::text FROM pg_constraint k WHERE k.conindid = x.indexrelid
          AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) AS constraint,
       pg_get_indexdef(x.indexrelid, 0, true) AS definition,
       obj_description(i.oid, 'pg_class') AS comment
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid {_IN_SCHEMA}
JOIN pg_am am ON am.oid = i.relam
WHERE {_RELATION_KINDS}
"""

POLICIES = f"""
SELECT c.relname::text AS relation, p.polname::text AS name, p.polcmd::text AS command,
       p.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END
             FROM unnest(p.polroles) r) AS roles,
       pg_get_expr(p.polqual, p.polrelid, true) AS using,
       pg_get_expr(p.polwithcheck, p.polrelid, true) AS with_check,
       obj_description(p.oid, 'pg_policy') AS comment
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid {_IN_SCHEMA}
"""

TRIGGERS = f"""
SELECT c.relname::text AS relation, t.tgname::text AS name, t.tgtype::int AS type,
       {_attnames("t.tgrelid", "t.tgattr::int2[]")} AS columns,
       CASE WHEN pn.nspname = $1 THEN p.proname::text
            ELSE pn.nspname || '.' || p.proname END AS function,
       t.tgenabled::text AS enabled, t.tgconstraint <> 0 AS constraint_trigger,
       pg_get_triggerdef(t.oid, true) AS definition,
       obj_description(t.oid, 'pg_trigger') AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid {_IN_SCHEMA}
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal
"""

GRANTS = f"""
SELECT c.relname::text AS relation,
       CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee)::text END
           AS grantee,
       g.privilege_type AS privilege, g.is_grantable AS grantable
FROM pg_class c {_IN_SCHEMA}
CROSS JOIN LATERAL aclexplode(c.relacl) g
WHERE {_RELATION_KINDS} AND g.grantee <> c.relowner
"""

FUNCTIONS = f"""
SELECT p.proname::text AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS result,
       p.prokind::text AS kind, l.lanname::text AS language,
       p.provolatile::text AS volatility, p.proisstrict AS strict,
       p.prosecdef AS security_definer, coalesce(p.proconfig, '{{}}') AS settings,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
            ELSE p.prosrc END AS body,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = $1
JOIN pg_language l ON l.oid = p.prolang
WHERE {_NOT_EXTENSION.format(catalog="pg_proc", oid="p.oid")}
"""

SEQUENCES = f"""
SELECT c.relname::text AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS minimum,
       s.seqmax AS maximum, s.seqcache AS cache, s.seqcycle AS cycle,
       (SELECT tc.relname || '.' || a.attname FROM pg_depend d
          JOIN pg_class tc ON tc.oid = d.refobjid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a') AS owned_by,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid {_IN_SCHEMA}
WHERE NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype IN ('e', 'i'))
"""

ENUMS = f"""
SELECT t.typname::text AS name,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder) AS labels,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = $1
WHERE t.typtype = 'e' AND {_NOT_EXTENSION.format(catalog="pg_type", oid="t.oid")}
"""


EXTENSIONS = """
SELECT e.extname::text AS name
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace AND n.nspname = $1
"""


def queries(server_version: int) -> dict[str, str]:
    """The query of each object kind for a server of `server_version` (major, >= 15)."""
    enforced = "k.conenforced" if server_version >= 18 else "true"
    return {
        "relations": RELATIONS,
        "columns": COLUMNS,
        "constraints": _CONSTRAINTS.format(enforced=enforced),
        "indexes": INDEXES,
        "policies": POLICIES,
        "triggers": TRIGGERS,
        "grants": GRANTS,
        "functions": FUNCTIONS,
        "sequences": SEQUENCES,
        "enums": ENUMS,
        "extensions": EXTENSIONS,
    }
