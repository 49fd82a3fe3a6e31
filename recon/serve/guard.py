"""The guard in front of every request (SPEC §12): which host, who, which change.

For each HTTP request, in order:

1. **Host**: the ``Host`` header must name this server (the loopback names, ``--host``,
   or an ``--allowed-host``); anything else is 400. A web page elsewhere cannot reach the
   server through a DNS name of its own (DNS rebinding).
2. **Size**: a body over :data:`~recon.serve.config.BODY_LIMIT` is 413.
3. **Who** (with a users file): the JSON API takes HTTP Basic credentials (401 without or
   with wrong ones); a page takes the session cookie and sends a browser without one to
   the login page. A wrong password is answered only after the throttle's delay
   (:mod:`recon.serve.sessions`).
4. **Changes** (any method but GET and HEAD): refused under ``--read-only`` (403, login
   and logout aside); refused when the ``Origin`` is another site's (403); a page's form
   must be URL-encoded and carry the CSRF token of the session (or, before login, of the
   ``recon_csrf`` cookie) as its ``csrf`` field (403 otherwise); the API takes only
   ``Content-Type: application/json`` (415), which no other site's form can send.
5. **Every answer** carries a Content-Security-Policy without inline script (scripts and
   styles only from this server), ``X-Content-Type-Options: nosniff``, no framing, no
   referrer to other sites, ``Cache-Control: no-store`` (pages hold settlement figures),
   and ``Server-Timing`` with the time the server spent (``app;dur=`` milliseconds) and
   the process's CPU time meanwhile (``cpu;dur=``: every thread's, so it is the request's
   own only when one request runs at a time).

Cookies are ``HttpOnly`` and ``SameSite=Strict``, and ``Secure`` when the request came over
HTTPS: directly, or through a reverse proxy whose ``X-Forwarded-Proto`` is believed
because its address was given with ``--trusted-proxy``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recon.serve.responses import JSON_TYPE, error, is_api, plain_error
from recon.serve.sessions import new_token
from recon.serve.state import ServeState

SESSION_COOKIE = "recon_session"
CSRF_COOKIE = "recon_csrf"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD"})
PUBLIC_PATHS = ("/login",)
STYLE_ATTRIBUTES = ("max-width:100%;height:auto",)
"""Inline ``style`` attributes the reports' SVG charts carry, allowed by hash (and only
those): the policy has no ``'unsafe-inline'`` for styles or scripts."""


def _hash_source(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-hashes' " + " ".join(_hash_source(s) for s in STYLE_ATTRIBUTES),
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
SECURITY_HEADERS = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
)
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")


def host_name(header: str | None) -> str | None:
    """The host name of a ``Host`` header (``[::1]:8765`` -> ``::1``), or None if it is
    not one."""
    if not header:
        return None
    found = _HOST.fullmatch(header.strip())
    if found is None:
        return None
    return found.group(1).strip("[]").lower()


def cookie(name: str, value: str, *, secure: bool, expire: bool = False) -> str:
    """A ``Set-Cookie`` value: ``HttpOnly``, ``SameSite=Strict``, path ``/``, ``Secure``
    over HTTPS; ``expire`` removes the cookie."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    if expire:
        parts.append("Max-Age=0")
    return "; ".join(parts)


def cookies_of(scope: Scope) -> dict[str, str]:
    """The request's cookies."""
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is no cookie
                continue
            out.update({k: m.value for k, m in jar.items()})
    return out


def _token_like(value: str | None) -> bool:
    return bool(value) and re.fullmatch(r"[A-Za-z0-9_-]{20,100}", value or "") is not None


def client_key(request: Request) -> str:
    """The client's address, for the throttle."""
    return f"ip:{request.client.host if request.client else '?'}"


class Guard:
    """The ASGI middleware doing the checks of the module doc."""

    def __init__(self, app: ASGIApp, state: ServeState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, cpu = time.perf_counter(), time.process_time()
        extra: list[tuple[bytes, bytes]] = []
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in SECURITY_HEADERS:
                    if k.encode() not in names:
                        headers.append((k.encode(), v.encode()))
                static = scope["path"].startswith("/static/")
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-cache" if static else b"no-store"))
                if secure:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                dur = (time.perf_counter() - started) * 1000
                used = (time.process_time() - cpu) * 1000
                timing = f"app;dur={dur:.1f}, cpu;dur={used:.1f}"
                headers.append((b"server-timing", timing.encode()))
                headers.extend(extra)
                message = {**message, "headers": headers}
            await send(message)

        request = Request(scope)
        path = scope["path"]
        api = is_api(path)
        config = self.state.config
        if host_name(request.headers.get("host")) not in config.hosts:
            await plain_error(400, "This server does not answer to that host name.", api)(
                scope, receive, send_with_headers
            )
            return
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > config.body_limit):
            await plain_error(413, "The request is too large.", api)(
                scope, receive, send_with_headers
            )
            return
        scope.setdefault("state", {})
        response, receive = await self._admit(request, scope, receive, extra, secure)
        if response is not None:
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    async def _admit(
        self,
        request: Request,
        scope: Scope,
        receive: Receive,
        extra: list[tuple[bytes, bytes]],
        secure: bool,
    ) -> tuple[Response | None, Receive]:
        """Who the request is from and whether it may do what it asks: (a refusal or
        None, the ``receive`` to go on with)."""
        state, config = self.state, self.state.config
        path, method = scope["path"], scope["method"]
        api = is_api(path)
        cookies = cookies_of(scope)
        session = state.sessions.get(cookies.get(SESSION_COOKIE)) if config.logins else None
        user = session.user if session else None
        scope["state"]["secure"] = secure
        scope["state"]["session_token"] = cookies.get(SESSION_COOKIE) if session else None
        if config.logins and api:
            user, refusal = await self._basic(request)
            if refusal is not None:
                return refusal, receive
        scope["state"]["user"] = user
        if session is not None:
            csrf = session.csrf
        elif _token_like(cookies.get(CSRF_COOKIE)):
            csrf = cookies[CSRF_COOKIE]
        else:
            csrf = new_token()
            if not api:
                extra.append((b"set-cookie", cookie(CSRF_COOKIE, csrf, secure=secure).encode()))
        scope["state"]["csrf"] = csrf
        if config.logins and not api and user is None and path not in PUBLIC_PATHS:
            if not path.startswith("/static/"):
                if method in SAFE_METHODS:
                    target = path + (
                        f"?{scope['query_string'].decode()}" if scope["query_string"] else ""
                    )
                    return RedirectResponse(f"/login?next={quote(target, safe='')}", 303), receive
                return error(request, 403, "Log in first."), receive
        if method in SAFE_METHODS:
            return None, receive
        return await self._change(request, scope, receive, csrf)

    async def _basic(self, request: Request) -> tuple[str | None, Response | None]:
        """The API's user from HTTP Basic credentials: (user, None) or (None, 401)."""
        state = self.state
        assert state.users is not None
        challenge = {"WWW-Authenticate": 'Basic realm="recon", charset="UTF-8"'}
        header = request.headers.get("authorization", "")
        scheme, _, data = header.partition(" ")
        if scheme.lower() != "basic" or not data:
            return None, error(
                request,
                401,
                "Log in: HTTP Basic credentials of a user of the server's users file.",
                headers=challenge,
            )
        try:
            name, sep, password = (
                base64.b64decode(data.strip(), validate=True).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            name, sep, password = "", "", ""
        users = state.users
        version = users.version
        if sep and state.credentials.known(name, password, version):
            return name, None
        ok = bool(sep) and await run_in_threadpool(users.verify, name, password)
        keys = (client_key(request), f"user:{name}")
        if ok:
            state.credentials.remember(name, password, users.version)
            state.throttle.succeeded(*keys)
            return name, None
        await state.sleep(state.throttle.failed(*keys))
        return None, error(
            request, 401, "The name or the password is not right.", headers=challenge
        )

    async def _change(
        self, request: Request, scope: Scope, receive: Receive, csrf: str
    ) -> tuple[Response | None, Receive]:
        """Whether a change (POST, ...) may go on; replays the body it read."""
        config = self.state.config
        path = scope["path"]
        api = is_api(path)
        origin = request.headers.get("origin")
        if origin is not None and not _same_origin(origin, request.headers.get("host", "")):
            return error(request, 403, "The request came from another site."), receive
        if config.read_only and path not in ("/login", "/logout"):
            return error(
                request,
                403,
                "This server is read-only (recon serve --read-only): nothing can be changed here.",
            ), receive
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if api:
            if media != JSON_TYPE:
                return error(
                    request, 415, "Send the change as Content-Type: application/json."
                ), receive
            return None, receive
        if media != "application/x-www-form-urlencoded":
            return error(request, 415, "Send the form URL-encoded."), receive
        body = await _read_body(receive, config.body_limit)
        if body is None:
            return error(request, 413, "The request is too large."), receive
        sent = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if not hmac.compare_digest(sent.get(CSRF_FIELD, "").encode(), csrf.encode()):
            return error(
                request,
                403,
                "The form has expired or did not come from this site: "
                "reload the page and send it again.",
            ), receive
        return None, _replay(body, receive)


def _same_origin(origin: str, host: str) -> bool:
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == host.strip().lower()


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body (None past ``limit`` bytes)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Callable[[], Any]:
    """A ``receive`` that gives the body read once more, then the client's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
