"""Future professional roles chapter: an open-data version of ekip's emerging-roles method on the
ESCO occupations. Facts for the prose, the charts and the tables.

The analysis does not depend on the selected countries: ESCO is one European classification.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from .. import occupations as occ
from .. import prose, tables
from ..charts import CONTEXT_GREY, PALETTE, figure
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

GROUP_COLOURS = {
    occ.GROUP_CREATIVE_DIGITAL: PALETTE[2],
    occ.GROUP_CREATIVE: PALETTE[0],
    occ.GROUP_DIGITAL: PALETTE[1],
    occ.GROUP_OTHER: "#C8C8C8",
}


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


_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(n: int, capital: bool = False) -> str:
    """Small counts in words (a sentence should not start with a numeral)."""
    text = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"
    return text[:1].upper() + text[1:] if capital else text


# ---------------------------------------------------------------------------------------------
# The creative set
# ---------------------------------------------------------------------------------------------

def definition_table(analysis: Analysis, isco_groups: pd.DataFrame):
    groups = isco_groups.assign(code=isco_groups["isco_code"].astype(str))
    labels = dict(zip(groups["code"], groups["label"]))
    units = analysis.occupations["isco_unit_code"].astype("string").fillna("")
    candidate = analysis.occupations["cci_candidate_isco_minor"].fillna(False).astype(bool)
    rows = []
    for code in analysis.codes:
        members = units.str.startswith(code)
        rows.append({"isco_code": code, "isco_label": labels.get(code, ""),
                     "esco_occupations": int(members.sum()),
                     "also_in_extract_flag": int((members & candidate).sum())})
    frame = pd.DataFrame(rows)
    notes = ["Codes are ISCO-08 groups; a code of fewer than four digits includes every unit group below it.",
             "The last column counts the occupations that the extract's heuristic flag "
             "(cci_candidate_isco_minor, six ISCO minor groups) also marks."]
    return tables.table(frame, name="cci-isco-codes",
                        title=f"The cultural and creative set: {len(frame)} ISCO-08 groups, "
                              f"{int(analysis.creative.sum())} ESCO occupations",
                        columns=[tables.Column("isco_code", "ISCO-08 code"), tables.Column("isco_label", "ISCO-08 group"),
                                 tables.Column("esco_occupations", "ESCO occupations", numeric=True),
                                 tables.Column("also_in_extract_flag", "Also flagged by the extract", numeric=True)],
                        sources=ESCO_SOURCES, notes=notes)


def definition_facts(analysis: Analysis) -> dict[str, str]:
    candidate = analysis.occupations["cci_candidate_isco_minor"].fillna(False).astype(bool).to_numpy()
    ours, theirs = analysis.creative, candidate
    only_theirs = analysis.occupations.loc[theirs & ~ours, "isco_unit_label"].value_counts()
    only_theirs_text = join_names([f"{label.lower()} ({n})" for label, n in
                                   sorted(only_theirs.items(), key=lambda kv: (-kv[1], kv[0]))[:4]])
    only_ours = analysis.occupations.loc[ours & ~theirs, "isco_unit_label"].value_counts()
    only_ours_text = join_names([f"{label.lower()} ({n})" for label, n in
                                 sorted(only_ours.items(), key=lambda kv: (-kv[1], kv[0]))[:4]])
    return {
        "only_ours_groups": only_ours_text or "none",
        "n_occupations": prose.number(len(analysis.occupations), 0),
        "n_creative": prose.number(int(ours.sum()), 0),
        "share_creative": prose.percent(ours.mean() * 100),
        "n_codes": str(len(analysis.codes)),
        "n_flag": prose.number(int(theirs.sum()), 0),
        "n_both_definitions": prose.number(int((ours & theirs).sum()), 0),
        "n_only_ours": prose.number(int((ours & ~theirs).sum()), 0),
        "n_only_flag": prose.number(int((theirs & ~ours).sum()), 0),
        "only_flag_groups": only_theirs_text or "none",
    }


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


def term_facts(analysis: Analysis, shares: pd.DataFrame, skills: pd.DataFrame) -> dict[str, str]:
    def get(terms, population, column="percent"):
        row = shares[(shares.terms == terms) & (shares.population == population)]
        return row[column].iloc[0] if len(row) else float("nan")

    ai_creative = analysis.occupations.loc[analysis.creative & analysis.ai_reference, "preferred_label"]
    ai_all = sorted(analysis.occupations.loc[analysis.ai_reference, "preferred_label"], key=str.lower)
    flagged_skills = sorted(skills.loc[skills["ai_data_related"].fillna(False).astype(bool), "preferred_label"],
                            key=str.lower)
    creative_pct, other_pct = get("any of them", "creative occupations"), get("any of them", "other occupations")
    compare = ("Creative work is thus more often described with digital vocabulary than the average occupation."
               if creative_pct > other_pct else
               "Creative work is thus less often described with digital vocabulary than the average occupation."
               if creative_pct < other_pct else "")
    return {
        "digital_compare_sentence": compare,
        "digital_creative_pct": prose.percent(get("any of them", "creative occupations")),
        "digital_creative_n": prose.number(get("any of them", "creative occupations", "count"), 0),
        "digital_other_pct": prose.percent(get("any of them", "other occupations")),
        "ai_n_all": str(int(analysis.ai_reference.sum())),
        "ai_list": join_names(ai_all) or "none",
        "ai_creative_sentence": (f"Of the creative occupations, {join_names(sorted(ai_creative, key=str.lower))} "
                                 "name an AI technique." if len(ai_creative) else
                                 "None of the creative occupations names an AI technique."),
        "skills_n": prose.number(len(skills), 0),
        "skills_ai_n": prose.number(get("AI terms", "ESCO skill labels", "count"), 0),
        "skills_data_n": prose.number(get("data terms", "ESCO skill labels", "count"), 0),
        "skills_digital_n": prose.number(get("digital terms", "ESCO skill labels", "count"), 0),
        "skills_flag_n": str(len(flagged_skills)),
        "skills_flag_list": join_names([f"“{s}”" for s in flagged_skills]),
    }


def terms_chart(analysis: Analysis, shares: pd.DataFrame):
    def pct(terms, population):
        row = shares[(shares.terms == terms) & (shares.population == population)]
        return float(row["percent"].iloc[0]) if len(row) else float("nan")

    creative_any, other_any = pct("any of them", "creative occupations"), pct("any of them", "other occupations")
    n_ai_creative = int((analysis.creative & analysis.ai_reference).sum())
    compare = "more often than" if creative_any > other_any else "less often than" if creative_any < other_any else "as often as"
    ai_text = ("none of them names an AI technique" if n_ai_creative == 0 else
               f"{n_ai_creative} of them name{'s' if n_ai_creative == 1 else ''} an AI technique")
    title = (f"AI, data or digital terms appear in {creative_any:.0f}% of creative occupations, {compare} in the "
             f"others ({other_any:.0f}%), but {ai_text}")
    populations = ["creative occupations", "other occupations", "ESCO skill labels"]
    term_order = ["AI terms", "data terms", "digital terms", "any of them"]
    chart = alt.Chart(shares).mark_bar().encode(
        y=alt.Y("terms:N", sort=term_order, title=None),
        yOffset=alt.YOffset("population:N", sort=populations),
        x=alt.X("percent:Q", title="Share that contains the terms (%)"),
        color=alt.Color("population:N", title=None, sort=populations,
                        scale=alt.Scale(domain=populations, range=[PALETTE[0], CONTEXT_GREY, PALETTE[3]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("terms:N", title="Terms"), alt.Tooltip("population:N", title="Among"),
                 alt.Tooltip("count:Q", title="Number"), alt.Tooltip("total:Q", title="Out of"),
                 alt.Tooltip("percent:Q", title="%", format=".1f")],
    ).properties(title=title, width=520, height=alt.Step(14))
    description = ("Grouped bar chart of the share of ESCO occupations (creative and other) and of ESCO skill labels "
                   "whose text contains AI, data or digital terms. " + "; ".join(
                       f"{r.terms} among {r.population}: {r.count} of {r.total} ({r.percent:.1f}%)"
                       for r in shares.itertuples()) + ".")
    notes = ["Occupation texts are the preferred label, the alternative labels and the description; skill texts are "
             "the preferred labels only (the skills file has no descriptions).",
             "The term lists are in ai_culture_report/occupations.py (TERM_GROUPS); a word such as “digital” counts "
             "wherever it appears, also in passing."]
    return figure(chart, name="esco-ai-digital-terms", description=description, data=shares,
                  sources=["esco_v1_1_1_occupations", "esco_skills_labels"], notes=notes)


def added_facts(analysis: Analysis) -> dict[str, str]:
    added = analysis.added
    digital = added[added["ai_terms"].fillna(False) | added["data_terms"].fillna(False) | added["digital_terms"].fillna(False)]
    creative = added[added["creative"].fillna(False).astype(bool)]
    return {
        "added_n": str(len(added)),
        "added_digital_n": str(len(digital)),
        "added_digital_list": join_names(list(digital["preferred_label"])) or "none",
        "added_creative_sentence": (f"{_count(len(creative), True)} of them {'is' if len(creative) == 1 else 'are'} "
                                    "in the creative set: "
                                    f"{join_names(list(creative['preferred_label']))}." if len(creative) else
                                    "None of them is in the creative set."),
    }


def added_table(analysis: Analysis):
    added = analysis.added
    flagged = added[added["creative"].fillna(False).astype(bool) | (added["terms"].fillna("") != "")].copy()
    flagged["creative_text"] = flagged["creative"].map(lambda v: "yes" if bool(v) else "")
    frame = flagged[["preferred_label", "isco_unit_code", "isco_unit_label", "creative_text", "terms"]]
    return tables.table(frame, name="esco-added-occupations",
                        title=f"Occupations added to ESCO since v1.0 that are creative or carry AI, data or digital "
                              f"terms ({len(frame)} of {len(added)})",
                        columns=[tables.Column("preferred_label", "Occupation"),
                                 tables.Column("isco_unit_code", "ISCO-08 unit", format=lambda v: "" if pd.isna(v) else str(int(v))),
                                 tables.Column("isco_unit_label", "ISCO-08 unit group"),
                                 tables.Column("creative_text", "Creative set"),
                                 tables.Column("terms", "AI, data or digital terms found")],
                        sources=["esco_occupations_diff_v1_0x_to_v1_1_1", "esco_v1_1_1_occupations"],
                        notes=["The comparison is by ESCO URI between a v1.0.x file and v1.1.1 (see the dataset's "
                               "provenance); an occupation renamed without a new URI does not count as added."])


# ---------------------------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------------------------

def topic_facts(analysis: Analysis) -> dict[str, str]:
    profile = analysis.profile
    creative_topic = occ.leading_topic(profile, "creative_percent")
    digital_topic = occ.leading_topic(profile, "digital_percent")
    facts = {"n_topics": str(analysis.n_topics), "random_seed": str(analysis.random_seed)}
    if creative_topic:
        row = profile.set_index("topic").loc[creative_topic]
        facts["creative_topic_sentence"] = (
            f"The topic “{row['name']}” gathers {row['creative']} of the {int(analysis.creative.sum())} creative "
            f"occupations ({prose.percent(row['share_of_all_creative_percent'])}); {prose.percent(row['creative_percent'])} "
            f"of its {row['occupations']} occupations are creative, and {prose.percent(row['digital_percent'])} carry "
            "AI, data or digital terms.")
    else:
        facts["creative_topic_sentence"] = "No topic of at least ten occupations gathers creative occupations."
    if digital_topic and digital_topic != creative_topic:
        row = profile.set_index("topic").loc[digital_topic]
        facts["digital_topic_sentence"] = (
            f"The topic with the highest share of AI, data or digital terms is “{row['name']}” "
            f"({prose.percent(row['digital_percent'])} of its {row['occupations']} occupations); it holds "
            f"{row['creative']} creative occupation{'s' if row['creative'] != 1 else ''}.")
    elif digital_topic:
        facts["digital_topic_sentence"] = ("With this number of topics, the creative topic is also the one with the "
                                           "highest share of AI, data or digital terms: no separate digital topic emerges.")
    else:
        facts["digital_topic_sentence"] = ""
    return facts


def topics_chart(analysis: Analysis):
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


def sensitivity_table(analysis: Analysis):
    values = occ.sensitivity_values(analysis.n_topics)
    frame = occ.topic_sensitivity(analysis.model, analysis.creative, analysis.digital, values, analysis.random_seed,
                                  reference=analysis.topics, reference_n=analysis.n_topics)
    shown = frame.assign(
        n_label=frame.apply(lambda r: f"{r.n_topics}{' (chosen)' if r.reference else ''}", axis=1),
        digital_separate=[("yes" if d and d != c else "no") for c, d in zip(frame.creative_topic, frame.digital_topic)],
    )
    fmt1 = lambda v: prose.percent(v, 0)  # noqa: E731
    fmt2 = lambda v: prose.number(v, 2)  # noqa: E731
    table = tables.table(
        shown, name="esco-topic-sensitivity",
        title="How stable are the creative topic and the AI/digital topic when the number of topics changes?",
        columns=[tables.Column("n_label", "Topics"), tables.Column("creative_topic", "Creative topic"),
                 tables.Column("creative_topic_size", "Size", numeric=True),
                 tables.Column("creative_captured_percent", "Of all creative", format=fmt1, numeric=True),
                 tables.Column("creative_overlap_with_reference", "Overlap", format=fmt2, numeric=True),
                 tables.Column("digital_topic", "AI/digital topic"),
                 tables.Column("digital_separate", "Separate?"),
                 tables.Column("digital_overlap_with_reference", "Overlap", format=fmt2, numeric=True)],
        sources=ESCO_SOURCES,
        notes=["Topics are named by their top terms. The creative topic is the topic (of at least ten occupations) "
               "with the highest share of creative occupations; “Size” is its number of occupations and “Of all "
               "creative” the share of all creative occupations it holds. The AI/digital topic is the one with the "
               "highest share of occupations carrying AI, data or digital terms; “Separate?” says whether it differs "
               "from the creative topic.",
               "Overlap is the Jaccard index between a topic's member occupations and those of the same topic in the "
               "chosen run (1 = the same occupations, 0 = none in common)."],
        data=frame, compact=True)
    return table, frame


def sensitivity_facts(frame: pd.DataFrame) -> dict[str, str]:
    others = frame[~frame["reference"]]
    if others.empty:
        return {"sensitivity_sentence": ""}
    low, high = others["creative_overlap_with_reference"].min(), others["creative_overlap_with_reference"].max()
    separate = [int(n) for n, c, d in zip(frame.n_topics, frame.creative_topic, frame.digital_topic) if d and d != c]
    merged = [int(n) for n, c, d in zip(frame.n_topics, frame.creative_topic, frame.digital_topic) if d and d == c]
    values = join_names([str(int(n)) for n in frame.n_topics])
    parts = []
    if separate:
        parts.append(f"A topic of its own for AI, data and digital work appears with "
                     f"{join_names([str(n) for n in separate])} topics")
    if merged:
        parts.append(f"with {join_names([str(n) for n in merged])} topics, the topic richest in such terms is the "
                     "creative topic itself")
    sep_text = "; ".join(parts) if parts else "No topic stands out for AI, data or digital terms"
    return {"sensitivity_sentence": (
        f"Re-running the model with {values} topics, the creative topic's members overlap with the chosen run's by a "
        f"Jaccard index of {prose.number(low, 2)} to {prose.number(high, 2)}. {sep_text[:1].upper() + sep_text[1:]}.")}


# ---------------------------------------------------------------------------------------------
# Positions and bridging occupations
# ---------------------------------------------------------------------------------------------

def bridging(analysis: Analysis, k: int = 10) -> dict[str, pd.DataFrame]:
    return occ.bridging(analysis.model, analysis.occupations["preferred_label"], analysis.creative,
                        analysis.ai_reference, analysis.digital, k=k)


def map_chart(analysis: Analysis, bridges: dict[str, pd.DataFrame], n_labels: int = 3):
    frame = occ.positions(analysis.model, analysis.occupations["preferred_label"], analysis.creative,
                          analysis.ai_reference, analysis.digital)
    # Draw the grey mass first and the highlighted groups on top; within a group, alphabetically.
    draw_order = {g: i for i, g in enumerate(reversed(occ.GROUPS))}
    frame = frame.assign(_o=frame["group"].map(draw_order), _l=frame["label"].str.lower())
    frame = frame.sort_values(["_o", "_l", "label"], kind="mergesort").drop(columns=["_o", "_l"]).reset_index(drop=True)
    towards_creative, towards_ai = bridges["towards_creative"], bridges["towards_ai"]
    labelled = pd.concat([
        frame[frame["label"].isin(towards_creative["occupation"].head(n_labels))],
        frame[frame["label"].isin(towards_ai["occupation"].head(n_labels))],
    ]).drop_duplicates("label")
    top_c = towards_creative.iloc[0] if len(towards_creative) else None
    top_a = towards_ai.iloc[0] if len(towards_ai) else None
    if top_c is not None and top_a is not None:
        title = (f"Where creative and AI work meet: the creative occupation closest to AI work is the "
                 f"{top_a['occupation']}; the digital occupation closest to creative work is the {top_c['occupation']}")
    else:
        title = "Occupations by closeness to creative work and to AI work"
    # No per-point text alternative in the SVG (3,000 of them would weigh megabytes): the figure's
    # description and the CSV download carry the content for screen readers.
    points = alt.Chart(frame).mark_circle(size=14, aria=False).encode(
        x=alt.X("x:Q", title="Similarity to the creative occupations (cosine, 0–1)"),
        y=alt.Y("y:Q", title="Similarity to occupations that name AI techniques (cosine, 0–1)"),
        color=alt.Color("group:N", title=None, sort=list(occ.GROUPS),
                        scale=alt.Scale(domain=list(occ.GROUPS), range=[GROUP_COLOURS[g] for g in occ.GROUPS]),
                        legend=alt.Legend(orient="top", columns=2, labelLimit=300, symbolSize=120)),
        opacity=alt.condition(alt.datum.group == occ.GROUP_OTHER, alt.value(0.5), alt.value(0.9)),
        tooltip=[alt.Tooltip("label:N", title="Occupation"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("x:Q", title="To creative", format=".3f"), alt.Tooltip("y:Q", title="To AI", format=".3f")],
    )
    rings = alt.Chart(labelled).mark_circle(size=70, fill=None, stroke="#000000", strokeWidth=1.2).encode(
        x="x:Q", y="y:Q")
    # Alternate labels above and below their point (in order of height) so close neighbours do not collide.
    labelled = labelled.sort_values(["y", "x", "label"], kind="mergesort").reset_index(drop=True)
    labelled["side"] = ["below" if i % 2 else "above" for i in range(len(labelled))]
    above = alt.Chart(labelled[labelled["side"] == "above"]).mark_text(
        align="left", dx=7, dy=-8, fontSize=11, color="#000000").encode(x="x:Q", y="y:Q", text="label:N")
    below = alt.Chart(labelled[labelled["side"] == "below"]).mark_text(
        align="left", dx=7, dy=10, fontSize=11, color="#000000").encode(x="x:Q", y="y:Q", text="label:N")
    text = alt.layer(above, below)
    chart = alt.layer(points, rings, text).properties(
        title=alt.Title(title, subtitle="Each dot is one ESCO occupation; circled: the leading bridging occupations"),
        width=560, height=420)
    group_counts = frame["group"].value_counts()
    description = (
        f"Scatter plot of the {len(frame)} ESCO occupations: horizontal position is the text similarity to the "
        f"centroid of the {int(analysis.creative.sum())} creative occupations, vertical position the similarity to the "
        f"centroid of the {int(analysis.ai_reference.sum())} occupations whose texts name an AI technique. " +
        "; ".join(f"{g}: {int(group_counts.get(g, 0))}" for g in occ.GROUPS) + ". Labelled: " +
        "; ".join(f"{r.label} (x {r.x:.3f}, y {r.y:.3f})" for r in labelled.itertuples()) + ".")
    notes = ["Creative occupations help define the creative centroid, so they sit further right by construction; the "
             "same holds upwards for the occupations that name AI techniques.",
             "Similarities are rounded to four decimals."]
    return figure(chart, name="esco-creative-ai-map", description=description, data=frame,
                  sources=["esco_v1_1_1_occupations"], notes=notes)


def bridging_tables(analysis: Analysis, bridges: dict[str, pd.DataFrame]):
    fmt = lambda v: prose.number(v, 3)  # noqa: E731
    first = tables.table(
        bridges["towards_creative"].drop(columns="index"), name="esco-bridging-towards-creative",
        title="Occupations outside the creative set, with AI, data or digital terms, closest to creative work",
        columns=[tables.Column("occupation", "Occupation"),
                 tables.Column("similarity", "Similarity to the creative occupations", format=fmt, numeric=True),
                 tables.Column("nearest_creative_occupation", "Nearest creative occupation"),
                 tables.Column("neighbour_similarity", "Similarity to it", format=fmt, numeric=True)],
        sources=["esco_v1_1_1_occupations"],
        notes=["Cosine similarity of TF-IDF vectors: 1 means the same vocabulary, 0 no shared term."])
    second = tables.table(
        bridges["towards_ai"].drop(columns="index"), name="esco-bridging-towards-ai",
        title="Creative occupations closest to AI work",
        columns=[tables.Column("occupation", "Creative occupation"),
                 tables.Column("similarity", "Similarity to the AI occupations", format=fmt, numeric=True),
                 tables.Column("nearest_ai_occupation", "Nearest occupation that names an AI technique"),
                 tables.Column("neighbour_similarity", "Similarity to it", format=fmt, numeric=True)],
        sources=["esco_v1_1_1_occupations"],
        notes=["“AI work” is the centroid of the occupations whose texts name an AI technique (TERM_GROUPS['AI'])."])
    return first, second


def bridging_facts(bridges: dict[str, pd.DataFrame], k: int = 3) -> dict[str, str]:
    tc, ta = bridges["towards_creative"], bridges["towards_ai"]
    return {
        "bridge_creative_sentence": (
            "Outside the creative set, the occupations with AI, data or digital terms that come closest to creative "
            f"work are the {join_names(list(tc['occupation'].head(k)))}." if len(tc) else
            "No occupation outside the creative set carries AI, data or digital terms."),
        "bridge_ai_sentence": (
            f"Among the creative occupations, the {join_names(list(ta['occupation'].head(k)))} come closest to the "
            "occupations that name AI techniques." if len(ta) else "No creative occupation is left to compare."),
    }


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


def role_facts(results: list[dict]) -> dict[str, str]:
    facts = {"roles_summary_sentence": roles_summary(results)}
    for result in results:
        key = result["role"].lower().replace(" ", "_")
        neighbours = result["neighbours"]
        named = result["occupations_named_like_role"]
        counts = result["term_counts"]
        absent = [t for t, n in counts.items() if n == 0]
        present = [f"“{t}” in {n}" for t, n in counts.items() if n > 0]
        facts[f"role_{key}_description"] = result["description"]
        listed = join_names([f"{o} ({s:.2f})" for o, s in zip(neighbours["occupation"], neighbours["similarity"])])
        named_text = (f"ESCO already has {join_names(named)}." if named else
                      f"No ESCO occupation is called “{result['role']}”, under its preferred or alternative labels.")
        terms_text = (f" Of the words that define the role, {join_names([f'“{t}”' for t in absent])} "
                      f"appear{'s' if len(absent) == 1 else ''} in no occupation text" if absent else "")
        terms_text += (f"{';' if absent else ' Of the words that define the role,'} {join_names(present)} "
                       f"occupation text{'s' if sum(counts.values()) != 1 else ''}." if present else ".")
        facts[f"role_{key}_sentence"] = (f"Nearest ESCO occupations (cosine similarity): {listed}. {named_text}"
                                         f"{terms_text}")
    return facts


def roles_summary(results: list[dict]) -> str:
    unnamed = [r["role"] for r in results if not r["occupations_named_like_role"]]
    best = [float(r["neighbours"]["similarity"].iloc[0]) for r in results if len(r["neighbours"])]
    if not results:
        return ""
    named_text = (f"None of the {_count(len(results))} roles has an ESCO occupation named after it"
                  if len(unnamed) == len(results) else
                  f"{_count(len(results) - len(unnamed), True)} of the {_count(len(results))} roles already have an ESCO "
                  "occupation named after them")
    return (f"{named_text}. The nearest occupations share part of each role's vocabulary, with best similarities "
            f"of {min(best):.2f} to {max(best):.2f} on a scale where 1 means the same words: the classification has "
            "building blocks of the roles rather than the roles themselves.")


def roles_chart(results: list[dict]):
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


def region_sentence(params: ReportParams) -> str:
    return (f"ESCO is one classification for all of Europe, so this part of the chapter is the same whichever "
            f"countries are selected; it applies to {params.region_name} as to every other country.")
