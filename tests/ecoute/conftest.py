"""Fixtures shared with the report tests: the scheduler's tests (test_scheduler.py) report on
their tiny warehouse and e-mail through their SMTP server."""

from tests.reports.conftest import smtp_server, tiny  # noqa: F401 - fixtures, used by name
