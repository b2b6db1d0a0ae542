"""Swedish memos: each memo version has a language, organisations a Swedish memo phrase, and
series their memo texts in Swedish

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: code and the words after "företrädare för" in a Swedish memo, for the organisations the
#: earlier revisions preloaded (counties and Helsinki, HUS, Åland are named by name_sv)
PHRASES_SV = [("yksityinen", "en privat aktör")]
SERIES_TEXTS_SV = ("description_sv", "contacts_sv", "funding_footer_sv")


def upgrade() -> None:
    with op.batch_alter_table('memo_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='fi',
                                      nullable=False))
        batch_op.drop_constraint('uq_memo_version_number', type_='unique')
        batch_op.create_unique_constraint('uq_memo_version_number',
                                          ['workshop_id', 'language', 'number'])
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('memo_phrase_sv', sa.String(length=200), nullable=True))
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('memo_title_sv', sa.String(length=300), server_default='',
                                      nullable=False))
        for name in SERIES_TEXTS_SV:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default='', nullable=False))
    for code, phrase in PHRASES_SV:
        op.execute(sa.text("UPDATE organisation SET memo_phrase_sv = :phrase WHERE code = :code")
                   .bindparams(phrase=phrase, code=code))


def downgrade() -> None:
    # Swedish versions have no place in the older schema: they go, the Finnish ones stay. Their
    # files' rows go first: migrations run with SQLite's foreign keys off (migrations/env.py).
    op.execute(sa.text("DELETE FROM memo_file WHERE version_id IN "
                       "(SELECT id FROM memo_version WHERE language <> 'fi')"))
    op.execute(sa.text("DELETE FROM memo_version WHERE language <> 'fi'"))
    with op.batch_alter_table('series', schema=None) as batch_op:
        for name in ('memo_title_sv', *SERIES_TEXTS_SV):
            batch_op.drop_column(name)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('memo_phrase_sv')
    with op.batch_alter_table('memo_version', schema=None) as batch_op:
        batch_op.drop_constraint('uq_memo_version_number', type_='unique')
        batch_op.create_unique_constraint('uq_memo_version_number', ['workshop_id', 'number'])
        batch_op.drop_column('language')
