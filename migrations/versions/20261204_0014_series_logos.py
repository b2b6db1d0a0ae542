"""series logos: funders' logos with their alternative texts, at the foot of every memo

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from facilitate.timeutil import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'series_logo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('alt_fi', sa.String(length=300), nullable=False),
        sa.Column('alt_sv', sa.String(length=300), nullable=False),
        sa.Column('stored_as', sa.String(length=120), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'],
                                name=op.f('fk_series_logo_series_id_series'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series_logo')),
    )
    with op.batch_alter_table('series_logo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_logo_series_id'), ['series_id'], unique=False)


def downgrade() -> None:
    # The logos' files stay under UPLOADS_DIR, unreferenced: migrations never touch uploads.
    with op.batch_alter_table('series_logo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_logo_series_id'))
    op.drop_table('series_logo')
