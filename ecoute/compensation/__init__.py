"""Compensation owed to customers, as effective-dated rule packs (docs/compensation.md).

Packs are YAML data in `packs/`; a few generic rule kinds in `rules` read them; `compute` is
pure; `build_compensation` writes core.fct_compensation; `owed_table` reads it for the CLI.
"""

from ecoute.compensation.engine import compute
from ecoute.compensation.model import (
    ActivationIncident,
    AppointmentIncident,
    Incident,
    Owed,
    Pause,
    TicketIncident,
)
from ecoute.compensation.packs import Pack, PackError, available_packs, load_pack
from ecoute.compensation.warehouse import build_compensation, owed_table

__all__ = [
    "ActivationIncident",
    "AppointmentIncident",
    "Incident",
    "Owed",
    "Pack",
    "PackError",
    "Pause",
    "TicketIncident",
    "available_packs",
    "build_compensation",
    "compute",
    "load_pack",
    "owed_table",
]
