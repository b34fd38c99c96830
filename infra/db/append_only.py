"""DDL that makes a table append-only at the database: UPDATE, DELETE and TRUNCATE are refused.

Migrations call `append_only_ddl(table)`; the refusal holds for raw SQL too, not only for our code.
Revisions already applied depend on these exact statements: never edit them; a different trigger is
new DDL in a new revision.
"""

from __future__ import annotations

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION revos_refuse_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


def append_only_ddl(table: str) -> list[str]:
    """Statements that install the append-only triggers on `table`."""
    return [
        f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION revos_refuse_mutation()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION revos_refuse_mutation()",
    ]


def drop_append_only_ddl(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]
