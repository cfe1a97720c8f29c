"""Fixtures for the partner-simulator contract tests: a tiny webhook receiver on a real 127.0.0.1 port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.sandbox.common import serve_in_process


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    calls: list[Captured] = field(default_factory=list)
    status: int = 200
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def wait_for(self, count: int, within: float = 5.0) -> list[Captured]:
        async def enough() -> None:
            async with self.arrived:
                await self.arrived.wait_for(lambda: len(self.calls) >= count)

        await asyncio.wait_for(enough(), within)
        return self.calls

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            async with self.arrived:
                self.calls.append(Captured(request.url.path, dict(request.headers), body))
                self.arrived.notify_all()
            return Response(status_code=self.status)

        return Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    async with serve_in_process(r.app()) as running:
        r.url = f"{running.base_url}/hooks"
        yield r
