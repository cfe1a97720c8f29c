"""/api/auth: staff login with throttling, and who-am-I."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import Field
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from api.deps import Container, ContainerDep, CurrentActor
from api.schemas.common import Problem, StrictModel
from api.security import DUMMY_HASH, issue_token, verify_password
from domain.errors import AuthenticationError, RateLimitedError

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginIn(StrictModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=200)


class UserOut(StrictModel):
    id: int
    email: str
    name: str
    roles: list[str]
    locale: str = "en"


class TokenOut(StrictModel):
    access_token: str
    token_type: str
    expires_in: int
    user: UserOut


class MeOut(StrictModel):
    kind: str
    id: int | None
    name: str
    roles: list[str]
    channel_id: int | None
    scopes: list[str]


class LoginThrottle:
    """Failed logins per email (and per client address) within a window; Redis when present."""

    def __init__(self, container: Container) -> None:
        self.c = container
        self.limit = container.settings.login_max_failures
        self.window = container.settings.login_window_s

    def _keys(self, email: str, client: str) -> list[str]:
        return [f"oms:login:fail:e:{email}", f"oms:login:fail:ip:{client}"]

    async def check(self, email: str, client: str) -> None:
        counts = []
        for key in self._keys(email, client):
            counts.append(await self._get(key))
        # the per-address limit is looser: an office shares one address
        if counts[0] >= self.limit or counts[1] >= self.limit * 10:
            raise RateLimitedError("too many failed logins; wait a few minutes and try again", self.window)

    async def fail(self, email: str, client: str) -> None:
        for key in self._keys(email, client):
            await self._incr(key)

    async def clear(self, email: str) -> None:
        key = self._keys(email, "")[0]
        if self.c.redis is not None:
            try:
                await self.c.redis.delete(key)
                return
            except Exception:
                pass
        _memory.pop(key, None)

    async def _get(self, key: str) -> int:
        if self.c.redis is not None:
            try:
                return int(await self.c.redis.get(key) or 0)
            except Exception:
                pass
        count, expires = _memory.get(key, (0, 0.0))
        return count if expires > time.monotonic() else 0

    async def _incr(self, key: str) -> None:
        if self.c.redis is not None:
            try:
                pipe = self.c.redis.pipeline()
                pipe.incr(key)
                pipe.expire(key, self.window, nx=True)
                await pipe.execute()
                return
            except Exception:
                pass
        count, expires = _memory.get(key, (0, 0.0))
        now = time.monotonic()
        _memory[key] = (count + 1 if expires > now else 1, expires if expires > now else now + self.window)


_memory: dict[str, tuple[int, float]] = {}


@router.post("/login", response_model=TokenOut,
             responses={401: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}})
async def login(body: Annotated[LoginIn, Body()], request: Request, container: ContainerDep) -> TokenOut:
    """Exchange email and password for a bearer token; repeated failures are throttled."""
    email = body.email.strip().lower()
    client = request.client.host if request.client else "unknown"
    throttle = LoginThrottle(container)
    await throttle.check(email, client)
    async with container.engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT id, email, name, password_hash, roles, locale FROM app_user WHERE lower(email) = :e AND active"
        ), {"e": email})).first()
    ok = await run_in_threadpool(verify_password, row.password_hash if row else DUMMY_HASH, body.password)
    if row is None or not ok:
        await throttle.fail(email, client)
        raise AuthenticationError("wrong email or password")
    await throttle.clear(email)
    async with container.engine.begin() as conn:
        await conn.execute(text("UPDATE app_user SET last_login_at = now() WHERE id = :id"), {"id": row.id})
    s = container.settings
    token = issue_token(user_id=row.id, name=row.name, email=row.email, roles=list(row.roles), secret=s.jwt_secret,
                        ttl_s=s.jwt_ttl_s)
    return TokenOut(access_token=token, token_type="bearer", expires_in=s.jwt_ttl_s,
                    user=UserOut(id=row.id, email=row.email, name=row.name, roles=list(row.roles), locale=row.locale))


@router.get("/me", response_model=MeOut, responses={401: {"model": Problem}})
async def me(actor: CurrentActor) -> MeOut:
    """The caller as the server sees it: a staff user with roles, or an API key with scopes."""
    return MeOut(kind=actor.kind, id=actor.id, name=actor.name, roles=sorted(actor.roles),
                 channel_id=actor.channel_id, scopes=sorted(actor.scopes))
