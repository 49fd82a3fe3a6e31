"""The users file of ``recon serve``: one ``name:scrypt-hash`` line per person.

``recon serve --add-user NAME --users FILE`` writes a line; the server reads the file to
check a login (a page's form, or an API call's HTTP Basic credentials). The password is
never stored: only a salted scrypt hash (the standard library's :func:`hashlib.scrypt`)
with its parameters in the line, so they can be raised later without breaking older
lines::

    alice:scrypt$32768$8$1$<salt, base64>$<hash, base64>

Names are 1 to 64 characters of letters, digits and ``. _ @ -``. Lines starting with ``#``
and blank lines are ignored. The file is written atomically with mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from recon.atomic import atomic_write_bytes
from recon.errors import UsageError
from recon.text import printable

SCHEME = "scrypt"
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MAX_N = 2**20
"""The largest cost a line may ask for (a hand-edited file cannot make a login take minutes
or all the memory)."""
MIN_PASSWORD = 10
"""The shortest password ``--add-user`` accepts."""

NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


@dataclass(frozen=True)
class PasswordHash:
    """One user's stored hash and the scrypt parameters it was made with."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    def line_text(self) -> str:
        """The hash as the users file writes it (after ``name:``)."""
        salt = base64.b64encode(self.salt).decode()
        digest = base64.b64encode(self.digest).decode()
        return f"{SCHEME}${self.n}${self.r}${self.p}${salt}${digest}"

    def matches(self, password: str) -> bool:
        """Whether ``password`` gives this hash (compared in constant time)."""
        return hmac.compare_digest(
            _scrypt(password, self.salt, self.n, self.r, self.p), self.digest
        )


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * n + 1024 * 1024,
        dklen=HASH_BYTES,
    )


def hash_password(password: str) -> PasswordHash:
    """A new salted scrypt hash of ``password``."""
    salt = secrets.token_bytes(SALT_BYTES)
    return PasswordHash(
        SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    )


DUMMY = PasswordHash(SCRYPT_N, SCRYPT_R, SCRYPT_P, b"\0" * SALT_BYTES, b"\0" * HASH_BYTES)
"""Checked against when the name is unknown, so a wrong name costs what a wrong password
costs and the time taken does not tell which was wrong."""


def parse_hash(text: str) -> PasswordHash:
    """Read the part of a line after ``name:``.

    Raises:
        ValueError: Not ``scrypt$N$r$p$salt$hash`` with sane parameters.
    """
    parts = text.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise ValueError("expected scrypt$N$r$p$salt$hash")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("the parameters, salt or hash do not read") from None
    if n < 2 or n & (n - 1) or n > MAX_N or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise ValueError(f"scrypt parameters N={n}, r={r}, p={p} are out of range")
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("the salt or the hash is too short")
    return PasswordHash(n, r, p, salt, digest)


def check_name(name: str) -> str:
    """Return ``name`` if it can name a user.

    Raises:
        UsageError: It cannot.
    """
    if not NAME.fullmatch(name):
        raise UsageError(
            f"the user name {printable(name, 80)!r} is not 1 to 64 letters, digits or . _ @ -"
        )
    return name


def read_users(path: Path) -> dict[str, PasswordHash]:
    """Every user of the file, by name.

    Raises:
        UsageError: The file cannot be read, or a line is not ``name:scrypt$...`` (the
            error names the file and the line), or a name is there twice.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"no users file at {path}: create it with `recon serve --add-user NAME --users {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read the users file {path}: {e}") from None
    users: dict[str, PasswordHash] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        try:
            if not sep or not NAME.fullmatch(name):
                raise ValueError("expected name:scrypt$N$r$p$salt$hash")
            if name in users:
                raise ValueError(f"the user {name} is there twice")
            users[name] = parse_hash(rest)
        except ValueError as e:
            raise UsageError(f"{path}, line {number}: {e}") from None
    return users


def add_user(path: Path, name: str, password: str) -> bool:
    """Add ``name`` to the users file (created if missing), or give it a new password.

    Returns:
        True when the user was already there (its password is replaced).

    Raises:
        UsageError: A bad name, a password shorter than :data:`MIN_PASSWORD`, or a users
            file that does not read.
    """
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is shorter than {MIN_PASSWORD} characters")
    lines: list[str] = []
    replaced = False
    if path.exists():
        read_users(path)  # refuse to rewrite a file that does not read
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip().partition(":")[0] == name and not raw.lstrip().startswith("#"):
                replaced = True
                continue
            lines.append(raw)
    lines.append(f"{name}:{hash_password(password).line_text()}")
    try:
        atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"), mode=0o600)
    except OSError as e:
        raise UsageError(f"cannot write the users file {path}: {e.strerror or e}") from None
    return replaced


class Users:
    """The users file as the server reads it: read again whenever it changes on disk, so
    ``--add-user`` takes effect without a restart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, PasswordHash] = {}
        self.load()

    @property
    def version(self) -> tuple[int, int] | None:
        """The file's (mtime, size) when last read: changes when the file does."""
        return self._stamp

    def load(self) -> dict[str, PasswordHash]:
        """The users, read again if the file changed (a file that no longer reads keeps
        the last good list: a half-edited file does not lock everyone out)."""
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            if self._stamp is None:
                read_users(self.path)  # says why the file does not read
            return self._users
        if stamp != self._stamp:
            try:
                self._users = read_users(self.path)
            except UsageError:
                if self._stamp is None:
                    raise
                return self._users
            self._stamp = stamp
        return self._users

    def verify(self, name: str, password: str) -> bool:
        """Whether ``name`` and ``password`` are right (the same work either way)."""
        stored = self.load().get(name)
        ok = (stored or DUMMY).matches(password)
        return ok and stored is not None
