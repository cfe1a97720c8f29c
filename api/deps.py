"""Request dependencies: the container, the caller, role checks (Annotated aliases)."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.repositories import ChannelCache
from adapters.db.uow import SqlUnitOfWork
from adapters.settings import Settings
from api.security import KEY_PREFIX, actor_from_token, hash_api_key
from domain.actors import Actor
from domain.errors import AuthenticationError, PermissionDeniedError

API_KEY_CACHE_S = 30.0


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    """Everything a request may need, built once in the composition root (api/app.py)."""

    settings: Settings
    engine: AsyncEngine  # SQLAlchemy: master data screens and other read/write outside the order core
    pool: asyncpg.Pool  # asyncpg: the units of work of the order use cases
    redis: Redis | None
    clock: Callable[[], datetime] = utcnow
    _key_cache: dict[str, tuple[float, Actor | None]] = field(default_factory=dict)
    _user_cache: dict[int, tuple[float, frozenset[str] | None]] = field(default_factory=dict)
    channels: ChannelCache = field(default_factory=ChannelCache)
    couriers: SqlCourierDirectory | None = None  # set by the composition root (courier gateways live here)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.pool, self.clock, self.channels)

    async def actor_for_key(self, key: str) -> Actor | None:
        """API keys are looked up by hash; answers are cached briefly (revocation takes up to 30 s)."""
        digest = hash_api_key(key)
        now = time.monotonic()
        hit = self._key_cache.get(digest)
        if hit and hit[0] > now:
            return hit[1]
        async with self.engine.connect() as conn:
            row = (await conn.execute(text(
                "SELECT id, name, channel_id, scopes FROM api_key WHERE key_hash = :h AND active"
            ), {"h": digest})).first()
        actor = None
        if row is not None:
            actor = Actor(kind="api_key", id=row.id, name=row.name, channel_id=row.channel_id,
                          scopes=frozenset(row.scopes))
        if len(self._key_cache) > 10_000:
            self._key_cache.clear()
        self._key_cache[digest] = (now + API_KEY_CACHE_S, actor)
        return actor

    async def current_user(self, token_actor: Actor) -> Actor:
        """A token's user with today's roles: deactivation and role changes apply within 30 s, not at expiry."""
        assert token_actor.id is not None
        now = time.monotonic()
        hit = self._user_cache.get(token_actor.id)
        if hit and hit[0] > now:
            roles = hit[1]
        else:
            async with self.engine.connect() as conn:
                row = (await conn.execute(text("SELECT roles FROM app_user WHERE id = :id AND active"),
                                          {"id": token_actor.id})).first()
            roles = frozenset(row.roles) if row is not None else None
            if len(self._user_cache) > 10_000:
                self._user_cache.clear()
            self._user_cache[token_actor.id] = (now + API_KEY_CACHE_S, roles)
        if roles is None:
            raise AuthenticationError("this account is deactivated; ask an administrator")
        return Actor(kind="user", id=token_actor.id, name=token_actor.name, roles=roles)

    def forget_keys(self) -> None:
        """Drop cached API keys and users, after a revocation or a user change."""
        self._key_cache.clear()
        self._user_cache.clear()
        self.channels.clear()


async def get_container(request: Request) -> Container:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hand-off that costs more than the lookup.
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_actor(request: Request, container: ContainerDep) -> Actor:
    key = request.headers.get("x-api-key")
    if key:
        actor = await container.actor_for_key(key) if key.startswith(KEY_PREFIX) else None
        if actor is None:
            raise AuthenticationError("the API key is not valid or has been revoked")
        return actor
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("log in (Authorization: Bearer <token>) or send X-API-Key")
    return await container.current_user(actor_from_token(token.strip(), container.settings.jwt_secret))


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require(*roles: str, scope: str | None = None) -> Callable[..., Coroutine[Any, Any, Actor]]:
    """Staff need one of `roles` (admin always passes); API keys need `scope` and nothing else."""

    async def check(actor: CurrentActor) -> Actor:
        if actor.kind == "api_key":
            if scope is None or scope not in actor.scopes:
                raise PermissionDeniedError(f"this API key lacks the scope {scope or 'for this operation'}")
            return actor
        if "admin" in actor.roles or actor.roles & set(roles):
            return actor
        raise PermissionDeniedError(f"this needs one of the roles {sorted(set(roles) | {'admin'})}")

    return check


STAFF = ("operator", "sales_manager", "warehouse", "finance", "admin")
OrdersRead = Annotated[Actor, Depends(require(*STAFF, scope="orders:read"))]
OrdersWrite = Annotated[Actor, Depends(require("operator", "sales_manager", "admin", scope="orders:write"))]
StaffOnly = Annotated[Actor, Depends(require(*STAFF))]
AdminOnly = Annotated[Actor, Depends(require("admin"))]
Desk = Annotated[Actor, Depends(require("operator", "sales_manager", "admin"))]
WarehouseDesk = Annotated[Actor, Depends(require("warehouse", "operator", "admin"))]
