"""Text analysis of occupations on a tiny corpus made here: creative set, terms, TF-IDF, topics,
positions, bridging occupations and emerging roles."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ai_culture_report import occupations as occ

from conftest import REPO

# Three themes: visual and performing arts (creative), software and AI, farming; plus two
# in-between occupations: a game developer (software words, art words) and a museum data curator.
CORPUS = [
    ("painter", 2651, "Painters create paintings and drawings. They exhibit artworks in galleries and sell artistic paintings."),
    ("sculptor", 2651, "Sculptors create sculptures and artworks from stone and wood for galleries and exhibitions."),
    ("illustrator", 2166, "Illustrators create drawings and artworks for books, and design artistic illustrations."),
    ("actor", 2655, "Actors perform roles on stage and in film, rehearse scripts and interpret characters for audiences."),
    ("dancer", 2653, "Dancers perform choreography on stage for audiences and rehearse with choreographers."),
    ("machine learning engineer", 2511, "Machine learning engineers train neural networks and build predictive models "
                                         "from data with software and algorithms."),
    ("data scientist", 2511, "Data scientists analyse data with machine learning algorithms and statistical software."),
    ("software developer", 2512, "Software developers write software code, test software and maintain computer programs."),
    ("crop farmer", 6111, "Crop farmers plant and harvest crops, plough fields and manage the soil of the farm."),
    ("livestock farmer", 6121, "Livestock farmers feed cattle and sheep, manage the farm and the animals' health."),
    ("farm hand", 9211, "Farm hands harvest crops, feed animals and help on the farm with the fields."),
    ("game developer", 2512, "Game developers write software for digital games and design artistic drawings and "
                             "characters that audiences explore."),
    ("museum data curator", 2621, "Museum data curators manage the database of artworks and exhibitions of the "
                                  "galleries with software."),
]


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    frame = pd.DataFrame(CORPUS, columns=["preferred_label", "isco_unit_code", "description"])
    frame["alt_labels"] = ""
    frame["isco_unit_code"] = frame["isco_unit_code"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def model(corpus):
    return occ.fit_tfidf(occ.corpus_text(corpus), min_df=1, max_df=1.0, max_features=None)


@pytest.fixture(scope="module")
def masks(corpus):
    texts = occ.corpus_text(corpus)
    creative = occ.cci_mask(corpus["isco_unit_code"], [265, 2166, 2621]).to_numpy()
    hits = occ.term_hits(texts)
    return creative, hits["AI"].to_numpy(), hits["any"].to_numpy()


# ---------------------------------------------------------------------------------------------
# Creative set and terms
# ---------------------------------------------------------------------------------------------

def test_isco_codes_are_cleaned_sorted_and_checked():
    assert occ.normalise_isco_codes([2652, "2651", 265, 2652]) == ("265", "2651", "2652")
    with pytest.raises(ValueError, match="1 to 4 digits"):
        occ.normalise_isco_codes([26511])
    with pytest.raises(ValueError, match="empty"):
        occ.normalise_isco_codes([])
    with pytest.raises(ValueError, match="Unknown ISCO-08 code.*9999"):
        occ.normalise_isco_codes([2651, 9999], known=["2651", "265"])
    with pytest.raises(ValueError, match="not a code"):
        occ.normalise_isco_codes([True])


def test_default_codes_follow_the_cultural_groups():
    codes = occ.normalise_isco_codes(None)
    assert "2651" in codes and "2166" in codes and "3521" in codes and "7319" in codes
    assert "3434" not in codes  # chefs are in ISCO minor group 343 but are not cultural occupations
    assert "7311" not in codes  # nor are precision-instrument makers in minor group 731


def test_cci_mask_matches_any_level_of_the_hierarchy(corpus):
    mask = occ.cci_mask(corpus["isco_unit_code"], [265, 2166])
    assert list(corpus.loc[mask, "preferred_label"]) == ["painter", "sculptor", "illustrator", "actor", "dancer"]
    assert not occ.cci_mask(pd.Series([pd.NA, 2651], dtype="Int64"), [26]).iloc[0]


def test_term_groups_match_whole_terms_only():
    texts = pd.Series(["Repairs air conditioning and aid stations", "Uses machine learning and algorithms",
                       "Maintains the database", "Publishes online and digitalises archives", "Plain words"])
    hits = occ.term_hits(texts)
    assert list(hits["AI"]) == [False, True, False, False, False]
    assert list(hits["data"]) == [False, False, True, False, False]
    assert list(hits["digital"]) == [False, False, False, True, False]
    assert list(hits["any"]) == [False, True, True, True, False]
    assert occ.matched_terms("Uses Machine Learning and software; software again") == ["machine learning", "software"]


def test_ai_is_matched_by_concept_never_by_a_word_of_it():
    texts = pd.Series(["Animal artificial insemination technicians inseminate cattle",
                       "Intelligent lighting engineers programme moving lights",
                       "Apply principles of artificial intelligence and machine learning",
                       "Build predictive models; natural language processing; speech recognition",
                       "Design intelligent systems and computer vision"])
    assert list(occ.term_hits(texts)["AI"]) == [False, False, True, True, True]
    assert occ.ai_concepts_named(texts[0]) == [] and occ.ai_concepts_named(texts[1]) == []
    assert occ.ai_concepts_named(texts[2]) == ["principles of artificial intelligence", "utilise machine learning"]
    # In the TF-IDF text an AI phrase becomes one token, so "artificial" alone links to nothing AI.
    marked = occ.mark_ai_concepts("AI ethicists assess artificial intelligence.")
    assert "artificial-intelligence" in marked and occ.AI_TOKEN in marked and "artificial " not in marked
    assert occ.mark_ai_concepts(texts[0]) == texts[0]


def test_ai_concepts_are_esco_skills_and_the_real_esco_match_is_sound():
    from ai_culture_report import data
    skills, occupations = data.load("esco_skills_labels"), data.load("esco_v1_1_1_occupations")
    occ.check_ai_concepts(skills["preferred_label"], occupations["preferred_label"])
    with pytest.raises(ValueError, match="not in the ESCO files"):
        occ.check_ai_concepts(["utilise machine learning"], [])
    texts = occ.corpus_text(occupations)
    ai = set(occupations.loc[occ.term_hits(texts)["AI"].to_numpy(), "preferred_label"])
    assert {"computer vision engineer", "ICT intelligent systems designer", "knowledge engineer",
            "language engineer"} <= ai
    assert not any("insemination" in label or "lighting" in label for label in ai)
    # ESCO's own AI skills are matched (the skill labels name the concepts).
    skill_hits = occ.term_hits(skills["preferred_label"])["AI"]
    matched = set(skills.loc[skill_hits.to_numpy(), "preferred_label"])
    assert set(occ.AI_CONCEPTS) <= matched


def test_ict_groups_of_the_hierarchy_count_as_digital():
    codes = pd.Series([2511, 3512, 1330, 2651, 6111], dtype="Int64")
    assert list(occ.digital_by_hierarchy(codes)) == [True, True, True, False, False]


def test_skill_term_counts():
    counts = occ.skill_term_counts(pd.Series(["utilise machine learning", "data mining", "use ICT systems", "sew"]))
    assert counts.set_index("terms").loc["any", "skill_labels"] == 3
    assert counts.set_index("terms").loc["AI", "percent"] == pytest.approx(25.0)


# ---------------------------------------------------------------------------------------------
# TF-IDF and topics
# ---------------------------------------------------------------------------------------------

def test_tfidf_rows_have_unit_length_and_drop_occupational_stop_words(model):
    norms = np.sqrt(np.asarray(model.matrix.multiply(model.matrix).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0)
    assert "engineers" not in set(model.terms) and "the" not in set(model.terms)
    assert "artworks" in set(model.terms)


def test_topics_are_deterministic_and_separate_the_themes(model, masks):
    creative, _, _ = masks
    first = occ.fit_topics(model, 3, random_seed=7)
    second = occ.fit_topics(model, 3, random_seed=7)
    assert first.names == second.names
    assert np.array_equal(first.dominant, second.dominant)
    farm = first.dominant[[8, 9, 10]]
    assert len(set(farm)) == 1  # the three farm occupations share a topic
    assert farm[0] not in set(first.dominant[[0, 1, 2]])  # and it is not the visual-arts topic
    profile = occ.topic_profile(first, creative, np.zeros(len(creative), bool))
    assert profile["occupations"].sum() == len(creative)
    leading = occ.leading_topic(profile, "creative_percent", min_size=2)
    assert profile.set_index("topic").loc[leading, "creative_percent"] == profile["creative_percent"].max()
    assert "farm" not in profile.set_index("topic").loc[leading, "name"]


def test_topic_count_is_validated(model):
    with pytest.raises(ValueError, match="at least 2"):
        occ.fit_topics(model, 1, random_seed=1)
    with pytest.raises(ValueError, match="more than the corpus allows"):
        occ.fit_topics(model, 50, random_seed=1)


def test_topic_names_skip_repeated_words():
    assert occ.topic_name(["design", "design designer", "designer", "artist", "art"], 3) == \
        "design, design designer, artist"


def test_leading_topic_breaks_ties_by_size_then_number():
    profile = pd.DataFrame({"topic": [1, 2, 3, 4], "occupations": [20, 30, 30, 5],
                            "creative_percent": [50.0, 50.0, 50.0, 90.0]})
    assert occ.leading_topic(profile, "creative_percent", min_size=10) == 2


def test_sensitivity_reports_each_number_of_topics(model, masks):
    creative, _, digital = masks
    values = occ.sensitivity_values(3, step=1)
    assert values == [2, 3, 4]
    assert occ.sensitivity_values(2, step=4) == [2, 6, 10]
    frame = occ.topic_sensitivity(model, creative, digital, values, random_seed=7, reference_n=3, min_size=2)
    assert list(frame["n_topics"]) == [2, 3, 4]
    reference = frame[frame["reference"]].iloc[0]
    assert reference["creative_overlap_with_reference"] == pytest.approx(1.0)
    assert frame["creative_overlap_with_reference"].between(0, 1).all()


def test_jaccard():
    assert occ.jaccard([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(1 / 3)
    assert np.isnan(occ.jaccard([0, 0], [0, 0]))


# ---------------------------------------------------------------------------------------------
# Positions, bridging, roles
# ---------------------------------------------------------------------------------------------

def test_positions_place_the_themes_where_expected(corpus, model, masks):
    creative, ai, digital = masks
    positions = occ.positions(model, corpus["preferred_label"], creative, ai, digital).set_index("label")
    assert positions.loc["painter", "x"] > positions.loc["crop farmer", "x"]
    assert positions.loc["data scientist", "y"] > positions.loc["painter", "y"]
    assert positions.loc["game developer", "group"] == occ.GROUP_DIGITAL
    assert positions.loc["museum data curator", "group"] == occ.GROUP_CREATIVE_DIGITAL
    assert positions.loc["crop farmer", "group"] == occ.GROUP_OTHER
    assert (positions[["x", "y"]].round(4) == positions[["x", "y"]]).all().all()


def test_bridging_finds_the_occupation_between_the_themes(corpus, model, masks):
    creative, ai, digital = masks
    bridges = occ.bridging(model, corpus["preferred_label"], creative, ai, digital, k=3)
    towards_creative = bridges["towards_creative"]
    assert towards_creative["occupation"].iloc[0] == "game developer"
    assert not set(towards_creative["occupation"]) & set(corpus.loc[creative, "preferred_label"])
    assert towards_creative["nearest_creative_occupation"].iloc[0] in {"illustrator", "painter"}
    towards_ai = bridges["towards_ai"]
    assert set(towards_ai["occupation"]) <= set(corpus.loc[creative, "preferred_label"])
    assert towards_ai["occupation"].iloc[0] == "museum data curator"
    assert list(towards_ai["similarity"]) == sorted(towards_ai["similarity"], reverse=True)


def test_nearest_breaks_ties_by_label():
    sims = np.array([0.5, 0.5, 0.9, 0.5])
    assert occ.nearest(sims, ["d", "b", "z", "a"], [True, True, False, True], 3) == [3, 1, 0]
    assert occ.nearest(sims, ["d", "b", "z", "a"], [False] * 4, 3) == []


def test_role_neighbours_and_what_the_classification_lacks(corpus, model):
    texts = occ.corpus_text(corpus)
    result = occ.role_neighbours(model, corpus["preferred_label"], texts, "interactive storyteller",
                                 "Interactive storytellers write digital games with artistic characters that "
                                 "audiences explore.", key_terms=["storyteller", "games", "farm"],
                                 label_texts=corpus["preferred_label"], k=2)
    assert result["neighbours"]["occupation"].iloc[0] == "game developer"
    assert result["term_counts"] == {"storyteller": 0, "games": 1, "farm": 3}
    assert result["occupations_named_like_role"] == []
    named = occ.role_neighbours(model, corpus["preferred_label"], texts, "data scientist", "data",
                                label_texts=corpus["preferred_label"], k=1)
    assert named["occupations_named_like_role"] == ["data scientist"]


# ---------------------------------------------------------------------------------------------
# The notebook's parameter defaults are the package's
# ---------------------------------------------------------------------------------------------

def test_notebook_defaults_equal_the_package_defaults():
    notebook = json.loads((REPO / "chapters" / "future_roles.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    namespace: dict = {}
    exec("".join(cells[0]["source"]), namespace)  # the cell only assigns literals
    assert tuple(namespace["cci_isco_codes"]) == occ.DEFAULT_CCI_ISCO_CODES
    assert isinstance(namespace["n_topics"], int) and isinstance(namespace["random_seed"], int)


# ---------------------------------------------------------------------------------------------
# The chapter on the real ESCO files: no word-form match passes for AI
# ---------------------------------------------------------------------------------------------

def test_chapter_bridging_and_role_neighbours_have_no_word_form_matches():
    from ai_culture_report.chapters import future_roles as chapter
    from ai_culture_report.params import validate

    found = chapter.findings(chapter.load(validate(["DK"]), occ.DEFAULT_CCI_ISCO_CODES, 24, 42))
    bridging = found.bridges["towards_ai"]
    assert len(bridging) == chapter.N_BRIDGING
    assert not bridging["occupation"].str.contains("insemination|lighting").any()
    assert set(bridging["nearest_ai_occupation"]) <= set(found.ai_occupations)
    ethicist = next(r for r in found.roles if r["role"] == "AI ethicist")["neighbours"]["occupation"]
    assert not ethicist.str.contains("insemination").any()
    # The AI ethicist's description names AI concepts, so the occupations that name them come first.
    assert ethicist.iloc[0] in found.ai_occupations
    assert all(len(str(v).split()) <= 12 for v in found.values.values())
