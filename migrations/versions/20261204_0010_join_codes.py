"""joining on the day: each workshop's join code, and whether it takes walk-ins

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 04:00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# As facilitate/joining/codes.py had them when this revision was written.
_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def upgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('walk_ins_allowed', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    connection = op.get_bind()
    taken: set[str] = set()
    for (workshop_id,) in connection.execute(sa.text("SELECT id FROM workshop")).all():
        code = ""
        while not code or code in taken:
            code = "".join(secrets.choice(_ALPHABET) for _ in range(6))
        taken.add(code)
        connection.execute(sa.text("UPDATE workshop SET join_code = :code WHERE id = :id"),
                           {"code": code, "id": workshop_id})
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.alter_column('join_code', existing_type=sa.String(length=8), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_workshop_join_code'), ['join_code'])


def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_workshop_join_code'), type_='unique')
        batch_op.drop_column('walk_ins_allowed')
        batch_op.drop_column('join_code')
