# ruff: noqa: E501  (a table of YAML inputs and exact messages reads best one case per line)
"""Every rule of the schema language that rejects input: the exact message and where.

Generated expectations were read and checked one by one; each case breaks exactly one rule."""

from __future__ import annotations

import pytest

from agent.schema import SchemaError, load_schema_sources

P = "version: 1\nentity: Part\ntable: parts\n"
OWNER = "version: 1\nentity: Owner\ntable: owners\nproperties:\n  name:\n    type: text\n"


def ent(body: str) -> str:
    return P + body


CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    'yaml syntax': ({"parts.yaml": "version: 1\nentity: [Part\n"},
        ["parts.yaml:3:1 YAML syntax: expected ',' or ']', but got '<stream end>'"]),
    'duplicate key': ({"parts.yaml": ent("properties:\n  a:\n    type: text\n  a:\n    type: text\n")},
        ["parts.yaml:7:3 properties.a: duplicate key 'a'"]),
    'python tag': ({"parts.yaml": ent("properties:\n  a: !!python/object:os.system\n    type: text\n")},
        ['parts.yaml:5:6 properties.a: tag tag:yaml.org,2002:python/object:os.system is not allowed']),
    'unknown key': ({"parts.yaml": ent("colour: red\n")},
        ['parts.yaml:4:1 colour: unknown key']),
    'missing type': ({"parts.yaml": ent("properties:\n  a:\n    required: true\n")},
        ['parts.yaml:5:3 properties.a.type: required key is missing']),
    'wrong value type': ({"parts.yaml": ent("properties:\n  a:\n    type: text\n    required: maybe\n")},
        ['parts.yaml:7:15 properties.a.required: input should be a valid boolean']),
    'unknown property type': ({"parts.yaml": ent("properties:\n  a:\n    type: cash\n")},
        ["parts.yaml:6:11 properties.a.type: must be one of 'uuid', 'string', 'text', 'smallint', 'integer', 'bigint', 'decimal', 'float', 'double', 'boolean', 'date', 'time', 'timestamp', 'interval', 'json', 'jsonb', 'bytea', 'inet', 'enum', 'array' or 'custom'"]),
    'version not 1': ({"parts.yaml": "version: 2\nentity: Part\ntable: parts\n"},
        ['parts.yaml:1:10 version: must be one of 1']),
    'entity not PascalCase': ({"parts.yaml": "version: 1\nentity: part_thing\ntable: parts\n"},
        ["parts.yaml:2:9 entity: 'part_thing' is not PascalCase"]),
    'name over 63 bytes': ({"parts.yaml": "version: 1\nentity: Part\ntable: " + "p" * 64 + "\n"},
        ["parts.yaml:3:8 table: 'pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp' is 64 bytes; PostgreSQL keeps only 63"]),
    'file not kebab': ({"Parts_File.yaml": ent("")},
        ['Parts_File.yaml:1:1 entity files are named in kebab-case, like storage-locations.yaml']),
    'max_length on integer': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\n    max_length: 4\n")},
        ['parts.yaml:7:5 properties.a.max_length: `max_length` applies to enum, string, not integer']),
    'scale over precision': ({"parts.yaml": ent("properties:\n  a:\n    type: decimal\n    precision: 4\n    scale: 6\n")},
        ['parts.yaml:8:12 properties.a.scale: scale 6 exceeds precision 4']),
    'minimum over maximum': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\n    minimum: 9\n    maximum: 1\n")},
        ['parts.yaml:7:14 properties.a.minimum: minimum 9 is greater than maximum 1']),
    'min_length on uuid': ({"parts.yaml": ent("properties:\n  a:\n    type: uuid\n    min_length: 1\n")},
        ['parts.yaml:7:5 properties.a.min_length: `min_length` applies to string, text, not uuid']),
    'enum without values': ({"parts.yaml": ent("properties:\n  a:\n    type: enum\n    values: []\n")},
        ['parts.yaml:7:5 properties.a.values: enum needs at least one value']),
    'duplicate enum value': ({"parts.yaml": ent("properties:\n  a:\n    type: enum\n    values: [A, B, A]\n")},
        ["parts.yaml:7:20 properties.a.values[2]: duplicate enum value 'A'"]),
    'values on text': ({"parts.yaml": ent("properties:\n  a:\n    type: text\n    values: [A]\n")},
        ['parts.yaml:7:5 properties.a.values: `values` applies to enum, not text']),
    'array without items': ({"parts.yaml": ent("properties:\n  a:\n    type: array\n")},
        ['parts.yaml:5:3 properties.a: an array needs `items`, the element type']),
    'unknown referenced table': ({"parts.yaml": ent("properties:\n  a_id:\n    type: uuid\n    references:\n      table: nowhere\n      on_delete: CASCADE\n")},
        ["parts.yaml:8:14 properties.a_id.references.table: references unknown table 'nowhere'"]),
    'unknown referenced column': ({"parts.yaml": ent("properties:\n  a_id:\n    type: uuid\n    references:\n      table: owners\n      column: nope\n      on_delete: CASCADE\n"), "owners.yaml": OWNER},
        ["parts.yaml:7:5 properties.a_id.references: table 'owners' has no column 'nope'"]),
    'reference type mismatch': ({"parts.yaml": ent("properties:\n  a_id:\n    type: bigint\n    references:\n      table: owners\n      on_delete: CASCADE\n"), "owners.yaml": OWNER},
        ['parts.yaml:7:5 properties.a_id.references: a_id is BIGINT but owners.owner_id is UUID']),
    'missing on_delete': ({"parts.yaml": ent("properties:\n  a_id:\n    type: uuid\n    references:\n      table: owners\n"), "owners.yaml": OWNER},
        ['parts.yaml:7:5 properties.a_id.references.on_delete: required key is missing']),
    'set null on required': ({"parts.yaml": ent("properties:\n  a_id:\n    type: uuid\n    required: true\n    references:\n      table: owners\n      on_delete: SET NULL\n      reason: x\n"), "owners.yaml": OWNER},
        ["parts.yaml:10:18 properties.a_id.references.on_delete: SET NULL on required column 'a_id'"]),
    'set default without default': ({"parts.yaml": ent("properties:\n  a_id:\n    type: uuid\n    references:\n      table: owners\n      on_delete: SET DEFAULT\n      reason: x\n"), "owners.yaml": OWNER},
        ["parts.yaml:9:18 properties.a_id.references.on_delete: SET DEFAULT but 'a_id' has no default"]),
    'column added by tenant_scoped': ({"parts.yaml": ent("properties:\n  tenant_id:\n    type: uuid\n")},
        ["parts.yaml:5:3 properties.tenant_id: column 'tenant_id' is added by tenant_scoped: true; remove it here "
         "(or give only `type: uuid` and the `backfill` its rows get when tenant_scoped turns on)"]),
    'column added by audit': ({"parts.yaml": ent("properties:\n  created_at:\n    type: timestamp\n")},
        ["parts.yaml:5:3 properties.created_at: column 'created_at' is added by audit: true; remove it here"]),
    'duplicate constraint names': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\nconstraints:\n  - name: parts_rule\n    check: a > 0\n  - name: parts_rule\n    check: a < 9\n")},
        ["parts.yaml:7:1 constraints: constraint name 'parts_rule' is used twice"]),
    'duplicate index names': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\n  b:\n    type: integer\nindexes:\n  - name: idx_same\n    columns: [a]\n  - name: idx_same\n    columns: [b]\n")},
        ["parts.yaml:9:1 indexes: name 'idx_same' is used twice in parts; tables, keys and indexes share one namespace"]),
    'table in two files': ({"parts.yaml": ent(""), "more-parts.yaml": "version: 1\nentity: MorePart\ntable: parts\n"},
        ["parts.yaml:3:8 table: table 'parts' is also defined in more-parts.yaml"]),
    'unique on unknown column': ({"parts.yaml": ent("constraints:\n  - unique: [tenant_id, nope]\n")},
        ["parts.yaml:5:25 constraints[0].unique[1]: parts has no column 'nope'"]),
    'index name over 63 bytes': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\nindexes:\n  - name: " + "I" * 64 + "\n    columns: [a]\n")},
        ["parts.yaml:8:11 indexes[0].name: '" + "I" * 64 + "' is 64 bytes; PostgreSQL keeps only 63"]),
    'empty constraint name': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\nconstraints:\n  - name: ''\n    check: a > 0\n")},
        ["parts.yaml:8:11 constraints[0].name: a name cannot be empty"]),
    'nested too deeply to compose': ({"parts.yaml": "version: 1\nentity: Part\ntable: parts\nx: " + "[" * 5000 + "]" * 5000 + "\n"},
        ["parts.yaml:1:1 nested more than 32 levels deep"]),
    'control characters': ({"parts.yaml": "version: 1\x00\n"},
        ["parts.yaml:1:1 YAML: special characters are not allowed (character 11)"]),
    'a number too long to read': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\n    minimum: " + "9" * 5000 + "\n")},
        ["parts.yaml:7:14 properties.a.minimum: a number of 5000 digits is too long for any PostgreSQL type"]),
    'index on unknown column': ({"parts.yaml": ent("indexes:\n  - columns: [nope]\n")},
        ['parts.yaml:5:15 indexes[0].columns[0]: names nope, not a column of parts']),
    'include unknown column': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\nindexes:\n  - columns: [a]\n    include: [nope]\n")},
        ["parts.yaml:9:5 indexes[0].include: parts has no column 'nope'"]),
    'gin unique': ({"parts.yaml": ent("properties:\n  a:\n    type: jsonb\nindexes:\n  - columns: [a]\n    using: gin\n    unique: true\n")},
        ['parts.yaml:10:13 indexes[0].unique: a gin index cannot be unique']),
    "check names another table's column": ({"parts.yaml": ent("constraints:\n  - check: owners.name <> ''\n")},
        ['parts.yaml:5:12 constraints[0].check: columns must be named plainly, without a table or *']),
    'check names unknown column': ({"parts.yaml": ent("constraints:\n  - check: weight > 0\n")},
        ['parts.yaml:5:12 constraints[0].check: names weight, not a column of parts']),
    'text default on integer': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\n    default: many\n")},
        ['parts.yaml:7:14 properties.a.default: default must be a number for a column of type integer']),
    'enum default not a value': ({"parts.yaml": ent("properties:\n  a:\n    type: enum\n    values: [A, B]\n    default: C\n")},
        ["parts.yaml:8:14 properties.a.default: default 'C' is not one of the enum values"]),
    'insert policy with using': ({"parts.yaml": ent("policies:\n  - name: parts_insert\n    command: INSERT\n    using: tenant_id IS NULL\n")},
        ['parts.yaml:7:12 policies[0].using: an INSERT policy has only `with_check`']),
    'policy without expressions': ({"parts.yaml": ent("policies:\n  - name: parts_nothing\n")},
        ['parts.yaml:5:5 policies[0]: a policy needs `using`, `with_check` or both']),
    'empty folder': ({},
        ['(schemas):1:1 no entity files found']),
    'not a mapping': ({"parts.yaml": "- just\n- a list\n"},
        ['parts.yaml:1:1 the file must hold a mapping of keys']),
    'postgres too old': ({"project.yaml": "project:\n  postgres_min_version: 13\n", "parts.yaml": ent("")},
        ['project.yaml:2:25 project.postgres_min_version: input should be greater than or equal to 15']),
    'file too large': ({"parts.yaml": ent("description: " + "x" * (1024 * 1024) + "\n")},
        [f"parts.yaml:1:1 file is {len(ent('description: ' + 'x' * (1024 * 1024) + chr(10)))} bytes; the limit is 1048576 (1 MiB)"]),
    'alias bomb': ({"parts.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"},
        ['parts.yaml:1:35 more than 10000 nodes after expanding aliases (an alias bomb?)']),
    'required column unparseable backfill': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\n    backfill: {sql: \"1 +\"}\n")},
        ['parts.yaml:7:21 properties.a.backfill.sql: not a valid SQL expression: syntax error at end of input']),
    'check nested too deeply': ({"parts.yaml": ent("properties:\n  a:\n    type: integer\nconstraints:\n  - check: a > " + "+".join(["1"] * 2000) + "\n")},
        ['parts.yaml:8:12 constraints[0].check: is nested too deeply (hundreds of levels) to be checked']),
}


@pytest.mark.parametrize("case", list(CASES))
def test_invalid_schema_is_reported_exactly(case: str) -> None:
    files, expected = CASES[case]
    with pytest.raises(SchemaError) as raised:
        load_schema_sources(files)
    assert [str(d) for d in raised.value.diagnostics] == expected
