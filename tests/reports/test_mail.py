"""`--email` against a real SMTP server on loopback: recipients, subject, body, attachments."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ecoute.cli import app
from ecoute.core.settings import load_settings
from ecoute.reports.run import run_weekly
from tests.reports._report_fixtures import W10


def _mail_settings(tiny, port: int, environ: dict[str, str] | None = None):
    base = load_settings(warehouse=tiny.warehouse, environ=environ or {})
    return base.with_overrides(
        email={
            "host": "127.0.0.1",
            "port": port,
            "username": "ecoute",
            "sender": "reports@operator.example",
            "recipients": {
                "national": ["director@operator.example", "quality@operator.example"],
                "Namur": ["namur.manager@operator.example"],
            },
        }
    )


def test_burst_mails_each_region_its_report(tiny, tmp_path, smtp_server):
    # the password comes from the environment, through the Settings object
    settings = _mail_settings(tiny, smtp_server.port, {"ECOUTE__EMAIL__PASSWORD": "s3cret"})
    results = run_weekly(settings, W10, tmp_path / "out", all_regions=True, email=True,
                         echo=lambda _: None)  # fmt: skip
    assert [r.error for r in results] == ["", "", "", ""]
    assert smtp_server.logins == [("ecoute", "s3cret")] * 2
    received = smtp_server.messages()
    assert len(received) == 2  # national and Namur: Liège has no recipients configured
    by_rcpt = {tuple(rcpt): msg for rcpt, msg in received}
    national = by_rcpt[("director@operator.example", "quality@operator.example")]
    assert national["Subject"] == "Écoute weekly report 2026-W10 — All regions"
    assert national["From"] == "reports@operator.example"
    namur = by_rcpt[("namur.manager@operator.example",)]
    assert namur["Subject"] == "Écoute weekly report 2026-W10 — Namur"
    body = namur.get_body(preferencelist=("html",)).get_content()
    assert "<script" not in body.lower() and "Namur" in body
    assert "Dropped calls" in namur.get_body(preferencelist=("plain",)).get_content()
    attachments = {a.get_filename(): a for a in namur.iter_attachments()}
    namur_result = next(r for r in results if r.region == "Namur")
    assert list(attachments) == [namur_result.html.name]  # no PDF asked for
    (html_part,) = attachments.values()
    assert html_part.get_content_type() == "text/html"
    assert "<svg" in html_part.get_content()


@pytest.mark.browser
def test_pdf_is_attached(tiny, tmp_path, smtp_server, chromium):
    settings = _mail_settings(tiny, smtp_server.port, {"ECOUTE__EMAIL__PASSWORD": "s3cret"})
    result = CliRunner().invoke(
        app,
        ["--warehouse", str(tiny.warehouse), "report", "weekly", "--week", "2026-W10",
         "--out", str(tmp_path / "out"), "--email"],
        obj=None,
    )  # fmt: skip
    # the CLI builds its own settings (no e-mail configured there): nothing is sent, no error
    assert result.exit_code == 0, result.output
    assert "no [email.recipients] entry" in result.output
    results = run_weekly(settings, W10, tmp_path / "out", pdf=True, email=True, echo=lambda _: None)
    assert results[0].error == ""
    ((rcpt, msg),) = smtp_server.messages()
    assert rcpt == ["director@operator.example", "quality@operator.example"]
    names = {a.get_filename(): a.get_content_type() for a in msg.iter_attachments()}
    assert names == {"weekly-2026-W10.pdf": "application/pdf", "weekly-2026-W10.html": "text/html"}
    pdf = next(a for a in msg.iter_attachments() if a.get_filename().endswith(".pdf"))
    assert pdf.get_content().startswith(b"%PDF")


def test_refused_login_is_reported_not_raised(tiny, tmp_path, smtp_server):
    settings = _mail_settings(tiny, smtp_server.port, {"ECOUTE__EMAIL__PASSWORD": "wrong"})
    (result,) = run_weekly(settings, W10, tmp_path / "out", email=True, echo=lambda _: None)
    assert "could not send" in result.error
    assert result.html.exists()  # the report was still written
    assert smtp_server.messages() == []


def test_starttls_with_login_required_over_tls(tiny, tmp_path):
    """STARTTLS for real: the server refuses mail before TLS, and only logs in over TLS."""
    import shutil
    import socket
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.reports.conftest import _Inbox

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed: cannot make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)  # fmt: skip
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        inbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_tls,
                            require_starttls=True, authenticator=authenticator,
                            auth_require_tls=True)  # fmt: skip
    controller.start()
    try:
        settings = _mail_settings(tiny, port, {"ECOUTE__EMAIL__PASSWORD": "s3cret"})
        plain = settings.with_overrides(email={"starttls": False})
        (refused,) = run_weekly(plain, W10, tmp_path / "a", email=True, echo=lambda _: None)
        assert "could not send" in refused.error  # no STARTTLS: the server says no
        tls = settings.with_overrides(email={"starttls": True, "cafile": str(cert)})
        (sent,) = run_weekly(tls, W10, tmp_path / "b", email=True, echo=lambda _: None)
        assert sent.error == "" and sent.mailed_to
    finally:
        controller.stop()
    assert inbox.logins == [("ecoute", "s3cret")]
    ((rcpt, msg),) = inbox.messages()
    assert rcpt == ["director@operator.example", "quality@operator.example"]
    assert msg["Subject"] == "Écoute weekly report 2026-W10 — All regions"


def test_without_chromium_the_html_is_still_sent(tiny, tmp_path, smtp_server):
    settings = _mail_settings(tiny, smtp_server.port, {"ECOUTE__EMAIL__PASSWORD": "s3cret"})
    settings = settings.with_overrides(report={"chromium": "/nonexistent/chromium"})
    (result,) = run_weekly(
        settings, W10, tmp_path / "out", pdf=True, email=True, echo=lambda _: None
    )
    assert "no Chromium found" in result.error  # the run fails, so cron notices …
    ((_, msg),) = smtp_server.messages()  # … but the managers still get their report
    assert [a.get_filename() for a in msg.iter_attachments()] == ["weekly-2026-W10.html"]


@pytest.mark.parametrize("setting", [
    {"subject": "Weekly\r\nBcc: everyone@example.com"},
    {"sender": "reports@operator.example\nX-Evil: 1"},
    {"recipients": {"national": ["a@example.com\r\nBcc: b@example.com"]}},
])  # fmt: skip
def test_a_line_break_in_a_header_setting_is_a_one_line_error(tiny, tmp_path, setting):
    """Refused before anything is written or sent (issue #20 item 8), naming the setting."""
    from ecoute.reports.run import ReportRunError

    settings = _mail_settings(tiny, 1).with_overrides(email=setting)
    with pytest.raises(ReportRunError, match=r"^\[email[^\n]* contains a line break") as err:
        run_weekly(settings, W10, tmp_path / "out", email=True, echo=lambda _: None)
    assert err.value.code == 2 and "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_french_report_is_mailed_in_french(tiny, tmp_path, smtp_server):
    settings = _mail_settings(tiny, smtp_server.port, {"ECOUTE__EMAIL__PASSWORD": "s3cret"})
    run_weekly(settings, W10, tmp_path / "out", email=True, echo=lambda _: None, language="fr")
    ((_, msg),) = smtp_server.messages()
    assert msg["Subject"] == "Rapport hebdomadaire Écoute 2026-W10 — Toutes les régions"
    assert "semaine passée" in msg.get_body(preferencelist=("plain",)).get_content()
