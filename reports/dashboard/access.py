"""Who may see the dashboard.

Bound to a loopback address, the dashboard needs no login (only this machine reaches it).
Bound anywhere else it refuses to start unless one of these is configured in ``[dashboard]``:

* ``users``: HTTP basic auth, user → password hash (``ecoute dashboard --hash-password``);
* ``proxy_user_header``: a reverse proxy authenticates people and passes their name in this
  header; requests that lack it, or that come from a peer not in ``proxy_trusted``, get 403.

A password hash (scrypt, ~32 MiB and ~0.1 s each) is checked once per browser session: a
successful check is remembered by a keyed hash of the ``Authorization`` header (the browser sends
the same one on every request of a page), so the 24 requests of a page load cost one check.
Failed checks are limited per client (``max_failures`` per ``failure_window_s``, then 429 without
any hashing) and at most ``hash_workers`` checks run at once, so wrong logins, however many and
however concurrent, cannot take the server's memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


class AccessError(ValueError):
    """The access configuration does not allow starting the server."""


def is_loopback(host: str) -> bool:
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Gate:
    """The mutable side of basic auth: verified headers, recent failures, running checks."""

    def __init__(self, max_failures: int, window_s: float, workers: int) -> None:
        self.key = os.urandom(32)  # per process: a restart forgets every verified header
        self.verified: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self.failures: OrderedDict[str, deque[float]] = OrderedDict()
        self.max_failures, self.window_s = max_failures, window_s
        self.slots = threading.BoundedSemaphore(max(1, workers))
        self.lock = threading.Lock()

    def digest(self, header: str) -> bytes:
        return hmac.new(self.key, header.encode("utf-8", "replace"), hashlib.sha256).digest()

    def remembered(self, digest: bytes, now: float) -> bool:
        with self.lock:
            hit = self.verified.get(digest)
            return hit is not None and hit[1] > now

    def remember(self, digest: bytes, user: str, until: float) -> None:
        with self.lock:
            self.verified[digest] = (user, until)
            self.verified.move_to_end(digest)
            while len(self.verified) > _MAX_SESSIONS:
                self.verified.popitem(last=False)

    def blocked(self, client: str, now: float) -> bool:
        with self.lock:
            recent = self.failures.get(client)
            while recent and recent[0] < now - self.window_s:
                recent.popleft()
            return bool(recent) and len(recent) >= self.max_failures

    def failed(self, client: str, now: float) -> None:
        with self.lock:
            recent = self.failures.setdefault(client, deque(maxlen=self.max_failures))
            recent.append(now)
            self.failures.move_to_end(client)
            while len(self.failures) > _MAX_CLIENTS:
                self.failures.popitem(last=False)


_MAX_SESSIONS = 1024  # remembered headers (oldest forgotten first)
_MAX_CLIENTS = 10_000  # clients whose failures are counted


@dataclass(frozen=True)
class Access:
    users: dict[str, str]
    proxy_header: str
    proxy_trusted: tuple[str, ...]
    realm: str = "Ecoute dashboard"
    session_s: float = 8 * 3600
    max_failures: int = 10
    failure_window_s: float = 300
    hash_workers: int = 2
    _gate: _Gate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        gate = _Gate(self.max_failures, self.failure_window_s, self.hash_workers)
        object.__setattr__(self, "_gate", gate)

    @classmethod
    def from_settings(cls, section: dict[str, Any]) -> Access:
        users = {str(k): str(v) for k, v in (section.get("users") or {}).items() if v}
        trusted = section.get("proxy_trusted", ["127.0.0.1", "::1"])
        return cls(
            users=users,
            proxy_header=str(section.get("proxy_user_header") or "").strip(),
            proxy_trusted=tuple(str(t) for t in trusted),
            session_s=float(section.get("session_hours", 8)) * 3600,
            max_failures=int(section.get("max_failures", 10)),
            failure_window_s=float(section.get("failure_window_s", 300)),
            hash_workers=int(section.get("hash_workers", 2)),
        )

    @property
    def mode(self) -> str:
        if self.proxy_header:
            return "proxy"
        if self.users:
            return "basic"
        return "none"

    def check_bind(self, host: str) -> None:
        """Refuse a non-loopback bind without authentication."""
        if self.mode == "none" and not is_loopback(host):
            raise AccessError(
                f"refusing to serve on {host} without authentication: set [dashboard] users "
                "(basic auth; hashes from `ecoute dashboard --hash-password`) or "
                "proxy_user_header (behind a reverse proxy), or bind to 127.0.0.1. "
                "See docs/dashboard.md."
            )

    def install(self, server: Any) -> None:
        """A Flask before_request hook enforcing the configured mode (none: nothing to do)."""
        if self.mode == "none":
            return
        from flask import Response, request

        def guard() -> Any:
            if self.mode == "proxy":
                peer = request.remote_addr or ""
                if not _peer_trusted(peer, self.proxy_trusted):
                    return Response("forbidden: not from the trusted proxy\n", 403)
                if not request.headers.get(self.proxy_header, "").strip():
                    return Response("forbidden: no authenticated user from the proxy\n", 403)
                return None
            verdict = self.login(request.headers.get("Authorization", ""),
                                 request.remote_addr or "")  # fmt: skip
            if verdict == "ok":
                return None
            if verdict == "busy":
                return Response("too many failed logins; wait a few minutes\n", 429,
                                {"Retry-After": str(int(self.failure_window_s))})  # fmt: skip
            return Response(
                "authentication required\n", 401,
                {"WWW-Authenticate": f'Basic realm="{self.realm}", charset="UTF-8"'},
            )  # fmt: skip

        server.before_request(guard)

    def login(self, header: str, client: str) -> str:
        """``ok``, ``denied`` or ``busy`` (this client failed too often: no hash is computed)."""
        gate, now = self._gate, time.monotonic()
        digest = gate.digest(header)
        if header and gate.remembered(digest, now):
            return "ok"
        if gate.blocked(client, now):
            return "busy"
        with gate.slots:  # at most hash_workers scrypt checks at once, whatever the load
            user = self.check_basic(header)
        if user:
            gate.remember(digest, user, now + self.session_s)
            return "ok"
        gate.failed(client, now)
        return "denied"

    def check_basic(self, header: str) -> str | None:
        """The user a basic-auth header proves (None: not proved); runs the password hash."""
        from werkzeug.security import check_password_hash

        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token:
            return False
        try:
            user, _, password = base64.b64decode(token).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        stored = self.users.get(user)
        if stored is None:
            # Same work for unknown users, so timing does not tell which names exist.
            check_password_hash(_DUMMY_HASH, password)
            return None
        return user if check_password_hash(stored, password) else None


def _peer_trusted(peer: str, trusted: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def hash_password(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password)


_DUMMY_HASH = (
    "scrypt:32768:8:1$2nsFBdjpMZOTuEds$52d222c6f4a88133528a4c69146023590f293d79fce9b411d6f9b09f2"
    "b7ab689403bdb42482b5689961b35759c21f87abf385ee2f831596225d43ce1b0f82806"
)
