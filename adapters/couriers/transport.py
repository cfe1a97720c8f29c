"""An httpx transport over aiohttp, for the courier gateways.

The adapters speak httpx (its API, its exceptions). Under a batch of AWBs with tens of calls in flight,
httpcore's connection pool spent more CPU choosing a connection than the rest of the work together (it checks
every pooled connection for every request); aiohttp's connector does not. The exception mapping is the part that
matters for correctness: the gateways decide from it whether a creation may have reached the courier, so only
failures before anything was sent become ConnectError / ConnectTimeout; everything after is a read error or a
read timeout (the request may have been acted on).
"""

from __future__ import annotations

import aiohttp
import httpx

# aiohttp writes these itself from the body and the URL; sent twice they would contradict each other.
_OWN_HEADERS = frozenset({b"host", b"content-length", b"connection", b"transfer-encoding"})


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(self, max_connections: int) -> None:
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Loopback and couriers alike: no proxy from the environment, no cookie jar (each call is stateless).
            connector = aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                                  auto_decompress=True, trust_env=False)
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limits = request.extensions.get("timeout") or {}
        timeout = aiohttp.ClientTimeout(total=None, connect=limits.get("pool"), sock_connect=limits.get("connect"),
                                        sock_read=limits.get("read"))
        body = await request.aread()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                   if k.lower() not in _OWN_HEADERS]
        try:
            async with self._client().request(request.method, str(request.url), headers=headers,
                                              data=body or None, timeout=timeout, allow_redirects=False,
                                              skip_auto_headers=("Content-Type",)) as answer:
                content = await answer.read()
                return httpx.Response(answer.status, headers=answer.raw_headers, content=content,
                                      request=request, extensions={"http_version": b"HTTP/1.1"})
        except aiohttp.ConnectionTimeoutError as exc:  # before anything was sent
            raise httpx.ConnectTimeout(str(exc) or "connect timeout", request=request) from exc
        except aiohttp.ClientConnectorError as exc:  # refused, DNS...: nothing was sent
            raise httpx.ConnectError(str(exc) or "connect error", request=request) from exc
        except (TimeoutError, aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise httpx.ReadTimeout(str(exc) or "read timeout", request=request) from exc
        except (aiohttp.ClientError, OSError) as exc:  # disconnected, reset...: the request may have arrived
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
