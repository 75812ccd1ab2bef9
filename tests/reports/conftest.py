"""Fixtures of the report tests: the tiny warehouse, a CLI runner, a real SMTP server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reports._report_fixtures import tiny_warehouse

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def tiny(tmp_path: Path):
    """Settings of a freshly built tiny warehouse (see _report_fixtures)."""
    (tmp_path / "wh").mkdir()
    return tiny_warehouse(tmp_path / "wh")


@pytest.fixture
def chromium() -> str:
    from ecoute.reports.pdf import find_chromium

    path = find_chromium()
    if path is None:
        pytest.skip("Chromium not installed (make system-deps): PDF tests skipped")
    return path


@pytest.fixture
def poppler() -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) not installed: PDF checks skipped")


class _Inbox:
    """What a loopback SMTP server received."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd API
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        import email
        from email import policy

        return [
            (list(e.rcpt_tos), email.message_from_bytes(e.original_content, policy=policy.default))
            for e in self.envelopes
        ]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd) accepting LOGIN with ecoute/s3cret."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = _Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        user = auth_data.login.decode()
        password = auth_data.password.decode()
        inbox.logins.append((user, password))
        return AuthResult(success=(user, password) == ("ecoute", "s3cret"))

    import socket

    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        inbox.port = port
        yield inbox
    finally:
        controller.stop()
