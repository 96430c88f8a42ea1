"""CCI and AI policy: the dated policy timeline, context events from FACTS.md, figures quoted in
texts, and the Horizon Europe projects where AI meets culture.

Three kinds of input meet here and are never mixed up:

* the national AI strategies and regional declarations (``nordic_ai_policy_timeline``), whose
  dates are as precise as the sources: a day, a month, a year, or not verified at all;
* a few dated facts from FACTS.md (EU calls on AI and the creative sectors, ekip's duration),
  kept in the committed ``data/context_events.yml`` and checked against FACTS.md;
* the CORDIS Horizon Europe classification of projects (programme part, topic, EuroSciVoc fields),
  from which the AI x culture overlap is counted.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .data import REPO_ROOT
from .params import ReportParams, country_name, is_country_code

CONTEXT_EVENTS_PATH = REPO_ROOT / "data" / "context_events.yml"

# Members of the regional groups that appear as "country" in the timeline file: the Nordic
# countries, and the Nordic-Baltic Eight (the Nordic and the Baltic states). The self-governing
# areas (Faroe Islands, Greenland, Åland) that signed some declarations have no country code here.
REGIONAL_GROUPS: dict[str, tuple[str, ...]] = {
    "Nordic": ("DK", "FI", "IS", "NO", "SE"),
    "Nordic-Baltic": ("DK", "EE", "FI", "IS", "LT", "LV", "NO", "SE"),
}
REGIONAL_LABELS = {"Nordic": "Nordic", "Nordic-Baltic": "Nordic–Baltic"}

PRECISIONS = ("day", "month", "year")
UNDATED = "undated"


class ContextEventError(ValueError):
    """The committed context events are malformed or not supported by FACTS.md."""


# ---------------------------------------------------------------------------------------------
# Dates with a precision
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventDate:
    """A date as precise as its source: the interval it covers and how to say it."""

    precision: str  # day, month, year or undated
    start: pd.Timestamp | None
    end: pd.Timestamp | None  # last day covered (equal to start for a day)

    @property
    def label(self) -> str:
        if self.precision == UNDATED or self.start is None:
            return "date not verified"
        if self.precision == "year":
            return f"{self.start.year} (year only)"
        if self.precision == "month":
            return f"{calendar.month_name[self.start.month]} {self.start.year}"
        return f"{self.start.day} {calendar.month_name[self.start.month]} {self.start.year}"

    @property
    def short_label(self) -> str:
        """A compact label for charts: '14 Mar 2019', 'May 2018', '2017 (year only)'."""
        if self.precision == UNDATED or self.start is None:
            return "date not verified"
        if self.precision == "year":
            return f"{self.start.year} (year only)"
        if self.precision == "month":
            return f"{calendar.month_abbr[self.start.month]} {self.start.year}"
        return f"{self.start.day} {calendar.month_abbr[self.start.month]} {self.start.year}"


def span_label(start: EventDate, end: EventDate) -> str:
    """A compact label for a period: '15 May–16 Sep 2025', '1 Jun 2023–30 Nov 2026'."""
    if start.start is not None and end.start is not None and start.start.year == end.start.year \
            and start.precision == end.precision == "day":
        return f"{start.start.day} {calendar.month_abbr[start.start.month]}–{end.short_label}"
    return f"{start.short_label}–{end.short_label}"


_DATE_FORMS = {
    "year": re.compile(r"^(\d{4})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
}


def granularity(text: str) -> str:
    """``day``, ``month`` or ``year`` from the form of an ISO date string; ValueError otherwise."""
    text = str(text).strip()
    for precision, pattern in _DATE_FORMS.items():
        if pattern.match(text):
            return precision
    raise ValueError(f"{text!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD).")


def parse_event_date(date, precision_text) -> EventDate:
    """The interval a timeline date covers.

    A year-only date covers the whole year (it is drawn as a year, never as 1 January), a month
    covers the month, a day is a point. An empty date is *undated*. The stated precision must not
    claim more than the date string holds.
    """
    stated = str(precision_text or "").strip().lower()
    stated_word = stated.split(" ", 1)[0].strip(";,()") if stated else ""
    if date is None or (not isinstance(date, str) and pd.isna(date)) or not str(date).strip():
        return EventDate(UNDATED, None, None)
    text = str(date).strip()
    form = granularity(text)
    if stated_word in PRECISIONS and stated_word != form:
        raise ValueError(f"Date {text!r} has the form of a {form} but its precision says {precision_text!r}.")
    start = pd.Timestamp(text if form != "year" else f"{text}-01-01")
    if form == "year":
        end = pd.Timestamp(year=start.year, month=12, day=31)
    elif form == "month":
        end = pd.Timestamp(year=start.year, month=start.month, day=calendar.monthrange(start.year, start.month)[1])
    else:
        end = start
    return EventDate(form, start, end)


def first_url(found_at) -> str:
    """The first web address in a ``found_at`` cell (several are separated by ' ; ')."""
    match = re.search(r"https?://[^\s;,)]+", str(found_at or ""))
    return match.group(0) if match else ""


# ---------------------------------------------------------------------------------------------
# The national and regional timeline
# ---------------------------------------------------------------------------------------------

def group_members(code: str) -> tuple[str, ...]:
    """The countries an entry of the timeline's ``country`` column stands for."""
    if code in REGIONAL_GROUPS:
        return REGIONAL_GROUPS[code]
    return (code,) if is_country_code(code) else ()


def who_label(code: str) -> str:
    return country_name(code) if is_country_code(code) else REGIONAL_LABELS.get(code, code)


TIMELINE_COLUMNS = ["row", "who", "kind", "event", "title", "precision", "start", "end", "date_label",
                    "chart_label", "date_note", "source_url"]


def _sentence_case(text: str) -> str:
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def timeline_events(timeline: pd.DataFrame, params: ReportParams) -> tuple[pd.DataFrame, list[str]]:
    """The policy events that concern the selected countries, and the selected countries with none.

    National events are kept for the selected countries; a regional declaration is kept when at
    least one selected country belongs to the group. Undated events are kept, with
    ``precision == 'undated'`` and no start or end.
    """
    rows = []
    for record in timeline.itertuples(index=False):
        code = str(record.country)
        members = group_members(code)
        if not set(members) & set(params.countries):
            continue
        when = parse_event_date(record.date, record.date_precision)
        regional = code in REGIONAL_GROUPS
        who = who_label(code)
        label = _short_title(record.title) if regional else _sentence_case(record.event)
        rows.append({
            "row": f"{who}: {label}",
            "who": who,
            "kind": "Nordic or Nordic–Baltic declaration" if regional else "National AI strategy or plan",
            "event": _sentence_case(record.event),
            "title": str(record.title),
            "precision": when.precision,
            "start": when.start,
            "end": when.end,
            "date_label": when.label,
            "chart_label": when.short_label,
            "date_note": str(record.date_precision or ""),
            "source_url": first_url(record.found_at),
        })
    frame = _typed_timeline(pd.DataFrame(rows, columns=TIMELINE_COLUMNS))
    national = {str(c) for c in timeline["country"] if is_country_code(str(c))}
    missing = [c for c in params.countries if c not in national]
    return sort_events(frame), missing


def _typed_timeline(frame: pd.DataFrame) -> pd.DataFrame:
    """Start and end as datetimes even when no event (or no dated event) concerns the selected countries."""
    return frame.assign(start=pd.to_datetime(frame["start"]), end=pd.to_datetime(frame["end"]))


def _short_title(title: str, limit: int = 48) -> str:
    text = str(title).split(" (", 1)[0].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sort_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Dated events by start date (then row label), undated events last (by row label)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    ordered = frame.assign(_undated=frame["start"].isna())
    ordered = ordered.sort_values(["_undated", "start", "row"], kind="mergesort", na_position="last")
    return ordered.drop(columns=["_undated"]).reset_index(drop=True)


def first_national_dates(events: pd.DataFrame) -> pd.DataFrame:
    """The earliest dated national event of each country (who, date label, year)."""
    national = events[(events["kind"] == "National AI strategy or plan") & events["start"].notna()]
    if national.empty:
        return pd.DataFrame(columns=["who", "event", "date_label", "year"])
    first = national.sort_values(["start", "who"], kind="mergesort").groupby("who", sort=False).head(1)
    first = first.assign(year=first["start"].dt.year)
    return first[["who", "event", "date_label", "year"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Context events from FACTS.md (data/context_events.yml)
# ---------------------------------------------------------------------------------------------

EVENT_FIELDS = ("id", "track", "label", "event", "start", "end", "date_precision", "source_url", "facts_section")


def read_context_events(path: Path | str = CONTEXT_EVENTS_PATH) -> list[dict]:
    """The raw event records of the YAML file (a mapping with an ``events`` list)."""
    path = Path(path)
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContextEventError(f"The context-event file {path} does not exist.") from None
    if not isinstance(content, dict) or not isinstance(content.get("events"), list):
        raise ContextEventError(f"{path} must be a mapping with a list under 'events'.")
    return content["events"]


def validate_context_events(records: list[dict]) -> pd.DataFrame:
    """Check the form of the event records and return them as a frame with parsed dates."""
    rows, seen = [], set()
    for index, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise ContextEventError(f"Context event {index} is not a mapping.")
        missing = [f for f in EVENT_FIELDS if record.get(f) in (None, "")]
        if missing:
            raise ContextEventError(f"Context event {record.get('id', index)!r} lacks {', '.join(missing)}.")
        event_id = str(record["id"])
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", event_id):
            raise ContextEventError(f"Context event id {event_id!r}: use lower-case letters, digits and hyphens.")
        if event_id in seen:
            raise ContextEventError(f"Context event id {event_id!r} is used twice.")
        seen.add(event_id)
        precision = str(record["date_precision"])
        if precision not in PRECISIONS:
            raise ContextEventError(f"Context event {event_id!r}: date_precision must be one of {', '.join(PRECISIONS)}.")
        dates = []
        for key in ("start", "end"):
            value = record[key]
            if not isinstance(value, str):
                raise ContextEventError(f"Context event {event_id!r}: quote the {key} date as a string (\"YYYY-MM-DD\").")
            try:
                parsed = parse_event_date(value, precision)
            except ValueError as error:
                raise ContextEventError(f"Context event {event_id!r}, {key}: {error}") from None
            dates.append(parsed)
        start, end = dates
        if end.end < start.start:
            raise ContextEventError(f"Context event {event_id!r} ends before it starts.")
        url = str(record["source_url"])
        if not re.fullmatch(r"https?://\S+", url):
            raise ContextEventError(f"Context event {event_id!r}: source_url {url!r} is not a web address.")
        try:
            section = int(record["facts_section"])
        except (TypeError, ValueError):
            raise ContextEventError(f"Context event {event_id!r}: facts_section must be a section number.") from None
        rows.append({
            "id": event_id, "track": str(record["track"]), "label": str(record["label"]), "event": str(record["event"]),
            "identifier": str(record.get("identifier") or ""), "precision": precision,
            "start": start.start, "end": end.end, "start_text": record["start"], "end_text": record["end"],
            "source_url": url, "facts_section": section, "detail": str(record.get("detail") or ""),
        })
    return pd.DataFrame(rows)


def facts_sections(text: str) -> dict[int, str]:
    """FACTS.md split at its numbered ``## N.`` headings: section number -> text (heading included)."""
    sections: dict[int, str] = {}
    matches = list(re.finditer(r"^##\s+(\d+)\.", text, flags=re.MULTILINE))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        sections[int(match.group(1))] = text[match.start():end]
    return sections


def date_spellings(iso: str) -> list[str]:
    """Ways a source may write an ISO date (for checking that FACTS.md states it)."""
    form = granularity(iso)
    stamp = pd.Timestamp(iso if form != "year" else f"{iso}-01-01")
    if form == "year":
        return [str(stamp.year)]
    month, abbr = calendar.month_name[stamp.month], calendar.month_abbr[stamp.month]
    if form == "month":
        return [iso, f"{month} {stamp.year}", f"{abbr} {stamp.year}", f"{stamp.month:02d}.{stamp.year}"]
    d, y = stamp.day, stamp.year
    names = {month, abbr, "Sept" if stamp.month == 9 else abbr}
    spellings = [iso, f"{d:02d}.{stamp.month:02d}.{y}", f"{d}.{stamp.month}.{y}"]
    for name in sorted(names):
        spellings += [f"{name} {d} {y}", f"{name} {d}, {y}", f"{d} {name} {y}"]
    return spellings


NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d+)*")


def unsupported_statements(events: pd.DataFrame, facts_text: str) -> list[str]:
    """Everything in the context events that the cited FACTS.md section does not state.

    Checks, per event: the section exists; the source URL, the identifier, both dates (in any
    usual spelling) and every number in ``detail`` appear in that section. Returns one message
    per problem (empty when every statement is supported).
    """
    sections = facts_sections(facts_text)
    problems = []
    for event in events.itertuples(index=False):
        section = sections.get(int(event.facts_section))
        if section is None:
            problems.append(f"{event.id}: FACTS.md has no section {event.facts_section}.")
            continue
        if event.source_url not in facts_text:
            problems.append(f"{event.id}: the source URL {event.source_url} does not appear in FACTS.md.")
        elif event.source_url.split("://", 1)[1].rstrip("/") not in section:
            problems.append(f"{event.id}: the source URL is not cited in FACTS.md section {event.facts_section}.")
        if event.identifier and event.identifier not in section:
            problems.append(f"{event.id}: {event.identifier} is not in FACTS.md section {event.facts_section}.")
        for key in ("start_text", "end_text"):
            value = getattr(event, key)
            if not any(spelling in section for spelling in date_spellings(value)):
                problems.append(f"{event.id}: the date {value} is not stated in FACTS.md section {event.facts_section}.")
        for number in NUMBER.findall(event.detail):
            if number not in section:
                problems.append(f"{event.id}: the number {number} in 'detail' is not in FACTS.md section "
                                f"{event.facts_section}.")
    return problems


def load_context_events(facts_text: str, path: Path | str = CONTEXT_EVENTS_PATH) -> pd.DataFrame:
    """The validated context events; refuses any statement FACTS.md does not support."""
    events = validate_context_events(read_context_events(path))
    problems = unsupported_statements(events, facts_text)
    if problems:
        raise ContextEventError("data/context_events.yml is not supported by FACTS.md:\n  " + "\n  ".join(problems))
    return events


def context_timeline_rows(events: pd.DataFrame) -> pd.DataFrame:
    """Context events in the shape of :func:`timeline_events` (spans drawn from start to end)."""
    rows = []
    for event in events.itertuples(index=False):
        start = parse_event_date(event.start_text, event.precision)
        end = parse_event_date(event.end_text, event.precision)
        label = f"{start.label} to {end.label}"
        rows.append({
            "row": event.label,
            "who": "EU" if "call" in event.track.lower() else "ekip",
            "kind": event.track,
            "event": event.event, "title": event.event, "precision": "span",
            "start": event.start, "end": event.end, "date_label": label, "chart_label": span_label(start, end),
            "date_note": f"{event.precision} precision; FACTS.md §{event.facts_section}",
            "source_url": event.source_url,
        })
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Status on the report's date (as_of)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """Where a call or a project stands on a date: ``upcoming``, ``open`` (a call) or ``running``
    (a project), ``closed`` (a call) or ``ended`` (a project), and how to say it."""

    state: str
    phrase: str  # "closed on 16 September 2025", "open until 23 September 2026", "ended on 30 November 2026"

    @property
    def is_current(self) -> bool:
        return self.state in ("open", "running", "upcoming")


def day_label(stamp) -> str:
    stamp = pd.Timestamp(stamp)
    return f"{stamp.day} {calendar.month_name[stamp.month]} {stamp.year}"


def event_status(start, end, as_of, is_call: bool) -> Status:
    """The status of a call (opening to deadline) or a project (start to end) on ``as_of``.

    A deadline or end day counts as still open or running on that day itself.
    """
    day = pd.Timestamp(as_of).normalize()
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if day < start:
        return Status("upcoming", f"{'opens' if is_call else 'starts'} on {day_label(start)}")
    if day <= end:
        return Status("open" if is_call else "running",
                      f"open until {day_label(end)}" if is_call else f"runs until {day_label(end)}")
    return Status("closed" if is_call else "ended",
                  f"closed on {day_label(end)}" if is_call else f"ended on {day_label(end)}")


def is_call(event) -> bool:
    return "call" in str(event.track).lower()


def context_statuses(events: pd.DataFrame, as_of) -> pd.DataFrame:
    """The context events with their status on ``as_of`` (columns ``state``, ``status``)."""
    statuses = [event_status(e.start, e.end, as_of, is_call(e)) for e in events.itertuples(index=False)]
    return events.assign(state=[s.state for s in statuses], status=[s.phrase for s in statuses])


# ---------------------------------------------------------------------------------------------
# Figures quoted in texts (context table)
# ---------------------------------------------------------------------------------------------

TEXT_FIGURE_THEMES = {
    "cult_emp_headlines_text": "Cultural employment",
    "cult_enterprises_headlines_text": "Cultural enterprises",
    "gov_exp_culture_headlines_text": "Public spending on culture",
    "household_cultural_expenditure_headlines_text": "Household spending on culture",
    "participation_trade_headlines_text": "Participation and trade",
    "national_cci_headlines_text": "National CCI figures",
}

_UNIT_WORDS = {
    "PC_EMP": "% of total employment", "THS_PER": "thousand persons", "MIO_PER": "million persons",
    "PCH_PRE": "% change on previous year", "PC_GDP": "% of GDP", "PC_TOT": "% of total government expenditure",
    "PC": "%", "PPS": "PPS (purchasing power standard)", "NR": "number", "MIO_ENT": "million enterprises",
}


def unit_label(unit: str) -> str:
    """A readable unit: the words in brackets when the file gives them, else the Eurostat code spelled out."""
    text = str(unit or "").strip()
    match = re.match(r"^([A-Z_]+)\s*\((.+)\)$", text)
    if match:
        code, words = match.groups()
        if code.startswith("BN_"):
            return f"billion {code[3:]} ({words})"
        base = _UNIT_WORDS.get(code, code)
        return words if base in ("%", code) or words.startswith("%") else f"{base} ({words})"
    if text.startswith("BN_"):
        return f"billion {text[3:]}"
    return _UNIT_WORDS.get(text, text)


INDICATOR_LABELS = {
    "artists_and_authors_persons": "Artists and authors (persons)",
    "cci_contribution_to_GDP": "CCI contribution to GDP",
    "cci_exports": "CCI exports",
    "cci_full_time_employed": "CCI full-time employed",
    "cci_share_of_GDP": "CCI share of GDP",
    "cci_share_of_private_sector_value_creation": "CCI share of private-sector value creation",
    "cci_share_of_total_exports": "CCI share of total exports",
    "cci_turnover": "CCI turnover",
    "cci_value_added": "CCI value added",
    "cci_value_added_growth_2010_2016": "CCI value-added growth, 2010–2016",
    "cultural_employment_annual_growth": "Cultural employment, annual growth",
    "cultural_employment_change_on_previous_year": "Cultural employment, change on previous year",
    "cultural_employment_persons": "Cultural employment (persons)",
    "cultural_employment_persons_female": "Cultural employment, women",
    "cultural_employment_persons_male": "Cultural employment, men",
    "cultural_employment_share_female": "Women's share of cultural employment",
    "cultural_employment_share_of_total_employment": "Cultural employment, share of total employment",
    "cultural_employment_share_of_total_employment_pre2016_scope":
        "Cultural employment, share of total employment (scope before 2016)",
    "cultural_employment_share_self_employed": "Self-employed share of cultural employment",
    "cultural_employment_share_tertiary_educated": "Tertiary-educated share of cultural employment",
    "cultural_enterprises_country_share_of_EU_total": "Country's share of the EU's cultural enterprises",
    "cultural_enterprises_country_share_of_EU_value_added": "Country's share of EU cultural value added",
    "cultural_enterprises_net_turnover": "Cultural enterprises, net turnover",
    "cultural_enterprises_number": "Cultural enterprises, number",
    "cultural_enterprises_share_of_enterprises": "Cultural enterprises, share of all enterprises",
    "cultural_enterprises_share_of_net_turnover": "Cultural enterprises, share of net turnover",
    "cultural_enterprises_share_of_value_added": "Cultural enterprises, share of value added",
    "cultural_enterprises_value_added": "Cultural enterprises, value added",
    "cultural_industries_value_added": "Cultural industries, value added",
    "cultural_participation_any_activity_last_12_months": "Took part in a cultural activity (last 12 months)",
    "cultural_participation_any_activity_last_12_months_tertiary_educated":
        "Took part in a cultural activity (last 12 months), tertiary educated",
    "extra_EU_exports_cultural_goods": "Exports of cultural goods outside the EU",
    "gov_exp_broadcasting_publishing_GF0803": "Government spending on broadcasting and publishing (GF0803)",
    "gov_exp_cultural_plus_broadcasting_services_GF0802_GF0803":
        "Government spending on cultural, broadcasting and publishing services (GF0802–GF0803)",
    "gov_exp_cultural_services_GF0802": "Government spending on cultural services (GF0802)",
    "gov_exp_recreation_culture_religion_GF08": "Government spending on recreation, culture and religion (GF08)",
    "gov_exp_recreational_sporting_services_GF0801": "Government spending on recreational and sporting services (GF0801)",
    "gov_exp_religious_community_GF0804": "Government spending on religious and community services (GF0804)",
    "household_cultural_expenditure_mean_per_household": "Household cultural spending, mean per household",
    "household_cultural_expenditure_share": "Household cultural spending, share of consumption",
    "total_employment_share_female": "Women's share of total employment",
    "total_employment_share_self_employed": "Self-employed share of total employment",
}


def indicator_label(indicator: str) -> str:
    """An indicator code in words: from :data:`INDICATOR_LABELS`, else the code's words."""
    if indicator in INDICATOR_LABELS:
        return INDICATOR_LABELS[indicator]
    words = []
    for token in str(indicator).split("_"):
        if token.lower() in {"cci", "eu", "gdp"} or re.fullmatch(r"GF\d+", token):
            words.append(token.upper())
        else:
            words.append(token)
    return _sentence_case(" ".join(words))


TABLE_COLUMNS = ["theme", "figure", "geo", "name", "role", "year", "value", "unit", "as_quoted", "source_url"]


def text_figures(frames: dict[str, pd.DataFrame], params: ReportParams, aggregates: list[str]) -> dict:
    """Figures quoted in texts for the selected countries, with the aggregate's figure for the same
    indicator, unit and year where one was quoted.

    Returns ``table`` (sorted, deterministic), ``missing`` (selected countries with no figure in the
    period), ``outside`` (number of selected-country figures outside the year range).
    """
    parts = []
    for name, frame in frames.items():
        part = frame.assign(theme=TEXT_FIGURE_THEMES.get(name, name), dataset=name)
        parts.append(part)
    combined = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["geo", "year"])
    in_years = combined["year"].between(params.year_start, params.year_end)
    selected_all = combined[combined["geo"].isin(params.countries)]
    selected = selected_all[in_years.loc[selected_all.index]]
    keys = set(zip(selected["indicator"], selected["unit"], selected["year"]))
    aggregate_rows = combined[combined["geo"].isin(aggregates)]
    aggregate_rows = aggregate_rows[[k in keys for k in zip(aggregate_rows["indicator"], aggregate_rows["unit"],
                                                             aggregate_rows["year"])]]
    table = pd.concat([selected.assign(role="selected"), aggregate_rows.assign(role="aggregate")], ignore_index=True)
    if table.empty:
        table = pd.DataFrame(columns=TABLE_COLUMNS)
    else:
        table["figure"] = table["indicator"].map(indicator_label)
        table["name"] = table["geo"].map(lambda g: country_name(g) if is_country_code(g) or g in aggregates else g)
        table["unit"] = table["unit"].map(unit_label)
        table["as_quoted"] = table["flag"].fillna("").astype(str)
        table["source_url"] = table["found_at"].map(first_url)
        theme_order = {t: i for i, t in enumerate(TEXT_FIGURE_THEMES.values())}
        country_order = {c: i for i, c in enumerate(params.countries)}
        table = table.assign(
            _theme=table["theme"].map(lambda t: theme_order.get(t, len(theme_order))),
            _role=table["role"].map({"selected": 0, "aggregate": 1}),
            _geo=table["geo"].map(lambda g: country_order.get(g, len(country_order))),
            _value=table["value"].astype(float),
        ).sort_values(["_theme", "figure", "unit", "year", "_role", "_geo", "geo", "_value", "source_url"],
                      kind="mergesort")
        table = table[TABLE_COLUMNS].reset_index(drop=True)
    present = set(selected["geo"])
    return {
        "table": table,
        "missing": [c for c in params.countries if c not in present],
        "outside": int(len(selected_all) - len(selected)),
        "outside_countries": [c for c in params.countries
                              if c in set(selected_all.loc[~in_years.loc[selected_all.index], "geo"])],
    }


# ---------------------------------------------------------------------------------------------
# Horizon Europe projects: culture, AI and both
# ---------------------------------------------------------------------------------------------

SEGMENT_HERITAGE = "Cultural heritage destination"
SEGMENT_OTHER_CL2 = "Other Cluster 2 topics (democracy, transformations)"
SEGMENT_CO_FUNDED = "Missions and other topics co-funded by Cluster 2"
SEGMENT_OUTSIDE = "Outside Cluster 2"
SEGMENTS = (SEGMENT_HERITAGE, SEGMENT_OTHER_CL2, SEGMENT_CO_FUNDED)

_CALL_YEAR = re.compile(r"(?:^|-)(20\d{2})(?:-|$)")


def call_year(topic) -> int | None:
    """The year of the call in a Horizon Europe topic code (``HORIZON-CL2-2022-HERITAGE-02-01`` -> 2022)."""
    match = _CALL_YEAR.search(str(topic or ""))
    return int(match.group(1)) if match else None


def classify_projects(classification: pd.DataFrame) -> pd.DataFrame:
    """One row per project with the report's culture / AI classification.

    * culture: the project's legal basis includes HORIZON.2.2, Cluster 2 "Culture, creativity and
      inclusive society" (including missions that Cluster 2 co-funds);
    * heritage: the Cultural Heritage destination (HORIZON.2.2.2) or a HERITAGE topic;
    * ai: a EuroSciVoc field under "artificial intelligence", or the programme part
      "Artificial Intelligence and Robotics" (HORIZON.2.4.5);
    * both: culture and ai.
    """
    frame = classification.copy()
    frame["call_year"] = frame["topic"].map(call_year).astype("Int64")
    culture = frame["culture_creativity_cluster"].fillna(False).astype(bool)
    heritage = (frame["cultural_heritage_destination"].fillna(False) | frame["heritage_topic"].fillna(False)).astype(bool)
    ai_esv = frame["ai_euroscivoc"].fillna(False).astype(bool)
    ai_part = frame["ai_robotics_programme_part"].fillna(False).astype(bool)
    frame["culture"] = culture
    frame["heritage"] = heritage
    frame["ai"] = ai_esv | ai_part
    frame["ai_basis"] = [
        "EuroSciVoc and AI programme part" if e and p else "EuroSciVoc" if e else "AI programme part" if p else ""
        for e, p in zip(ai_esv, ai_part)
    ]
    frame["both"] = frame["culture"] & frame["ai"]
    frame["arts"] = frame["n_esv_arts"].fillna(0).astype(int) > 0
    cl2_topic = frame["topic"].fillna("").str.startswith("HORIZON-CL2-")
    frame["segment"] = [
        SEGMENT_HERITAGE if c and h else SEGMENT_OTHER_CL2 if c and t else SEGMENT_CO_FUNDED if c else SEGMENT_OUTSIDE
        for c, h, t in zip(frame["culture"], frame["heritage"], cl2_topic)
    ]
    return frame


def funding_counts(projects: pd.DataFrame) -> dict:
    """Counts and shares of the culture x AI overlap (shares in per cent)."""
    n_all = len(projects)
    culture = projects[projects["culture"]]
    outside = projects[~projects["culture"]]
    heritage = projects[projects["heritage"]]
    counts = {
        "n_all": n_all,
        "n_culture": len(culture),
        "n_heritage": len(heritage),
        "n_ai": int(projects["ai"].sum()),
        "n_both": int(projects["both"].sum()),
        "n_heritage_ai": int((heritage["ai"]).sum()),
        "n_arts_ai": int((projects["arts"] & projects["ai"]).sum()),
        "n_co_funded": int((culture["segment"] == SEGMENT_CO_FUNDED).sum()),
        "n_both_co_funded": int((culture["segment"].eq(SEGMENT_CO_FUNDED) & culture["ai"]).sum()),
        "n_no_call_year": int(projects["call_year"].isna().sum()),
    }
    counts["share_ai_all"] = _percent(counts["n_ai"], n_all)
    counts["share_ai_culture"] = _percent(counts["n_both"], len(culture))
    counts["share_ai_outside"] = _percent(int(outside["ai"].sum()), len(outside))
    counts["share_ai_heritage"] = _percent(counts["n_heritage_ai"], len(heritage))
    return counts


def _percent(part: int, total: int) -> float:
    return float("nan") if not total else part / total * 100.0


def culture_by_call_year(projects: pd.DataFrame, year_start: int, year_end: int) -> pd.DataFrame:
    """Culture-cluster projects per call year and segment, with how many are classified as AI."""
    culture = projects[projects["culture"] & projects["call_year"].between(year_start, year_end)]
    if culture.empty:
        return pd.DataFrame(columns=["call_year", "segment", "projects", "ai_projects"])
    grouped = culture.groupby(["call_year", "segment"], sort=True).agg(
        projects=("projectID", "size"), ai_projects=("ai", "sum")).reset_index()
    grouped["ai_projects"] = grouped["ai_projects"].astype(int)
    grouped["call_year"] = grouped["call_year"].astype(int)
    order = {s: i for i, s in enumerate(SEGMENTS)}
    grouped = grouped.assign(_o=grouped["segment"].map(order)).sort_values(["call_year", "_o"]).drop(columns="_o")
    return grouped.reset_index(drop=True)


def ai_share_by_call_year(projects: pd.DataFrame, year_start: int, year_end: int) -> pd.DataFrame:
    """Share of projects classified as AI per call year, inside and outside Cluster 2."""
    frame = projects[projects["call_year"].between(year_start, year_end)]
    rows = []
    for (year, culture), group in frame.groupby(["call_year", "culture"], sort=True):
        rows.append({"call_year": int(year), "group": "Cluster 2 (culture)" if culture else "rest of Horizon Europe",
                     "projects": len(group), "ai_projects": int(group["ai"].sum()),
                     "ai_percent": _percent(int(group["ai"].sum()), len(group))})
    return pd.DataFrame(rows, columns=["call_year", "group", "projects", "ai_projects", "ai_percent"])


def overlap_topics(projects: pd.DataFrame, extra_topics=()) -> pd.DataFrame:
    """Topics with at least one project in both culture and AI (plus ``extra_topics``).

    For each: projects in the topic, how many are in the overlap, call year, segment.
    Sorted by overlap projects (descending), then call year and topic code.
    """
    wanted = set(projects.loc[projects["both"], "topic"]) | set(extra_topics)
    frame = projects[projects["topic"].isin(wanted)]
    if frame.empty:
        return pd.DataFrame(columns=["topic", "topic_title", "call_year", "segment", "projects", "overlap_projects"])
    grouped = frame.groupby("topic", sort=True).agg(
        topic_title=("topic_title", "first"), call_year=("call_year", "first"),
        segment=("segment", lambda s: s.mode().sort_values().iloc[0]),
        projects=("projectID", "size"), overlap_projects=("both", "sum")).reset_index()
    grouped["overlap_projects"] = grouped["overlap_projects"].astype(int)
    grouped = grouped.sort_values(["overlap_projects", "call_year", "topic"], ascending=[False, True, True],
                                  kind="mergesort")
    return grouped.reset_index(drop=True)


AI_IN_TITLE = r"artificial intelligence|\bAI\b|machine learning|algorithm"


def ai_titled_topics(projects: pd.DataFrame, pattern: str = AI_IN_TITLE) -> pd.DataFrame:
    """Culture-cluster topics whose title names AI, with how many of their projects the labels call AI."""
    culture = projects[projects["culture"]]
    named = culture[culture["topic_title"].fillna("").str.contains(pattern, case=False, regex=True)]
    if named.empty:
        return pd.DataFrame(columns=["topic", "topic_title", "call_year", "segment", "projects", "ai_projects"])
    grouped = named.groupby("topic", sort=True).agg(
        topic_title=("topic_title", "first"), call_year=("call_year", "first"),
        segment=("segment", lambda s: s.mode().sort_values().iloc[0]),
        projects=("projectID", "size"), ai_projects=("ai", "sum")).reset_index()
    grouped["ai_projects"] = grouped["ai_projects"].astype(int)
    return grouped.sort_values(["call_year", "topic"], kind="mergesort").reset_index(drop=True)


def locate_project(projects: pd.DataFrame, euroscivoc: pd.DataFrame, legal_basis: pd.DataFrame,
                   project_id: int) -> dict | None:
    """Where one project sits in the classification (None when the project is not in the file)."""
    rows = projects[projects["projectID"] == project_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    titles = dict(zip(legal_basis["legal_basis_code"], legal_basis["title"]))
    codes = [c for c in str(row["legal_basis_codes"] or "").split(";") if c]
    fields = sorted(euroscivoc.loc[euroscivoc["projectID"] == project_id, "euroSciVocPath"].dropna().astype(str))
    same_topic = projects[projects["topic"] == row["topic"]]
    year = row["call_year"]
    same_year_segment = projects[(projects["segment"] == row["segment"]) & (projects["call_year"] == year)] \
        if not pd.isna(year) else projects.iloc[0:0]
    return {
        "project_id": int(project_id),
        "topic": str(row["topic"]), "topic_title": str(row["topic_title"]),
        "call_year": None if pd.isna(year) else int(year),
        "legal_basis": [(c, titles.get(c, "title not in the lookup")) for c in codes],
        "euroscivoc": fields,
        "culture": bool(row["culture"]), "heritage": bool(row["heritage"]), "ai": bool(row["ai"]),
        "segment": str(row["segment"]),
        "projects_in_topic": int(len(same_topic)),
        "ai_projects_in_topic": int(same_topic["ai"].sum()),
        "projects_in_segment_year": int(len(same_year_segment)),
    }


def consortium_countries(consortium: pd.DataFrame, params: ReportParams) -> dict[str, list[str]]:
    """Partners listed with a country (one page lists countries), by selected country name."""
    listed = consortium.dropna(subset=["listed_country"])
    result = {}
    for code in params.countries:
        name = country_name(code)
        names = sorted(set(listed.loc[listed["listed_country"] == name, "listed_name"].astype(str)))
        result[code] = names
    return result
