"""accessibility statement, its defects and feedback; series' privacy notices; service mail

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from facilitate.timeutil import UTCDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'accessibility_statement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('compliance', sa.Enum('full', 'partial', 'none', name='compliance',
                                        native_enum=False, length=16), nullable=False),
        sa.Column('assessed_on', sa.Date(), nullable=False),
        sa.Column('assessment_method', sa.Enum('self', 'external', name='assessment_method',
                                               native_enum=False, length=16), nullable=False),
        sa.Column('assessor', sa.String(length=300), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('automated_check_on', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('reviewed_at', UTCDateTime(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['coordinator.id'],
                                name=op.f('fk_accessibility_statement_reviewed_by_id_coordinator'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accessibility_statement')),
    )
    op.create_table(
        'accessibility_defect',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Enum('noncompliance', 'burden', 'out_of_scope',
                                    name='defect_reason', native_enum=False, length=16),
                  nullable=False),
        sa.Column('description_fi', sa.Text(), nullable=False),
        sa.Column('description_sv', sa.Text(), nullable=False),
        sa.Column('description_en', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accessibility_defect')),
    )
    op.create_table(
        'accessibility_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('reply_to', sa.String(length=254), nullable=True),
        sa.Column('page', sa.String(length=300), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['answered_by_id'], ['coordinator.id'],
                                name=op.f('fk_accessibility_feedback_answered_by_id_coordinator'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accessibility_feedback')),
    )
    with op.batch_alter_table('accessibility_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accessibility_feedback_created_at'), ['created_at'],
                              unique=False)
    op.create_table(
        'privacy_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('controller', sa.Text(), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('legal_basis', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'],
                                name=op.f('fk_privacy_notice_series_id_series'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['coordinator.id'],
                                name=op.f('fk_privacy_notice_updated_by_id_coordinator'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
        sa.UniqueConstraint('series_id', 'language', name='uq_privacy_notice_language'),
    )
    with op.batch_alter_table('privacy_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_notice_series_id'), ['series_id'],
                              unique=False)
    # Mail about the whole service (accessibility feedback) belongs to no workshop.
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('workshop_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Before 0019 every message belonged to a workshop: the service's own mail goes.
    op.execute("DELETE FROM outgoing_mail WHERE workshop_id IS NULL")
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('workshop_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('privacy_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_notice_series_id'))
    op.drop_table('privacy_notice')
    with op.batch_alter_table('accessibility_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accessibility_feedback_created_at'))
    op.drop_table('accessibility_feedback')
    op.drop_table('accessibility_defect')
    op.drop_table('accessibility_statement')
