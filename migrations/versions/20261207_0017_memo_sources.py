"""memo sources: where each paragraph of a memo version came from, and the wishes appendix

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 23:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('memo_version', schema=None) as batch_op:
        # Versions saved before this one have no markers, so nothing to point at: empty.
        batch_op.add_column(sa.Column('sources', sa.JSON(), server_default='{}',
                                      nullable=False))
        batch_op.add_column(sa.Column('wishes_appendix', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('memo_version', schema=None) as batch_op:
        batch_op.drop_column('wishes_appendix')
        batch_op.drop_column('sources')
