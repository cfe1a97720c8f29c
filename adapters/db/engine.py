"""The async engine: asyncpg under SQLAlchemy, JSON through orjson."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.settings import async_dsn


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 20) -> AsyncEngine:
    return create_async_engine(
        async_dsn(url),
        pool_size=pool_size,
        max_overflow=pool_size // 4,  # connections past the pool are opened and closed per use: keep few
        pool_recycle=3600,
        pool_pre_ping=False,
        json_serializer=_dumps,
        json_deserializer=orjson.loads,
    )
