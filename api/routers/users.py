"""/api/users: staff accounts and their roles (admin only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from adapters.db import accounts
from api.deps import AdminOnly, ContainerDep
from api.schemas.masterdata import CHANGE, CREATE, READ, READ_ONE, Cursor, Limit, PathId, after_id
from api.schemas.users import UserIn, UserOut, UserPage, UserPatch
from api.security import hash_password
from domain.errors import ConflictError

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("", response_model=UserPage, responses=READ, summary="Staff users")
async def list_users(_: AdminOnly, container: ContainerDep, cursor: Cursor = None, limit: Limit = 50) -> UserPage:
    """Every account in creation order, active or not; password hashes are never returned."""
    async with container.engine.connect() as conn:
        items, next_cursor = await accounts.list_users(conn, after_id(cursor), limit)
    return UserPage(items=[UserOut(**u) for u in items], next_cursor=next_cursor)


@router.get("/{user_id}", response_model=UserOut, responses=READ_ONE, summary="One user")
async def get_user(user_id: PathId, _: AdminOnly, container: ContainerDep) -> UserOut:
    async with container.engine.connect() as conn:
        return UserOut(**await accounts.get_user(conn, user_id))


@router.post("", status_code=201, response_model=UserOut, responses=CREATE, summary="Create a user")
async def create_user(body: UserIn, admin: AdminOnly, container: ContainerDep, response: Response) -> UserOut:
    """A new staff account with roles; the password (at least 8 characters) is stored as an argon2 hash."""
    password_hash = await run_in_threadpool(hash_password, body.password)
    async with container.engine.begin() as conn:
        user = await accounts.add_user(conn, email=body.email, name=body.name, roles=body.roles,
                                       password_hash=password_hash, locale=body.locale)
    response.headers["Location"] = f"/api/users/{user['id']}"
    return UserOut(**user)


@router.patch("/{user_id}", response_model=UserOut, responses=CHANGE, summary="Change a user")
async def update_user(user_id: PathId, body: UserPatch, admin: AdminOnly, container: ContainerDep) -> UserOut:
    """Change name, roles, locale, password or deactivate; an admin cannot lock themselves out."""
    changes: dict[str, Any] = body.model_dump(exclude_none=True, exclude={"password"})
    if admin.id == user_id and (changes.get("active") is False or
                                ("roles" in changes and "admin" not in changes["roles"])):
        raise ConflictError("you cannot deactivate yourself or drop your own admin role")
    if body.password is not None:
        changes["password_hash"] = await run_in_threadpool(hash_password, body.password)
    async with container.engine.begin() as conn:
        updated = UserOut(**await accounts.update_user(conn, user_id, changes))
    container.forget_keys()  # new roles or a deactivation apply to this process at once
    return updated
