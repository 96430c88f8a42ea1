"""Cultural employment (Eurostat cult_emp_*): series, growth, gender and age profiles, rankings.

The snapshot joins two database vintages (2011–2018 and 2019–2022) and the EU
aggregate changes from EU28 to EU27_2020 at the junction. Every function here
keeps the vintages apart: lines break at the junction and growth is measured
within one vintage only.
"""

from __future__ import annotations

import pandas as pd

from . import measures
from .data import vintage_segments
from .params import ReportParams, country_name, is_country_code

# Earlier compositions that stand in for an aggregate in years it was not yet published.
AGGREGATE_PREDECESSORS = {"EU27_2020": ["EU28"]}


def aggregate_codes(aggregate: str) -> list[str]:
    return [aggregate, *AGGREGATE_PREDECESSORS.get(aggregate, [])]


def label_geo(code: str) -> str:
    return country_name(code) if (is_country_code(code) or code in ("EU27_2020", "EU28", "EA")) else code


def share_series(share: pd.DataFrame, params: ReportParams) -> pd.DataFrame:
    """Selected countries and the comparison aggregate (or its predecessor) per year, by vintage."""
    frame = share.assign(segment=vintage_segments(share))
    aggregates = aggregate_codes(params.comparison_aggregate)
    keep = frame["geo"].isin([*params.countries, *aggregates])
    keep &= frame["year"].between(params.year_start, params.year_end)
    frame = frame[keep].copy()
    frame["role"] = frame["geo"].map(lambda g: "aggregate" if g in aggregates else "selected")
    frame["name"] = frame["geo"].map(label_geo)
    frame["series"] = frame["name"] + " (" + frame["segment"] + ")"
    columns = ["geo", "name", "role", "year", "value", "flag", "segment", "series"]
    return frame[columns].sort_values(["role", "geo", "year"]).reset_index(drop=True)


def latest_year(frame: pd.DataFrame, codes, year_end: int) -> int | None:
    """The most recent year (not after ``year_end``) in which all ``codes`` present in the data have a value."""
    subset = frame[frame["geo"].isin(codes) & (frame["year"] <= year_end)]
    if subset.empty:
        return None
    present = subset["geo"].nunique()
    counts = subset.groupby("year")["geo"].nunique()
    complete = counts[counts == present]
    return int(complete.index.max()) if not complete.empty else int(counts.index.max())


def ranking(share: pd.DataFrame, params: ReportParams, year: int) -> pd.DataFrame:
    """Every European country with a value in ``year``, ranked (1 = largest share)."""
    frame = share[(share["year"] == year) & share["geo"].map(is_country_code).astype(bool)].copy()
    frame["rank"] = measures.rank_among(frame["value"])
    frame["name"] = frame["geo"].map(country_name)
    frame["role"] = frame["geo"].map(lambda g: "selected" if g in params.countries else "other")
    return frame[["geo", "name", "role", "year", "value", "flag", "rank"]].sort_values("rank").reset_index(drop=True)


def growth_within_vintages(levels: pd.DataFrame, codes) -> pd.DataFrame:
    """Change of cultural employment from the first to the last year of each vintage."""
    frame = levels[levels["geo"].isin(codes)].assign(segment=vintage_segments(levels))
    rows = []
    for (geo, segment), group in frame.groupby(["geo", "segment"], sort=True):
        group = group.sort_values("year")
        first, last = group.iloc[0], group.iloc[-1]
        years = int(last["year"] - first["year"])
        rows.append({
            "geo": geo, "name": label_geo(geo), "segment": segment,
            "start_year": int(first["year"]), "end_year": int(last["year"]),
            "start_thousands": first["value"], "end_thousands": last["value"],
            "change_percent": measures.percent_change(first["value"], last["value"]),
            "annual_growth_percent": measures.cagr(first["value"], last["value"], years),
        })
    return pd.DataFrame(rows, columns=GROWTH_COLUMNS)


GROWTH_COLUMNS = ["geo", "name", "segment", "start_year", "end_year", "start_thousands", "end_thousands",
                  "change_percent", "annual_growth_percent"]


def female_share(by_sex: pd.DataFrame, codes, year: int) -> pd.DataFrame:
    """Women's share of cultural employment (from thousands of women and men) in ``year``."""
    levels = by_sex[(by_sex["unit"] == "THS_PER") & (by_sex["year"] == year) & by_sex["geo"].isin(codes)]
    wide = levels.pivot_table(index="geo", columns="indicator", values="value", aggfunc="first")
    female = wide.get("cultural_employment_persons_female")
    male = wide.get("cultural_employment_persons_male")
    if female is None or male is None:
        return pd.DataFrame(columns=["geo", "name", "year", "women_thousands", "men_thousands", "women_percent"])
    result = pd.DataFrame({"women_thousands": female, "men_thousands": male}).dropna().reset_index()
    result["women_percent"] = [measures.share(f, f + m) for f, m in zip(result.women_thousands, result.men_thousands)]
    result["name"] = result["geo"].map(label_geo)
    result["year"] = year
    order = [c for c in codes if c in set(result["geo"])]
    result = result.set_index("geo").loc[order].reset_index()
    return result[["geo", "name", "year", "women_thousands", "men_thousands", "women_percent"]]


AGE_GROUPS = {"Y15-29": "15–29", "Y30-39": "30–39", "Y40-49": "40–49", "Y50-59": "50–59",
              "Y60-64": "60–64", "Y_GE65": "65 and over"}


def age_profile(by_age: pd.DataFrame, codes, year: int) -> pd.DataFrame:
    """Distribution of cultural employment across age groups, in per cent of the total, in ``year``."""
    prefix = "cultural_employment_persons_age_"
    frame = by_age[(by_age["unit"] == "THS_PER") & (by_age["year"] == year) & by_age["geo"].isin(codes)].copy()
    frame["age"] = frame["indicator"].str.removeprefix(prefix)
    totals = frame[frame["age"] == "TOTAL"].set_index("geo")["value"]
    groups = frame[frame["age"].isin(AGE_GROUPS)].copy()
    groups["age_group"] = groups["age"].map(AGE_GROUPS)
    groups["percent_of_cultural_employment"] = [
        measures.share(v, totals.get(g)) for v, g in zip(groups["value"], groups["geo"])
    ]
    groups["name"] = groups["geo"].map(label_geo)
    groups["low_reliability"] = groups["flag"].fillna("").str.contains("u")
    columns = ["geo", "name", "year", "age_group", "value", "percent_of_cultural_employment", "low_reliability"]
    return groups.rename(columns={"value": "thousands"})[
        [c if c != "value" else "thousands" for c in columns]
    ].reset_index(drop=True)
