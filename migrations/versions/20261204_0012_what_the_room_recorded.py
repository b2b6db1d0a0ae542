"""what the room recorded: when a theme was first opened, when a talk was given

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from facilitate.timeutil import UTCDateTime

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Left empty for what happened before: nobody recorded it, and the memo's draft must not
    # claim it (a theme with notes or comments still counts as discussed).
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('presentation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('presentation', schema=None) as batch_op:
        batch_op.drop_column('given_at')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_column('opened_at')
