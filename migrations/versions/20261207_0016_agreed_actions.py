"""agreed actions: what a workshop agreed, who owns it, by when, and its later reviews

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from facilitate.timeutil import UTCDateTime

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'dropped',
                                    name='action_status', native_enum=False, length=16),
                  nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'],
                                name=op.f('fk_action_workshop_id_workshop'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['theme_id'], ['theme.id'],
                                name=op.f('fk_action_theme_id_theme'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action')),
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_workshop_id'), ['workshop_id'], unique=False)
    op.create_table(
        'action_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'dropped',
                                    name='action_status', native_enum=False, length=16),
                  nullable=False),
        sa.Column('reviewed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'],
                                name=op.f('fk_action_review_action_id_action'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'],
                                name=op.f('fk_action_review_workshop_id_workshop'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_review')),
        sa.UniqueConstraint('action_id', 'workshop_id', name='uq_action_review_workshop'),
    )
    with op.batch_alter_table('action_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_review_action_id'), ['action_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_action_review_workshop_id'), ['workshop_id'],
                              unique=False)
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviews_actions', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('wish', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_to_theme_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_wish_carried_to_theme_id'), ['carried_to_theme_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_wish_carried_to_theme_id_theme'), 'theme',
                                    ['carried_to_theme_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('wish', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_wish_carried_to_theme_id_theme'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_wish_carried_to_theme_id'))
        batch_op.drop_column('carried_to_theme_id')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_column('reviews_actions')
    with op.batch_alter_table('action_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_review_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_action_review_action_id'))
    op.drop_table('action_review')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_workshop_id'))
    op.drop_table('action')
