"""audit log: coordinator actions, append-only

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import facilitate.timeutil

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', facilitate.timeutil.UTCDateTime(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'],
                            name=op.f('fk_audit_entry_coordinator_id_coordinator'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'],
                            name=op.f('fk_audit_entry_workshop_id_workshop'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_coordinator_id'), ['coordinator_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_workshop_id'), ['workshop_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_coordinator_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
    op.drop_table('audit_entry')
