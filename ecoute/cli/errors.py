"""What an error raised by a command says, in one line, and the exit status it ends with.

Exit status 2: the operator can fix it (a file, a path, a setting, an argument); 1: the run
failed (a busy or missing warehouse, a failed load or report); anything else is a bug, reported
as such in one line (``ecoute --debug`` shows its traceback).
"""

from __future__ import annotations

# Errors of our own, by class name: the operator's input is wrong (2) or the run failed (1).
_INPUT = {"MappingError", "PackError", "RuleError", "TargetsError", "CatalogueError",
          "ModelConfigError", "SuiteError", "CleanError", "ExtractError", "AccessError",
          "SettingsError"}  # fmt: skip
_RUN = {"WarehouseBusy", "WarehouseMissing", "NoWarehouse", "LoadError", "GateUnavailable",
        "ReportRunError", "StepError", "MailError", "PdfError"}  # fmt: skip


def one_line(exc: BaseException) -> tuple[str, int]:
    """The message and exit status for an exception a command let through."""
    name = type(exc).__name__
    first = (str(exc).strip().splitlines() or [""])[0]
    if isinstance(exc, OSError) and getattr(exc, "filename", None) is not None:
        reason = exc.strerror or name
        return f"{reason}: {exc.filename}", 2
    if name == "CatalogException" and type(exc).__module__.startswith("duckdb"):
        return f"the warehouse is not built ({first}): run `ecoute build`", 1
    if name in _INPUT and _ours(exc):
        return first, 2
    if name in _RUN and _ours(exc):
        return first, getattr(exc, "code", 1) if isinstance(getattr(exc, "code", 1), int) else 1
    return f"unexpected {name}: {first} (a bug: rerun with `ecoute --debug` and report it)", 1


def _ours(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("ecoute")
