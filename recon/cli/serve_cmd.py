"""``recon serve``: the settlements team's shared view of the store, in a browser (SPEC §12).

Exit status: 0 when the server is stopped; 2 when it cannot start (a host it may not
listen on, no users file where one is needed, a store that is not there, a port in use);
130/143 when interrupted.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from recon.cli.options import store_option
from recon.cli.progress import stderr
from recon.cli.text import line
from recon.config import nod_business_days
from recon.errors import UsageError
from recon.serve.config import ServeConfig, check_listen
from recon.serve.server import listen, run
from recon.serve.state import ServeState
from recon.serve.users import add_user, check_name
from recon.store.db import Store, resolve_store_path

log = logging.getLogger(__name__)


def _password() -> str:
    """The new password: asked twice on a terminal, else one line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    text = sys.stdin.readline() if sys.stdin is not None else ""
    return text.rstrip("\r\n")


@click.command("serve")
@store_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any address other than a loopback one needs --users; a "
    "wildcard (0.0.0.0, ::) also needs --allowed-host.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0: any free port; the address is printed).",
)
@click.option(
    "--users",
    "users_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The users file (one name:scrypt-hash line each, written by --add-user): every "
    "page then needs a login, and the JSON API HTTP Basic credentials.",
)
@click.option(
    "--read-only",
    is_flag=True,
    help="Serve the pages and refuse every change (403).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name browsers use to reach the server (the Host header is checked; "
    "127.0.0.1, localhost, ::1 and --host are always allowed). Repeat for each name, e.g. "
    "the name a reverse proxy serves.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="The address of a reverse proxy whose X-Forwarded-Proto and X-Forwarded-For are "
    "believed (then the session cookie is Secure when the browser used HTTPS). Without "
    "it those headers are ignored.",
)
@click.option(
    "--add-user",
    metavar="NAME",
    help="Add a user to the --users file (or change its password) and exit: the password "
    "is asked twice, or read once from standard input when that is not a terminal. Only "
    "a salted scrypt hash is stored.",
)
def serve(
    store_path: Path | None,
    host: str,
    port: int,
    users_file: Path | None,
    read_only: bool,
    allowed_hosts: tuple[str, ...],
    trusted_proxies: tuple[str, ...],
    add_user: str | None,
) -> int:
    """Serve the store to the settlements team as web pages and a JSON API.

    \b
    Pages: Weeks (each participant's weeks, position, net adjustments over
    time, open issues), a week (run chain, coverage, findings of each run,
    reports made on demand), Issues (the register, filtered and sorted), an
    issue (its findings across runs, the values behind it in every run
    held, its workflow events, and forms recording a change as `recon issue
    --set` does), Audit (a range or Financial Year, downloading what `recon
    audit` writes). JSON twins under /api/.

    Changes are recorded as the user logged in; without --users, as
    $RECON_USER, else the login name of the process running the server. Due
    dates follow nod_business_days under [disputes] in the config file.

    It listens on 127.0.0.1 unless told otherwise. The store is opened for
    each request and closed at its end, so `recon weekly` and `recon ingest`
    can write it from cron: a page waits a few seconds for a writer, then
    says the store is busy.

    Exit status: 0 when stopped; 2 when it cannot start.
    """
    if add_user is not None:
        return _add_user(add_user, users_file)
    config = ServeConfig(
        store=resolve_store_path(store_path),
        users_file=users_file,
        read_only=read_only,
        host=host,
        port=port,
        allowed_hosts=allowed_hosts,
        trusted_proxies=trusted_proxies,
        nod_business_days=nod_business_days(),  # a config file that does not read: exit 2
    )
    check_listen(config)
    state = ServeState.from_config(config)  # a users file that does not read: exit 2
    if state.users is not None and not state.users.load():
        raise UsageError(
            f"the users file {users_file} has no user: add one with `recon serve --add-user "
            f"NAME --users {users_file}`"
        )
    with Store.open(config.store, read_only=True, must_exist=True):
        pass  # a file that is not a recon store, or none: exit 2 now, not on every page
    sock = listen(host, port)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    stderr.print(
        line(
            ("recon serve", "bold"),
            f": http://{shown}:{bound[1]}/  (store {config.store}; ",
            f"logins: {users_file}" if users_file else "no logins, this machine only",
            "; read-only" if read_only else "",
            ")",
        )
    )
    run(config, sock)
    return 0


def _add_user(name: str, users_file: Path | None) -> int:
    if users_file is None:
        raise UsageError("--add-user needs --users FILE: the file to add the user to")
    check_name(name)
    password = _password()
    if not password:
        raise UsageError("no password given")
    replaced = add_user(users_file, name, password)
    what = "changed the password of" if replaced else "added"
    stderr.print(line(f"recon serve: {what} {name} in {users_file}"))
    return 0
