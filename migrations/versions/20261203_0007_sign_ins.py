"""sign-ins: coordinator sessions that end on the server

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import facilitate.timeutil

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', facilitate.timeutil.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', facilitate.timeutil.UTCDateTime(), nullable=False),
    sa.Column('ended_at', facilitate.timeutil.UTCDateTime(), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'],
                            name=op.f('fk_sign_in_coordinator_id_coordinator'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in')),
    sa.UniqueConstraint('key', name=op.f('uq_sign_in_key'))
    )
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_coordinator_id'), ['coordinator_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_coordinator_id'))
    op.drop_table('sign_in')
