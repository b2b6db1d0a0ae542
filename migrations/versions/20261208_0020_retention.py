"""retention: a registration's personal data can be removed, leaving an anonymous row

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from facilitate.timeutil import UTCDateTime

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', UTCDateTime(), nullable=True))
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)


def downgrade() -> None:
    # The schema before had an address on every row: a purged one gets an address that can
    # reach nobody (.invalid is reserved, RFC 2606) and is unique within its workshop.
    op.execute("UPDATE registration SET email = 'purged-' || id || '@purged.invalid' "
               "WHERE email IS NULL")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column('purged_at')
