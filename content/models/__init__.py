"""The hub's tables (SQLAlchemy 2.x declarative), one module per area.

Plain data and small derived properties only; rules live in workflow.py and the use cases
in services/. Times are timezone-aware UTC everywhere (``UTCDateTime`` restores the zone
that SQLite drops). Import from here: ``from content.models import Story``.
"""

from content.models.accounts import Organisation, User, UserLanguage, UserRole
from content.models.activity import AuditEvent, Notification, SearchOutbox
from content.models.base import (
    NAMING_CONVENTION,
    REGIONS,
    THEMES,
    Base,
    BylineMode,
    Kind,
    Role,
    UTCDateTime,
    utcnow,
)
from content.models.media import MediaAsset, MediaText
from content.models.reach import (
    SHARE_NETWORKS,
    ReachDownload,
    ReachShare,
    ReachView,
    SiteState,
)
from content.models.site import SITE_PAGES, SitePage
from content.models.stories import (
    Autosave,
    Campaign,
    CampaignText,
    ReviewComment,
    Revision,
    Story,
    Translation,
)

__all__ = [
    "NAMING_CONVENTION",
    "REGIONS",
    "SHARE_NETWORKS",
    "SITE_PAGES",
    "THEMES",
    "AuditEvent",
    "Autosave",
    "Base",
    "BylineMode",
    "Campaign",
    "CampaignText",
    "Kind",
    "MediaAsset",
    "MediaText",
    "Notification",
    "Organisation",
    "ReachDownload",
    "ReachShare",
    "ReachView",
    "ReviewComment",
    "Revision",
    "Role",
    "SearchOutbox",
    "SitePage",
    "SiteState",
    "Story",
    "Translation",
    "UTCDateTime",
    "User",
    "UserLanguage",
    "UserRole",
    "utcnow",
]
