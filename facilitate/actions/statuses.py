"""How an action's status reads on screen (the memo words it in its own language)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import ActionStatus

STATUS_LABELS: dict[ActionStatus, Any] = {
    ActionStatus.OPEN: _l("avoin"),
    ActionStatus.IN_PROGRESS: _l("kesken"),
    ActionStatus.DONE: _l("valmis"),
    ActionStatus.DROPPED: _l("luovuttu"),
}
