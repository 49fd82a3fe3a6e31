"""The web application: the routes of :mod:`recon.serve.routes` behind the guard of
:mod:`recon.serve.guard`, and errors answered as pages (or JSON under ``/api/``) that never
show a traceback."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recon.errors import ReconError, StoreBusyError, StoreError
from recon.serve.assets import static_file
from recon.serve.config import ServeConfig
from recon.serve.guard import Guard
from recon.serve.pages import compile_pages
from recon.serve.responses import error, plain_error
from recon.serve.routes import ROUTES
from recon.serve.state import ServeState

log = logging.getLogger(__name__)

RETRY_AFTER = "5"


async def _busy(request: Request, exc: Exception) -> Response:
    return error(
        request,
        503,
        "The store is busy: another recon process (recon weekly or recon ingest) is "
        "writing to it. Try again in a moment.",
        headers={"Retry-After": RETRY_AFTER},
    )


async def _store(request: Request, exc: Exception) -> Response:
    log.error("store: %s", exc)
    return error(request, 503, f"The store cannot be read: {exc}")


async def _recon(request: Request, exc: Exception) -> Response:
    log.error("%s", exc)
    return error(request, 500, str(exc))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "There is no such page.", 405: "That is not allowed here."}
    return error(
        request, exc.status_code, messages.get(exc.status_code, exc.detail), headers=exc.headers
    )


class _Crash:
    """Answers an unexpected error with a 500 page (inside the guard, so with its
    headers) and a one-line log entry; the traceback goes to the debug log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as e:
            log.error("internal error on %s: %s: %s", scope.get("path"), type(e).__name__, e)
            log.debug("internal error", exc_info=True)
            if not started:
                api = scope["path"].startswith("/api/")
                await plain_error(500, "Internal error: see the server's log.", api)(
                    scope, receive, send
                )


def create_app(config: ServeConfig | ServeState) -> Starlette:
    """The application for ``config`` (or a prepared :class:`ServeState`, as tests use).

    Raises:
        UsageError: The users file does not read.
        OutputError: A template or static file is missing (a broken installation).
    """
    state = config if isinstance(config, ServeState) else ServeState.from_config(config)
    compile_pages()
    static_file("report.css")  # the reports' style sheet, taken from report.html once
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(Guard, state=state), Middleware(_Crash)],
        exception_handlers={
            StoreBusyError: _busy,
            StoreError: _store,
            ReconError: _recon,
            HTTPException: _http,
        },
    )
    app.state.serve = state
    return app
