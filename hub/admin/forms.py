"""Forms of the administration area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from hub.editorial.forms import MultiCheckboxField


class OrganisationForm(FlaskForm):
    slug = StringField(
        _l("Short name for addresses (a-z, 0-9, -)"), validators=[DataRequired(), Length(max=64)]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save organisation"))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password (at least 10 characters)"), validators=[Optional()])
    roles = MultiCheckboxField(_l("Roles"), choices=[])
    organisation = SelectField(_l("Organisation"), choices=[], validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages"), choices=[])
    all_languages = BooleanField(_l("Editor for all languages"))
    submit = SubmitField(_l("Save user"))


class ActiveForm(FlaskForm):
    submit = SubmitField()


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validators=[Optional()])
    object_type = SelectField(_l("Object"), choices=[], validators=[Optional()])
    actor = SelectField(_l("Who"), choices=[], validators=[Optional()])
    story = StringField(_l("Story number"), validators=[Optional(), Length(max=12)])
