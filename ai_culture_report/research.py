"""AI research output, R&D capacity, Horizon 2020 participation and students' use of generative AI.

The functions take the tidy frames that :func:`ai_culture_report.data.load` returns
and never fill a gap: a country or year without a value stays absent (or NaN), so
the chapter can name it as missing.

Three properties of the sources shape what can be computed here:

* OpenAlex counts a work once for every country among its authors' institutions
  (whole counting). Summing countries therefore counts a co-authored work more than
  once, and the file has no de-duplicated European or world total: a "share of the
  European total" is a share of the sum of the European countries' whole counts.
* The CORDIS extract holds every Horizon 2020 participation in the projects that
  have at least one participant from the file's scope countries (the Nordic
  countries). A country outside that scope appears only through its projects with
  such a partner.
* The CORDIS extract identifies organisations by PIC only. The Research Council of
  Norway's list names Norwegian organisations but carries grant ids and Norwegian
  organisation numbers, not PICs; :func:`link_organisation_names` links the two
  only where an exact match is unambiguous.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from . import data, measures
from .params import ReportParams, country_name, is_country_code

PUBLICATIONS = "openalex_ai_publications_by_country"
POPULATION = "worldbank_population_total_eu_eea_2010_2024"

# OpenAlex returns ISO 3166-1 codes; the report uses Eurostat's.
ISO_TO_EUROSTAT = {"GR": "EL", "GB": "UK"}

# Member states of the EU27 (2020 composition), Eurostat codes.
EU27_MEMBERS = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)
# "Europe" in this chapter: the EU27, the EFTA states and the United Kingdom.
EUROPE = (*EU27_MEMBERS, "IS", "LI", "NO", "CH", "UK")

AI_INDICATOR = "Artificial intelligence"

# Horizon 2020 types of organisation (CORDIS activity types), in the order the chapter shows them.
ORGANISATION_TYPES = {
    "HES": "Higher education",
    "REC": "Research organisation",
    "PRC": "Company",
    "PUB": "Public body",
    "OTH": "Other (incl. civil society)",
}
UNIVERSITY_TYPE = "HES"

# The countries whose participation selects a project into the CORDIS extract
# ("projects with at least one Nordic partner"); checked against the data by
# :func:`scope_coverage`.
CORDIS_SCOPE = ("DK", "FI", "IS", "NO", "SE")

GENAI_EDUCATION = "for formal education"
GENAI_UNIT = "Percentage of individuals"
AGE_GROUPS = {"ind_type=All individuals": "All individuals (16–74)",
              "ind_type=Individuals, 16 to 24 years old": "Aged 16–24"}


def geo_label(code: str) -> str:
    """A readable name for a country or aggregate code; the code itself if it is unknown."""
    try:
        return country_name(code)
    except Exception:  # noqa: BLE001 - unknown codes are shown as they are
        return code


# --------------------------------------------------------------------------------------------
# AI publications (OpenAlex)
# --------------------------------------------------------------------------------------------

def ai_publications(openalex: pd.DataFrame, indicator: str = AI_INDICATOR) -> pd.DataFrame:
    """Works per country and year for one OpenAlex concept, with Eurostat geo codes."""
    frame = openalex[openalex["indicator"].str.contains(indicator, regex=False)].copy()
    frame["geo"] = frame["geo"].map(lambda g: ISO_TO_EUROSTAT.get(g, g))
    frame = frame.dropna(subset=["value"])
    frame["value"] = frame["value"].astype(float)
    return frame[["geo", "year", "value"]].sort_values(["geo", "year"]).reset_index(drop=True)


def years_in_window(frame: pd.DataFrame, year_start: int, year_end: int) -> tuple[int, int] | None:
    """First and last year of ``frame`` inside the report's window, or None when there is none."""
    years = frame.loc[frame["year"].between(year_start, year_end), "year"]
    if years.empty:
        return None
    return int(years.min()), int(years.max())


def with_population(frame: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Add the population of the same country and year and the value per million inhabitants."""
    people = population[["geo", "year", "value"]].rename(columns={"value": "population"})
    merged = frame.merge(people, on=["geo", "year"], how="left")
    merged["per_million"] = [measures.per_million(v, p) for v, p in zip(merged["value"], merged["population"])]
    return merged


def european_sum(publications: pd.DataFrame, europe=EUROPE) -> pd.DataFrame:
    """Per year: the sum of the European countries' whole counts and how many countries it covers."""
    frame = publications[publications["geo"].isin(europe)]
    out = frame.groupby("year").agg(value=("value", "sum"), countries=("geo", "nunique")).reset_index()
    return out


def share_of_european_sum(publications: pd.DataFrame, codes, year: int, europe=EUROPE) -> dict[str, float]:
    """Each code's share (%) of the European sum in ``year``, plus ``"combined"`` for all codes together."""
    totals = european_sum(publications, europe)
    total = totals.loc[totals["year"] == year, "value"]
    total = float(total.iloc[0]) if len(total) else math.nan
    result = {}
    combined = 0.0
    found = False
    for code in codes:
        value = measures.value_at(publications, code, year)
        result[code] = measures.share(value, total)
        if not math.isnan(value):
            combined += value
            found = True
    result["combined"] = measures.share(combined, total) if found else math.nan
    return result


def growth(publications: pd.DataFrame, codes, first: int, last: int) -> pd.DataFrame:
    """Works in ``first`` and ``last`` year, percentage change and compound annual growth per code."""
    rows = []
    for code in codes:
        start = measures.value_at(publications, code, first)
        end = measures.value_at(publications, code, last)
        rows.append({"geo": code, "name": geo_label(code), "first_year": first, "last_year": last,
                     "works_first_year": start, "works_last_year": end,
                     "change_percent": measures.percent_change(start, end),
                     "annual_growth_percent": measures.cagr(start, end, last - first)})
    return pd.DataFrame(rows, columns=["geo", "name", "first_year", "last_year", "works_first_year",
                                       "works_last_year", "change_percent", "annual_growth_percent"])


EUROPE_SUM_LABEL = "European countries (sum)"


def europe_growth(publications: pd.DataFrame, first: int, last: int) -> dict:
    """Growth of the sum of the European countries' whole counts, as a row like :func:`growth`'s."""
    total = european_sum(publications).set_index("year")["value"]
    start, end = float(total.get(first, math.nan)), float(total.get(last, math.nan))
    return {"geo": "EUROPE", "name": EUROPE_SUM_LABEL, "first_year": first, "last_year": last,
            "works_first_year": start, "works_last_year": end,
            "change_percent": measures.percent_change(start, end),
            "annual_growth_percent": measures.cagr(start, end, last - first)}


def leader(per_capita: pd.DataFrame, year: int, codes) -> str | None:
    """The code with the most per million inhabitants in ``year`` (None if none has a value)."""
    mine = per_capita[(per_capita["year"] == year) & per_capita["geo"].isin(list(codes))
                      & per_capita["per_million"].notna()]
    return mine.sort_values(["per_million", "geo"], ascending=[False, True])["geo"].iloc[0] if len(mine) else None


def without_population(per_capita: pd.DataFrame, first: int, last: int) -> list[str]:
    """European countries with counts but no population figure in any year from ``first`` to ``last``."""
    window = per_capita[per_capita["year"].between(first, last) & per_capita["geo"].isin(EUROPE)]
    return sorted(set(window["geo"]) - set(window.dropna(subset=["per_million"])["geo"]))


def per_capita_ranking(per_capita: pd.DataFrame, year: int, selected) -> pd.DataFrame:
    """Every country with works and population in ``year``, ranked by works per million (1 = most)."""
    frame = per_capita[(per_capita["year"] == year) & per_capita["per_million"].notna()].copy()
    frame = frame[frame["geo"].map(is_country_code).astype(bool)]
    frame["rank"] = measures.rank_among(frame["per_million"])
    frame["name"] = frame["geo"].map(geo_label)
    frame["role"] = frame["geo"].map(lambda g: "selected" if g in set(selected) else "other")
    frame = frame.sort_values(["rank", "name"])
    return frame[["geo", "name", "role", "year", "value", "population", "per_million", "rank"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# R&D expenditure (UNESCO via OWID) and text-quoted GERD headlines
# --------------------------------------------------------------------------------------------

def rd_series(rd: pd.DataFrame, codes, aggregate: str, year_start: int, year_end: int) -> pd.DataFrame:
    """R&D expenditure (% of GDP) of the codes and the aggregate inside the window."""
    keep = rd["geo"].isin([*codes, aggregate]) & rd["year"].between(year_start, year_end)
    frame = rd.loc[keep, ["geo", "year", "value"]].copy()
    frame["name"] = frame["geo"].map(geo_label)
    frame["role"] = frame["geo"].map(lambda g: "aggregate" if g == aggregate else "selected")
    return frame.sort_values(["role", "geo", "year"]).reset_index(drop=True)


def latest_common_year(frame: pd.DataFrame, codes) -> int | None:
    """The latest year in which every code present in ``frame`` has a value (else the latest year of any)."""
    subset = frame[frame["geo"].isin(codes)]
    if subset.empty:
        return None
    present = subset["geo"].nunique()
    counts = subset.groupby("year")["geo"].nunique()
    complete = counts[counts == present]
    return int(complete.index.max()) if len(complete) else int(counts.index.max())


def rd_gaps(rd: pd.DataFrame, codes, aggregate: str, year: int) -> pd.DataFrame:
    """Each code's R&D intensity in ``year`` and its gap to the aggregate (percentage points)."""
    reference = measures.value_at(rd, aggregate, year)
    rows = []
    for code in codes:
        value = measures.value_at(rd, code, year)
        rows.append({"geo": code, "name": geo_label(code), "year": year, "value": value,
                     "aggregate_value": reference, "gap_points": measures.gap_to(value, reference)})
    return pd.DataFrame(rows, columns=["geo", "name", "year", "value", "aggregate_value", "gap_points"])


def rd_latest(rd: pd.DataFrame, codes, aggregate: str, year_start: int, year_end: int):
    """The latest year of the window with R&D values for every present code (None without one) and the codes'
    gaps to the aggregate in it (:func:`rd_gaps`, rows with a value, largest first)."""
    year = latest_common_year(rd_series(rd, codes, aggregate, year_start, year_end), codes)
    if year is None:
        return None, pd.DataFrame(columns=["geo", "name", "year", "value", "aggregate_value", "gap_points"])
    gaps = rd_gaps(rd, codes, aggregate, year).dropna(subset=["value"])
    return year, gaps.sort_values(["value", "geo"], ascending=[False, True]).reset_index(drop=True)


def quotes_after_series(gerd: pd.DataFrame, series_end: int, codes, aggregates, year_start: int,
                        year_end: int) -> pd.DataFrame:
    """Quoted figures for the years after a series ends, inside the window; none unless a code is quoted."""
    quotes = headline_quotes(gerd, codes, aggregates)
    quotes = quotes[(quotes["year"] > series_end) & quotes["year"].between(year_start, year_end)]
    return quotes.reset_index(drop=True) if set(quotes["geo"]) & set(codes) else quotes.iloc[0:0]


def headline_quotes(gerd: pd.DataFrame, codes, aggregates) -> pd.DataFrame:
    """Text-quoted GERD figures for the codes and the aggregate(s): a table of quotes, not a series."""
    frame = gerd[gerd["geo"].isin([*codes, *aggregates])].copy()
    frame["name"] = frame["geo"].map(geo_label)
    frame = frame.rename(columns={"breakdown": "how_quoted", "found_at": "quoted_at"})
    frame = frame.sort_values(["year", "geo", "quoted_at"], ascending=[False, True, True])
    return frame[["year", "geo", "name", "value", "how_quoted", "quoted_at"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Generative AI for formal education (Eurostat isoc_ai_iaiu)
# --------------------------------------------------------------------------------------------

def genai_for_education(genai: pd.DataFrame, codes, aggregate: str) -> pd.DataFrame:
    """Share of individuals (all, and aged 16–24) who used generative AI for formal education."""
    keep = (genai["indicator"].str.contains(GENAI_EDUCATION, regex=False) & (genai["unit"] == GENAI_UNIT)
            & genai["breakdown"].isin(AGE_GROUPS) & genai["geo"].isin([*codes, aggregate]))
    frame = genai.loc[keep, ["geo", "year", "breakdown", "value", "flag"]].copy()
    frame["group"] = frame["breakdown"].map(AGE_GROUPS)
    frame["name"] = frame["geo"].map(geo_label)
    frame["role"] = frame["geo"].map(lambda g: "aggregate" if g == aggregate else "selected")
    frame["low_reliability"] = frame["flag"].fillna("").str.contains("u")
    frame = frame.sort_values(["role", "geo", "group"], ascending=[False, True, True])
    return frame[["geo", "name", "role", "year", "group", "value", "flag", "low_reliability"]].reset_index(drop=True)


def genai_ranking(genai: pd.DataFrame, group_breakdown: str, year: int) -> pd.DataFrame:
    """Countries (no aggregates) ranked by the share using generative AI for formal education."""
    keep = (genai["indicator"].str.contains(GENAI_EDUCATION, regex=False) & (genai["unit"] == GENAI_UNIT)
            & (genai["breakdown"] == group_breakdown) & (genai["year"] == year) & genai["value"].notna())
    frame = genai.loc[keep, ["geo", "value"]].copy()
    frame = frame[frame["geo"].map(is_country_code).astype(bool)]
    frame["rank"] = measures.rank_among(frame["value"])
    return frame.sort_values(["rank", "geo"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Horizon 2020 participations (CORDIS)
# --------------------------------------------------------------------------------------------

def participations(parts: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Participation rows with the project's start year and the EU contribution as a number (NaN if absent)."""
    frame = parts[["project_rcn", "organisation_pic", "role", "activity_type", "ec_contribution_eur", "country"]].copy()
    frame["ec_contribution_eur"] = pd.to_numeric(frame["ec_contribution_eur"], errors="coerce")
    starts = projects[["project_rcn", "start_date"]].copy()
    starts["start_year"] = pd.to_datetime(starts["start_date"]).dt.year.astype("Int64")
    frame = frame.merge(starts[["project_rcn", "start_year"]], on="project_rcn", how="left")
    return frame


BENEFICIARY_ROLES = ("coordinator", "participant")


def beneficiaries(frame: pd.DataFrame) -> pd.DataFrame:
    """Coordinators and participants only: rows with role ``partner`` (third parties in this CORDIS schema,
    never with an EU contribution of their own) are left out."""
    return frame[frame["role"].isin(BENEFICIARY_ROLES)].reset_index(drop=True)


def snapshot_year(vintage: str | None) -> int | None:
    """The year of the first ISO date (YYYY-MM-DD) in a registry vintage string."""
    match = re.search(r"(\d{4})-\d{2}-\d{2}", vintage or "")
    return int(match.group(1)) if match else None


def scope_coverage(frame: pd.DataFrame, scope=CORDIS_SCOPE) -> float:
    """Share (%) of projects with at least one participant from ``scope``."""
    projects = frame["project_rcn"].nunique()
    covered = frame.loc[frame["country"].isin(scope), "project_rcn"].nunique()
    return measures.share(covered, projects)


def country_overview(frame: pd.DataFrame, codes) -> pd.DataFrame:
    """Per code: participations, distinct projects and organisations, EU contribution (EUR)."""
    rows = []
    for code in codes:
        mine = frame[frame["country"] == code]
        contributions = mine["ec_contribution_eur"]
        rows.append({
            "geo": code, "name": geo_label(code), "participations": len(mine),
            "projects": mine["project_rcn"].nunique(), "organisations": mine["organisation_pic"].nunique(),
            "ec_contribution_eur": float(contributions.sum()) if contributions.notna().any() else math.nan,
            "without_contribution": int(contributions.isna().sum()),
            "coordinations": int((mine["role"] == "coordinator").sum()),
        })
    return pd.DataFrame(rows, columns=["geo", "name", "participations", "projects", "organisations",
                                       "ec_contribution_eur", "without_contribution", "coordinations"])


def by_organisation_type(frame: pd.DataFrame, codes) -> pd.DataFrame:
    """Per code and type of organisation: participations and EU contribution, counts and shares (%).

    Every type appears for every code present in the data (zero where a type has no rows), so shares add
    up to 100 per code; codes without any participation are left out.
    """
    rows = []
    for code in codes:
        mine = frame[frame["country"] == code]
        if mine.empty:
            continue
        total_n = len(mine)
        total_ec = mine["ec_contribution_eur"].sum()
        for kind, label in ORGANISATION_TYPES.items():
            rows_kind = mine[mine["activity_type"] == kind]
            ec = float(rows_kind["ec_contribution_eur"].sum())
            rows.append({"geo": code, "name": geo_label(code), "type": kind, "type_name": label,
                         "participations": len(rows_kind),
                         "participation_share": measures.share(len(rows_kind), total_n),
                         "ec_contribution_eur": ec, "ec_share": measures.share(ec, total_ec)})
    return pd.DataFrame(rows, columns=["geo", "name", "type", "type_name", "participations", "participation_share",
                                       "ec_contribution_eur", "ec_share"])


def coordinator_shares(frame: pd.DataFrame, codes, kind: str = UNIVERSITY_TYPE) -> pd.DataFrame:
    """Per code: the share (%) of ``kind`` among the country's coordinations and among its participations."""
    rows = []
    for code in codes:
        mine = frame[frame["country"] == code]
        if mine.empty:
            continue
        coordinators = mine[mine["role"] == "coordinator"]
        rows.append({
            "geo": code, "name": geo_label(code), "coordinations": len(coordinators),
            "coordinations_by_type": int((coordinators["activity_type"] == kind).sum()),
            "share_of_coordinations": measures.share((coordinators["activity_type"] == kind).sum(), len(coordinators)),
            "participations": len(mine),
            "share_of_participations": measures.share((mine["activity_type"] == kind).sum(), len(mine)),
        })
    return pd.DataFrame(rows, columns=["geo", "name", "coordinations", "coordinations_by_type",
                                       "share_of_coordinations", "participations", "share_of_participations"])


def sparse_start_years(frame: pd.DataFrame, last_complete_year: int | None, fraction: float = 0.25) -> list[int]:
    """Complete start years with fewer projects than ``fraction`` of the median complete year.

    In a programme's first months only a handful of projects start; shares computed on them say little.
    """
    years = frame.drop_duplicates("project_rcn")["start_year"].dropna()
    if last_complete_year is not None:
        years = years[years <= last_complete_year]
    counts = years.value_counts().sort_index()
    if counts.empty:
        return []
    threshold = fraction * float(counts.median())
    return [int(y) for y, n in counts.items() if n < threshold]


def trend_by_start_year(frame: pd.DataFrame, codes, last_complete_year: int | None,
                        year_start: int, year_end: int, kind: str = UNIVERSITY_TYPE,
                        exclude_years=()) -> pd.DataFrame:
    """Per code and project start year: participations, those of ``kind`` and their share (%).

    Only start years inside the window, not after ``last_complete_year`` (the snapshot's year: projects
    starting later were still being signed) and not in ``exclude_years`` are kept.
    """
    keep = frame["country"].isin(codes) & frame["start_year"].between(year_start, year_end)
    keep &= ~frame["start_year"].isin(list(exclude_years))
    if last_complete_year is not None:
        keep &= frame["start_year"] <= last_complete_year
    subset = frame[keep]
    rows = []
    for (code, year), group in subset.groupby(["country", "start_year"], sort=True):
        n_kind = int((group["activity_type"] == kind).sum())
        rows.append({"geo": code, "name": geo_label(code), "start_year": int(year), "participations": len(group),
                     "participations_by_type": n_kind, "share": measures.share(n_kind, len(group))})
    return pd.DataFrame(rows, columns=["geo", "name", "start_year", "participations", "participations_by_type",
                                       "share"])


def split_periods(years) -> tuple[list[int], list[int]]:
    """Split sorted years into an earlier and a later half (the middle year, if any, goes to the earlier)."""
    years = sorted(set(int(y) for y in years))
    middle = (len(years) + 1) // 2
    return years[:middle], years[middle:]


def share_by_period(trend: pd.DataFrame, years) -> pd.DataFrame:
    """Per code: the pooled share (%) of the type in ``years`` (participations summed over the years)."""
    subset = trend[trend["start_year"].isin(list(years))]
    grouped = subset.groupby(["geo", "name"], sort=True)[["participations", "participations_by_type"]].sum()
    grouped["share"] = [measures.share(k, n)
                        for k, n in zip(grouped["participations_by_type"], grouped["participations"])]
    return grouped.reset_index()


def link_organisation_names(frame: pd.DataFrame, projects: pd.DataFrame, named: pd.DataFrame,
                            min_matches: int = 2, min_agreement: float = 0.9) -> pd.DataFrame:
    """Names for PICs, from a national list of participations that has names but no PICs.

    A participation in ``frame`` and one in ``named`` (Research Council of Norway layout: contract start and
    end dates as ``dd.mm.yyyy``, ``granted_amount_org_eur``, ``no_organisation_number``,
    ``organisation_name``, ``country``) are matched when the project starts and ends on the same days and
    the organisation's EU contribution is the same to the cent, and this key occurs exactly once on each
    side. A PIC gets a name only if at least ``min_matches`` of its participations match and at least
    ``min_agreement`` of its matches point to the same organisation number. Returns one row per named PIC:
    ``organisation_pic, organisation_name, organisation_number, matches, agreement``.
    """
    columns = ["organisation_pic", "organisation_name", "organisation_number", "matches", "agreement"]
    countries = set(named["country"].dropna())
    left = frame[frame["country"].isin(countries)].merge(
        projects[["project_rcn", "start_date", "end_date"]], on="project_rcn", how="inner")
    left = left.assign(
        start=pd.to_datetime(left["start_date"]).dt.strftime("%Y-%m-%d"),
        end=pd.to_datetime(left["end_date"], errors="coerce").dt.strftime("%Y-%m-%d"),
        cents=pd.to_numeric(left["ec_contribution_eur"], errors="coerce").mul(100).round(),
    ).dropna(subset=["start", "end", "cents"])
    def day(column: str) -> pd.Series:
        return pd.to_datetime(named[column], format="%d.%m.%Y %H:%M", errors="coerce").dt.strftime("%Y-%m-%d")

    right = named.assign(
        start=day("contract_start_date"),
        end=day("contract_end_date"),
        cents=pd.to_numeric(named["granted_amount_org_eur"], errors="coerce").mul(100).round(),
    ).dropna(subset=["start", "end", "cents"])
    key = ["start", "end", "cents"]
    left = left[~left.duplicated(key, keep=False)]
    right = right[~right.duplicated(key, keep=False)]
    matched = left[["organisation_pic", *key]].merge(
        right[["no_organisation_number", "organisation_name", *key]], on=key, how="inner")
    if matched.empty:
        return pd.DataFrame(columns=columns)
    counts = (matched.groupby(["organisation_pic", "no_organisation_number"]).size()
              .rename("n").reset_index())
    totals = counts.groupby("organisation_pic")["n"].transform("sum")
    counts["agreement"] = counts["n"] / totals
    counts["matches"] = totals
    best = counts.sort_values(["organisation_pic", "n", "no_organisation_number"], ascending=[True, False, True])
    best = best.drop_duplicates("organisation_pic")
    best = best[(best["matches"] >= min_matches) & (best["agreement"] >= min_agreement)]
    names = (right.groupby("no_organisation_number")["organisation_name"]
             .agg(lambda s: s.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0]))
    best = best.assign(organisation_name=best["no_organisation_number"].map(names),
                       organisation_number=best["no_organisation_number"])
    return best[columns].sort_values("organisation_pic").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# AI scholarly publications (CSET, via Our World in Data): a second source, never joined to OpenAlex
# --------------------------------------------------------------------------------------------

# OWID's own codes for entities ISO 3166 does not list.
OWID_TO_EUROSTAT = {"OWID_KOS": "XK"}


def iso3_to_eurostat(code) -> str | None:
    """The Eurostat geo code of an ISO 3166-1 alpha-3 (or OWID) code; None for aggregates and unknown codes."""
    import pycountry

    if not isinstance(code, str) or not code:
        return None
    if code in OWID_TO_EUROSTAT:
        return OWID_TO_EUROSTAT[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    return ISO_TO_EUROSTAT.get(country.alpha_2, country.alpha_2)


def cset_publications(cset: pd.DataFrame) -> pd.DataFrame:
    """CSET's AI publications per country and year (``geo, year, value``), Eurostat geo codes.

    Rows without a country code (OWID's and CSET's regional aggregates, the world) are left out, and so are
    missing counts: a country-year without a value stays absent.
    """
    frame = cset.assign(geo=cset["Code"].map(iso3_to_eurostat)).dropna(subset=["geo", "All"])
    frame = frame.assign(year=frame["Year"].astype(int), value=frame["All"].astype(float))
    return frame[["geo", "year", "value"]].sort_values(["geo", "year"]).reset_index(drop=True)


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation of two series on their common, non-missing index (ties: average rank).

    NaN when fewer than three pairs remain or one side has no variation.
    """
    pairs = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    if len(pairs) < 3:
        return math.nan
    ranks = pairs.rank(method="average")
    if ranks["a"].nunique() < 2 or ranks["b"].nunique() < 2:
        return math.nan
    return float(ranks["a"].corr(ranks["b"]))


def _per_million_by_geo(per_capita: pd.DataFrame, year: int, countries) -> pd.Series:
    frame = per_capita[(per_capita["year"] == year) & per_capita["geo"].isin(list(countries))]
    return frame.dropna(subset=["per_million"]).set_index("geo")["per_million"]


def source_agreement(first: pd.DataFrame, second: pd.DataFrame, years, countries=EUROPE) -> pd.DataFrame:
    """Per year: Spearman's rank correlation of two sources' per-million values and the countries it rests on.

    Both frames have ``geo, year, per_million``; only the ``countries`` with a value in both sources that
    year enter. Columns: ``year, countries, spearman``.
    """
    rows = []
    for year in sorted(set(int(y) for y in years)):
        a = _per_million_by_geo(first, year, countries)
        b = _per_million_by_geo(second, year, countries)
        common = sorted(set(a.index) & set(b.index))
        rows.append({"year": year, "countries": len(common), "spearman": spearman(a[common], b[common])})
    return pd.DataFrame(rows, columns=["year", "countries", "spearman"])


def rank_differences(first: pd.DataFrame, second: pd.DataFrame, year: int, selected,
                     countries=EUROPE) -> pd.DataFrame:
    """The selected countries' ranks (1 = most per million) in each source in ``year``, among the countries
    both sources cover that year, and the difference (second minus first; positive = lower in the second).

    Columns: ``geo, name, rank_first, rank_second, difference``; selected countries missing from either
    source are left out (the caller names them).
    """
    a = _per_million_by_geo(first, year, countries)
    b = _per_million_by_geo(second, year, countries)
    common = sorted(set(a.index) & set(b.index))
    rank_a = measures.rank_among(a[common]) if common else pd.Series(dtype=float)
    rank_b = measures.rank_among(b[common]) if common else pd.Series(dtype=float)
    rows = [{"geo": g, "name": geo_label(g), "rank_first": int(rank_a[g]), "rank_second": int(rank_b[g]),
             "difference": int(rank_b[g] - rank_a[g])} for g in selected if g in set(common)]
    return pd.DataFrame(rows, columns=["geo", "name", "rank_first", "rank_second", "difference"])


def common_years(first: pd.DataFrame, second: pd.DataFrame, year_start: int, year_end: int) -> list[int]:
    """Years inside the window in which both sources have per-million values for European countries."""
    def years(frame):
        frame = frame[frame["geo"].isin(EUROPE) & frame["per_million"].notna()]
        return set(frame.loc[frame["year"].between(year_start, year_end), "year"].astype(int))
    return sorted(years(first) & years(second))


def source_comparison(first: pd.DataFrame, second: pd.DataFrame, year_start: int, year_end: int, selected):
    """Spearman's rank correlation per common year, the latest common year (None without one) and the
    selected countries' ranks in it."""
    years = common_years(first, second, year_start, year_end)
    agreement = source_agreement(first, second, years)
    if not years:
        return agreement, None, pd.DataFrame(columns=["geo", "name", "rank_first", "rank_second", "difference"])
    return agreement, years[-1], rank_differences(first, second, years[-1], selected)


# --------------------------------------------------------------------------------------------
# The research indicator of the synthesis
# --------------------------------------------------------------------------------------------

def synthesis_indicators(params: ReportParams) -> pd.DataFrame:
    """AI publications per million inhabitants for every European country with data, in the latest year of
    the OpenAlex file inside the report's window: the synthesis's "AI research output".

    Horizon 2020 participations per inhabitant are deliberately not offered: the CORDIS extract holds every
    participation of its scope countries but only the scope-linked ones of every other country, so such a
    comparison would favour the scope countries by construction (see the research networks chapter).
    Columns: ``geo, dimension, value, unit, year, source``.
    """
    columns = ["geo", "dimension", "value", "unit", "year", "source"]
    publications = ai_publications(data.load(PUBLICATIONS))
    period = years_in_window(publications, params.year_start, params.year_end)
    if period is None:
        return pd.DataFrame(columns=columns)
    per_capita = with_population(publications, data.load(POPULATION))
    latest = per_capita[(per_capita["year"] == period[1]) & per_capita["per_million"].notna()
                        & per_capita["geo"].isin(EUROPE)].sort_values("geo")
    return pd.DataFrame({"geo": latest["geo"], "dimension": "AI research output", "value": latest["per_million"],
                         "unit": "OpenAlex AI works (whole counts) per million inhabitants", "year": period[1],
                         "source": f"{PUBLICATIONS}; {POPULATION}"}, columns=columns).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# The universities chapter's findings per country
# --------------------------------------------------------------------------------------------

# The column headers of :func:`country_summary` (the years are stated under the table).
UNIVERSITY_COLUMNS = {"name": "Country", "works": "AI works (OpenAlex)", "per_million": "AI works per million",
                      "rank": "Rank", "growth": "Growth a year", "share": "Share of Europe",
                      "cset": "CSET per million", "cset_rank": "CSET rank", "rd": "R&D, % of GDP",
                      "genai_young": "GenAI for study, 16–24", "genai_all": "GenAI for study, 16–74"}


def country_summary(codes, ranking: pd.DataFrame, growth_rows: pd.DataFrame, shares: dict,
                    cset_ranking: pd.DataFrame, rd_gaps: pd.DataFrame, genai: pd.DataFrame) -> pd.DataFrame:
    """One row per selected country: OpenAlex works, per million and rank, annual growth, share of the European
    sum, CSET per million and rank (side by side, not joined into one series), R&D intensity and the shares
    using generative AI for formal education. NaN where a source has no value."""
    def pick(frame, column):
        return frame.set_index("geo")[column] if len(frame) else pd.Series(dtype=float)

    young = genai[genai["group"] == AGE_GROUPS["ind_type=Individuals, 16 to 24 years old"]]
    everyone = genai[genai["group"] == AGE_GROUPS["ind_type=All individuals"]]
    sources = {"works": pick(ranking, "value"), "per_million": pick(ranking, "per_million"),
               "rank": pick(ranking, "rank"), "growth": pick(growth_rows, "annual_growth_percent"),
               "cset": pick(cset_ranking, "per_million"), "cset_rank": pick(cset_ranking, "rank"),
               "rd": pick(rd_gaps, "value"), "genai_young": pick(young, "value"), "genai_all": pick(everyone, "value")}
    rows = []
    for code in codes:
        row = {"geo": code, "name": geo_label(code), "share": shares.get(code, math.nan)}
        row.update({key: float(series.get(code, math.nan)) for key, series in sources.items()})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["geo", *UNIVERSITY_COLUMNS])
    return frame.rename(columns=UNIVERSITY_COLUMNS)
