"""Report parameters: which countries, against which aggregate, over which years.

Parameter files live in ``params/``; notebooks receive the values from papermill
and validate them here, so a typo in a country code fails with a clear message.
Country names come from pycountry (ISO 3166), translated from Eurostat's codes.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass
from pathlib import Path

import pycountry
import yaml

from .data import snapshot_date
from .errors import ParameterError

# Eurostat geo codes that differ from ISO 3166-1 alpha-2, and Kosovo (no ISO code).
_EUROSTAT_TO_ISO = {"EL": "GR", "UK": "GB"}
_NAMES_NOT_IN_ISO = {"XK": "Kosovo"}

# Aggregates a chapter can compare against, with the label readers see.
AGGREGATES = {
    "EU27_2020": "EU27 (2020 composition)",
    "EU28": "EU28 (2013–2020 composition)",
    "EA": "Euro area",
    "EA20": "Euro area (20 countries)",
}

# One short name per aggregate, for running text and chart labels ("against the EU27").
AGGREGATE_SHORT_NAMES = {"EU27_2020": "EU27", "EU28": "EU28", "EA": "euro area",
                         "EA19": "euro area (19 countries)", "EA20": "euro area (20 countries)"}

EARLIEST_YEAR = 2000
# The synthesis compares the selection with random groups of countries: how many groups, drawn with which seed.
DEFAULT_RANDOM_DRAWS = 10_000
DEFAULT_RANDOM_SEED = 20261201


def country_name(code: str) -> str:
    """The English short name of a country given its Eurostat geo code."""
    if code in AGGREGATES:
        return AGGREGATES[code]
    if code in _NAMES_NOT_IN_ISO:
        return _NAMES_NOT_IN_ISO[code]
    country = pycountry.countries.get(alpha_2=_EUROSTAT_TO_ISO.get(code, code))
    if country is None:
        raise ParameterError(f"Unknown country code {code!r}: use Eurostat geo codes such as DK, EL, UK.")
    return getattr(country, "common_name", None) or country.name


def eurostat_code(iso_code: str) -> str:
    """The Eurostat geo code of an ISO 3166-1 alpha-2 code (GR -> EL, GB -> UK)."""
    reverse = {iso: eurostat for eurostat, iso in _EUROSTAT_TO_ISO.items()}
    return reverse.get(iso_code, iso_code)


def local_country_name(code: str, language: str) -> str:
    """A country's name in another language (pycountry's ISO 3166 translations)."""
    import gettext

    english = country_name(code)
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return english
    iso = pycountry.countries.get(alpha_2=_EUROSTAT_TO_ISO.get(code, code))
    if iso is None:
        return english
    for candidate in (getattr(iso, "common_name", None), iso.name):
        if candidate and translation.gettext(candidate) != candidate:
            return translation.gettext(candidate)
    return translation.gettext(iso.name)


def is_country_code(code: str) -> bool:
    try:
        country_name(code)
    except ParameterError:
        return False
    return code not in AGGREGATES


def short_name(code: str) -> str:
    """'EU27' for EU27_2020, 'euro area' for EA; a country's own name otherwise."""
    return AGGREGATE_SHORT_NAMES.get(code) or country_name(code)


def join_names(names: list[str] | tuple[str, ...], conjunction: str = "and") -> str:
    """'Denmark, Finland and Sweden' for a list of names."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


@dataclass(frozen=True)
class ReportParams:
    region_name: str
    region_short: str
    countries: tuple[str, ...]
    comparison_aggregate: str
    year_start: int
    year_end: int
    # The date the report speaks from: it decides whether a call is open or closed and whether a
    # project runs or has ended. None means the snapshot's date (:func:`data.snapshot_date`).
    as_of: str | None = None
    random_draws: int = DEFAULT_RANDOM_DRAWS
    random_groups_seed: int = DEFAULT_RANDOM_SEED

    @property
    def as_of_date(self) -> _dt.date:
        return _dt.date.fromisoformat(self.as_of) if self.as_of else snapshot_date()

    @property
    def country_names(self) -> dict[str, str]:
        return {code: country_name(code) for code in self.countries}

    @property
    def aggregate_name(self) -> str:
        return country_name(self.comparison_aggregate)

    @property
    def aggregate_short(self) -> str:
        return short_name(self.comparison_aggregate)

    def names_of(self, codes) -> str:
        return join_names([country_name(c) for c in codes])

    def as_dict(self) -> dict:
        values = asdict(self)
        values["countries"] = list(self.countries)
        return values


def _valid_countries(countries) -> list[str]:
    """The country codes, upper-cased, or a ParameterError that says what to write instead."""
    if isinstance(countries, str):
        countries = [c.strip() for c in countries.split(",") if c.strip()]
    if any(isinstance(c, bool) for c in (countries or [])):
        raise ParameterError(
            "A country code in 'countries' was read as true/false: YAML reads a bare NO (Norway) as false. "
            'Quote the codes, e.g. countries: ["DK", "FI", "IS", "NO", "SE"].'
        )
    countries = [str(c).strip().upper() for c in (countries or [])]
    if not countries:
        raise ParameterError("The parameter 'countries' is empty: name at least one Eurostat country code.")
    duplicates = sorted({c for c in countries if countries.count(c) > 1})
    if duplicates:
        raise ParameterError(f"The parameter 'countries' lists {', '.join(duplicates)} more than once.")
    unknown = [c for c in countries if not is_country_code(c)]
    if unknown:
        raise ParameterError(
            f"Unknown country code(s) in 'countries': {', '.join(unknown)}. "
            "Use Eurostat geo codes (two letters, e.g. DK, FI, IS, NO, SE; EL for Greece, UK for the United Kingdom)."
        )
    return countries


def _check_years(year_start, year_end) -> None:
    this_year = _dt.date.today().year
    for label, value in (("year_start", year_start), ("year_end", year_end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ParameterError(f"The parameter {label!r} must be a whole year, not {value!r}.")
        if not EARLIEST_YEAR <= value <= this_year:
            raise ParameterError(
                f"The parameter {label!r} = {value} is outside the possible range {EARLIEST_YEAR}–{this_year}."
            )
    if year_start > year_end:
        raise ParameterError(f"Impossible year range: year_start {year_start} is after year_end {year_end}.")


def validate(
    countries,
    comparison_aggregate: str = "EU27_2020",
    year_start: int = 2011,
    year_end: int = 2025,
    region_name: str | None = None,
    region_short: str | None = None,
    as_of=None,
    random_draws: int = DEFAULT_RANDOM_DRAWS,
    random_groups_seed: int = DEFAULT_RANDOM_SEED,
) -> ReportParams:
    """Check parameter values and return them as :class:`ReportParams`."""
    countries = _valid_countries(countries)
    if comparison_aggregate not in AGGREGATES:
        raise ParameterError(
            f"Unknown comparison aggregate {comparison_aggregate!r}; choose one of {', '.join(AGGREGATES)}."
        )
    _check_years(year_start, year_end)
    as_of = _valid_as_of(as_of)
    for label, value, lowest in (("random_draws", random_draws, 1), ("random_groups_seed", random_groups_seed, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            raise ParameterError(f"The parameter {label!r} must be a whole number of at least {lowest}, not {value!r}.")
    names = [country_name(c) for c in countries]
    global _LAST_VALIDATED
    _LAST_VALIDATED = ReportParams(
        region_name=region_name or join_names(names),
        region_short=region_short or (region_name or "selected"),
        countries=tuple(countries),
        comparison_aggregate=comparison_aggregate,
        year_start=year_start,
        year_end=year_end,
        as_of=as_of,
        random_draws=random_draws,
        random_groups_seed=random_groups_seed,
    )
    return _LAST_VALIDATED


def _valid_as_of(value) -> str | None:
    """``as_of`` as an ISO date string (a date, or text such as "2026-12-01"), or None for the snapshot's date."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ParameterError(f"The parameter 'as_of' = {value!r} is not a date: write it as YYYY-MM-DD.") from None


_LAST_VALIDATED: ReportParams | None = None


def last_validated() -> ReportParams | None:
    """The parameters a notebook validated last: the book it is computing (its charts cite that book)."""
    return _LAST_VALIDATED


def group_label(params: ReportParams) -> str:
    """'Nordic countries'; 'selected countries' when no short region name is given; and for a single
    country 'selected countries (Iceland)', since 'Icelandic countries' would name a group that is not there."""
    if len(params.countries) == 1:
        return f"selected countries ({country_name(params.countries[0])})"
    return f"{params.region_short} countries" if params.region_short not in ("", "selected") else "selected countries"


PARAMETER_KEYS = ("region_name", "region_short", "countries", "comparison_aggregate", "year_start", "year_end",
                  "as_of")
# Keys a parameter file may set but need not: they have defaults, and only the synthesis reads them.
OPTIONAL_KEYS = ("random_draws", "random_groups_seed")


def load_params(path: Path | str) -> ReportParams:
    """Read and validate a parameter file (YAML)."""
    path = Path(path)
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ParameterError(f"The parameter file {path} does not exist.") from None
    except yaml.YAMLError as error:
        raise ParameterError(f"The parameter file {path} is not valid YAML: {error}") from None
    if not isinstance(values, dict):
        raise ParameterError(f"The parameter file {path} must be a mapping of names to values.")
    unknown = sorted(set(values) - set(PARAMETER_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        known = ", ".join(PARAMETER_KEYS + OPTIONAL_KEYS)
        raise ParameterError(
            f"The parameter file {path} has unknown key(s) {', '.join(unknown)}; known keys: {known}."
        )
    if "countries" not in values:
        raise ParameterError(f"The parameter file {path} does not say which 'countries' to report on.")
    return validate(**values)
