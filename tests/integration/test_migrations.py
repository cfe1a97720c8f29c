"""Migrations: every revision goes up, down and up again, and head matches adapters/db/tables.py.

Alembic's env.py runs its own event loop, so these tests are synchronous and call asyncio.run themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.db import migrate
from adapters.db.tables import metadata
from adapters.settings import async_dsn
from tests.db import create_database, drop_database

T = TypeVar("T")


def revisions() -> list[Script]:
    """Oldest first, read from migrations/versions so that new revisions are picked up without edits here."""
    script = ScriptDirectory.from_config(migrate.alembic_config("postgresql://unused/x"))
    return list(reversed(list(script.walk_revisions("base", "heads"))))


@pytest.fixture
def fresh_database() -> Iterator[str]:
    url, admin = asyncio.run(create_database("oms_migrations"))
    try:
        yield url
    finally:
        asyncio.run(drop_database(url, admin))


def _on_sync_connection(url: str, fn: Callable[[Connection], T]) -> T:
    async def run() -> T:
        engine = create_async_engine(async_dsn(url))
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def current_revision(url: str) -> str | None:
    return _on_sync_connection(url, lambda c: MigrationContext.configure(c).get_current_revision())


def schema_objects(url: str) -> set[str]:
    """Tables, sequences and types of the public schema, except Alembic's own bookkeeping."""

    def read(conn: Connection) -> set[str]:
        rows = conn.execute(text(
            "SELECT 'table ' || tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            " UNION ALL SELECT 'sequence ' || sequencename FROM pg_sequences WHERE schemaname = 'public'"
            " UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
            "   WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c')"
            "   AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)"
        )).scalars()
        return set(rows)

    return _on_sync_connection(url, read)


def test_revisions_form_one_line_with_a_downgrade_each() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config("postgresql://unused/x"))
    assert len(script.get_heads()) == 1, f"more than one head: {script.get_heads()}; add a merge revision"
    for rev in revisions():
        assert rev.module.downgrade.__code__.co_code != (lambda: None).__code__.co_code, (
            f"revision {rev.revision} ({rev.path}) has an empty downgrade(); every revision must be reversible"
        )


def test_stairway_up_and_down_one_revision_at_a_time(fresh_database: str) -> None:
    url = fresh_database
    for rev in revisions():
        migrate.upgrade(url, rev.revision)
        assert current_revision(url) == rev.revision
        migrate.downgrade(url, "-1")
        assert current_revision(url) == rev.down_revision
        migrate.upgrade(url, rev.revision)
        assert current_revision(url) == rev.revision

    migrate.downgrade(url, "base")
    assert current_revision(url) is None
    assert schema_objects(url) == set(), "downgrading to base must leave no tables, sequences or types behind"


def test_head_matches_the_table_definitions(fresh_database: str) -> None:
    migrate.upgrade(fresh_database, "head")

    def diff(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    differences = _on_sync_connection(fresh_database, diff)
    assert differences == [], "adapters/db/tables.py and the migrations disagree; add a revision:\n" + "\n".join(
        map(str, differences))
