"""E-mail for notifications: sent after the transaction that created them commits.

With no ``HUB_MAIL_HOST`` the messages go to the log. Each message is written in the
recipient's preferred language.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import Flask, current_app, has_app_context, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from content import languages
from content.models import Notification, User
from content.services.notifications import NEW_NOTIFICATIONS_KEY
from hub.i18n import language_context

log = logging.getLogger("hub.mail")


def init_mail(app: Flask) -> None:
    app.extensions["hub.after_commit_hooks"].append(send_after_commit)

    @event.listens_for(app.extensions["hub.sessionmaker"], "after_rollback")
    def forget_after_rollback(session: Session) -> None:
        session.info.pop(NEW_NOTIFICATIONS_KEY, None)


def send_after_commit(session: Session) -> None:
    pending = session.info.pop(NEW_NOTIFICATIONS_KEY, [])
    if pending and has_app_context():
        deliver(session, pending)


def compose(n: Notification, user: User) -> EmailMessage:
    from hub.notices import describe

    code = user.preferred_language if languages.is_known(user.preferred_language) else "en"
    with language_context(code):
        text = describe(n)
        link = ""
        if n.translation_id is not None:
            link = url_for("editorial.translation", translation_id=n.translation_id, _external=True)
        body = "\n\n".join(
            part
            for part in (
                text,
                link,
                _("You receive this because you take part in this work on the hub."),
            )
            if part
        )
        msg = EmailMessage()
        msg["Subject"] = f"[{current_app.config['HUB_SITE_NAME']}] {text}"[:250]
    msg["From"] = current_app.config["HUB_MAIL_FROM"]
    msg["To"] = user.email
    msg.set_content(body)
    return msg


def deliver(session: Session, notifications: list[Notification]) -> None:
    if not has_request_context():
        # From the CLI (scheduled publishing): links are built against HUB_BASE_URL.
        base = current_app.config.get("HUB_BASE_URL") or "http://127.0.0.1:5000"
        with current_app.test_request_context("/", base_url=base):
            deliver(session, notifications)
        return
    messages = []
    for n in notifications:
        user = session.get(User, n.user_id)
        if user is None or not user.is_active:
            continue
        try:
            messages.append(compose(n, user))
        except Exception:
            log.exception("could not compose notification mail %s", n.id)
    send(messages)


def send(messages: list[EmailMessage]) -> None:
    if not messages:
        return
    outbox = current_app.extensions.get("hub.mail_outbox")
    if outbox is not None:  # tests collect mail here
        outbox.extend(messages)
    host = current_app.config["HUB_MAIL_HOST"]
    if not host:
        for msg in messages:
            log.info("mail (no SMTP configured) to=%s subject=%s", msg["To"], msg["Subject"])
        return
    try:
        with smtplib.SMTP(host, current_app.config["HUB_MAIL_PORT"], timeout=10) as smtp:
            if current_app.config["HUB_MAIL_TLS"]:
                smtp.starttls()
            if current_app.config["HUB_MAIL_USERNAME"]:
                smtp.login(
                    current_app.config["HUB_MAIL_USERNAME"], current_app.config["HUB_MAIL_PASSWORD"]
                )
            for msg in messages:
                smtp.send_message(msg)
    except (OSError, smtplib.SMTPException):
        # The in-app notification exists already; a mail failure must not fail the action.
        log.exception("sending %d notification mail(s) failed", len(messages))
