"""organisations every memo of the series meets besides the counties: the city of Helsinki
(which runs its own health and social services), HUS and Åland, with their memo phrases

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 04:45:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: code, Finnish name, Swedish name, brand, the ablative that follows "edustus" in a memo
ORGANISATIONS = [
    ("helsinki", "Helsingin kaupunki", "Helsingfors stad", None, "Helsingin kaupungilta"),
    ("hus", "HUS-yhtymä", "HUS-sammanslutningen", "HUS", "HUS-yhtymältä"),
    ("ahvenanmaa", "Ahvenanmaa", "Åland", None, "Ahvenanmaalta"),
]


def upgrade() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    for code, name_fi, name_sv, brand, phrase in ORGANISATIONS:
        exists = connection.execute(sa.text("SELECT id FROM organisation WHERE code = :code"),
                                    {"code": code}).first()
        if exists is None:  # a coordinator may have added one by hand already
            connection.execute(sa.text(
                "INSERT INTO organisation (code, kind, name_fi, name_sv, brand, memo_genitive, "
                "memo_phrase, is_listed, created_at) VALUES (:code, 'other', :name_fi, "
                ":name_sv, :brand, NULL, :phrase, :listed, :now)"),
                {"code": code, "name_fi": name_fi, "name_sv": name_sv, "brand": brand,
                 "phrase": phrase, "listed": True, "now": now})


def downgrade() -> None:
    # Only those nobody registered from: a registration's organisation is never taken away.
    for code, *_rest in ORGANISATIONS:
        op.execute(sa.text(
            "DELETE FROM organisation WHERE code = :code AND id NOT IN "
            "(SELECT organisation_id FROM registration)").bindparams(code=code))
