"""Forms of the editorial area: stories, texts, workflow actions, comments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from content.models import REGIONS, THEMES, BylineMode, Kind
from content.services.stories import CHECKLIST, MAX_SUMMARY, MAX_TITLE
from hub import messages


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TextFields(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=MAX_SUMMARY)])
    body = TextAreaField(_l("Text (Markdown)"))
    note = StringField(_l("What changed (optional)"), validators=[Length(max=500)])


class MetaFields(FlaskForm):
    kind = SelectField(_l("Kind of material"), choices=[])
    themes = MultiCheckboxField(_l("Themes"), choices=[])
    region = SelectField(_l("Region"), choices=[])
    byline_mode = SelectField(_l("Byline"), choices=[])
    is_sensitive = BooleanField(_l("Sensitive: handle with extra care"))
    campaign = SelectField(_l("Campaign"), choices=[], validators=[Optional()])

    def fill_choices(self, campaigns: list[tuple[str, str]]) -> None:
        self.kind.choices = [(k.value, messages.label(messages.KIND_LABELS, k)) for k in Kind]
        self.themes.choices = [(t, messages.label(messages.THEME_LABELS, t)) for t in THEMES]
        self.region.choices = [("", _l("Not specific to a region"))] + [
            (r, messages.label(messages.REGION_LABELS, r)) for r in REGIONS
        ]
        self.byline_mode.choices = [
            (b.value, messages.label(messages.BYLINE_LABELS, b)) for b in BylineMode
        ]
        self.campaign.choices = [("", _l("No campaign")), *campaigns]


class NewStoryForm(TextFields, MetaFields):
    source_language = SelectField(_l("Language of this text"), choices=[])
    organisation = SelectField(_l("Organisation"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Save draft"))


class EditTextForm(TextFields):
    base_revision_id = HiddenField()
    submit = SubmitField(_l("Save as new revision"))


class StoryDetailsForm(MetaFields):
    submit = SubmitField(_l("Save details"))


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[Optional()])
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=500)])
    checklist = MultiCheckboxField(
        _l("Safeguarding checklist"),
        choices=[SelectChoice(item, messages.CHECKLIST_LABELS[item]) for item in CHECKLIST],
    )
    scheduled_at = DateTimeLocalField(
        _l("Publish at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add comment"))


class PreviewForm(FlaskForm):
    body = TextAreaField()


class AutosaveForm(FlaskForm):
    title = StringField()
    summary = TextAreaField()
    body = TextAreaField()
    base_revision_id = HiddenField()
    scope = HiddenField()


class DiscardAutosaveForm(FlaskForm):
    scope = HiddenField()
    submit = SubmitField(_l("Discard the unsaved text"))


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    lang = SelectField(_l("Language"), choices=[], validators=[Optional()])
    organisation = SelectField(_l("Organisation"), choices=[], validators=[Optional()])
    state = SelectField(_l("State"), choices=[], validators=[Optional()])


class RequestTranslationsForm(FlaskForm):
    languages = MultiCheckboxField(_l("Languages"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Request translations"))


class ClaimForm(FlaskForm):
    submit = SubmitField(_l("Take this translation"))


class GridFilterForm(FlaskForm):
    class Meta:
        csrf = False

    campaign = SelectField(_l("Campaign"), choices=[], validators=[Optional()])
    organisation = SelectField(_l("Organisation"), choices=[], validators=[Optional()])
    lang = SelectField(_l("Language"), choices=[], validators=[Optional()])
