"""`oms create-user` and `oms create-api-key`: the same rows the admin API writes, for a first admin or a script."""

from __future__ import annotations

import getpass
import sys

from pydantic import ValidationError as PydanticValidationError

from adapters.db import accounts
from adapters.db.engine import make_engine
from api.schemas.users import UserIn
from api.security import hash_password, new_api_key
from domain.errors import FieldError, ValidationError


def read_password(given: str | None) -> str:
    """--password, else a prompt (twice) on a terminal, else one line of stdin for scripts."""
    if given is None:
        if sys.stdin.isatty():
            given = getpass.getpass("password: ")
            if getpass.getpass("again: ") != given:
                raise ValidationError("the passwords differ", [FieldError("password", "the passwords differ")])
        else:
            given = sys.stdin.readline().rstrip("\n")
    return given


def user_input(**fields: object) -> UserIn:
    """The API's own validation (email, roles, password length), with its messages as field errors."""
    try:
        return UserIn.model_validate(fields)
    except PydanticValidationError as exc:
        errors = [FieldError(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        raise ValidationError("the user cannot be created", errors) from exc


async def create_user(database_url: str, user: UserIn) -> dict[str, object]:
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            return await accounts.add_user(conn, email=user.email, name=user.name, roles=user.roles,
                                           password_hash=hash_password(user.password), locale=user.locale)
    finally:
        await engine.dispose()


async def create_api_key(database_url: str, *, name: str, channel_id: int, scopes: list[str]) -> tuple[int, str]:
    """Returns the new key's id and the key itself, which is not stored and cannot be shown again."""
    new = new_api_key()
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            row = await accounts.add_key(conn, name=name, channel_id=channel_id, scopes=sorted(set(scopes)),
                                         prefix=new.prefix, key_hash=new.key_hash, created_by="cli")
    finally:
        await engine.dispose()
    return int(row["id"]), new.key
