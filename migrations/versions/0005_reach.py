"""reach counters (views, shares, downloads per day) and the site's shared counters

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reach_views",
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["translations.id"],
            name=op.f("fk_reach_views_translation_id_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("translation_id", "day", name=op.f("pk_reach_views")),
    )
    op.create_index(op.f("ix_reach_views_day"), "reach_views", ["day"])
    op.create_table(
        "reach_shares",
        sa.Column("translation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["translations.id"],
            name=op.f("fk_reach_shares_translation_id_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("translation_id", "day", "network", name=op.f("pk_reach_shares")),
    )
    op.create_index(op.f("ix_reach_shares_day"), "reach_shares", ["day"])
    op.create_table(
        "reach_downloads",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_reach_downloads_asset_id_media_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("asset_id", "day", name=op.f("pk_reach_downloads")),
    )
    op.create_index(op.f("ix_reach_downloads_day"), "reach_downloads", ["day"])
    op.create_table(
        "site_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_state")),
    )


def downgrade() -> None:
    op.drop_table("site_state")
    op.drop_index(op.f("ix_reach_downloads_day"), table_name="reach_downloads")
    op.drop_table("reach_downloads")
    op.drop_index(op.f("ix_reach_shares_day"), table_name="reach_shares")
    op.drop_table("reach_shares")
    op.drop_index(op.f("ix_reach_views_day"), table_name="reach_views")
    op.drop_table("reach_views")
