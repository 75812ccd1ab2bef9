"""Writing (and sending) the week's reports: one, or the national one and one per region.

Shared by ``ecoute report weekly`` and the scheduler. A report that fails (its PDF, its e-mail)
does not stop the others in a burst; each result says what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ecoute.core.settings import Settings


class ReportRunError(RuntimeError):
    """Nothing could be reported (no warehouse, no marts, bad configuration)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Result:
    region: str | None
    html: Path | None = None
    pdf: Path | None = None
    alerts: int = 0
    seconds: float = 0.0
    mailed_to: tuple[str, ...] = ()
    error: str = ""
    week: str = ""
    email_html: str = ""
    text: str = ""
    scope: str = ""  # as the report names it, in its language
    subject: str = ""


def run_weekly(
    settings: Settings,
    week_start: dt.date,
    out_dir: Path,
    *,
    region: str | None = None,
    all_regions: bool = False,
    pdf: bool = False,
    email: bool = False,
    echo: Callable[[str], None] = print,
    language: str | None = None,
    appendix: bool | None = None,
) -> list[Result]:
    """Write the week's report(s) into `out_dir`, in `language` (else ``[report] language``);
    with `email`, send each to its recipients. Configuration mistakes (alert rules, the
    language, an e-mail header with a line break) fail here, before anything is written."""
    import duckdb

    from ecoute.reports.alerts import RuleError, rules_from
    from ecoute.reports.i18n import LanguageError, language_of
    from ecoute.reports.weekly import regions
    from ecoute.warehouse.connection import WarehouseBusy, WarehouseMissing, connect

    try:
        rules_from(settings.section("alerts"))
        language = language_of(settings, language)
    except (RuleError, LanguageError) as exc:
        raise ReportRunError(str(exc), 2) from exc
    if email:
        _check_mail(settings)
    options = {"language": language, "appendix": appendix}
    try:
        con = connect(settings, read_only=True)  # waits for a running load, saying so on stderr
    except (WarehouseMissing, WarehouseBusy) as exc:
        raise ReportRunError(str(exc)) from exc
    try:
        try:
            scopes: list[str | None] = [region]
            if all_regions:
                weeks = int(settings.section("report").get("trend_weeks", 8))
                scopes = [None, *regions(con, week_start, weeks)]
            elif region is not None and region not in regions(con, week_start, 520):
                raise ReportRunError(f"no numbers for region {region!r} in the warehouse", 2)
        except duckdb.CatalogException as exc:
            raise ReportRunError("the metric marts are missing: run `ecoute build` first") from exc
        try:
            return [
                _one(con, settings, week_start, out_dir, s, pdf, email, echo, options)
                for s in scopes
            ]
        except duckdb.CatalogException as exc:
            raise ReportRunError("the marts are missing: run `ecoute build` first") from exc
    finally:
        con.close()


def _check_mail(settings: Settings) -> None:
    from ecoute.reports.mail import MailError, check_headers  # smtplib: only when e-mailing

    try:
        check_headers(settings)
    except MailError as exc:
        raise ReportRunError(str(exc), 2) from exc


def _one(con, settings, week_start, out_dir, region, pdf, email, echo, options) -> Result:  # noqa: ANN001
    from ecoute.reports.weekly import write_weekly

    result = Result(region=region)
    scope = region or "all regions"
    written = write_weekly(con, settings, week_start, out_dir, region=region, pdf=pdf, **options)
    if written.pdf_error:
        # the HTML is written: still deliver it, and still fail the run so cron notices
        result.error = f"{scope}: {written.pdf_error}"
        echo(f"error: {result.error}")
    result.html, result.pdf = written.html, written.pdf
    result.alerts, result.seconds = len(written.alerts), written.seconds
    result.week, result.email_html, result.text = written.week, written.email_html, written.text
    result.scope, result.subject = written.scope, written.subject
    echo(f"{written.week} {scope}: {written.html}"
         + (f" + {written.pdf.name}" if written.pdf else "")
         + f" ({len(written.alerts)} alert(s), {written.seconds:.1f} s)")  # fmt: skip
    if email:
        deliver(settings, result, echo)
    return result


def deliver(settings: Settings, result: Result, echo: Callable[[str], None] = print) -> None:
    """E-mail a written report to its region's recipients (sets ``result.error`` on failure)."""
    from ecoute.reports.mail import MailError, recipients_for, report_message, send

    scope = result.region or "all regions"
    recipients = recipients_for(settings, result.region)
    if not recipients:
        echo(f"{scope}: no [email.recipients] entry, not sent")
        return
    attachments = [p for p in (result.pdf,) if p is not None]
    if settings.section("email").get("attach_html", True) and result.html is not None:
        attachments.append(result.html)
    try:
        msg = report_message(
            settings, week=result.week, scope=result.scope or result.region or "All regions",
            html_body=result.email_html, text_body=result.text, recipients=recipients,
            attachments=attachments, subject=result.subject,
        )  # fmt: skip
        send(settings, msg, recipients)
    except MailError as exc:
        result.error = "; ".join(filter(None, (result.error, f"{scope}: {exc}")))
        echo(f"error: {result.error}")
        return
    result.mailed_to = tuple(recipients)
    echo(f"{scope}: sent to {', '.join(recipients)}")
