"""/api/api_keys: partner API keys, each bound to one channel (admin only). A key is shown once."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from adapters.db import accounts
from api.deps import AdminOnly, ContainerDep
from api.schemas.masterdata import CREATE, READ, READ_ONE, Cursor, Limit, PathId, after_id
from api.schemas.users import ApiKeyIn, ApiKeyOut, ApiKeyPage, NewApiKeyOut
from api.security import new_api_key

router = APIRouter(prefix="/api/api_keys", tags=["api keys"])


@router.get("", response_model=ApiKeyPage, responses=READ, summary="Partner API keys")
async def list_keys(_: AdminOnly, container: ContainerDep, cursor: Cursor = None, limit: Limit = 50) -> ApiKeyPage:
    """Every key with its prefix, channel and scopes; the secret itself is never shown again."""
    async with container.engine.connect() as conn:
        items, next_cursor = await accounts.list_keys(conn, after_id(cursor), limit)
    return ApiKeyPage(items=[ApiKeyOut(**k) for k in items], next_cursor=next_cursor)


@router.post("", status_code=201, response_model=NewApiKeyOut, responses=CREATE, summary="Create an API key")
async def create_key(body: ApiKeyIn, admin: AdminOnly, container: ContainerDep, response: Response) -> NewApiKeyOut:
    """A key for one channel with the given scopes. The answer carries the key in "key", this once only:
    the server keeps just a hash."""
    new = new_api_key()
    async with container.engine.begin() as conn:
        row = await accounts.add_key(conn, name=body.name, channel_id=body.channel_id, scopes=body.scopes,
                                     prefix=new.prefix, key_hash=new.key_hash, created_by=admin.label)
    response.headers["Location"] = f"/api/api_keys/{row['id']}"
    return NewApiKeyOut(**row, key=new.key)


@router.delete("/{key_id}", status_code=204, response_class=Response, responses=READ_ONE,
               summary="Revoke an API key")
async def revoke_key(key_id: PathId, _: AdminOnly, container: ContainerDep) -> Response:
    """The key stops working at once in this process (other API processes within 30 s); revoking twice is fine."""
    async with container.engine.begin() as conn:
        await accounts.revoke_key(conn, key_id)
    container.forget_keys()
    return Response(status_code=204)
