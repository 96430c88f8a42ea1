"""AI adoption by enterprises and people, and the ICT specialists behind it.

Eurostat datasets: ``isoc_eb_ai`` (enterprises using AI, 10+ employees),
``isoc_eb_ain2`` (the same by economic activity; here NACE J, information and
communication), ``isoc_ai_iaiu`` / ``isoc_ai_iaiuxr`` (individuals using
generative AI, and why others do not) and ``isoc_sks_itspt`` (ICT specialists),
with World Bank population for rates per inhabitant.

Every function takes the tidy frames of :func:`ai_culture_report.data.load`
(``indicator, unit, geo, year, breakdown, value, flag, ...``), keeps missing
values missing and never hard-codes a country: who is "selected" and which
aggregate is the reference come from the caller.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from . import measures
from .data import expand_breakdown
from .params import AGGREGATES, country_name, is_country_code

# --- Codes and labels -------------------------------------------------------------------------------------------

ANY_AI = "E_AI_TANY"
CONSIDERED = "E_AI_EC"
OWN_DEVELOPED = "E_AI_ADOWN"
CREATIVE_TECHNOLOGY = "E_AI_TPVSG"

# The AI technologies of the enterprise survey, in Eurostat's order (short labels for chart panels).
TECHNOLOGIES = {
    "E_AI_TTM": "Text mining",
    "E_AI_TSR": "Speech recognition",
    "E_AI_TNLG": "Natural language generation",
    "E_AI_TIR": "Image recognition",
    "E_AI_TML": "Machine learning for data analysis",
    "E_AI_TPA": "Process automation, decision support",
    "E_AI_TAR": "Autonomous movement of machines",
    CREATIVE_TECHNOLOGY: "Generating pictures, video or sound",
}

# How many technologies an enterprise combines.
DEPTH = {
    "E_AI_TGE2": "Two or more AI technologies",
    "E_AI_TGE3": "Three or more AI technologies",
    "E_AI_TX": "No AI technology",
}

# Individuals' use of generative AI (isoc_ai_iaiu): purpose, denominator and age group.
GENAI_PREFIX = "Use of generative AI tools: "
PURPOSES = {
    "in the last 3 months": "any purpose",
    "for private purposes": "private purposes",
    "for professional (work) purposes": "work",
    "for formal education": "formal education",
}
REASON_PREFIX = "Reason for not using generative AI tools: "
DENOMINATORS = {
    "Percentage of individuals": "individuals",
    "Percentage of individuals who used internet in the last 3 months": "internet users",
    "Percentage of individuals who have used any generative AI tools in the last 3 months": "generative-AI users",
    "Percentage of individuals who have not used any generative AI tools in the last 3 months": "non-users",
}
AGE_GROUPS = {
    "All individuals": "all individuals",
    "Individuals, 16 to 24 years old": "aged 16–24",
}

# The registry name of the population dataset the rates per inhabitant divide by.
POPULATION_SOURCE = "worldbank_population_total_eu_eea_2010_2024"

ICT_SHARE_UNIT = "PC_EMP"
ICT_THOUSANDS_UNIT = "THS_PER"

BREAK_FLAG = "b"
LOW_RELIABILITY_FLAG = "u"


# --- Names and roles --------------------------------------------------------------------------------------------

def geo_name(code: str) -> str:
    """A readable name for a Eurostat geo code (country or known aggregate); the code itself otherwise."""
    if code in AGGREGATES or is_country_code(code):
        return country_name(code)
    return code


def role_of(code: str, selected: Sequence[str], aggregate: str) -> str:
    if code in selected:
        return "selected"
    if code == aggregate:
        return "aggregate"
    return "other" if is_country_code(code) else "other aggregate"


def with_roles(frame: pd.DataFrame, selected: Sequence[str], aggregate: str) -> pd.DataFrame:
    """Add ``name`` and ``role`` (selected / aggregate / other / other aggregate) to a tidy frame."""
    out = frame.copy()
    out["name"] = out["geo"].map(geo_name).astype(object)
    out["role"] = out["geo"].map(lambda g: role_of(g, selected, aggregate)).astype(object)
    return out


def has_flag(flags: pd.Series, letter: str) -> pd.Series:
    """True where Eurostat's observation flag contains ``letter`` (e.g. b = break in series)."""
    return flags.astype(object).map(lambda f: isinstance(f, str) and letter in f).astype(bool)


# --- Filtering --------------------------------------------------------------------------------------------------

def select(frame: pd.DataFrame, indicator: str | None = None, unit: str | None = None,
           year_start: int | None = None, year_end: int | None = None, **breakdown: str) -> pd.DataFrame:
    """Rows of one indicator (and unit, year range, breakdown keys such as ``nace_r2="J"``), plain dtypes.

    Breakdown values are matched after :func:`ai_culture_report.data.expand_breakdown`.
    """
    out = frame
    if indicator is not None:
        out = out[out["indicator"] == indicator]
    if unit is not None:
        out = out[out["unit"] == unit]
    if year_start is not None:
        out = out[out["year"] >= year_start]
    if year_end is not None:
        out = out[out["year"] <= year_end]
    if breakdown:
        out = expand_breakdown(out.reset_index(drop=True))
        for key, value in breakdown.items():
            column = out[key] if key in out.columns else pd.Series(pd.NA, index=out.index)
            out = out[column.astype(object) == value]
    return tidy(out)


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """``indicator, geo, year, value, flag`` with plain dtypes (int years, float values), sorted."""
    out = pd.DataFrame({
        "indicator": [str(v) for v in frame["indicator"]],
        "geo": [str(v) for v in frame["geo"]],
        "year": pd.array([int(v) for v in frame["year"]], dtype="int64"),
        "value": pd.array([float(v) for v in frame["value"]], dtype="float64"),
        "flag": [v if isinstance(v, str) and v else None for v in frame["flag"].astype(object)],
    })
    return out.sort_values(["indicator", "geo", "year"], kind="stable").reset_index(drop=True)


def latest_year(frame: pd.DataFrame, year_end: int | None = None) -> int | None:
    """The most recent year with data (not after ``year_end``), or None when there is none."""
    years = frame["year"] if year_end is None else frame.loc[frame["year"] <= year_end, "year"]
    return int(years.max()) if len(years) else None


def countries_only(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["geo"].map(is_country_code).astype(bool)]


# --- Breaks in series -------------------------------------------------------------------------------------------

def breaks(frame: pd.DataFrame, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The rows Eurostat flags as a break in series (``b``), optionally only for ``codes``."""
    flagged = frame[has_flag(frame["flag"], BREAK_FLAG)]
    if codes is not None:
        flagged = flagged[flagged["geo"].isin(list(codes))]
    return flagged[["geo", "year"]].drop_duplicates().sort_values(["geo", "year"]).reset_index(drop=True)


def describe_breaks(flagged: pd.DataFrame) -> list[str]:
    """'Sweden (2023)' for each country with a flagged break, years joined."""
    parts = []
    for geo, group in flagged.groupby("geo", sort=True):
        years = ", ".join(str(int(y)) for y in sorted(group["year"].unique()))
        parts.append(f"{geo_name(geo)} ({years})")
    return parts


# --- Change, rank, comparison -----------------------------------------------------------------------------------

def change_between(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Per geo: the values in ``start`` and ``end``, the change in points, the ratio and the annual growth.

    ``break_in_between`` is True when a year after ``start`` up to ``end`` carries a break flag, so the
    change mixes two survey methods. Geos without both years are left out.
    """
    rows = []
    for geo, group in frame.groupby("geo", sort=True):
        first = group[group["year"] == start]
        last = group[group["year"] == end]
        if first.empty or last.empty:
            continue
        v0, v1 = float(first["value"].iloc[0]), float(last["value"].iloc[0])
        between = group[(group["year"] > start) & (group["year"] <= end)]
        rows.append({
            "geo": geo, "start_year": start, "end_year": end, "start_value": v0, "end_value": v1,
            "pp_change": measures.pp_change(v0, v1), "ratio": measures.ratio_change(v0, v1),
            "annual_growth_percent": measures.cagr(v0, v1, end - start),
            "break_in_between": bool(has_flag(between["flag"], BREAK_FLAG).any()),
        })
    columns = ["geo", "start_year", "end_year", "start_value", "end_value", "pp_change", "ratio",
               "annual_growth_percent", "break_in_between"]
    return pd.DataFrame(rows, columns=columns)


def ranks_each_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank of every country (aggregates excluded) within each year, 1 = highest value, with the peer count."""
    countries = countries_only(frame).dropna(subset=["value"]).copy()
    if countries.empty:
        return countries.assign(rank=pd.Series(dtype=int), n_ranked=pd.Series(dtype=int))
    countries["rank"] = measures.ranks_by_year(countries).astype(int)
    countries["n_ranked"] = countries.groupby("year")["geo"].transform("count").astype(int)
    return countries.sort_values(["year", "rank", "geo"]).reset_index(drop=True)


def rank_in(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Countries ranked in one year (see :func:`ranks_each_year`)."""
    ranked = ranks_each_year(frame[frame["year"] == year])
    return ranked.reset_index(drop=True)


def against_aggregate(frame: pd.DataFrame, aggregate: str) -> pd.DataFrame:
    """Add the aggregate's value in the same year, the gap to it and the specialisation index."""
    reference = frame[frame["geo"] == aggregate].set_index("year")["value"]
    out = frame.copy()
    out["aggregate_value"] = out["year"].map(reference).astype(float)
    out["gap_to_aggregate"] = [measures.gap_to(v, r) for v, r in zip(out["value"], out["aggregate_value"])]
    out["index_to_aggregate"] = [measures.specialisation_index(v, r)
                                 for v, r in zip(out["value"], out["aggregate_value"])]
    return out


def leaders(frame: pd.DataFrame, n: int = 3, exclude: Iterable[str] = ()) -> list[str]:
    """The ``n`` countries with the highest value (ties broken by code), leaving out ``exclude``."""
    exclude = set(exclude)
    countries = countries_only(frame)
    countries = countries[~countries["geo"].isin(exclude)].dropna(subset=["value"])
    ordered = countries.sort_values(["value", "geo"], ascending=[False, True], kind="stable")
    return list(ordered["geo"].head(n))


# --- Enterprises: technologies, considered, own-developed, sector -----------------------------------------------

def technology_frame(technologies: pd.DataFrame, codes: dict[str, str] = TECHNOLOGIES) -> pd.DataFrame:
    """The rows of the given technology indicators with a ``technology`` label, in the order of ``codes``."""
    frame = technologies[technologies["indicator"].isin(list(codes))].copy()
    frame["technology"] = frame["indicator"].map(codes).astype(object)
    frame["order"] = frame["indicator"].map({c: i for i, c in enumerate(codes)}).astype(int)
    return frame.sort_values(["order", "geo", "year"]).reset_index(drop=True)


def most_used_technology(technologies: pd.DataFrame, geo: str, year: int,
                         codes: dict[str, str] = TECHNOLOGIES) -> tuple[str | None, float]:
    """The technology with the highest share of enterprises for ``geo`` in ``year`` (ties: Eurostat order)."""
    frame = technology_frame(technologies, codes)
    frame = frame[(frame["geo"] == geo) & (frame["year"] == year)].dropna(subset=["value"])
    if frame.empty:
        return None, math.nan
    best = frame.sort_values(["value", "order"], ascending=[False, True], kind="stable").iloc[0]
    return str(best["technology"]), float(best["value"])


def adoption_funnel(any_ai: pd.DataFrame, considered: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per geo in ``year``: enterprises using AI, considering it without using it, and developing it in-house.

    Eurostat asks whether an enterprise ever considered AI only of enterprises that use none, and both
    ``considered`` and ``own_developed`` are shares of all enterprises. The derived columns put them over
    the right base: ``considered_share_of_non_users`` (over 100 minus the users) and
    ``own_developed_share_of_users`` (over the users).
    """
    use = any_ai[any_ai["year"] == year].set_index("geo")["value"]
    ec = considered[(considered["indicator"] == CONSIDERED) & (considered["year"] == year)].set_index("geo")["value"]
    own = considered[(considered["indicator"] == OWN_DEVELOPED)
                     & (considered["year"] == year)].set_index("geo")["value"]
    geos = sorted(set(use.index) | set(ec.index) | set(own.index))
    rows = []
    for geo in geos:
        u, c, o = use.get(geo, math.nan), ec.get(geo, math.nan), own.get(geo, math.nan)
        rows.append({
            "geo": geo, "year": year, "using": u, "considered_not_using": c, "own_developed": o,
            "considered_share_of_non_users": measures.share(c, 100.0 - u) if not pd.isna(u) else math.nan,
            "own_developed_share_of_users": measures.share(o, u),
        })
    columns = ["geo", "year", "using", "considered_not_using", "own_developed", "considered_share_of_non_users",
               "own_developed_share_of_users"]
    return pd.DataFrame(rows, columns=columns)


def sector_against_all(sector: pd.DataFrame, all_enterprises: pd.DataFrame) -> pd.DataFrame:
    """Per geo and year: AI use in the sector and in all enterprises, the gap and the ratio between them.

    ``sector_index`` is the sector's share over the whole economy's (2 = twice as common in the sector).
    Only geo-years present in both frames are kept.
    """
    left = sector[["geo", "year", "value", "flag"]].rename(columns={"value": "sector_value", "flag": "sector_flag"})
    right = all_enterprises[["geo", "year", "value", "flag"]].rename(columns={"value": "all_value", "flag": "all_flag"})
    merged = left.merge(right, on=["geo", "year"], how="inner")
    merged["sector_gap"] = [measures.pp_change(a, s) for s, a in zip(merged["sector_value"], merged["all_value"])]
    merged["sector_index"] = [measures.specialisation_index(s, a)
                              for s, a in zip(merged["sector_value"], merged["all_value"])]
    return merged.sort_values(["geo", "year"]).reset_index(drop=True)


# --- People: generative AI --------------------------------------------------------------------------------------

def genai_frame(frame: pd.DataFrame, prefix: str = GENAI_PREFIX) -> pd.DataFrame:
    """Split Eurostat's labels into ``measure`` (purpose or reason), ``denominator`` and ``age_group``.

    Labels not in :data:`DENOMINATORS` / :data:`AGE_GROUPS` keep their original text, so nothing is dropped.
    """
    out = expand_breakdown(frame.reset_index(drop=True))
    measure = out["indicator"].astype(object).map(lambda s: s.removeprefix(prefix))
    if prefix == GENAI_PREFIX:
        measure = measure.map(lambda s: PURPOSES.get(s, s))
    ages = out["ind_type"] if "ind_type" in out.columns else pd.Series(pd.NA, index=out.index)
    result = pd.DataFrame({
        "geo": out["geo"].astype(object).to_numpy(),
        "year": out["year"].astype(int).to_numpy(),
        "measure": measure.to_numpy(),
        "denominator": out["unit"].astype(object).map(lambda s: DENOMINATORS.get(s, s)).to_numpy(),
        "age_group": ages.astype(object).map(lambda s: AGE_GROUPS.get(s, s)).to_numpy(),
        "value": out["value"].astype(float).to_numpy(),
        "flag": out["flag"].astype(object).where(out["flag"].notna(), None).to_numpy(),
    })
    result["low_reliability"] = has_flag(result["flag"], LOW_RELIABILITY_FLAG).to_numpy()
    return result.sort_values(["measure", "denominator", "age_group", "geo"], kind="stable").reset_index(drop=True)


def pick(frame: pd.DataFrame, measure: str, denominator: str, age_group: str) -> pd.DataFrame:
    """One measure, denominator and age group of a :func:`genai_frame`."""
    keep = (frame["measure"] == measure) & (frame["denominator"] == denominator) & (frame["age_group"] == age_group)
    return frame[keep].reset_index(drop=True)


def identical_measures(frame: pd.DataFrame, first: str, second: str, denominator: str = "individuals") -> list[str]:
    """Geos whose values for two measures are equal in every age group: a sign they were not measured apart."""
    found = []
    subset = frame[frame["denominator"] == denominator]
    for geo, group in subset.groupby("geo", sort=True):
        a = group[group["measure"] == first].set_index("age_group")["value"]
        b = group[group["measure"] == second].set_index("age_group")["value"]
        common = sorted(set(a.index) & set(b.index))
        if common and all(abs(a[g] - b[g]) < 1e-9 for g in common):
            found.append(geo)
    return found


# --- ICT specialists --------------------------------------------------------------------------------------------

def ict_per_thousand(ict: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """ICT specialists per 1,000 inhabitants, per geo and year present in both frames.

    ``ict`` holds thousands of persons (unit THS_PER); ``population`` persons.
    """
    thousands = ict[ict["unit"] == ICT_THOUSANDS_UNIT] if "unit" in ict.columns else ict
    left = tidy(thousands)[["geo", "year", "value"]].rename(columns={"value": "ict_thousands"})
    right = tidy(population)[["geo", "year", "value"]].rename(columns={"value": "population"})
    merged = left.merge(right, on=["geo", "year"], how="inner")
    merged["per_thousand"] = [measures.per_thousand(t * 1000.0, p)
                              for t, p in zip(merged["ict_thousands"], merged["population"])]
    return merged.sort_values(["geo", "year"]).reset_index(drop=True)


# --- Scoreboard -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    """One line of a scoreboard: a tidy frame (``geo, value``, optionally ``flag``) for one year."""

    key: str
    label: str
    year: int | None
    frame: pd.DataFrame
    unit: str = "%"
    doubtful: frozenset[str] = frozenset()  # geos whose value the source cannot be trusted on (see the chapter)


def scoreboard(indicators: Sequence[Indicator], codes: Sequence[str], aggregate: str) -> pd.DataFrame:
    """For each indicator and each of ``codes``: value, rank among the countries with data, aggregate, index.

    A country without a value gets a row with ``value`` NaN and no rank, so gaps stay visible; a value in
    ``Indicator.doubtful`` is kept and ranked but marked ``doubtful`` so summaries can leave it aside.
    """
    rows = []
    for order, indicator in enumerate(indicators):
        frame = indicator.frame
        countries = countries_only(frame).dropna(subset=["value"]).copy()
        countries["rank"] = measures.rank_among(countries["value"])
        ranks = countries.set_index("geo")["rank"]
        values = frame.dropna(subset=["value"]).set_index("geo")["value"]
        reference = float(values.get(aggregate, math.nan))
        for geo in codes:
            value = float(values.get(geo, math.nan))
            rank = ranks.get(geo, pd.NA)
            rows.append({
                "order": order, "indicator": indicator.key, "label": indicator.label, "year": indicator.year,
                "unit": indicator.unit, "geo": geo, "value": value,
                "rank": None if pd.isna(rank) else int(rank), "n_ranked": int(len(countries)),
                "aggregate_value": reference, "gap_to_aggregate": measures.gap_to(value, reference),
                "index_to_aggregate": measures.specialisation_index(value, reference),
                "doubtful": geo in indicator.doubtful,
            })
    columns = ["order", "indicator", "label", "year", "unit", "geo", "value", "rank", "n_ranked",
               "aggregate_value", "gap_to_aggregate", "index_to_aggregate", "doubtful"]
    board = pd.DataFrame(rows, columns=columns)
    board["rank"] = board["rank"].astype("Int64")
    board["doubtful"] = board["doubtful"].astype(bool)  # a boolean mask even with no rows
    return board


# --- Private investment in AI (CSET via Our World in Data) ------------------------------------------------------

# OWID's column names in the CSET file: recorded amounts, and OWID's projections (equal to the data where both exist).
INVESTMENT_COLUMN = "All"
PROJECTED_COLUMN = "All (projected) (Projected)"
# ISO 3166 alpha-2 codes that Eurostat writes differently.
_ISO_TO_EUROSTAT = {"GR": "EL", "GB": "UK"}


def geo_of_iso3(code) -> str | None:
    """The report's geo code (Eurostat style: EL for Greece, UK for the United Kingdom) for an ISO3 code.

    None for OWID's own aggregates (``OWID_EUR``...) and anything pycountry does not know.
    """
    import pycountry

    if not isinstance(code, str) or len(code) != 3:
        return None
    country = pycountry.countries.get(alpha_3=code.upper())
    if country is None:
        return None
    return _ISO_TO_EUROSTAT.get(country.alpha_2, country.alpha_2)


def investment_per_inhabitant(investment: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Private investment in AI per inhabitant, per country and year: recorded amounts and projections.

    ``investment`` is OWID's CSET file (``Code`` ISO3, ``Year``, :data:`INVESTMENT_COLUMN`,
    :data:`PROJECTED_COLUMN`); ``population`` a tidy frame of persons by Eurostat-style geo code.
    A recorded amount is divided by the population of the same year and kept only where both exist.
    A year with a projection but no recorded amount gives a row with ``projected`` True, divided by the
    latest population not after that year (``population_year`` says which). Aggregates are left out.
    Columns: ``geo, year, investment, population, population_year, value, projected``.
    """
    columns = ["geo", "year", "investment", "population", "population_year", "value", "projected"]
    frame = investment.copy()
    frame["geo"] = frame["Code"].astype(object).map(geo_of_iso3)
    frame = frame[frame["geo"].notna()]
    frame = frame[frame["geo"].map(is_country_code).astype(bool)]
    people = tidy(population)[["geo", "year", "value"]].rename(columns={"value": "population"})
    people = people[people["geo"].map(is_country_code).astype(bool)].dropna(subset=["population"])
    people = people[people["population"] > 0].drop_duplicates(["geo", "year"])  # one population per year
    def amount(column: str) -> list[float]:  # OWID's columns may hold pd.NA in an object column
        return [math.nan if pd.isna(v) else float(v) for v in frame.get(column, [pd.NA] * len(frame))]

    amounts = pd.DataFrame({"geo": frame["geo"].astype(str), "year": frame["Year"].astype("int64"),
                            "recorded": amount(INVESTMENT_COLUMN), "projection": amount(PROJECTED_COLUMN)})
    has_record = amounts["recorded"].notna()
    recorded = amounts[has_record].merge(people, on=["geo", "year"], how="inner")
    recorded = recorded.assign(investment=recorded["recorded"], population_year=recorded["year"], projected=False)
    # A projection is divided by the latest population not after its year (merge_asof: the nearest earlier key).
    projections = amounts[~has_record & amounts["projection"].notna()].sort_values("year", kind="stable")
    earlier = people.rename(columns={"year": "population_year"}).sort_values("population_year", kind="stable")
    projected = pd.merge_asof(projections, earlier, left_on="year", right_on="population_year", by="geo",
                              direction="backward").dropna(subset=["population"])
    projected = projected.assign(investment=projected["projection"], projected=True)
    rows = pd.concat([recorded, projected], ignore_index=True)
    rows["value"] = rows["investment"] / rows["population"]
    out = rows.reindex(columns=columns)
    out["year"] = out["year"].astype("int64")
    out["population_year"] = out["population_year"].astype("int64")
    out["value"] = out["value"].astype(float)
    out["projected"] = out["projected"].astype(bool)
    return out.sort_values(["geo", "year"]).reset_index(drop=True)


# --- Findings shared by the chapters: the latest values against the aggregate, change, coverage ------------------

@dataclass(frozen=True)
class Latest:
    """The selected countries' values in one year (largest first), the aggregate's, and how many are above it.

    Computed once and read by the text, the chart title and the chart, so they cannot disagree.
    """

    year: int | None
    values: tuple[tuple[str, float], ...] = ()
    aggregate: float = math.nan
    n_above: int = 0

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def leader(self) -> tuple[str | None, float]:
        return self.values[0] if self.values else (None, math.nan)

    @property
    def has_aggregate(self) -> bool:
        return not pd.isna(self.aggregate)

    def value(self, geo: str) -> float:
        return dict(self.values).get(geo, math.nan)


def value_in(frame: pd.DataFrame, geo: str, year: int | None) -> float:
    """The value of ``geo`` in ``year`` (NaN when there is none)."""
    if year is None:
        return math.nan
    rows = frame[(frame["geo"] == geo) & (frame["year"] == year)]
    return float(rows["value"].iloc[0]) if len(rows) else math.nan


def latest_against(frame: pd.DataFrame, selected: Sequence[str], aggregate: str, year: int | None = None) -> Latest:
    """:class:`Latest` for ``year`` (default: the latest year in ``frame``)."""
    year = latest_year(frame) if year is None else year
    if year is None:
        return Latest(None)
    rows = frame[frame["geo"].isin(list(selected)) & (frame["year"] == year)].dropna(subset=["value"])
    rows = rows.sort_values(["value", "geo"], ascending=[False, True], kind="stable")
    reference = value_in(frame, aggregate, year)
    above = 0 if pd.isna(reference) else int((rows["value"] > reference).sum())
    return Latest(year, tuple((str(g), float(v)) for g, v in zip(rows["geo"], rows["value"])), reference, above)


def coverage(frame: pd.DataFrame, selected: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The selected codes with a value in ``frame``, and those without, in the parameters' order."""
    present, missing = measures.coverage(frame, list(selected))
    return tuple(present), tuple(missing)


@dataclass(frozen=True)
class ChangeSummary:
    """Change over a period across the European countries with both years: how many rose, the largest rises."""

    first: int
    last: int
    n_countries: int
    n_rose: int
    top_points: dict
    top_ratio: dict


def change_summary(change: pd.DataFrame, first: int, last: int) -> ChangeSummary | None:
    """From :func:`change_between`: the country with the largest rise in points and the largest relative rise."""
    countries = countries_only(change)
    if countries.empty or first == last:
        return None
    order = dict(ascending=[False, True], kind="stable")
    top_pp = countries.sort_values(["pp_change", "geo"], **order).iloc[0].to_dict()
    top_ratio = countries.sort_values(["ratio", "geo"], **order).iloc[0].to_dict()
    return ChangeSummary(first, last, len(countries), int((countries["pp_change"] > 0).sum()), top_pp, top_ratio)


def survey_gaps(years) -> list[int]:
    """The years missing between the first and the last survey year."""
    years = sorted({int(y) for y in years})
    return [y for y in range(years[0], years[-1] + 1) if y not in years] if years else []


def span_text(years) -> str:
    """'2021–2025', '2025', or 'no year'."""
    years = sorted({int(y) for y in years})
    if not years:
        return "no year"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def most_common(items: Sequence[str]) -> tuple[str | None, int]:
    """The most frequent item (ties: alphabetical) and its count."""
    if not items:
        return None, 0
    best = max(sorted(set(items)), key=list(items).count)
    return best, list(items).count(best)


def top_measure_per_geo(frame: pd.DataFrame) -> dict[str, str]:
    """Per geo, the ``measure`` with the highest value (ties: alphabetical)."""
    tops = {}
    for geo, group in frame.groupby("geo", sort=True):
        tops[str(geo)] = str(group.sort_values(["value", "measure"], ascending=[False, True]).iloc[0]["measure"])
    return tops


def latest_indicator(frame: pd.DataFrame, key: str, label: str, unit: str = "%",
                     doubtful: frozenset[str] = frozenset()) -> Indicator | None:
    """A scoreboard line for the latest year of ``frame`` (None without data)."""
    year = latest_year(frame)
    if year is None:
        return None
    return Indicator(key, label, year, frame[frame["year"] == year][["geo", "value"]], unit=unit, doubtful=doubtful)


MIN_PEERS_FOR_RANK = 10  # below this, a rank among the few countries with data says little


def scoreboard_summary(board: pd.DataFrame, selected: Sequence[str]) -> pd.DataFrame:
    """Per selected country with comparable values: strongest and weakest indicator as a multiple of the aggregate.

    ``board`` is a :func:`scoreboard`; doubtful values are left aside. Columns: ``geo, strongest, strongest_index,
    strongest_rank, weakest, weakest_index, n_above, n_compared``.
    """
    usable = board[~board["doubtful"] & board["geo"].isin(list(selected))].dropna(subset=["index_to_aggregate"])
    rows = []
    for geo in selected:
        mine = usable[usable["geo"] == geo]
        if mine.empty:
            continue
        ordered = mine.sort_values(["index_to_aggregate", "order"], ascending=[False, True], kind="stable")
        top, bottom = ordered.iloc[0], ordered.iloc[-1]
        ranked = top["n_ranked"] >= MIN_PEERS_FOR_RANK and pd.notna(top["rank"])
        rows.append({"geo": geo, "strongest": top["label"], "strongest_index": float(top["index_to_aggregate"]),
                     "strongest_rank": int(top["rank"]) if ranked else None, "n_ranked": int(top["n_ranked"]),
                     "weakest": bottom["label"], "weakest_index": float(bottom["index_to_aggregate"]),
                     "n_above": int((mine["index_to_aggregate"] > 1).sum()), "n_compared": len(mine)})
    columns = ["geo", "strongest", "strongest_index", "strongest_rank", "n_ranked", "weakest", "weakest_index",
               "n_above", "n_compared"]
    return pd.DataFrame(rows, columns=columns)


# --- Statistics Iceland's own figures (scope 1+ employees: never compared with Eurostat's 10+) --------------------

ICELAND = "IS"  # the one country whose statistics office published its own figures (the Statistics Iceland table)
ICELAND_SIZES = {"GE1": "1 or more employees", "1-9": "1–9 employees", "GE250": "250 or more employees"}
_BOUND = re.compile(r"\s*\((lower|upper) bound of the range given\)$")


def iceland_rows(frame: pd.DataFrame, year_start: int, year_end: int) -> pd.DataFrame:
    """Statistics Iceland's figures in the years, one row per measure and size class, in the file's order.

    Where the release gives a range (a lower and an upper bound), the two rows become one with ``share`` '28–29'.
    Columns: ``year, what, size, share, low, high``.
    """
    columns = ["year", "what", "size", "share", "low", "high"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = expand_breakdown(frame[frame["geo"] == ICELAND].reset_index(drop=True))
    frame = frame[frame["year"].between(year_start, year_end)]
    groups: dict[tuple, dict] = {}
    for record in frame.to_dict("records"):
        what = _BOUND.sub("", str(record["indicator"]))
        size = str(record.get("size_emp", ""))
        key = (int(record["year"]), what, size)
        entry = groups.setdefault(key, {"year": key[0], "what": what[:1].upper() + what[1:],
                                        "size": ICELAND_SIZES.get(size, size), "values": []})
        entry["values"].append(float(record["value"]))
    rows = []
    for entry in groups.values():
        low, high = min(entry["values"]), max(entry["values"])
        share = f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
        rows.append({"year": entry["year"], "what": entry["what"], "size": entry["size"], "share": share,
                     "low": low, "high": high})
    return pd.DataFrame(rows, columns=columns)


def investment_frames(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int | None]:
    """Recorded amounts, projections after the last recorded year, and that year (None without data)."""
    if frame.empty:
        return frame, frame, None
    recorded = frame[~frame["projected"]].assign(flag=None)
    year = latest_year(recorded)
    projected = frame[frame["projected"] & (frame["year"] > (year or 0))]
    return recorded, projected, year
