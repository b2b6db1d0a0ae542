"""tracked questions: a statement or poll asked again across a series shares a key

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('prompt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_key', sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f('ix_prompt_question_key'), ['question_key'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('prompt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prompt_question_key'))
        batch_op.drop_column('question_key')
