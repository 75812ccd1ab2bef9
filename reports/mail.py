"""Sending the weekly report by e-mail: the e-mail-safe HTML inline, the PDF (and the full
HTML) attached, over SMTP with the ``[email]`` settings (host, port, STARTTLS or TLS, login).

Credentials come from the Settings object only (``ecoute.toml`` or ``ECOUTE__EMAIL__PASSWORD``).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ecoute.core.settings import Settings


class MailError(RuntimeError):
    """The message could not be built or sent."""


HEADER_SETTINGS = ("subject", "sender")


def check_headers(settings: Settings) -> None:
    """Refuse, in one line, an ``[email]`` header setting (subject, sender, recipients) that
    holds a line break: in a header it would end the header early or inject a new one, and
    Python's e-mail package only says so with a traceback once the report is written."""
    cfg = settings.section("email")
    fields = [(f"[email] {key}", cfg.get(key)) for key in HEADER_SETTINGS]
    table: Mapping[str, Any] = cfg.get("recipients", {}) or {}
    for scope, found in table.items():
        for address in [found] if isinstance(found, str) else (found or []):
            fields.append((f"[email.recipients] {scope}", address))
    for where, value in fields:
        text = "" if value is None else str(value)
        bad = next((c for c in text if c in "\r\n\x00" or c in "\u2028\u2029\x85"), None)
        if bad is not None:
            raise MailError(
                f"{where} contains a line break ({bad!r}): an e-mail header must be one line, "
                f"got {text!r}"
            )


def recipients_for(settings: Settings, region: str | None) -> list[str]:
    """``[email.recipients]``: "national" for the all-regions report, else the region's name."""
    table: Mapping[str, Any] = settings.section("email").get("recipients", {}) or {}
    found = table.get("national" if region is None else region, [])
    if isinstance(found, str):
        found = [found]
    return [str(r).strip() for r in found if str(r).strip()]


def report_message(
    settings: Settings,
    *,
    week: str,
    scope: str,
    html_body: str,
    text_body: str,
    recipients: Sequence[str],
    attachments: Sequence[Path] = (),
    subject: str = "",
) -> EmailMessage:
    """The report as one message: text and HTML alternatives, then the attachments.

    The subject is ``[email] subject`` ({week} and {scope} filled in) when set, else
    `subject` (the report's own, in its language)."""
    check_headers(settings)
    cfg = settings.section("email")
    msg = EmailMessage()
    configured = str(cfg.get("subject") or "")
    try:
        msg["Subject"] = (
            configured.format(week=week, scope=scope)
            if configured
            else subject or f"Écoute {week} — {scope}"
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise MailError(f"[email] subject {configured!r}: only {{week}} and {{scope}} can be "
                        f"filled in ({exc})") from exc  # fmt: skip
    msg["From"] = cfg.get("sender", "ecoute@localhost")
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="ecoute.local")
    msg.set_content(text_body)
    msg.add_alternative(html_body, subtype="html")
    for path in attachments:
        maintype, subtype = _mime(path)
        msg.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return msg


def notice_message(
    settings: Settings, subject: str, body: str, recipients: Sequence[str]
) -> EmailMessage:
    """A plain-text message (the scheduler's failure notice)."""
    check_headers(settings)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.section("email").get("sender", "ecoute@localhost")
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="ecoute.local")
    msg.set_content(body)
    return msg


def send(settings: Settings, msg: EmailMessage, recipients: Sequence[str]) -> None:
    """Deliver `msg` to `recipients` with the configured SMTP server (raises MailError)."""
    cfg = settings.section("email")
    if not recipients:
        raise MailError("no recipients")
    host, port = str(cfg.get("host", "localhost")), int(cfg.get("port", 25))
    timeout = float(cfg.get("timeout_s", 30))
    # `cafile`: a private CA's certificate, for a relay whose certificate it signed
    context = ssl.create_default_context(cafile=str(cfg["cafile"]) if cfg.get("cafile") else None)
    try:
        if cfg.get("ssl"):
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            server.ehlo()
            if cfg.get("starttls") and not cfg.get("ssl"):
                server.starttls(context=context)
                server.ehlo()
            if cfg.get("username"):
                server.login(str(cfg["username"]), str(cfg.get("password", "")))
            refused = server.send_message(msg, to_addrs=list(recipients))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send via {host}:{port}: {exc}") from exc
    if refused:
        raise MailError(f"recipients refused: {', '.join(sorted(refused))}")


def _mime(path: Path) -> tuple[str, str]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "application", "pdf"
    if suffix in (".html", ".htm"):
        return "text", "html"
    return "application", "octet-stream"
