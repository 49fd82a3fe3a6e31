"""The pages and their JSON twins (SPEC §12).

========================================  ============================================
page                                      JSON twin
========================================  ============================================
``/`` Weeks (dashboard)                   ``GET /api/weeks``
``/weeks/{participant}/{yyyy-mm-dd}``     ``GET /api/weeks/{participant}/{yyyy-mm-dd}``
``/issues`` the register, filtered        ``GET /api/issues`` (the same filters)
``/issues/{id}``                          ``GET /api/issues/{id}``
``POST /issues/{id}`` (the issue's forms) ``POST /api/issues/{id}`` (a JSON body)
``/audit`` a range or Financial Year      ``GET /api/audit`` (``audit.json``)
========================================  ============================================

Downloads: ``/weeks/{participant}/{yyyy-mm-dd}/{report.html|report.xlsx|findings.json}``
and ``/audit/{audit.json|audit.xlsx|audit.html}?from=&to=&participant=``. Logins:
``/login``, ``/logout``. Static files: ``/static/{name}``.

Every endpoint reads the store through :func:`recon.serve.access.read` (opened for the
request, closed before the page is rendered), on a worker thread; a change of an issue's
workflow is written through :func:`recon.serve.access.write` by
:func:`recon.store.register.record_event`, as ``recon issue --set`` records it.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from recon.errors import StoreBusyError, StoreError, UsageError
from recon.models.audit import Issue
from recon.models.findings import CHECKS, Severity
from recon.serve import views
from recon.serve.access import Snapshot, read, today, with_turn, write
from recon.serve.assets import static_file
from recon.serve.downloads import AUDIT_FILES, WEEK_FILES, attachment, audit_file, week_file
from recon.serve.guard import CSRF_COOKIE, SESSION_COOKIE, client_key, cookie
from recon.serve.issues import (
    SORTS,
    STATUSES,
    WORKFLOWS,
    Change,
    ChangeError,
    FilterError,
    IssueFilter,
    web_words,
)
from recon.serve.queries import participants, week_span
from recon.serve.responses import as_json, error, page
from recon.serve.state import ServeState
from recon.store.register import UnknownIssueError, date_range, person, record_event
from recon.wem.calendar import financial_year, parse_week

log = logging.getLogger(__name__)

SORT_NAMES = {"": "register order", "at_stake": "money at stake", "due": "due date"}


def _state(request: Request) -> ServeState:
    return request.app.state.serve


async def _read(request: Request, fn: Any, *args: Any) -> Any:
    return await run_in_threadpool(read, _state(request).config, fn, *args)


def _day(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a date (yyyy-mm-dd)") from None


def _week_of(request: Request) -> tuple[str, date] | None:
    """The path's participant and Trading Week (None when the week is not a Sunday)."""
    try:
        week = parse_week(request.path_params["week"])
    except UsageError:
        return None
    assert week is not None
    return request.path_params["participant"], week


# ------------------------------------------------------------------------------ weeks


async def weeks(request: Request) -> Response:
    """The dashboard (and ``/api/weeks``)."""
    q = request.query_params
    try:
        start, end = _day(q.get("from"), "from"), _day(q.get("to"), "to")
    except UsageError as e:
        return error(request, 400, str(e))
    who = (q.get("participant") or "").strip().upper() or None
    view = await _read(request, views.dashboard, start, end, who)
    if request.url.path.startswith("/api/"):
        return as_json(view.document())
    return page(request, "weeks.html", {"view": view})


async def week(request: Request) -> Response:
    """A week (and ``/api/weeks/{participant}/{week}``)."""
    found = _week_of(request)
    view = await _read(request, views.week_page, *found) if found else None
    if view is None:
        return error(
            request, 404, "The store holds no such week (a Trading Week starts on a Sunday)."
        )
    if request.url.path.startswith("/api/"):
        return as_json(view.document())
    return page(request, "week.html", {"view": view})


async def week_download(request: Request) -> Response:
    """A week's report, made now."""
    name = request.path_params["name"]
    found = _week_of(request)
    if name not in WEEK_FILES or found is None:
        return error(request, 404, "No such file.")
    if not await _read(request, views.holds_runs, *found):
        return error(request, 404, "The store holds no run of that week.")
    state = _state(request)

    def make() -> bytes:
        with state.reports:  # one check at a time: a large week takes memory
            return with_turn(state.config, week_file, state.config, found[0], found[1], name)

    data = await run_in_threadpool(make)
    return Response(
        data,
        media_type=WEEK_FILES[name],
        headers={"Content-Disposition": attachment(found[0], found[1].isoformat(), name)},
    )


# ------------------------------------------------------------------------------ issues


def _issue_choices() -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "workflows": WORKFLOWS,
        "checks": list(CHECKS),
        "severities": [s.value for s in Severity],
        "sorts": [(s, SORT_NAMES[s]) for s in SORTS],
    }


async def issues(request: Request) -> Response:
    """The register (and ``/api/issues``)."""
    try:
        filt = IssueFilter.from_query(request.query_params)
    except FilterError as e:
        return error(request, 400, str(e))
    view = await _read(request, views.issues_page, filt)
    if request.url.path.startswith("/api/"):
        return as_json(view.document())
    context = {"view": view, **_issue_choices()}
    htmx = request.headers.get("hx-request") == "true"
    if htmx and not request.headers.get("hx-history-restore-request"):
        response = page(request, "_issues_table.html", context)
    else:
        response = page(request, "issues.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


NO_ISSUE = "No issue has that id."


async def issue(request: Request) -> Response:
    """An issue (and ``/api/issues/{id}``); POST records a change of its workflow."""
    if request.method == "POST":
        return await change_issue(request)
    view = await _read(request, views.issue_page, request.path_params["issue_id"])
    if view is None:
        return error(request, 404, NO_ISSUE)
    if request.url.path.startswith("/api/"):
        return as_json(view.document())
    return page(request, "issue.html", _issue_context(request, view))


def _issue_context(request: Request, view: views.IssuePage) -> dict[str, Any]:
    """What the issue page shows beside the issue: who a change would be recorded as
    (None: nobody can say) and today (AWST: the latest day a dispute can be lodged)."""
    try:
        by: str | None = who_changes(request)
    except UsageError:
        by = None
    return {"view": view, "by": by, "today": today(), "problem": None, "sent": None}


def who_changes(request: Request) -> str:
    """Who a change is recorded as (``by``): the user logged in (a page) or whose HTTP
    Basic credentials came with it (the API); without a users file, the person running
    the server (``$RECON_USER``, else the login name of its process).

    Raises:
        UsageError: Without a users file, neither says who.
    """
    if _state(request).config.logins:
        user = request.state.user  # the guard let no change through without one
        assert user
        return str(user)
    return person()


async def _change_of(request: Request) -> Change:
    """The change asked: a page's form, or the API's JSON body.

    Raises:
        ChangeError: A JSON body that does not read as a change.
    """
    if not request.url.path.startswith("/api/"):
        return Change.from_form(await request.form())
    body = await request.body()
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ChangeError(
            'the body is not JSON: send {"workflow": ..., "ref": ..., "lodged": ..., "note": ...}'
        ) from None
    return Change.from_json(doc)


def _record(store: Any, issue_id: str, change: Change, by: str, days: int | None) -> Issue:
    return record_event(
        store,
        issue_id,
        workflow=change.workflow,
        by=by,
        ref=change.ref or None,
        lodged=change.lodged or None,
        note=change.note or None,
        nod_business_days=days,
    )


async def change_issue(request: Request) -> Response:
    """Record a change of an issue's workflow (SPEC §11, §12): the same event as ``recon
    issue --set``. A page's form is answered by the issue page (303 to it; the page again
    with the refusal, 400, for an invalid change); the API by the issue, as ``GET
    /api/issues/{id}`` gives it. 404 for an unknown id, 503 (nothing recorded) when the
    store stays busy."""
    api = request.url.path.startswith("/api/")
    issue_id = request.path_params["issue_id"]
    state = _state(request)
    change = Change(workflow="")
    try:
        change = await _change_of(request)
        by = who_changes(request)
        done = await run_in_threadpool(
            write, state.config, _record, issue_id, change, by, state.config.nod_business_days
        )
    except ChangeError as e:
        return error(request, 400, str(e))
    except UnknownIssueError:
        return error(request, 404, NO_ISSUE)
    except UsageError as e:
        problem = web_words(str(e))
        if api:
            return error(request, 400, problem)
        view = await _read(request, views.issue_page, issue_id)
        if view is None:
            return error(request, 404, NO_ISSUE)
        context = {**_issue_context(request, view), "problem": problem, "sent": change}
        return page(request, "issue.html", context, status=400)
    except StoreBusyError:
        return error(
            request,
            503,
            "The store is busy: another recon process (recon weekly or recon ingest) is "
            "writing to it. Your change was not recorded: send it again in a moment.",
            headers={"Retry-After": "5"},
        )
    except StoreError as e:
        log.error("store: %s", e)
        return error(request, 500, f"Your change was not recorded: {e}")
    if api:
        view = await _read(request, views.issue_page, done.id)
        if view is None:  # pragma: no cover - the issue was just found
            return error(request, 404, NO_ISSUE)
        return as_json(view.document())
    return RedirectResponse(f"/issues/{done.id}#workflow", 303)


# ------------------------------------------------------------------------------ audit


def fy_text(start: date) -> str:
    """A Financial Year as Australians write it, from its first day: ``2024-25``."""
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def financial_year_named(text: str) -> date:
    """The first day of the Financial Year ``text`` names (SPEC §8): ``2024-25``, or
    ``2025``, the year *ending* 30 June 2025 (as Australians write FY2025).

    Raises:
        UsageError: Neither form, or ``2024-26``.
    """
    found = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text.strip())
    if found is None:
        raise UsageError(f"fy: {text!r} is not a Financial Year such as 2024-25 or 2025")
    year = int(found.group(1))
    if found.group(2) is None:
        return date(year - 1, 7, 1)
    if int(found.group(2)) != (year + 1) % 100:
        raise UsageError(f"fy: {text!r} is not a Financial Year such as 2024-25")
    return date(year, 7, 1)


def _audit_range(request: Request, held: tuple[date, date] | None) -> tuple[date, date, str]:
    """(start, end, the Financial Year chosen or '') from the query; the Financial Year of
    the latest week held when nothing is asked.

    Raises:
        UsageError: A bad date or range.
    """
    q = request.query_params
    fy = (q.get("fy") or "").strip()
    if fy:
        first = financial_year_named(fy)
        return first, date(first.year + 1, 6, 30), fy_text(first)
    if q.get("from") or q.get("to"):
        start, end = date_range(q.get("from"), q.get("to"))
        return start, end, ""
    if held is None:
        raise UsageError("the store holds no week")
    first = financial_year(held[1])
    return first, date(first.year + 1, 6, 30), fy_text(first)


def _audit_view(snap: Snapshot, request: Request) -> dict[str, Any]:
    store = snap.store
    held = week_span(store)
    who = (request.query_params.get("participant") or "").strip().upper() or None
    years = []
    if held is not None:
        y = financial_year(held[0]).year
        while y <= financial_year(held[1]).year:
            first = date(y, 7, 1)
            years.append(
                {
                    "value": fy_text(first),
                    "name": f"FY {fy_text(first)} (1 Jul {y} to 30 Jun {y + 1})",
                }
            )
            y += 1
    out: dict[str, Any] = {
        "years": list(reversed(years)),
        "participants": participants(store),
        "participant": who,
        "problem": None,
        "audit": None,
        "start": None,
        "end": None,
        "chosen_fy": "",
    }
    try:
        start, end, fy = _audit_range(request, held)
    except UsageError as e:
        out["problem"] = str(e)
        return out
    out.update(start=start, end=end, chosen_fy=fy)
    out["audit"] = views.audit_of(snap, start, end, who)
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if who:
        query["participant"] = who
    out["query"] = query
    return out


async def audit_page(request: Request) -> Response:
    """The Audit page (and ``/api/audit``: ``audit.json``)."""
    context = await _read(request, _audit_view, request)
    if request.url.path.startswith("/api/"):
        if context["audit"] is None:
            return error(request, 400, context["problem"] or "give a range")
        return as_json(context["audit"].document())
    return page(request, "audit_page.html", {**context, "files": list(AUDIT_FILES)})


async def audit_download(request: Request) -> Response:
    """One of an audit's outputs, as ``recon audit`` writes it."""
    name = request.path_params["name"]
    if name not in AUDIT_FILES:
        return error(request, 404, "No such file.")
    context = await _read(request, _audit_view, request)
    if context["audit"] is None:
        return error(request, 400, context["problem"] or "give a range")
    data = await run_in_threadpool(audit_file, context["audit"], name)
    start, end = context["start"], context["end"]
    return Response(
        data,
        media_type=AUDIT_FILES[name],
        headers={"Content-Disposition": attachment(start.isoformat(), end.isoformat(), name)},
    )


# ------------------------------------------------------------------------------ logins


def _next(target: str | None) -> str:
    """Where to go after logging in: a path of this server, else the dashboard."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


async def login(request: Request) -> Response:
    """The login page; POST logs in (the form's CSRF token was checked by the guard)."""
    state = _state(request)
    if not state.config.logins:
        return RedirectResponse("/", 303)
    if request.method == "GET":
        if getattr(request.state, "user", None):
            return RedirectResponse(_next(request.query_params.get("next")), 303)
        context = {"failed": False, "name": "", "next": _next(request.query_params.get("next"))}
        return page(request, "login.html", context)
    form = await request.form()
    name = str(form.get("name") or "")[:200]
    password = str(form.get("password") or "")[:1000]
    target = _next(str(form.get("next") or ""))
    assert state.users is not None
    ok = await run_in_threadpool(state.users.verify, name, password)
    keys = (client_key(request), f"user:{name}")
    if not ok:
        log.warning("failed login from %s", client_key(request))
        await state.sleep(state.throttle.failed(*keys))
        context = {"failed": True, "name": name, "next": target}
        return page(request, "login.html", context, status=401)
    state.throttle.succeeded(*keys)
    state.sessions.drop(getattr(request.state, "session_token", None))
    token, _ = state.sessions.create(name)
    response = RedirectResponse(target, 303)
    secure = bool(getattr(request.state, "secure", False))
    response.headers.append("set-cookie", cookie(SESSION_COOKIE, token, secure=secure))
    log.info("%s logged in", name)
    return response


async def logout(request: Request) -> Response:
    """End the session (POST with the CSRF token)."""
    state = _state(request)
    state.sessions.drop(getattr(request.state, "session_token", None))
    secure = bool(getattr(request.state, "secure", False))
    response = RedirectResponse("/login" if state.config.logins else "/", 303)
    response.headers.append("set-cookie", cookie(SESSION_COOKIE, "", secure=secure, expire=True))
    response.headers.append("set-cookie", cookie(CSRF_COOKIE, "", secure=secure, expire=True))
    return response


# ------------------------------------------------------------------------------ static


async def static(request: Request) -> Response:
    """A file of :mod:`recon.serve.assets` (anything else: 404)."""
    found = static_file(request.path_params["name"])
    if found is None:
        return error(request, 404, "No such file.")
    content, media = found
    return Response(content, media_type=media)


ROUTES = [
    Route("/", weeks),
    Route("/weeks", weeks),
    Route("/weeks/{participant}/{week}", week),
    Route("/weeks/{participant}/{week}/{name}", week_download),
    Route("/issues", issues),
    Route("/issues/{issue_id}", issue, methods=["GET", "POST"]),
    Route("/audit", audit_page),
    Route("/audit/{name}", audit_download),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/static/{name}", static),
    Route("/api/weeks", weeks),
    Route("/api/weeks/{participant}/{week}", week),
    Route("/api/issues", issues),
    Route("/api/issues/{issue_id}", issue, methods=["GET", "POST"]),
    Route("/api/audit", audit_page),
]
"""Every route."""
