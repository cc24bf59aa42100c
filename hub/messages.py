"""Interface text for domain outcomes: error reasons, states, actions, notifications.

The domain speaks in codes; this module turns them into sentences in the user's language.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from content.errors import ContentError, InvalidInput

STATE_LABELS = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "changes_requested": _l("Changes requested"),
    "approved": _l("Approved"),
    "scheduled": _l("Scheduled"),
    "published": _l("Published"),
    "unpublished": _l("Unpublished"),
    "archived": _l("Archived"),
}

ACTION_LABELS = {
    "edit": _l("Edit"),
    "submit": _l("Submit for review"),
    "withdraw": _l("Withdraw from review"),
    "request_changes": _l("Request changes"),
    "approve": _l("Approve"),
    "publish": _l("Publish now"),
    "schedule": _l("Schedule"),
    "unschedule": _l("Cancel schedule"),
    "unpublish": _l("Unpublish"),
    "archive": _l("Archive"),
    "restore": _l("Restore"),
    "create": _l("Created"),
    "comment": _l("Commented"),
    "update": _l("Updated"),
    "activate": _l("Activated"),
    "deactivate": _l("Deactivated"),
    "change_password": _l("Changed password"),
    "request_translation": _l("Translation requested"),
    "claim": _l("Translation claimed"),
    "release": _l("Claim released"),
    "translate": _l("Translated"),
    "import": _l("Imported"),
    "upload": _l("Uploaded"),
    "delete": _l("Deleted"),
}

ACTION_DONE = {
    "submit": _l("Submitted for review."),
    "withdraw": _l("Withdrawn from review."),
    "request_changes": _l("Changes requested."),
    "approve": _l("Approved."),
    "publish": _l("Published."),
    "schedule": _l("Scheduled."),
    "unschedule": _l("Schedule cancelled."),
    "unpublish": _l("Unpublished: the public no longer sees it."),
    "archive": _l("Archived."),
    "restore": _l("Restored."),
}

CELL_LABELS = {
    "missing": _l("Missing"),
    "requested": _l("Requested"),
    "claimed": _l("Claimed"),
    "in_progress": _l("In progress"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "outdated": _l("Outdated"),
    "unpublished": _l("Unpublished"),
    "archived": _l("Archived"),
    "source": _l("Original"),
}

ROLE_LABELS = {
    "contributor": _l("Contributor"),
    "translator": _l("Translator"),
    "editor": _l("Editor"),
    "admin": _l("Administrator"),
}

KIND_LABELS = {
    "story": _l("Story"),
    "poster": _l("Poster"),
    "video": _l("Video"),
    "audio": _l("Audio"),
    "infographic": _l("Infographic"),
    "toolkit": _l("Toolkit"),
    "social_post": _l("Social media post"),
}

THEME_LABELS = {
    "tolerance": _l("Tolerance"),
    "youth": _l("Youth"),
    "women": _l("Women"),
    "victims_voices": _l("Victims' voices"),
    "interfaith": _l("Interfaith harmony"),
    "education": _l("Education"),
    "media_literacy": _l("Media literacy"),
    "dialogue": _l("Dialogue"),
    "community": _l("Community"),
    "peace": _l("Peace"),
}

REGION_LABELS = {
    "punjab": _l("Punjab"),
    "sindh": _l("Sindh"),
    "khyber_pakhtunkhwa": _l("Khyber Pakhtunkhwa"),
    "balochistan": _l("Balochistan"),
    "gilgit_baltistan": _l("Gilgit-Baltistan"),
    "azad_kashmir": _l("Azad Jammu and Kashmir"),
    "islamabad": _l("Islamabad"),
}

BYLINE_LABELS = {
    "named": _l("Show the author's name"),
    "organisation": _l("Show the organisation only"),
    "anonymous": _l("Anonymous (no name anywhere)"),
}

CHECKLIST_LABELS = {
    "consent": _l("Consent is recorded for every identifiable person."),
    "no_identification": _l("No victim or minor can be identified without consent."),
    "no_hate_speech": _l("No hate speech or incitement."),
    "no_graphic_violence": _l("No graphic violence."),
    "facts_checked": _l("Facts have been checked."),
}

REASONS = {
    "required": _l("This field is required."),
    "too_long": _l("This is too long."),
    "too_short": _l("This is too short."),
    "invalid": _l("This value is not valid."),
    "taken": _l("This is already in use."),
    "unknown_language": _l("Unknown language."),
    "unknown_role": _l("Unknown role."),
    "unknown": _l("Unknown choice."),
    "too_complex": _l(
        "This text is too complex to format in time. Please simplify it "
        "(for example, remove long runs of brackets or symbols)."
    ),
    "incomplete": _l("Tick every item of the safeguarding checklist before approving."),
    "past": _l("Choose a time in the future."),
    "required_for_contributor": _l("A contributor must belong to an organisation."),
    "required_for_role": _l("Translators and editors need at least one language."),
    "cannot_drop_own_admin": _l("You cannot remove your own administrator role."),
    "cannot_deactivate_self": _l("You cannot deactivate your own account."),
    "wrong": _l("This is not correct."),
    "before_start": _l("The end must not be before the start."),
    "four_eyes": _l("You cannot approve your own revision: another editor must review it."),
    "media_incomplete": _l(
        "The media are not ready to publish: every image needs alt text in this language, "
        "and consent must be recorded for people shown. See the media page."
    ),
    "unsupported_type": _l(
        "This kind of file is not accepted. Use JPEG, PNG, WebP or GIF images, MP4 or WebM "
        "video, MP3, M4A, OGG or WAV audio, or PDF documents."
    ),
    "unreadable": _l("This file could not be read. It may be damaged."),
    "image_too_large": _l("This image has too many pixels. Please use a smaller image."),
    "empty": _l("This file is empty."),
    "too_large": _l("This file is too large."),
    "not_allowed": _l("You are not allowed to do this."),
    "not_live": _l("This is not published."),
    "invalid_transition": _l("This action is not possible in the current state."),
    "conflict": _l(
        "Someone else changed this in the meantime. Nothing was overwritten: "
        "compare the versions below and save again."
    ),
}


MEDIA_PROBLEMS = {
    "alt_text_missing": _l("Alt text is missing in this language."),
    "consent_missing": _l("It shows people: record their consent first."),
    "upload_unfinished": _l("The upload did not finish."),
}


def media_problem_text(reason: str) -> str:
    return str(MEDIA_PROBLEMS.get(reason, reason))


def reason_text(reason: str) -> str:
    text = REASONS.get(reason)
    return str(text) if text is not None else _("This value is not valid.")


def error_text(exc: ContentError) -> str:
    if isinstance(exc, InvalidInput):
        if exc.reason == "too_long" and "maximum" in exc.details:
            return _("This is too long (at most %(n)d characters).", n=exc.details["maximum"])
        if exc.reason == "too_large" and "maximum" in exc.details:
            return _(
                "This file is too large (at most %(n)d MB).",
                n=exc.details["maximum"] // (1024 * 1024),
            )
        if exc.reason == "too_short" and "minimum" in exc.details:
            return _("This is too short (at least %(n)d characters).", n=exc.details["minimum"])
        return reason_text(exc.reason)
    reason = exc.details.get("reason") or exc.code
    if exc.code == "conflict":
        if exc.details.get("kind") == "action":
            return _(
                "Someone else acted on this in the meantime. Nothing was done twice: "
                "check its current state below."
            )
        return str(REASONS["conflict"])
    return reason_text(reason)


def label(mapping: dict, key: str | None) -> str:
    if key is None:
        return ""
    value = mapping.get(str(key))
    return str(value) if value is not None else str(key)
