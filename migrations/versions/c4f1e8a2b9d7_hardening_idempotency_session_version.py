"""hardening: idempotent API answers, a session version per user

Revision ID: c4f1e8a2b9d7
Revises: cb7197f080c7
Create Date: 2026-11-30 04:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1e8a2b9d7'
down_revision = 'cb7197f080c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_idempotent_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_idempotent_answers_token_id_api_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotent_answers')),
    sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotent_answers_token_id'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    op.drop_table('api_idempotent_answers')
