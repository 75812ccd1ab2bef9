"""Dashboard login: one password check per session, failures limited per client, bounded memory."""

from __future__ import annotations

import base64
import subprocess
import sys
import time

from ecoute.reports.dashboard.access import Access, hash_password

STORED = hash_password("s3cret")  # scrypt, as `ecoute dashboard --hash-password` makes it


def _auth(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _client(**settings):  # noqa: ANN202 - a Flask test client
    from flask import Flask

    server = Flask("t")
    server.add_url_rule("/", "page", lambda: "ok")
    Access.from_settings({"users": {"ceo": STORED}, **settings}).install(server)
    return server.test_client()


def test_a_page_load_checks_the_password_once() -> None:
    client = _client()
    t0 = time.perf_counter()
    codes = [client.get("/", headers=_auth("ceo", "s3cret")).status_code for _ in range(24)]
    assert codes == [200] * 24
    assert time.perf_counter() - t0 < 1.0  # one scrypt (~0.1 s), not 24
    assert client.get("/", headers=_auth("ceo", "wrong")).status_code == 401
    assert client.get("/").status_code == 401


def test_failures_are_limited_per_client() -> None:
    client = _client(max_failures=3)
    here, there = {"REMOTE_ADDR": "192.0.2.1"}, {"REMOTE_ADDR": "192.0.2.2"}
    codes = [client.get("/", headers=_auth("ceo", f"guess{i}"), environ_base=here).status_code
             for i in range(5)]  # fmt: skip
    assert codes == [401, 401, 401, 429, 429]
    # Blocked even with the right password (no hashing at all), other clients are not.
    assert client.get("/", headers=_auth("ceo", "s3cret"), environ_base=here).status_code == 429
    assert client.get("/", headers=_auth("ceo", "s3cret"), environ_base=there).status_code == 200


_CONCURRENT = """
import base64, resource, sys, threading
from flask import Flask
from ecoute.reports.dashboard.access import Access
server = Flask("t"); server.add_url_rule("/", "page", lambda: "ok")
Access.from_settings({"users": {"ceo": sys.argv[1]}}).install(server)
client = server.test_client()
client.get("/")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
codes = []
def wrong(i):
    token = base64.b64encode(f"ceo:guess{i}".encode()).decode()
    codes.append(client.get("/", headers={"Authorization": "Basic " + token},
                            environ_base={"REMOTE_ADDR": f"10.0.{i // 250}.{i % 250}"}).status_code)
threads = [threading.Thread(target=wrong, args=(i,)) for i in range(16)]
[t.start() for t in threads]; [t.join() for t in threads]
print(sorted(set(codes)), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)
"""


def test_concurrent_wrong_logins_keep_memory_bounded() -> None:
    """16 concurrent wrong logins from 16 clients: each scrypt takes ~32 MiB, and at most
    ``hash_workers`` (2) run at once, so memory grows by ~64 MiB, not ~512 MiB."""
    out = subprocess.run([sys.executable, "-c", _CONCURRENT, STORED], capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()  # fmt: skip
    codes, grown_mb = out[0], int(out[1])
    assert codes == "[401]"
    assert grown_mb < 160, grown_mb
