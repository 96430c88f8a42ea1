"""Future professional roles chapter: an open-data version of ekip's emerging-roles method on the
ESCO occupations.

``load(...)`` reads the ESCO files, ``findings(inputs)`` runs the text analysis once and returns every
number, name and list the text glues, and the chart and table functions take the findings. The
analysis does not depend on the selected countries: ESCO is one European classification.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from .. import data
from .. import occupations as occ
from .. import prose, tables
from ..cache import cached
from ..charts import CONTEXT_GREY, PALETTE, colour_name, figure
from ..params import ReportParams, join_names

ESCO_SOURCES = ["esco_v1_1_1_occupations", "esco_v1_1_1_isco_groups"]

# ekip's emerging roles (FACTS.md §2), each described in one sentence by the report team, and the
# words looked up in ESCO to see whether the classification already uses them.
EMERGING_ROLES: dict[str, dict] = {
    "interactive storyteller": {
        "description": ("Interactive storytellers write and design stories that audiences explore and shape, "
                        "combining narrative writing with game design, virtual reality, animation and digital "
                        "media so that the story responds to the choices of each user."),
        "key_terms": ["interactive", "storyteller", "storytelling", "narrative"],
    },
    "AI ethicist": {
        "description": ("AI ethicists assess how artificial intelligence and machine learning systems affect "
                        "people and society, and advise organisations on fairness, transparency, privacy, data "
                        "protection and the responsible use of algorithms."),
        "key_terms": ["artificial intelligence", "ethicist", "ethics", "fairness"],
    },
    "heritage strategist": {
        "description": ("Heritage strategists plan how museums, archives and heritage sites preserve, digitise "
                        "and present their collections, and develop strategies, funding and partnerships that "
                        "connect cultural heritage with communities, tourism and digital audiences."),
        "key_terms": ["heritage", "strategist", "digitise", "digitisation"],
    },
}

# Colour grammar: these groups are categories, not positions against a reference, so they avoid the
# blue and orange that mean above and below; "other occupations" are context grey.
GROUP_COLOURS = {
    occ.GROUP_CREATIVE_DIGITAL: PALETTE[2],
    occ.GROUP_CREATIVE: PALETTE[4],
    occ.GROUP_DIGITAL: PALETTE[3],
    occ.GROUP_OTHER: CONTEXT_GREY,
}
N_BRIDGING = 20


@dataclass
class Analysis:
    """Everything computed once for the chapter."""

    occupations: pd.DataFrame
    texts: pd.Series
    codes: tuple[str, ...]
    creative: np.ndarray
    hits: pd.DataFrame
    ai_reference: np.ndarray
    digital: np.ndarray
    model: occ.TextModel
    topics: occ.Topics
    profile: pd.DataFrame
    n_topics: int
    random_seed: int
    added: pd.DataFrame = field(default_factory=pd.DataFrame)


def analyse(occupations: pd.DataFrame, isco_groups: pd.DataFrame, diff: pd.DataFrame, cci_isco_codes,
            n_topics: int, random_seed: int) -> Analysis:
    """Run the whole text analysis with the chapter's parameters."""
    occupations = occupations.sort_values("esco_uri", kind="mergesort").reset_index(drop=True)
    occupations["preferred_label"] = occupations["preferred_label"].str.strip()
    codes = occ.normalise_isco_codes(cci_isco_codes, known=isco_groups["isco_code"].astype(str))
    texts = occ.corpus_text(occupations)
    creative = occ.cci_mask(occupations["isco_unit_code"], codes).to_numpy()
    hits = occ.term_hits(texts)
    digital = hits["any"].to_numpy() | occ.digital_by_hierarchy(occupations["isco_unit_code"]).to_numpy()
    ai_reference = hits["AI"].to_numpy()
    model = occ.fit_tfidf(texts.map(occ.mark_ai_concepts))
    topics = occ.fit_topics(model, int(n_topics), int(random_seed))
    profile = occ.topic_profile(topics, creative, digital)
    added = diff[diff["change"] == "added_in_v1_1_1"].merge(
        occupations[["esco_uri", "isco_unit_code"]].assign(
            creative=creative, ai_terms=hits["AI"].to_numpy(), data_terms=hits["data"].to_numpy(),
            digital_terms=hits["digital"].to_numpy(), terms=[", ".join(occ.matched_terms(t)) for t in texts]),
        on="esco_uri", how="left", suffixes=("_diff", ""))
    added = added.sort_values("preferred_label", key=lambda s: s.str.lower(), kind="mergesort").reset_index(drop=True)
    return Analysis(occupations=occupations, texts=texts, codes=codes, creative=creative, hits=hits,
                    ai_reference=ai_reference, digital=digital, model=model, topics=topics, profile=profile,
                    n_topics=int(n_topics), random_seed=int(random_seed), added=added)


@dataclass(frozen=True)
class Inputs:
    params: ReportParams
    occupations: pd.DataFrame
    isco_groups: pd.DataFrame
    skills: pd.DataFrame
    diff: pd.DataFrame
    cci_isco_codes: tuple
    n_topics: int
    random_seed: int


def load(params: ReportParams, cci_isco_codes, n_topics: int, random_seed: int) -> Inputs:
    """The ESCO files and the chapter's own parameters; the AI concepts must be ESCO's own labels."""
    occupations, skills = data.load("esco_v1_1_1_occupations"), data.load("esco_skills_labels")
    occ.check_ai_concepts(skills["preferred_label"], occupations["preferred_label"])
    return Inputs(params=params, occupations=occupations, isco_groups=data.load("esco_v1_1_1_isco_groups"),
                  skills=skills, diff=data.load("esco_occupations_diff_v1_0x_to_v1_1_1"),
                  cci_isco_codes=tuple(cci_isco_codes), n_topics=int(n_topics), random_seed=int(random_seed))


@dataclass(frozen=True)
class Findings:
    params: ReportParams
    analysis: Analysis
    shares: pd.DataFrame  # share of occupations and skill labels with AI concepts, data or digital terms
    sensitivity: pd.DataFrame  # the creative and AI/digital topics for three numbers of topics
    bridges: dict  # towards_creative, towards_ai (the bridging occupations)
    roles: list  # ekip's emerging roles and their nearest occupations
    ai_occupations: tuple[str, ...]
    values: dict  # short glued values for the text


def findings(inputs: Inputs) -> Findings:
    return Findings(params=inputs.params, **_text_findings(inputs.occupations, inputs.isco_groups, inputs.diff,
                                                           inputs.skills, inputs.cci_isco_codes, inputs.n_topics,
                                                           inputs.random_seed))


@cached()  # ESCO is one European classification: every variant, and nbval's re-run, reads the same analysis
def _text_findings(occupations, isco_groups, diff, skills, cci_isco_codes, n_topics, random_seed) -> dict:
    a = analyse(occupations, isco_groups, diff, cci_isco_codes, n_topics, random_seed)
    shares = term_shares(a, skills)
    sensitivity = occ.topic_sensitivity(a.model, a.creative, a.digital, occ.sensitivity_values(a.n_topics),
                                        a.random_seed, reference=a.topics, reference_n=a.n_topics)
    bridges = bridging(a, k=N_BRIDGING)
    results = roles(a)
    ai_names = tuple(sorted(a.occupations.loc[a.ai_reference, "preferred_label"], key=str.lower))
    values = {**_corpus_values(a, shares), **_topic_values(a, sensitivity), **_bridge_values(bridges),
              **_role_values(results)}
    return dict(analysis=a, shares=shares, sensitivity=sensitivity, bridges=bridges, roles=results,
                ai_occupations=ai_names, values=values)


def findings_table(f: Findings):
    """The chapter's findings at a glance (shown in the notebook)."""
    v = f.values
    rows = [("ESCO occupations", v["n_occupations"]), ("Creative occupations", v["n_creative"]),
            ("Occupations whose text names an AI concept", join_names(list(f.ai_occupations)) or "none"),
            ("Creative occupations with AI, data or digital terms", v["digital_creative_pct"]),
            ("Other occupations with AI, data or digital terms", v["digital_other_pct"]),
            ("Creative occupation closest to AI work", v["bridge_top"])]
    rows += [(f"Nearest to “{r['role']}”", r["neighbours"]["occupation"].iloc[0]) for r in f.roles if len(r["neighbours"])]
    return tables.table(pd.DataFrame(rows, columns=["finding", "value"]), name="future-roles-findings",
                        title="The chapter's findings at a glance",
                        columns=[tables.Column("finding", "Finding"), tables.Column("value", "Value")],
                        sources=ESCO_SOURCES + ["esco_skills_labels"], compact=True)


def _share(shares: pd.DataFrame, terms: str, population: str, column: str = "percent"):
    row = shares[(shares.terms == terms) & (shares.population == population)]
    return row[column].iloc[0] if len(row) else float("nan")


def _corpus_values(a: Analysis, shares: pd.DataFrame) -> dict[str, str]:
    added = a.added
    added_digital = added[added[["ai_terms", "data_terms", "digital_terms"]].fillna(False).any(axis=1)]
    return {
        "n_occupations": prose.number(len(a.occupations), 0),
        "n_creative": prose.number(int(a.creative.sum()), 0),
        "share_creative": prose.percent(a.creative.mean() * 100),
        "n_codes": str(len(a.codes)),
        "ai_n_all": prose.count_words(int(a.ai_reference.sum())),
        "ai_creative_n": prose.count_words(int((a.creative & a.ai_reference).sum())).replace("zero", "none"),
        "digital_creative_pct": prose.percent(_share(shares, "any of them", "creative occupations")),
        "digital_other_pct": prose.percent(_share(shares, "any of them", "other occupations")),
        "skills_n": prose.number(_share(shares, "AI concepts", "ESCO skill labels", "total"), 0),
        "skills_ai_n": prose.count_words(int(_share(shares, "AI concepts", "ESCO skill labels", "count"))),
        "added_n": str(len(added)),
        "added_digital_n": prose.count_words(len(added_digital)),
        "added_creative_n": prose.count_words(int(added["creative"].fillna(False).astype(bool).sum())),
    }


def _topic_values(a: Analysis, sensitivity: pd.DataFrame) -> dict[str, str]:
    profile = a.profile.set_index("topic")
    creative, digital = occ.leading_topic(a.profile, "creative_percent"), occ.leading_topic(a.profile, "digital_percent")
    others = sensitivity[~sensitivity["reference"]]
    overlap = others["creative_overlap_with_reference"]
    return {
        "n_topics": str(a.n_topics), "random_seed": str(a.random_seed),
        "creative_topic": f"“{profile.loc[creative, 'name']}”" if creative else "none",
        "creative_topic_n": str(int(profile.loc[creative, "creative"])) if creative else "0",
        "creative_topic_share": prose.percent(profile.loc[creative, "share_of_all_creative_percent"]) if creative
        else "not available",
        "digital_topic": f"“{profile.loc[digital, 'name']}”" if digital else "none",
        "digital_topic_pct": prose.percent(profile.loc[digital, "digital_percent"]) if digital else "not available",
        "sensitivity_values": join_names([str(int(n)) for n in others["n_topics"]]) or "none",
        "sensitivity_low": prose.number(overlap.min(), 2) if len(overlap) else "not available",
        "sensitivity_high": prose.number(overlap.max(), 2) if len(overlap) else "not available",
    }


def _bridge_values(bridges: dict) -> dict[str, str]:
    ta = bridges["towards_ai"]
    neighbours = ta["nearest_ai_occupation"].value_counts()
    return {
        "n_bridging": str(len(ta)),
        "bridge_top": ta["occupation"].iloc[0] if len(ta) else "none",
        "bridge_top3": join_names(list(ta["occupation"].head(3))) or "none",
        "bridge_max": prose.number(ta["similarity"].max(), 2) if len(ta) else "not available",
        "bridge_common_neighbour": neighbours.index[0] if len(neighbours) else "none",
        "bridge_common_neighbour_n": str(int(neighbours.iloc[0])) if len(neighbours) else "0",
    }


def _role_values(results: list[dict]) -> dict[str, str]:
    values = {}
    for r in results:
        key = r["role"].lower().replace(" ", "_")
        top = r["neighbours"]
        values[f"role_{key}_nearest"] = join_names(list(top["occupation"].head(3))) or "none"
        values[f"role_{key}_best"] = prose.number(top["similarity"].iloc[0], 2) if len(top) else "not available"
    best = [float(r["neighbours"]["similarity"].iloc[0]) for r in results if len(r["neighbours"])]
    values["roles_named_n"] = prose.count_phrase(sum(bool(r["occupations_named_like_role"]) for r in results), len(results))
    values["roles_best_low"] = prose.number(min(best), 2) if best else "not available"
    values["roles_best_high"] = prose.number(max(best), 2) if best else "not available"
    return values


# ---------------------------------------------------------------------------------------------
# AI, data and digital terms
# ---------------------------------------------------------------------------------------------

def term_shares(analysis: Analysis, skills: pd.DataFrame) -> pd.DataFrame:
    rows = []
    populations = {"creative occupations": analysis.creative, "other occupations": ~analysis.creative}
    for name in ["AI"] + list(occ.TERM_GROUPS) + ["any"]:
        for population, mask in populations.items():
            n = int(mask.sum())
            k = int((analysis.hits[name].to_numpy() & mask).sum())
            rows.append({"terms": name, "population": population, "count": k, "total": n,
                         "percent": round(k / n * 100, 2) if n else float("nan")})
    skill_counts = occ.skill_term_counts(skills["preferred_label"])
    for r in skill_counts.itertuples():
        rows.append({"terms": r.terms, "population": "ESCO skill labels", "count": r.skill_labels,
                     "total": len(skills), "percent": round(r.percent, 2)})
    frame = pd.DataFrame(rows)
    frame["terms"] = frame["terms"].map(lambda t: "any of them" if t == "any" else
                                        "AI concepts" if t == "AI" else f"{t} terms")
    return frame


def terms_chart(f: Findings):
    analysis, shares = f.analysis, f.shares
    def pct(terms, population):
        row = shares[(shares.terms == terms) & (shares.population == population)]
        return float(row["percent"].iloc[0]) if len(row) else float("nan")

    creative_any, other_any = pct("any of them", "creative occupations"), pct("any of them", "other occupations")
    n_ai_creative = int((analysis.creative & analysis.ai_reference).sum())
    compare = "more often than" if creative_any > other_any else "less often than" if creative_any < other_any else "as often as"
    ai_text = ("none of them names an AI concept" if n_ai_creative == 0 else
               f"{n_ai_creative} of them name{'s' if n_ai_creative == 1 else ''} an AI concept")
    title = (f"AI, data or digital terms appear in {creative_any:.0f}% of creative occupations, {compare} in the "
             f"others ({other_any:.0f}%), but {ai_text}")
    populations = ["creative occupations", "other occupations", "ESCO skill labels"]
    term_order = ["AI concepts", "data terms", "digital terms", "any of them"]
    chart = alt.Chart(shares).mark_bar().encode(
        y=alt.Y("terms:N", sort=term_order, title=None),
        yOffset=alt.YOffset("population:N", sort=populations),
        x=alt.X("percent:Q", title="Share that contains the terms (%)"),
        color=alt.Color("population:N", title=None, sort=populations,
                        scale=alt.Scale(domain=populations, range=[PALETTE[2], CONTEXT_GREY, PALETTE[3]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("terms:N", title="Terms"), alt.Tooltip("population:N", title="Among"),
                 alt.Tooltip("count:Q", title="Number"), alt.Tooltip("total:Q", title="Out of"),
                 alt.Tooltip("percent:Q", title="%", format=".1f")],
    ).properties(title=alt.Title(title, subtitle=f"{colour_name(PALETTE[2])}: creative occupations; "
                                                 f"{colour_name(CONTEXT_GREY)}: other occupations; "
                                                 f"{colour_name(PALETTE[3])}: ESCO skill labels"),
                 width=520, height=alt.Step(14))
    description = ("Grouped bar chart of the share of ESCO occupations (creative and other) and of ESCO skill labels "
                   "whose text names an AI concept or contains data or digital terms. " + "; ".join(
                       f"{r.terms} among {r.population}: {r.count} of {r.total} ({r.percent:.1f}%)"
                       for r in shares.itertuples()) + ".")
    notes = ["Occupation texts are the preferred label, the alternative labels and the description; skill texts are "
             "the preferred labels only (the skills file has no descriptions).",
             "AI concepts are those of ESCO's AI skills, matched as whole phrases (AI_CONCEPTS); data and digital "
             "terms are word lists (TERM_GROUPS), and occupations in ICT groups of ISCO-08 count as digital."]
    return figure(chart, name="esco-ai-digital-terms", description=description, data=shares,
                  sources=["esco_v1_1_1_occupations", "esco_skills_labels"], notes=notes)


# ---------------------------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------------------------

def topics_chart(f: Findings):
    analysis = f.analysis
    profile = analysis.profile
    creative_topic = occ.leading_topic(profile, "creative_percent")
    counts = []
    groups = occ.group_labels(analysis.creative, analysis.digital)
    for row in profile.itertuples():
        members = analysis.topics.dominant == row.topic - 1
        for group in occ.GROUPS:
            counts.append({"topic": row.topic, "name": f"{row.topic}. {row.name}", "group": group,
                           "occupations": int((members & (groups == group)).sum())})
    frame = pd.DataFrame(counts)
    order = [f"{r.topic}. {r.name}" for r in profile.sort_values(["creative", "occupations", "topic"],
                                                                 ascending=[False, False, True]).itertuples()]
    if creative_topic:
        row = profile.set_index("topic").loc[creative_topic]
        title = (f"One topic, “{row['name']}”, holds {row['creative']} of the {int(analysis.creative.sum())} creative "
                 f"occupations ({row['share_of_all_creative_percent']:.0f}%)")
    else:
        title = f"Creative occupations spread across the {analysis.n_topics} topics"
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("occupations:Q", title="ESCO occupations (number, by dominant topic)", stack=True),
        color=alt.Color("group:N", title=None, sort=list(occ.GROUPS),
                        scale=alt.Scale(domain=list(occ.GROUPS), range=[GROUP_COLOURS[g] for g in occ.GROUPS]),
                        legend=alt.Legend(orient="top", columns=2, labelLimit=300)),
        order=alt.Order("group_order:Q"),
        tooltip=[alt.Tooltip("name:N", title="Topic"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("occupations:Q", title="Occupations")],
    ).transform_calculate(group_order=f"indexof({list(occ.GROUPS)!r}, datum.group)").properties(
        title=alt.Title(title, subtitle=f"NMF topics of the occupation texts ({analysis.n_topics} topics, seed "
                                        f"{analysis.random_seed}), named by their top terms"),
        width=420, height=alt.Step(16))
    description = (f"Stacked bar chart of the {analysis.n_topics} topics found in the ESCO occupation texts, each named by "
                   "its top terms, with the number of occupations whose dominant topic it is, split into creative "
                   "occupations with and without AI/digital terms, other occupations with such terms and the rest. " +
                   "; ".join(f"{r.name}: {r.occupations} occupations, {r.creative} creative, {r.digital} with "
                             f"AI/digital terms" for r in profile.itertuples()) + ".")
    notes = ["Each occupation is counted once, in the topic with its largest weight.",
             "Topic names are the top terms of each topic; they describe the vocabulary, not an official grouping."]
    data_out = profile[["topic", "name", "occupations", "creative", "creative_digital", "digital"]]
    return figure(chart, name="esco-topics", description=description, data=data_out, sources=ESCO_SOURCES, notes=notes)


# ---------------------------------------------------------------------------------------------
# Positions and bridging occupations
# ---------------------------------------------------------------------------------------------

def bridging(analysis: Analysis, k: int = N_BRIDGING) -> dict[str, pd.DataFrame]:
    return occ.bridging(analysis.model, analysis.occupations["preferred_label"], analysis.creative,
                        analysis.ai_reference, analysis.digital, k=k)


def map_chart(f: Findings):
    analysis, towards_ai = f.analysis, f.bridges["towards_ai"]
    frame = occ.positions(analysis.model, analysis.occupations["preferred_label"], analysis.creative,
                          analysis.ai_reference, analysis.digital)
    # Draw the grey mass first and the highlighted groups on top; within a group, alphabetically.
    draw_order = {g: i for i, g in enumerate(reversed(occ.GROUPS))}
    frame = frame.assign(_o=frame["group"].map(draw_order), _l=frame["label"].str.lower())
    frame = frame.sort_values(["_o", "_l", "label"], kind="mergesort").drop(columns=["_o", "_l"]).reset_index(drop=True)
    # The bridging occupations are circled, not labelled: they sit too close together for labels
    # that do not overlap, and the table below the chart names them.
    circled = frame[frame["label"].isin(towards_ai["occupation"])]
    title = (f"Where creative and AI work meet: the creative occupation closest to AI work is the "
             f"{towards_ai['occupation'].iloc[0]}" if len(towards_ai) else
             "Occupations by closeness to creative work and to AI work")
    # No per-point text alternative in the SVG (3,000 of them would weigh megabytes): the figure's
    # description and the CSV download carry the content for screen readers.
    points = alt.Chart(frame).mark_circle(size=14, aria=False).encode(
        x=alt.X("x:Q", title="Similarity to the creative occupations (cosine, 0–1)"),
        # A square-root scale spreads the crowd near zero; the few AI occupations sit far above it.
        y=alt.Y("y:Q", title="Similarity to AI work (cosine, √ scale)",
                scale=alt.Scale(type="sqrt")),
        color=alt.Color("group:N", title=None, sort=list(occ.GROUPS),
                        scale=alt.Scale(domain=list(occ.GROUPS), range=[GROUP_COLOURS[g] for g in occ.GROUPS]),
                        legend=alt.Legend(orient="top", columns=2, labelLimit=300, symbolSize=120)),
        opacity=alt.condition(alt.datum.group == occ.GROUP_OTHER, alt.value(0.5), alt.value(0.9)),
        tooltip=[alt.Tooltip("label:N", title="Occupation"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("x:Q", title="To creative", format=".3f"), alt.Tooltip("y:Q", title="To AI", format=".3f")],
    )
    rings = alt.Chart(circled).mark_circle(size=70, fill=None, stroke="#000000", strokeWidth=1.2).encode(
        x="x:Q", y="y:Q", tooltip=[alt.Tooltip("label:N", title="Bridging occupation")])
    chart = alt.layer(points, rings).properties(
        title=alt.Title(title, subtitle=f"Each dot is one ESCO occupation; black rings: the {len(circled)} bridging "
                                        "occupations of the table below"),
        width=560, height=420)
    group_counts = frame["group"].value_counts()
    description = (
        f"Scatter plot of the {len(frame)} ESCO occupations: horizontal position is the text similarity to the "
        f"centroid of the {int(analysis.creative.sum())} creative occupations, vertical position the similarity to the "
        f"centroid of the {int(analysis.ai_reference.sum())} occupations whose texts name an AI concept. " +
        "; ".join(f"{g}: {int(group_counts.get(g, 0))}" for g in occ.GROUPS) + ". Circled: " +
        "; ".join(f"{r.label} (x {r.x:.3f}, y {r.y:.3f})" for r in circled.itertuples()) + ".")
    notes = ["Creative occupations help define the creative centroid, so they sit further right by construction; the "
             "same holds upwards for the occupations that name an AI concept.",
             "Similarities are rounded to four decimals."]
    return figure(chart, name="esco-creative-ai-map", description=description, data=frame,
                  sources=["esco_v1_1_1_occupations"], notes=notes)


def bridging_table(f: Findings):
    """The creative occupations closest to AI work, with the AI occupation each is closest to."""
    frame = f.bridges["towards_ai"].drop(columns="index")
    texts = f.analysis.texts
    frame["terms"] = [", ".join(occ.matched_terms(texts.iloc[i])) or "none" for i in f.bridges["towards_ai"]["index"]]
    fmt = lambda v: prose.number(v, 3)  # noqa: E731
    return tables.table(
        frame, name="esco-bridging-occupations",
        title=f"The {len(frame)} creative occupations closest to AI work",
        columns=[tables.Column("occupation", "Creative occupation"),
                 tables.Column("similarity", "Similarity to the AI occupations", format=fmt, numeric=True),
                 tables.Column("nearest_ai_occupation", "Nearest occupation that names an AI concept"),
                 tables.Column("neighbour_similarity", "Similarity to it", format=fmt, numeric=True),
                 tables.Column("terms", "AI, data or digital terms in its text")],
        sources=["esco_v1_1_1_occupations", "esco_skills_labels"],
        notes=["“AI work” is the centroid of the occupations whose texts name a concept of ESCO's AI skills; cosine "
               "similarity of TF-IDF vectors (1: the same vocabulary, 0: no shared term). Occupations that themselves "
               "name an AI concept are left out."])


def roles_table(f: Findings):
    rows = [{"role": r["role"], "description": r["description"],
             "nearest": join_names([f"{o} ({prose.number(x, 2)})" for o, x in
                                    zip(r["neighbours"]["occupation"].head(3), r["neighbours"]["similarity"].head(3))])}
            for r in f.roles]
    return tables.table(
        pd.DataFrame(rows), name="esco-emerging-roles-descriptions",
        title="ekip's emerging roles: the report's one-sentence descriptions and their nearest ESCO occupations",
        columns=[tables.Column("role", "Role"), tables.Column("description", "Description", min_width="18em"),
                 tables.Column("nearest", "Nearest ESCO occupations (similarity)", min_width="14em")],
        sources=["esco_v1_1_1_occupations"],
        notes=["The descriptions are the report team's summaries, not ekip's definitions; other wording gives other "
               "neighbours."])


# ---------------------------------------------------------------------------------------------
# ekip's emerging roles
# ---------------------------------------------------------------------------------------------

def roles(analysis: Analysis, k: int = 5) -> list[dict]:
    label_texts = (analysis.occupations["preferred_label"].fillna("") + " | "
                   + analysis.occupations["alt_labels"].fillna(""))
    results = []
    for name, spec in EMERGING_ROLES.items():
        result = occ.role_neighbours(analysis.model, analysis.occupations["preferred_label"], analysis.texts, name,
                                     spec["description"], key_terms=spec["key_terms"], label_texts=label_texts, k=k)
        neighbours = result["neighbours"]
        neighbours["group"] = occ.group_labels(analysis.creative[neighbours["index"].to_numpy()],
                                               analysis.digital[neighbours["index"].to_numpy()]) if len(neighbours) else []
        results.append(result)
    return results


def roles_chart(f: Findings):
    results = f.roles
    rows = []
    for result in results:
        for rank, r in enumerate(result["neighbours"].itertuples(), 1):
            rows.append({"role": result["role"], "rank": rank, "occupation": r.occupation,
                         "similarity": r.similarity, "group": r.group})
    frame = pd.DataFrame(rows)
    best = frame[frame["rank"] == 1].sort_values(["similarity", "role"])
    weakest, strongest = best.iloc[0], best.iloc[-1]
    title = (f"No ESCO occupation matches ekip's emerging roles closely: the best match ranges from "
             f"{weakest['similarity']:.2f} (“{weakest['role']}”) to {strongest['similarity']:.2f} (“{strongest['role']}”)")
    frame["row"] = frame["rank"].astype(str) + ". " + frame["occupation"]
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("row:N", title=None, sort=alt.SortField("rank"), axis=alt.Axis(labelLimit=300)),
        x=alt.X("similarity:Q", title="Cosine similarity to the role's description (0–1)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("group:N", title=None, sort=list(occ.GROUPS),
                        scale=alt.Scale(domain=list(occ.GROUPS), range=[GROUP_COLOURS[g] for g in occ.GROUPS]),
                        legend=alt.Legend(orient="top", columns=2, labelLimit=300)),
        row=alt.Row("role:N", title=None, sort=list(EMERGING_ROLES),
                    header=alt.Header(labelOrient="top", labelAngle=0, labelAlign="left", labelAnchor="start",
                                      labelFontWeight="bold", labelFontSize=13)),
        tooltip=[alt.Tooltip("role:N", title="Role"), alt.Tooltip("occupation:N", title="ESCO occupation"),
                 alt.Tooltip("similarity:Q", title="Similarity", format=".3f")],
    ).properties(width=380, height=alt.Step(16)).resolve_scale(y="independent").properties(title=title)
    description = ("Bar charts of the five ESCO occupations nearest to each of ekip's emerging roles, by cosine "
                   "similarity between the role's one-sentence description and the occupation texts. " + "; ".join(
                       f"{r['role']}: " + ", ".join(f"{o} {s:.2f}" for o, s in zip(r['neighbours']['occupation'],
                                                                                   r['neighbours']['similarity']))
                       for r in results) + ".")
    notes = ["The role descriptions are the report team's one-sentence summaries, not ekip's definitions; other "
             "wording gives other neighbours.",
             "A similarity around 0.3 means the texts share a few distinctive words, not that the jobs are alike."]
    return figure(chart, name="esco-emerging-roles", description=description, data=frame.drop(columns="row"),
                  sources=["esco_v1_1_1_occupations"], notes=notes)
