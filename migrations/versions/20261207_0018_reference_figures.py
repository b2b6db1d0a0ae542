"""reference figures: a statement's or poll's results from elsewhere, beside the room's

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('prompt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_source', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('reference_responses', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reference_note', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reference_percents', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('prompt', schema=None) as batch_op:
        batch_op.drop_column('reference_percents')
        batch_op.drop_column('reference_note')
        batch_op.drop_column('reference_responses')
        batch_op.drop_column('reference_source')
