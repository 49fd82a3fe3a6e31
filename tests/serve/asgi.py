"""Requests to an ASGI application in-process (no socket, no server), through
httpx's ASGI transport, keeping cookies between requests like a browser. The tests of
single modules use it; the tests of the running server use :mod:`.helpers`."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from starlette.types import ASGIApp

BASE = "http://127.0.0.1:8765"
"""A loopback address: the guard answers to it."""


class InProcess:
    """A client of one application: ``client.get("/weeks")``, ``client.post(...)``.

    Redirects are not followed; every answer is read whole.
    """

    def __init__(self, app: ASGIApp, base: str = BASE) -> None:
        self.app = app
        self.base = base
        self.cookies = httpx.Cookies()

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url=self.base, cookies=self.cookies
            ) as client:
                answer = await client.request(method, path, **kw)
                self.cookies = client.cookies
                return answer

        # A thread of its own: the browser tests' Playwright keeps an event loop running
        # in this one, where asyncio.run() refuses to start another.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, go()).result()

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)
