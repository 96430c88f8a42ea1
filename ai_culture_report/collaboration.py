"""Research collaboration in Horizon 2020: co-participation, affinity, trend and the quadruple helix.

The CORDIS extract holds every participation in every Horizon 2020 project
that has at least one partner from a set of *extract countries* (the Nordic
countries in the report's snapshot). A project is "shared" by two countries
when both have at least one beneficiary (coordinator or participant) in it;
third parties (role ``partner`` in this old CORDIS schema) are left out.

The affinity index compares how often two countries share projects with what
their total collaboration predicts: observed ÷ expected, where country i's
links are expected to spread over the other countries in proportion to their
share of all links not involving i (all counted in the same country × country
matrix); 1 means "as often as their overall collaboration predicts". Because the file
only holds projects with a partner from the extract countries, the index for a
pair of extract countries is a lower bound of what the full programme data
would show (their link totals are complete, the grand total is not), and for
other countries it describes collaboration within projects that have a partner
from the extract countries.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from . import measures

ACTIVITY_TYPES = {
    "HES": "Higher education",
    "REC": "Research organisations",
    "PRC": "Private companies",
    "PUB": "Public bodies",
    "OTH": "Other (incl. civil society)",
}
# Short names for charts and plural nouns for sentences.
SHORT_NAMES = {"HES": "Higher education", "REC": "Research org.", "PRC": "Companies", "PUB": "Public bodies",
               "OTH": "Other / civil society"}
NOUNS = {"HES": "higher-education institutions", "REC": "research organisations", "PRC": "private companies",
         "PUB": "public bodies", "OTH": "other organisations (the group that includes civil society)"}
# The quadruple helix: academia, industry, government and civil society.
HELIX = {"HES": "academia", "REC": "academia", "PRC": "industry", "PUB": "government",
         "OTH": "civil society and other"}
BENEFICIARY_ROLES = ("coordinator", "participant")


def beneficiaries(participations: pd.DataFrame) -> pd.DataFrame:
    """Participations of coordinators and participants (third parties, role ``partner``, are left out)."""
    return participations[participations["role"].isin(BENEFICIARY_ROLES)]


def project_countries(participations: pd.DataFrame) -> pd.DataFrame:
    """One row per project and participating country, sorted."""
    pairs = participations[["project_rcn", "country"]].dropna().drop_duplicates()
    return pairs.sort_values(["project_rcn", "country"]).reset_index(drop=True)


def co_participation(pairs: pd.DataFrame) -> pd.DataFrame:
    """Country × country matrix of the number of projects both countries take part in.

    The diagonal holds each country's number of projects. Rows and columns are
    sorted by country code.
    """
    from scipy import sparse

    countries = sorted(pairs["country"].unique())
    projects = sorted(pairs["project_rcn"].unique())
    rows = pd.Index(projects).get_indexer(pairs["project_rcn"])
    columns = pd.Index(countries).get_indexer(pairs["country"])
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(projects), len(countries)))
    incidence.data[:] = 1.0  # a project counts once per country
    matrix = np.rint((incidence.T @ incidence).toarray()).astype(np.int64)  # diagonal: own projects
    return pd.DataFrame(matrix, index=countries, columns=countries)


def link_totals(matrix: pd.DataFrame) -> pd.Series:
    """Each country's collaboration links: the row sum without the diagonal."""
    values = matrix.to_numpy(dtype=float)
    return pd.Series(values.sum(axis=1) - np.diag(values), index=matrix.index)


def expected_links(matrix: pd.DataFrame) -> pd.DataFrame:
    """Expected shared projects of row country i with column country j (diagonal NaN).

    Country i's links spread over the other countries in proportion to their
    share of all links that do not involve i: E_ij = L_i × L_j ÷ (L − L_i),
    where L_i is i's total links and L the sum of every country's links. With
    identical countries the expectation equals the observation (index 1). The
    matrix is not symmetric: each row is read from that country's side.
    """
    totals = link_totals(matrix).to_numpy()
    grand = totals.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = grand - totals
        expected = np.where(rest[:, None] > 0, np.outer(totals, totals) / rest[:, None], np.nan)
    np.fill_diagonal(expected, np.nan)
    return pd.DataFrame(expected, index=matrix.index, columns=matrix.columns)


def affinity(matrix: pd.DataFrame) -> pd.DataFrame:
    """Observed ÷ expected shared projects, row country's view (1 = as often as the link totals predict)."""
    expected = expected_links(matrix).to_numpy()
    observed = matrix.to_numpy(dtype=float).copy()
    np.fill_diagonal(observed, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan)
    return pd.DataFrame(result, index=matrix.index, columns=matrix.columns)


def block_affinity(matrix: pd.DataFrame, codes) -> dict:
    """Shared projects within ``codes`` against the expectation, over every ordered pair, and their ratio.

    ``observed`` and ``expected`` are halved so that they count projects shared
    by a pair once; the index is their ratio.
    """
    codes = [c for c in codes if c in matrix.index]
    if len(codes) < 2:
        return {"observed": np.nan, "expected": np.nan, "index": np.nan, "pairs": 0}
    expected = expected_links(matrix).loc[codes, codes].to_numpy()
    observed = matrix.loc[codes, codes].to_numpy(dtype=float).copy()
    np.fill_diagonal(observed, 0.0)
    total_observed = observed.sum() / 2
    total_expected = np.nansum(expected) / 2
    return {"observed": total_observed, "expected": total_expected,
            "index": measures.specialisation_index(total_observed, total_expected),
            "pairs": len(codes) * (len(codes) - 1) // 2}


def pair_affinity(matrix: pd.DataFrame, codes) -> pd.DataFrame:
    """Symmetric affinity of each pair of ``codes``: shared projects ÷ the mean of the two countries' expectations."""
    codes = [c for c in codes if c in matrix.index]
    expected = expected_links(matrix)
    result = pd.DataFrame(np.nan, index=codes, columns=codes)
    for a in codes:
        for b in codes:
            if a != b:
                mean_expected = (expected.loc[a, b] + expected.loc[b, a]) / 2
                result.loc[a, b] = measures.specialisation_index(float(matrix.loc[a, b]), mean_expected)
    return result


def main_partners(matrix: pd.DataFrame, codes, n: int = 8) -> list[str]:
    """The ``n`` countries outside ``codes`` that share most projects with them (ties by code)."""
    codes = [c for c in codes if c in matrix.index]
    if not codes:
        return []
    shared = matrix.loc[codes].drop(columns=codes, errors="ignore").sum(axis=0)
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [country for country, value in ranked[:n] if value > 0]


def projects_without(pairs: pd.DataFrame, codes) -> int:
    """Number of projects with no participant from ``codes`` (0 when the extract's rule holds)."""
    has = pairs.assign(hit=pairs["country"].isin(list(codes))).groupby("project_rcn")["hit"].any()
    return int((~has).sum())


def regional_trend(pairs: pd.DataFrame, start_year: pd.Series, codes) -> pd.DataFrame:
    """Per project start year: projects with a partner from ``codes``, those with partners from two or more
    of them, and that share in per cent."""
    selected = pairs[pairs["country"].isin(list(codes))]
    per_project = selected.groupby("project_rcn")["country"].nunique()
    frame = pd.DataFrame({"countries": per_project})
    frame["year"] = frame.index.map(start_year)
    frame = frame.dropna(subset=["year"])
    frame["year"] = frame["year"].astype(int)
    grouped = frame.groupby("year")["countries"]
    result = pd.DataFrame({"projects": grouped.size(), "cross_border": grouped.apply(lambda s: int((s >= 2).sum()))})
    result["share"] = [measures.share(c, p) for c, p in zip(result["cross_border"], result["projects"])]
    return result.reset_index().sort_values("year").reset_index(drop=True)


def cross_border_projects(pairs: pd.DataFrame, codes) -> list:
    """Projects with beneficiaries from two or more of ``codes`` (sorted)."""
    selected = pairs[pairs["country"].isin(list(codes))]
    counts = selected.groupby("project_rcn")["country"].nunique()
    return sorted(counts.index[counts >= 2])


def helix_mix(participations: pd.DataFrame, codes) -> pd.DataFrame:
    """Organisation types of the ``codes`` countries' participations, in all their projects and in the
    cross-border projects among them (shares in per cent of each group's participations)."""
    selected = participations[participations["country"].isin(list(codes))]
    cross = set(cross_border_projects(project_countries(participations), codes))
    groups = {"all projects": selected, "cross-border projects": selected[selected["project_rcn"].isin(cross)]}
    rows = []
    for group, frame in groups.items():
        counts = frame["activity_type"].value_counts()
        total = int(counts.sum())
        for code, label in ACTIVITY_TYPES.items():
            n = int(counts.get(code, 0))
            rows.append({"group": group, "activity_type": code, "type_name": label, "helix": HELIX[code],
                         "participations": n, "share": measures.share(n, total),
                         "projects": int(frame["project_rcn"].nunique())})
    return pd.DataFrame(rows)


def border_bridges(participations: pd.DataFrame, codes) -> pd.DataFrame:
    """Which organisation types link two of the ``codes`` countries in the same project.

    For every project, a bridge between types x and y exists when an x-type
    beneficiary from one country and a y-type beneficiary from another of the
    countries take part. Returns one row per unordered type pair with the
    number of projects that have it, sorted by that number (ties by type codes).
    """
    order = {code: i for i, code in enumerate(ACTIVITY_TYPES)}
    selected = participations[participations["country"].isin(list(codes))][
        ["project_rcn", "country", "activity_type"]].dropna().drop_duplicates()
    pairs = selected.merge(selected, on="project_rcn", suffixes=("_a", "_b"))
    pairs = pairs[pairs["country_a"] < pairs["country_b"]]  # two different countries, each pair once
    if pairs.empty:
        return pd.DataFrame(columns=["type_a", "type_b", "projects"])
    rank_a = pairs["activity_type_a"].map(lambda t: (order.get(t, 99), t))
    rank_b = pairs["activity_type_b"].map(lambda t: (order.get(t, 99), t))
    first = [a if ra <= rb else b for a, b, ra, rb in
             zip(pairs["activity_type_a"], pairs["activity_type_b"], rank_a, rank_b)]
    second = [b if ra <= rb else a for a, b, ra, rb in
              zip(pairs["activity_type_a"], pairs["activity_type_b"], rank_a, rank_b)]
    links = pd.DataFrame({"project_rcn": pairs["project_rcn"].to_numpy(), "type_a": first, "type_b": second})
    counts = links.drop_duplicates().groupby(["type_a", "type_b"]).size().rename("projects").reset_index()
    counts["key"] = counts["type_a"].map(lambda t: order.get(t, 99)) * 100 + counts["type_b"].map(
        lambda t: order.get(t, 99))
    counts = counts.sort_values(["projects", "key", "type_a", "type_b"], ascending=[False, True, True, True])
    return counts.drop(columns="key").reset_index(drop=True)


def bridging_types(participations: pd.DataFrame, codes) -> pd.DataFrame:
    """Per organisation type: in how many cross-border projects (two or more of ``codes``) it takes part.

    In such a project every beneficiary from one of the countries works with a
    beneficiary from another of them, so presence is enough to count as a bridge.
    """
    cross = cross_border_projects(project_countries(participations), codes)
    selected = participations[participations["country"].isin(list(codes)) & participations["project_rcn"].isin(cross)]
    present = selected.groupby("activity_type")["project_rcn"].nunique()
    rows = [{"activity_type": code, "type_name": label, "projects": int(present.get(code, 0)),
             "share": measures.share(int(present.get(code, 0)), len(cross)), "order": i}
            for i, (code, label) in enumerate(ACTIVITY_TYPES.items())]
    frame = pd.DataFrame(rows)
    return frame.sort_values(["projects", "order"], ascending=[False, True]).drop(columns="order").reset_index(drop=True)
