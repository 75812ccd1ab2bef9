"""Who may see the dashboard.

Bound to a loopback address, the dashboard needs no login (only this machine reaches it).
Bound anywhere else it refuses to start unless one of these is configured in ``[dashboard]``:

* ``users``: HTTP basic auth, user → password hash (``ecoute dashboard --hash-password``);
* ``proxy_user_header``: a reverse proxy authenticates people and passes their name in this
  header; requests that lack it, or that come from a peer not in ``proxy_trusted``, get 403.
"""

from __future__ import annotations

import base64
import ipaddress
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Access:
    users: dict[str, str]
    proxy_header: str
    proxy_trusted: tuple[str, ...]
    realm: str = "Ecoute dashboard"

    @classmethod
    def from_settings(cls, section: dict[str, Any]) -> Access:
        users = {str(k): str(v) for k, v in (section.get("users") or {}).items() if v}
        trusted = section.get("proxy_trusted", ["127.0.0.1", "::1"])
        return cls(
            users=users,
            proxy_header=str(section.get("proxy_user_header") or "").strip(),
            proxy_trusted=tuple(str(t) for t in trusted),
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
            if self.check_basic(request.headers.get("Authorization", "")):
                return None
            return Response(
                "authentication required\n", 401,
                {"WWW-Authenticate": f'Basic realm="{self.realm}", charset="UTF-8"'},
            )  # fmt: skip

        server.before_request(guard)

    def check_basic(self, header: str) -> bool:
        from werkzeug.security import check_password_hash

        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token:
            return False
        try:
            user, _, password = base64.b64decode(token).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        stored = self.users.get(user)
        if stored is None:
            # Same work for unknown users, so timing does not tell which names exist.
            check_password_hash(_DUMMY_HASH, password)
            return False
        return check_password_hash(stored, password)


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
