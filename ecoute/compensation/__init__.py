"""Compensation owed to customers, as effective-dated rule packs (docs/compensation.md).

Packs are YAML data in `packs/`; a few generic rule kinds in `rules` read them; `compute` is
pure. The table core.fct_compensation is written by warehouse/python/compensation.py.
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
    "compute",
    "load_pack",
]
