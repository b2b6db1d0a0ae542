"""The authority supervising the accessibility requirements, as the statement names it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Supervisor:
    """Whom a person who got no (satisfying) answer to their feedback may turn to."""

    name: Any
    unit: Any
    website: str
    email: str
    phone: str


#: The details the Regional State Administrative Agency for Southern Finland published for
#: its accessibility supervision. Government proposal HE 71/2024 moves the supervision to
#: the Finnish Transport and Communications Agency (Traficom) from 2025: check who supervises
#: and their details before going live, and change them here (one place) if they moved.
SUPERVISOR = Supervisor(
    name=_l("Etelä-Suomen aluehallintovirasto"),
    unit=_l("Saavutettavuuden valvonnan yksikkö"),
    website="https://www.saavutettavuusvaatimukset.fi",
    email="saavutettavuus@avi.fi",
    phone="0295 016 000",
)
