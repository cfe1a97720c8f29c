"""Staff users and partner API keys: rows in app_user and api_key. Hashes go in, never come out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, page
from adapters.db.tables import api_key, app_user, channel
from domain.errors import ConflictError, FieldError, NotFoundError, ValidationError

USER_COLUMNS = (app_user.c.id, app_user.c.email, app_user.c.name, app_user.c.roles, app_user.c.active,
                app_user.c.locale, app_user.c.last_login_at, app_user.c.created_at)
KEY_COLUMNS = (api_key.c.id, api_key.c.name, api_key.c.prefix, api_key.c.channel_id, api_key.c.scopes,
               api_key.c.active, api_key.c.created_by, api_key.c.created_at)


def user_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "email": row.email, "name": row.name, "roles": list(row.roles), "active": row.active,
            "locale": row.locale, "last_login_at": row.last_login_at, "created_at": row.created_at}


def key_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "channel_id": row.channel_id,
            "scopes": list(row.scopes), "active": row.active, "created_by": row.created_by,
            "created_at": row.created_at}


async def list_users(conn: AsyncConnection, after_id: int | None, limit: int) -> Page:
    """One page in id order, with the cursor of the next one."""
    stmt = select(*USER_COLUMNS).order_by(app_user.c.id).limit(limit + 1)
    if after_id is not None:
        stmt = stmt.where(app_user.c.id > after_id)
    return page((await conn.execute(stmt)).all(), limit, user_dict)


async def get_user(conn: AsyncConnection, user_id: int) -> dict[str, Any]:
    row = (await conn.execute(select(*USER_COLUMNS).where(app_user.c.id == user_id))).first()
    if row is None:
        raise NotFoundError("user", user_id)
    return user_dict(row)


async def user_id_by_email(conn: AsyncConnection, email: str) -> int | None:
    stmt = select(app_user.c.id).where(func.lower(app_user.c.email) == email.strip().lower())
    return (await conn.execute(stmt)).scalar()


async def add_user(conn: AsyncConnection, *, email: str, name: str, roles: Sequence[str], password_hash: str,
                   locale: str = "en") -> dict[str, Any]:
    """Emails are unique without regard to case; a second user with the same one is a conflict."""
    email = email.strip().lower()
    existing = await user_id_by_email(conn, email)
    if existing is not None:
        raise ConflictError(f"a user with the email {email} already exists", existing)
    try:
        async with conn.begin_nested():
            row = (await conn.execute(insert(app_user).values(
                email=email, name=name, roles=list(roles), password_hash=password_hash, locale=locale,
            ).returning(*USER_COLUMNS))).one()
    except IntegrityError as exc:  # a concurrent insert of the same email
        raise ConflictError(f"a user with the email {email} already exists") from exc
    return user_dict(row)


async def update_user(conn: AsyncConnection, user_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply the given columns (name, roles, active, locale, password_hash); an empty change reads the user."""
    if not changes:
        return await get_user(conn, user_id)
    stmt = update(app_user).where(app_user.c.id == user_id).values(**changes).returning(*USER_COLUMNS)
    row = (await conn.execute(stmt)).first()
    if row is None:
        raise NotFoundError("user", user_id)
    return user_dict(row)


async def list_keys(conn: AsyncConnection, after_id: int | None, limit: int) -> Page:
    stmt = select(*KEY_COLUMNS).order_by(api_key.c.id).limit(limit + 1)
    if after_id is not None:
        stmt = stmt.where(api_key.c.id > after_id)
    return page((await conn.execute(stmt)).all(), limit, key_dict)


async def add_key(conn: AsyncConnection, *, name: str, channel_id: int, scopes: Sequence[str], prefix: str,
                  key_hash: str, created_by: str) -> dict[str, Any]:
    """A key is bound to one existing channel; only its hash is stored."""
    known = (await conn.execute(select(channel.c.id).where(channel.c.id == channel_id))).scalar()
    if known is None:
        raise ValidationError("unknown channel", [FieldError("channel_id", f"no channel {channel_id}")])
    row = (await conn.execute(insert(api_key).values(
        name=name, channel_id=channel_id, scopes=list(scopes), prefix=prefix, key_hash=key_hash,
        created_by=created_by,
    ).returning(*KEY_COLUMNS))).one()
    return key_dict(row)


async def revoke_key(conn: AsyncConnection, key_id: int) -> None:
    """Revoking is idempotent; the row stays so the key's history can still be explained."""
    stmt = update(api_key).where(api_key.c.id == key_id).values(active=False).returning(api_key.c.id)
    if (await conn.execute(stmt)).first() is None:
        raise NotFoundError("API key", key_id)
