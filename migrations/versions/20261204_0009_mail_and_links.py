"""mail to participants: several private links per registration, the registration's language,
and the outgoing mail queue

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 03:30:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

import facilitate.timeutil

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registration_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', facilitate.timeutil.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                            name=op.f('fk_registration_link_registration_id_registration'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_registration_link_token_hash'))
    )
    with op.batch_alter_table('registration_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_link_registration_id'),
                              ['registration_id'], unique=False)
    # Every link given out so far keeps working.
    op.execute("INSERT INTO registration_link (registration_id, token_hash, created_at) "
               "SELECT id, token_hash, updated_at FROM registration")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registration_token_hash', type_='unique')
        batch_op.drop_column('token_hash')
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='fi',
                                      nullable=False))

    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('confirmation', 'link', 'reminder', 'memo', name='mail_kind',
                              native_enum=False, length=16), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('attachment_name', sa.String(length=120), nullable=True),
    sa.Column('attachment', sa.Text(), nullable=True),
    sa.Column('once_key', sa.String(length=120), nullable=True),
    sa.Column('created_at', facilitate.timeutil.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', facilitate.timeutil.UTCDateTime(), nullable=True),
    sa.Column('claimed_until', facilitate.timeutil.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', facilitate.timeutil.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                            name=op.f('fk_outgoing_mail_registration_id_registration'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'],
                            name=op.f('fk_outgoing_mail_workshop_id_workshop'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    sa.UniqueConstraint('once_key', name=op.f('uq_outgoing_mail_once_key'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_registration_id'),
                              ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_workshop_id'), ['workshop_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_registration_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_due_at'))
    op.drop_table('outgoing_mail')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    # One link per registration before this revision: the oldest keeps working, and a
    # registration without one gets a link nobody holds.
    op.execute("UPDATE registration SET token_hash = (SELECT token_hash FROM registration_link "
               "WHERE registration_link.registration_id = registration.id "
               "ORDER BY registration_link.id LIMIT 1)")
    connection = op.get_bind()
    for (registration_id,) in connection.execute(
            sa.text("SELECT id FROM registration WHERE token_hash IS NULL")).all():
        connection.execute(sa.text("UPDATE registration SET token_hash = :hash WHERE id = :id"),
                           {"hash": secrets.token_hex(32), "id": registration_id})
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_registration_token_hash', ['token_hash'])
    with op.batch_alter_table('registration_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_link_registration_id'))
    op.drop_table('registration_link')
