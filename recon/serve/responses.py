"""Answers: a page rendered for a request, its JSON twin, and errors in either form (a
request under ``/api/`` gets JSON ``{"error": ...}``, any other an error page)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from recon.serve.pages import render
from recon.text import safe_text

JSON_TYPE = "application/json"


def is_api(path: str) -> bool:
    """Whether a path is the JSON API's."""
    return path == "/api" or path.startswith("/api/")


def base_context(request: Request) -> dict[str, Any]:
    """What every page's frame shows: who is logged in, the CSRF token for its forms,
    whether changes are refused, where the page is."""
    state = request.app.state.serve
    return {
        "user": getattr(request.state, "user", None),
        "csrf": getattr(request.state, "csrf", ""),
        "logins": state.config.logins,
        "read_only": state.config.read_only,
        "path": request.url.path,
    }


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page rendered from ``template`` with ``context``."""
    html = render(template, {**base_context(request), **context})
    return HTMLResponse(html, status_code=status)


def as_json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON answer (decimals are already strings in every document)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)


def error(
    request: Request,
    status: int,
    message: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error: JSON ``{"error": message}`` under ``/api/``, else the error page."""
    message = safe_text(message)
    if is_api(request.url.path):
        return as_json({"error": message}, status, headers)
    html = render(
        "error.html",
        {
            **base_context(request),
            "status": status,
            "title": title or TITLES.get(status, "Error"),
            "message": message,
        },
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def plain_error(status: int, message: str, api: bool) -> Response:
    """An error before anything is known of the request (a bad Host header, a body too
    large): JSON or plain text, never a page that would show the request's own text."""
    if api:
        return as_json({"error": safe_text(message)}, status)
    return Response(safe_text(message) + "\n", status_code=status, media_type="text/plain")


TITLES = {
    400: "Bad request",
    401: "Log in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    413: "Too large",
    415: "Unsupported form",
    500: "Something went wrong",
    503: "The store is busy",
}
