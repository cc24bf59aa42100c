"""The use cases, one transaction each, used by the web layer and the CLI alike.

Import from here: ``from content import services; services.create_story(...)``.
"""

from content.services.accounts import (
    authenticate,
    change_password,
    create_organisation,
    create_user,
    get_organisation,
    set_preferred_language,
    set_user_active,
    update_organisation,
    update_user,
)
from content.services.drafts import autosave, discard_autosave, get_autosave
from content.services.notifications import list_notifications, mark_read, unread_count
from content.services.reviews import ActionInput, add_comment, apply_action, publish_due
from content.services.stories import (
    CHECKLIST,
    StoryInput,
    TextInput,
    comments_of,
    create_story,
    get_revision,
    get_translation,
    revisions_of,
    save_revision,
    update_story_meta,
    visible_translation,
)

__all__ = [
    "CHECKLIST",
    "ActionInput",
    "StoryInput",
    "TextInput",
    "add_comment",
    "apply_action",
    "authenticate",
    "autosave",
    "change_password",
    "comments_of",
    "create_organisation",
    "create_story",
    "create_user",
    "discard_autosave",
    "get_autosave",
    "get_organisation",
    "get_revision",
    "get_translation",
    "list_notifications",
    "mark_read",
    "publish_due",
    "revisions_of",
    "save_revision",
    "set_preferred_language",
    "set_user_active",
    "unread_count",
    "update_organisation",
    "update_story_meta",
    "update_user",
    "visible_translation",
]
