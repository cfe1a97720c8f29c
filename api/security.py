"""Passwords, JWT access tokens and API keys."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actors import Actor
from domain.errors import AuthenticationError

_hasher = PasswordHasher()
ALGORITHM = "HS256"
KEY_PREFIX = "oms_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the email is unknown, so timing does not reveal which emails exist.
DUMMY_HASH = _hasher.hash("not-a-real-password")


def issue_token(*, user_id: int, name: str, email: str, roles: list[str], secret: str, ttl_s: int) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "name": name, "email": email, "roles": roles, "iat": now, "exp": now + ttl_s,
              "typ": "access"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


# Verified tokens -> (exp, actor): a client sends the same token with every request, and verifying it
# (base64, JSON, HMAC) was a tenth of the server's CPU on a queue page. Only valid tokens get in, each
# until its exp; the roles the route checks come from Container.current_user, not from here.
TOKEN_CACHE_SIZE = 4096
_verified: dict[tuple[str, str], tuple[float, Actor]] = {}


def actor_from_token(token: str, secret: str) -> Actor:
    hit = _verified.get((token, secret))
    if hit is not None and time.time() < hit[0]:  # PyJWT's own test: expired once now >= exp
        return hit[1]
    try:
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        _verified.pop((token, secret), None)
        raise AuthenticationError("the session has expired; log in again") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationError("the access token is not valid") from exc
    if claims.get("typ") != "access":
        raise AuthenticationError("the access token is not valid")
    actor = Actor(kind="user", id=int(claims["sub"]), name=str(claims.get("email") or claims["sub"]),
                  roles=frozenset(claims.get("roles") or ()))
    if len(_verified) >= TOKEN_CACHE_SIZE:
        _verified.clear()
    _verified[(token, secret)] = (float(claims["exp"]), actor)
    return actor


@dataclass(frozen=True)
class NewApiKey:
    key: str
    prefix: str
    key_hash: str


def new_api_key() -> NewApiKey:
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewApiKey(key=key, prefix=prefix, key_hash=hash_api_key(key))


def hash_api_key(key: str) -> str:
    # Keys carry 256 bits of randomness, so a fast hash is safe here (unlike passwords) and keeps
    # per-request verification cheap.
    return hashlib.sha256(key.encode()).hexdigest()
