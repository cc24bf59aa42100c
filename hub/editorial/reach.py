"""The reach dashboard and its CSV export: views, shares and downloads per day, language,
story, campaign, organisation and region, for a period. Registered on the editorial
blueprint.

Editors and admins see every organisation's figures; contributors and translators their
own organisation's (``workflow.reach_scope``, applied in SQL by the service). Charts are
drawn here as geometry (numbers only) and written as inline SVG by the template, mirrored
for right-to-left pages, each with a data table that carries the same figures.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from babel.dates import format_skeleton
from flask import Response, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField

from content import languages
from content.errors import NotAllowed
from content.models import REGIONS, SHARE_NETWORKS
from content.services import reach as reach_services
from content.services.reach import MAX_PERIOD_DAYS, Figures, ReachFilter
from content.workflow import reach_scope
from hub import messages
from hub.auth.manager import acting_user
from hub.editorial.routes import bp
from hub.extensions import db
from hub.i18n import current_language, enabled_language_objects, enabled_languages

NETWORK_LABELS = {
    "whatsapp": _l("WhatsApp"),
    "facebook": _l("Facebook"),
    "x": _l("X"),
    "telegram": _l("Telegram"),
    "email": _l("E-mail"),
}
PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
TOP = 20
LABEL_CHARS = 34


class ReachFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"))
    end = DateField(_l("To"))
    language = SelectField(_l("Language"), choices=[])
    campaign = SelectField(_l("Campaign"), choices=[])
    organisation = SelectField(_l("Organisation"), choices=[])
    region = SelectField(_l("Region"), choices=[])
    story = SelectField(_l("Story"), choices=[])


def today() -> date:
    return datetime.now(UTC).date()


# --- filters --------------------------------------------------------------------------------


@dataclass
class Filters:
    form: ReachFilterForm
    query: ReachFilter | None  # None: the form has errors, nothing to show
    notices: list[str] = field(default_factory=list)
    stories: dict = field(default_factory=dict)  # StoryInfo by id, for labels
    campaign_titles: dict = field(default_factory=dict)
    organisation_names: dict = field(default_factory=dict)


def _chain() -> tuple[str, ...]:
    return languages.fallback_chain(current_language().code, enabled_languages())


def _id_choice(field_, allowed: set[int]) -> int | None:
    value = (field_.data or "").strip()
    if not value:
        return None
    if value.isdigit() and int(value) in allowed:
        return int(value)
    field_.errors = [_("This choice is not in the list: choose another one.")]
    return None


# Dates a report may name: the hub's counters begin long after the first, and arithmetic on
# the period never leaves what ``date`` can hold.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _date(field_) -> date | None:
    raw = (field_.raw_data or [""])[0].strip() if field_.raw_data else ""
    if not raw:
        return None
    if field_.data is None:
        field_.errors = [_("Enter a date as year-month-day, for example 2026-01-31.")]
    elif not EARLIEST <= field_.data <= LATEST:
        field_.errors = [
            _(
                "Enter a date between %(first)s and %(last)s.",
                first=format_date(EARLIEST, "long"),
                last=format_date(LATEST, "long"),
            )
        ]
        return None
    return field_.data


def read_filters(actor, scope: int | None) -> Filters:
    """The filter form from the query string, with its choices, and the query it gives."""
    form = ReachFilterForm(request.args)
    chain = _chain()
    campaigns = {
        c.id: (c.text_in(chain).title if c.text_in(chain) else c.slug)
        for c in reach_services.campaigns(db.session)
    }
    organisations = reach_services.organisation_names(
        db.session, None if scope is None else [scope]
    )
    stories = {s.id: s for s in reach_services.stories_in_scope(db.session, actor)}
    form.language.choices = [("", _("All languages"))] + [
        (lang.code, lang.native_name) for lang in enabled_language_objects()
    ]
    form.campaign.choices = [("", _("All campaigns"))] + [
        (str(cid), title) for cid, title in sorted(campaigns.items(), key=lambda c: c[1].lower())
    ]
    form.organisation.choices = [("", _("All organisations"))] + [
        (str(oid), name) for oid, name in organisations.items()
    ]
    form.region.choices = [("", _("All regions"))] + [
        (r, messages.label(messages.REGION_LABELS, r)) for r in REGIONS
    ]
    story_choices = sorted(
        ((str(s.id), s.title_in(chain)[0]) for s in stories.values()),
        key=lambda c: c[1].lower(),
    )
    form.story.choices = [("", _("All stories")), *story_choices]
    result = Filters(
        form=form,
        query=None,
        stories=stories,
        campaign_titles=campaigns,
        organisation_names=organisations,
    )

    start, end = _date(form.start), _date(form.end)
    lang = form.language.data or None
    if lang is not None and lang not in enabled_languages():
        form.language.errors = [_("This choice is not in the list: choose another one.")]
    region = form.region.data or None
    if region is not None and region not in REGIONS:
        form.region.errors = [_("This choice is not in the list: choose another one.")]
    campaign_id = _id_choice(form.campaign, set(campaigns))
    story_id = _id_choice(form.story, set(stories))
    organisation_id = None
    if scope is None:
        organisation_id = _id_choice(form.organisation, set(organisations))
    if any(f.errors for f in form):
        return result

    # "From" alone runs to today; "to" alone, or neither, covers the DEFAULT_DAYS before it.
    if end is None:
        end = today() if start is None else max(start, today())
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        form.end.errors = [_("The end of the period is before its start.")]
        return result
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        start = end - timedelta(days=MAX_PERIOD_DAYS - 1)
        result.notices.append(
            _(
                "A report covers at most three years: showing %(start)s to %(end)s.",
                start=format_date(start, "long"),
                end=format_date(end, "long"),
            )
        )
    # The inputs show the period the figures are for (defaults and shortening included).
    form.start.data, form.end.data = start, end
    form.start.raw_data = form.end.raw_data = None
    result.query = ReachFilter(
        start=start,
        end=end,
        lang=lang,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        region=region,
        story_id=story_id,
    )
    return result


def _args(query: ReachFilter, **changes) -> dict:
    """Query-string arguments for ``query`` with some changed (None removes one)."""
    args = {
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "language": query.lang,
        "campaign": query.campaign_id,
        "organisation": query.organisation_id,
        "region": query.region,
        "story": query.story_id,
    }
    args.update(changes)
    return {k: v for k, v in args.items() if v not in (None, "")}


# --- labels ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One row of a breakdown: what it is, in which language its label is, where a click on
    it narrows the report to, and its figures."""

    label: str
    lang: str | None
    link: str | None
    figures: Figures


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _items(query, dim, rows, filters: Filters, *, can_filter_org: bool) -> list[Item]:
    chain = _chain()
    if dim == "story":
        missing = [key for key, _f in rows if key not in filters.stories]
        if missing:
            filters.stories.update(reach_services.story_info(db.session, missing))
    if dim == "organisation":
        missing = [k for k, _f in rows if k not in filters.organisation_names]
        if missing:
            filters.organisation_names.update(
                reach_services.organisation_names(db.session, missing)
            )
    items = []
    for key, figures in rows:
        lang, link = None, None
        if dim == "lang":
            label, lang = languages.get(key).native_name, key
            link = url_for("editorial.reach", **_args(query, language=key))
        elif dim == "story":
            info = filters.stories.get(key)
            label, lang = info.title_in(chain) if info else (f"#{key}", None)
            link = url_for("editorial.reach", **_args(query, story=key))
        elif dim == "campaign":
            if key is None:
                label = _("No campaign")
            else:
                label = filters.campaign_titles.get(key, f"#{key}")
                link = url_for("editorial.reach", **_args(query, campaign=key))
        elif dim == "organisation":
            label = filters.organisation_names.get(key, f"#{key}")
            if can_filter_org:
                link = url_for("editorial.reach", **_args(query, organisation=key))
        else:  # region
            if key is None:
                label = _("Not specific to a region")
            else:
                label = messages.label(messages.REGION_LABELS, key)
                link = url_for("editorial.reach", **_args(query, region=key))
        items.append(Item(label=label, lang=lang, link=link, figures=figures))
    return items


# --- charts: geometry only, the template writes the SVG --------------------------------------


def _is_rtl(lang: str | None) -> bool:
    if lang and languages.is_known(lang):
        return languages.get(lang).direction == "rtl"
    return current_language().direction == "rtl"


def _anchor(edge: str, rtl: bool) -> str:
    """text-anchor for a label whose physical ``edge`` ("left", "right") sits at its x, in
    text of direction rtl or ltr ("start" is the right edge of right-to-left text)."""
    if edge == "middle":
        return "middle"
    return "start" if (edge == "left") != rtl else "end"


def nice_max(value: int, ticks: int = 4) -> int:
    """The smallest 'round' maximum at or above ``value`` that ``ticks`` whole steps divide."""
    if value <= ticks:
        return ticks
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * power >= raw:
            return int(step * power * ticks)
    return int(10 * power * ticks)


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str
    direction: str
    lang: str | None = None


@dataclass
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    axis_x: float  # where the value axis is drawn (the inline-start side)
    grid: list[tuple[float, Text]]  # (y, value label)
    x_labels: list[Text]
    series: list[tuple[str, str, list[tuple[float, float]]]]  # (css class, name, points)

    @property
    def polylines(self) -> list[tuple[str, str, str]]:
        return [
            (cls, name, " ".join(f"{x:.1f},{y:.1f}" for x, y in points))
            for cls, name, points in self.series
        ]


def _day_label(day: date, long_period: bool) -> str:
    return format_skeleton("yMMMd" if long_period else "MMMd", day, locale=get_locale())


def line_chart(days: list[tuple[date, Figures]], rtl: bool) -> LineChart:
    width, height = 720, 260
    start_pad, end_pad, top, bottom = 64.0, 24.0, 16.0, 220.0
    left, right = (end_pad, width - start_pad) if rtl else (start_pad, width - end_pad)
    views = [f.views for _d, f in days]
    shares = [f.shares_total for _d, f in days]
    top_value = nice_max(max([*views, *shares, 0]))
    direction = "rtl" if rtl else "ltr"

    def x_of(i: int) -> float:
        n = len(days)
        t = 0.5 if n == 1 else i / (n - 1)
        return right - t * (right - left) if rtl else left + t * (right - left)

    def y_of(v: int) -> float:
        return bottom - (v / top_value) * (bottom - top)

    axis_x = right if rtl else left
    grid = []
    for k in range(5):
        value = top_value * k // 4
        y = y_of(value)
        label_x = axis_x + 8 if rtl else axis_x - 8
        grid.append(
            (
                y,
                Text(
                    label_x,
                    y + 4,
                    format_decimal(value),
                    _anchor("left" if rtl else "right", rtl),
                    direction,
                ),
            )
        )
    n = len(days)
    indexes = sorted({round(k * (n - 1) / 5) for k in range(6)}) if n > 1 else [0]
    long_period = n > 0 and days[0][0].year != days[-1][0].year
    x_labels = [
        Text(x_of(i), bottom + 22, _day_label(days[i][0], long_period), "middle", direction)
        for i in indexes
        if n
    ]
    series = [
        ("series-views", _("Views"), [(x_of(i), y_of(v)) for i, v in enumerate(views)]),
        ("series-shares", _("Shares"), [(x_of(i), y_of(v)) for i, v in enumerate(shares)]),
    ]
    return LineChart(width, height, left, right, top, bottom, axis_x, grid, x_labels, series)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: Text
    value: Text


@dataclass
class BarChart:
    width: int
    height: int
    axis_x: float
    bars: list[Bar]


def bar_chart(items: list[Item], rtl: bool) -> BarChart:
    width, label_w, value_w, row_h, bar_h, top = 720, 240.0, 72.0, 28.0, 16.0, 6.0
    plot_w = width - label_w - value_w
    top_value = max([i.figures.views for i in items] + [1])
    axis_x = width - label_w if rtl else label_w
    bars = []
    page_direction = "rtl" if rtl else "ltr"
    for row, item in enumerate(items):
        y = top + row * row_h
        bar_w = plot_w * item.figures.views / top_value
        label_rtl = _is_rtl(item.lang)
        label_direction = "rtl" if label_rtl else "ltr"
        if rtl:
            bar_x = axis_x - bar_w
            label = Text(
                axis_x + 8,
                y + 13,
                _shorten(item.label),
                _anchor("left", label_rtl),
                label_direction,
                item.lang,
            )
            value = Text(
                bar_x - 6,
                y + 13,
                format_decimal(item.figures.views),
                _anchor("right", rtl),
                page_direction,
            )
        else:
            bar_x = axis_x
            label = Text(
                axis_x - 8,
                y + 13,
                _shorten(item.label),
                _anchor("right", label_rtl),
                label_direction,
                item.lang,
            )
            value = Text(
                bar_x + bar_w + 6,
                y + 13,
                format_decimal(item.figures.views),
                _anchor("left", rtl),
                page_direction,
            )
        bars.append(Bar(bar_x, y, bar_w, bar_h, label, value))
    height = int(top * 2 + max(1, len(items)) * row_h)
    return BarChart(width, height, axis_x, bars)


# --- the pages -------------------------------------------------------------------------------

# (dimension, section heading, heading of the table's first column)
BREAKDOWNS = (
    ("lang", _l("By language"), _l("Language")),
    ("story", _l("By story (the %(n)d most viewed)", n=TOP), _l("Story")),
    ("campaign", _l("By campaign"), _l("Campaign")),
    ("organisation", _l("By organisation"), _l("Organisation")),
    ("region", _l("By region"), _l("Region")),
)


@bp.get("/reach")
def reach():
    actor = acting_user()
    try:
        scope = reach_scope(actor)
    except NotAllowed:
        return render_template("editorial/reach.html", no_scope=True)
    filters = read_filters(actor, scope)
    query = filters.query
    context = {
        "no_scope": False,
        "form": filters.form,
        "notices": filters.notices,
        "scoped": scope is not None,
        "scope_name": filters.organisation_names.get(scope, "") if scope is not None else "",
        "networks": [(n, NETWORK_LABELS[n]) for n in SHARE_NETWORKS],
        "query": query,
        "num": format_decimal,
    }
    if query is None:
        return render_template("editorial/reach.html", **context)
    rtl = current_language().direction == "rtl"
    totals = reach_services.total(db.session, actor, query)
    days = reach_services.daily(db.session, actor, query)
    sections = []
    for dim, title, column in BREAKDOWNS:
        rows = reach_services.ranked(db.session, actor, query, dim)
        items = _items(query, dim, rows[:TOP], filters, can_filter_org=scope is None)
        sections.append(
            {
                "dim": dim,
                "title": title,
                "column": column,
                "rows": items,
                "more": max(0, len(rows) - TOP),
                "chart": bar_chart(items, rtl) if items else None,
            }
        )
    presets = []
    for n in PRESETS:
        start = today() - timedelta(days=n - 1)
        presets.append(
            (
                n,
                url_for(
                    "editorial.reach",
                    **_args(query, start=start.isoformat(), end=today().isoformat()),
                ),
                query.start == start and query.end == today(),
            )
        )
    return render_template(
        "editorial/reach.html",
        totals=totals,
        days=days,
        line=line_chart(days, rtl),
        sections=sections,
        presets=presets,
        csv_url=url_for("editorial.reach_csv", **_args(query)),
        period_labels=(format_date(query.start, "long"), format_date(query.end, "long")),
        day_label=lambda day: format_date(day, "medium"),
        **context,
    )


# Spreadsheets run a cell that starts with one of these as a formula: a title such as
# "=HYPERLINK(...)" must arrive as text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@bp.get("/reach.csv")
def reach_csv():
    actor = acting_user()
    try:
        scope = reach_scope(actor)
    except NotAllowed:
        return redirect(url_for("editorial.reach"))
    filters = read_filters(actor, scope)
    query = filters.query
    if query is None:  # the dashboard shows what is wrong with the filters
        return redirect(url_for("editorial.reach", **request.args.to_dict()))
    rows = reach_services.export_rows(db.session, actor, query)
    orgs = reach_services.organisation_names(db.session, {r.story.organisation_id for r in rows})
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads the file as UTF-8 (Urdu titles) only with a BOM
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Day (UTC)"),
            _("Story number"),
            _("Language code"),
            _("Language"),
            _("Title"),
            _("Organisation"),
            _("Campaign"),
            _("Region"),
            _("Views"),
            *[_("Shares: %(network)s", network=NETWORK_LABELS[n]) for n in SHARE_NETWORKS],
            _("Shares (all networks)"),
            _("Downloads"),
        ]
    )
    for row in rows:
        story, f = row.story, row.figures
        if row.lang is not None:
            title = story.titles.get(row.lang) or story.title_in([row.lang])[0]
            language = languages.get(row.lang).native_name if languages.is_known(row.lang) else ""
        else:
            title = story.title_in([story.source_language])[0]
            language = _("All languages (files)")
        writer.writerow(
            [
                row.day.isoformat(),
                story.id,
                row.lang or "",
                language,
                _cell(title),
                _cell(orgs.get(story.organisation_id, "")),
                _cell(
                    filters.campaign_titles.get(story.campaign_id, "") if story.campaign_id else ""
                ),
                _cell(messages.label(messages.REGION_LABELS, story.region) if story.region else ""),
                f.views,
                *[f.shares[n] for n in SHARE_NETWORKS],
                f.shares_total,
                f.downloads,
            ]
        )
    filename = f"reach-{query.start.isoformat()}-{query.end.isoformat()}.csv"
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
