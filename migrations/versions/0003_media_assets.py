"""media assets

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:54:58.416771
"""

import sqlalchemy as sa
from alembic import op

import content.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("mime", sa.String(length=80), nullable=True),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("renditions", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("credit", sa.String(length=300), nullable=False),
        sa.Column("licence", sa.String(length=120), nullable=False),
        sa.Column("shows_people", sa.Boolean(), nullable=False),
        sa.Column("consent_recorded", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", content.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ready_at", content.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_media_assets_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_media_assets_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_assets")),
    )
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_assets_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_assets_story_id"), ["story_id"], unique=False)

    op.create_table(
        "media_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("alt_text", sa.String(length=500), nullable=False),
        sa.Column("caption", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_media_texts_asset_id_media_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_texts")),
        sa.UniqueConstraint("asset_id", "lang", name=op.f("uq_media_texts_asset_id")),
    )


def downgrade() -> None:
    op.drop_table("media_texts")
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_assets_story_id"))
        batch_op.drop_index(batch_op.f("ix_media_assets_status"))

    op.drop_table("media_assets")
