"""Text analysis of the ESCO occupations: creative occupations, AI and digital terms, topics,
positions, bridging occupations and emerging roles.

The method, in the order the chapter uses it:

1. **Corpus**: one document per ESCO occupation: its preferred label, its alternative labels and
   its description (:func:`corpus_text`).
2. **Creative occupations**: those whose ISCO-08 unit group starts with one of the codes of the
   cultural and creative set (:data:`DEFAULT_CCI_ISCO_CODES`, a parameter) (:func:`cci_mask`).
3. **AI concepts** (ESCO's AI skills, :data:`AI_CONCEPTS`), matched as whole phrases and turned into
   one token before TF-IDF (:func:`mark_ai_concepts`); **data and digital terms** by regular
   expressions and ICT groups of the occupation hierarchy (:data:`TERM_GROUPS`, :func:`term_hits`,
   :func:`digital_by_hierarchy`).
4. **TF-IDF** over the marked corpus, English and occupational stop words removed (:func:`fit_tfidf`).
5. **Topics**: non-negative matrix factorisation (NMF, ``init='nndsvda'``, fixed seed), each topic
   named by its top terms; each occupation belongs to its dominant topic (:func:`fit_topics`).
6. **Positions**: cosine similarity of each occupation to the centroid of the creative occupations
   (x) and to the centroid of the occupations that name an AI concept (y) (:func:`positions`).
7. **Bridging occupations** and **emerging roles** as nearest neighbours in the TF-IDF space
   (:func:`bridging`, :func:`role_neighbours`).

Everything is deterministic: no sampling, a fixed NMF seed, a single BLAS thread for the factorisation,
and ties broken by label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

# ISCO-08 unit groups of cultural and creative occupations, in the spirit of the ESSnet-Culture
# (2012) definition that Eurostat applies to cultural employment: architects and designers,
# teachers of music and arts, archivists, curators and librarians, authors, journalists and
# translators, creative and performing artists, artistic and cultural associate professionals,
# broadcasting and audio-visual technicians, library clerks and handicraft workers.
# This is the report's reading of that definition, not a copy of Eurostat's official table.
DEFAULT_CCI_ISCO_CODES: tuple[int, ...] = (
    2161, 2162, 2163, 2166,                          # architects; product, garment, graphic and multimedia designers
    2354, 2355,                                      # other music teachers; other arts teachers
    2621, 2622,                                      # archivists and curators; librarians
    2641, 2642, 2643,                                # authors; journalists; translators and interpreters
    2651, 2652, 2653, 2654, 2655, 2656, 2659,        # creative and performing artists
    3431, 3432, 3433, 3435,                          # photographers; interior designers; gallery technicians; other artistic
    3521,                                            # broadcasting and audio-visual technicians
    4411,                                            # library clerks
    7312, 7313, 7314, 7315, 7316, 7317, 7318, 7319,  # handicraft workers (not precision-instrument makers)
)

# AI is matched by meaning, not by word forms: through the concepts of ESCO's own AI skills (and of
# the AI occupations ESCO names after a technique that no skill label names), each with the phrases
# that name it in a text. A phrase counts only whole, so "artificial insemination" or "intelligent
# lighting" never count, and the words of an AI phrase never count on their own. A test checks that
# every skill label below is in the ESCO skills file.
AI_CONCEPTS: dict[str, tuple[str, ...]] = {
    "principles of artificial intelligence": ("artificial intelligence",),
    "utilise machine learning": ("machine learning",),
    "natural language processing": ("natural language processing",),
    "speech recognition": ("speech recognition",),
    "build predictive models": ("predictive model",),
}
AI_OCCUPATION_CONCEPTS: dict[str, tuple[str, ...]] = {
    "computer vision engineer": ("computer vision",),
    "ICT intelligent systems designer": ("intelligent system",),
}
# The token that stands for any AI concept in the TF-IDF texts, so that all AI concepts share it.
AI_TOKEN = "ai-concept"

# ISCO-08 groups of ICT work (ESCO's occupation hierarchy): ICT service managers, ICT professionals
# and ICT technicians count as digital whatever their texts say.
DIGITAL_ISCO_CODES: tuple[str, ...] = ("133", "25", "35")

# Terms that mark data and digital work. Word boundaries keep "data" out of "database" unless
# listed. Matching is case-insensitive.
TERM_GROUPS: dict[str, str] = {
    "data": (r"\bbig data\b|\bdata analy(?:sis|tics|st|sts|se|ze)\b|\bdata mining\b|\bdata models?\b"
             r"|\bdatabases?\b|\bdata management\b|\bdata warehous\w*|\bdatasets?\b|\bdata processing\b"
             r"|\bstatistical\b"),
    "digital": (r"\bdigital\w*|\bsoftware\b|\bict\b|\bcomputer\w*|\bonline\b|\binternet\b|\bwebsites?\b"
                r"|\bweb\b|\bmultimedia\b|\bvirtual reality\b|\baugmented reality\b|\b3d\b|\bvideo games?\b"
                r"|\bprogramming\b|\bapps?\b|\be-commerce\b|\bsocial media\b|\bcyber\w*|\bcloud computing\b"
                r"|\bblockchain\b|\bcomputer-aided\b|\bcad\b"),
}


def ai_phrases() -> list[str]:
    """Every phrase that names an AI concept, longest first (so the longest match wins)."""
    phrases = {p for group in (AI_CONCEPTS, AI_OCCUPATION_CONCEPTS) for ps in group.values() for p in ps}
    return sorted(phrases, key=lambda p: (-len(p), p))


AI_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in ai_phrases()) + r")s?\b", re.IGNORECASE)


def ai_concepts_named(text: str) -> list[str]:
    """The AI concepts (ESCO skill or occupation labels) a text names, sorted."""
    found = {m.group(1).lower() for m in AI_PATTERN.finditer(str(text))}
    return sorted(label for group in (AI_CONCEPTS, AI_OCCUPATION_CONCEPTS)
                  for label, phrases in group.items() if found & set(phrases))


def mark_ai_concepts(text: str) -> str:
    """The text with each AI phrase replaced by the shared AI token and the phrase as one token
    ('machine learning' -> 'ai-concept machine-learning'), so its words never match on their own."""
    return AI_PATTERN.sub(lambda m: f" {AI_TOKEN} {m.group(1).lower().replace(' ', '-')} ", str(text))


def check_ai_concepts(skill_labels, occupation_labels) -> None:
    """Refuse an AI concept that is not an ESCO skill label (or an ESCO occupation label)."""
    missing = sorted(set(AI_CONCEPTS) - set(skill_labels)) + sorted(set(AI_OCCUPATION_CONCEPTS) - set(occupation_labels))
    if missing:
        raise ValueError(f"AI concept(s) not in the ESCO files: {', '.join(missing)}.")


def digital_by_hierarchy(unit_codes: pd.Series) -> pd.Series:
    """True for occupations in an ICT group of ISCO-08 (:data:`DIGITAL_ISCO_CODES`)."""
    return cci_mask(unit_codes, DIGITAL_ISCO_CODES)


# Words that name a rank or a kind of job rather than its content, and template phrases that
# ESCO repeats across families of occupations; they would otherwise dominate the topics.
OCCUPATIONAL_STOP_WORDS = frozenset("""
manager managers worker workers operator operators officer officers supervisor supervisors technician
technicians designer designers specialist specialists assistant assistants professional professionals engineer engineers
expert experts head chief senior junior director directors employee employees staff operative
operatives clerk clerks consultant consultants coordinator coordinators agent agents inspector
inspectors they their them also including include includes such various ensure ensuring responsible
perform performs work works working related activities
""".split())

STOP_WORDS = sorted(ENGLISH_STOP_WORDS | OCCUPATIONAL_STOP_WORDS)

GROUP_CREATIVE_DIGITAL = "creative, with AI/digital terms"
GROUP_CREATIVE = "creative"
GROUP_DIGITAL = "AI/digital terms, not creative"
GROUP_OTHER = "other occupations"
GROUPS = (GROUP_CREATIVE_DIGITAL, GROUP_CREATIVE, GROUP_DIGITAL, GROUP_OTHER)


# ---------------------------------------------------------------------------------------------
# Creative occupations and terms
# ---------------------------------------------------------------------------------------------

def normalise_isco_codes(codes, known=None) -> tuple[str, ...]:
    """ISCO-08 codes as strings of 1-4 digits, sorted and without duplicates.

    ``known`` (codes of the ISCO groups file) makes unknown codes an error, so a typo in the
    parameter cannot silently shrink the creative set.
    """
    if codes is None:
        codes = DEFAULT_CCI_ISCO_CODES
    if isinstance(codes, (str, int)):
        codes = [codes]
    cleaned = []
    for code in codes:
        if isinstance(code, bool):
            raise ValueError(f"ISCO code {code!r} is not a code.")
        text = str(code).strip()
        if not re.fullmatch(r"\d{1,4}", text):
            raise ValueError(f"ISCO-08 codes have 1 to 4 digits; {code!r} does not.")
        cleaned.append(text)
    if not cleaned:
        raise ValueError("The list of cultural and creative ISCO codes is empty.")
    if known is not None:
        known_text = {str(k) for k in known}
        unknown = sorted(c for c in set(cleaned) if c not in known_text)
        if unknown:
            raise ValueError(f"Unknown ISCO-08 code(s) {', '.join(unknown)}: not in the ISCO groups of ESCO.")
    return tuple(sorted(set(cleaned), key=lambda c: (c.ljust(4, "0"), len(c))))


def cci_mask(unit_codes: pd.Series, codes) -> pd.Series:
    """True for occupations whose ISCO unit group falls under one of ``codes`` (any level)."""
    prefixes = normalise_isco_codes(codes)
    text = unit_codes.astype("string").fillna("")
    return text.map(lambda unit: any(unit.startswith(p) for p in prefixes)).astype(bool)


def corpus_text(occupations: pd.DataFrame) -> pd.Series:
    """One document per occupation: preferred label, alternative labels, description."""
    labels = occupations["preferred_label"].fillna("").astype(str)
    alternatives = occupations["alt_labels"].fillna("").astype(str).str.replace(" | ", ". ", regex=False)
    descriptions = occupations["description"].fillna("").astype(str)
    return (labels + ". " + alternatives + ". " + descriptions).str.strip()


def term_hits(texts: pd.Series, groups: dict[str, str] = TERM_GROUPS) -> pd.DataFrame:
    """One boolean column for the AI concepts and one per term group (True when the text matches), plus ``any``."""
    lowered = texts.fillna("").astype(str).str.lower()
    hits = pd.DataFrame({"AI": lowered.map(lambda t: AI_PATTERN.search(t) is not None).astype(bool)}, index=texts.index)
    for name, pattern in groups.items():
        hits[name] = lowered.str.contains(pattern, regex=True)
    hits["any"] = hits.any(axis=1)
    return hits


def matched_terms(text: str, groups: dict[str, str] = TERM_GROUPS) -> list[str]:
    """The distinct AI phrases and terms of ``groups`` found in ``text`` (lower case, sorted)."""
    found = {m.group(1).lower() for m in AI_PATTERN.finditer(str(text))}
    for pattern in groups.values():
        found.update(m.group(0).lower() for m in re.finditer(pattern, str(text).lower()))
    return sorted(found)


def group_labels(creative: np.ndarray, digital: np.ndarray) -> np.ndarray:
    creative, digital = np.asarray(creative, bool), np.asarray(digital, bool)
    return np.where(creative & digital, GROUP_CREATIVE_DIGITAL,
                    np.where(creative, GROUP_CREATIVE, np.where(digital, GROUP_DIGITAL, GROUP_OTHER)))


# ---------------------------------------------------------------------------------------------
# TF-IDF and topics
# ---------------------------------------------------------------------------------------------

@dataclass
class TextModel:
    """A fitted TF-IDF vectoriser and the L2-normalised document-term matrix."""

    vectorizer: TfidfVectorizer
    matrix: object  # scipy.sparse CSR, rows of unit length
    terms: np.ndarray

    def transform(self, texts) -> object:
        return normalize(self.vectorizer.transform(list(texts)))


def fit_tfidf(texts, min_df: int = 3, max_df: float = 0.3, max_features: int | None = 5000,
              ngram_range=(1, 2)) -> TextModel:
    """TF-IDF (sublinear term frequency, unigrams and bigrams) over the documents."""
    vectorizer = TfidfVectorizer(stop_words=STOP_WORDS, min_df=min_df, max_df=max_df, max_features=max_features,
                                 ngram_range=ngram_range, sublinear_tf=True, lowercase=True,
                                 token_pattern=r"(?u)\b[a-z][a-z0-9\-]+\b", dtype=np.float64)
    matrix = vectorizer.fit_transform(list(texts))
    return TextModel(vectorizer=vectorizer, matrix=normalize(matrix), terms=vectorizer.get_feature_names_out())


@dataclass
class Topics:
    weights: np.ndarray  # documents x topics
    components: np.ndarray  # topics x terms
    top_terms: list[list[str]]
    names: list[str]
    dominant: np.ndarray  # topic index per document, -1 when a document has no weight at all

    @property
    def n_topics(self) -> int:
        return self.components.shape[0]


def fit_topics(model: TextModel, n_topics: int, random_seed: int, n_name_terms: int = 3,
               n_top_terms: int = 8, max_iter: int = 400, tol: float = 1e-3) -> Topics:
    """NMF topics of the TF-IDF matrix, named by their top terms."""
    if not isinstance(n_topics, (int, np.integer)) or isinstance(n_topics, bool) or n_topics < 2:
        raise ValueError(f"n_topics must be a whole number of at least 2, not {n_topics!r}.")
    if n_topics > min(model.matrix.shape):
        raise ValueError(f"n_topics = {n_topics} is more than the corpus allows ({min(model.matrix.shape)}).")
    nmf = NMF(n_components=int(n_topics), init="nndsvda", random_state=int(random_seed), max_iter=max_iter, tol=tol)
    # One BLAS thread: the result no longer depends on the machine's thread count (the last digits of
    # multi-threaded sums vary), and on a busy two-core machine it is also many times faster.
    with threadpool_limits(limits=1):
        weights = nmf.fit_transform(model.matrix)
    components = nmf.components_
    top_terms = []
    for row in components:
        order = np.lexsort((model.terms, -row))  # weight descending, then term alphabetically
        top_terms.append([str(model.terms[i]) for i in order[:n_top_terms]])
    names = [topic_name(terms, n_name_terms) for terms in top_terms]
    dominant = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    return Topics(weights=weights, components=components, top_terms=top_terms, names=names, dominant=dominant)


def topic_name(terms: list[str], n: int = 3) -> str:
    """The first ``n`` terms that do not repeat a word already used (so 'design, designer' stays short)."""
    chosen, words = [], set()
    for term in terms:
        parts = set(term.split())
        if parts <= words:
            continue
        chosen.append(term)
        words |= parts
        if len(chosen) == n:
            break
    return ", ".join(chosen)


def topic_profile(topics: Topics, creative, digital) -> pd.DataFrame:
    """Per topic: occupations (dominant topic), creative ones, ones with AI/digital terms, and shares."""
    creative, digital = np.asarray(creative, bool), np.asarray(digital, bool)
    rows = []
    for index, name in enumerate(topics.names):
        members = topics.dominant == index
        n = int(members.sum())
        rows.append({
            "topic": index + 1, "name": name, "occupations": n,
            "creative": int((members & creative).sum()),
            "creative_digital": int((members & creative & digital).sum()),
            "digital": int((members & digital).sum()),
            "creative_percent": float((members & creative).sum() / n * 100) if n else float("nan"),
            "digital_percent": float((members & digital).sum() / n * 100) if n else float("nan"),
            "share_of_all_creative_percent": float((members & creative).sum() / creative.sum() * 100)
            if creative.sum() else float("nan"),
        })
    return pd.DataFrame(rows)


def leading_topic(profile: pd.DataFrame, column: str, min_size: int = 10) -> int | None:
    """The topic (1-based number) with the highest ``column`` among topics of at least ``min_size``
    occupations; ties go to the larger topic, then the lower number."""
    eligible = profile[profile["occupations"] >= min_size]
    if eligible.empty or eligible[column].isna().all():
        return None
    ranked = eligible.sort_values([column, "occupations", "topic"], ascending=[False, False, True], kind="mergesort")
    return int(ranked.iloc[0]["topic"])


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else float("nan")


def sensitivity_values(n_topics: int, step: int = 4) -> list[int]:
    """Three numbers of topics around the chosen one (never fewer than 2)."""
    values = sorted({max(2, n_topics - step), n_topics, n_topics + step})
    while len(values) < 3:
        values.append(values[-1] + step)
    return values


def topic_sensitivity(model: TextModel, creative, digital, n_values, random_seed: int,
                      reference: Topics | None = None, reference_n: int | None = None,
                      min_size: int = 10) -> pd.DataFrame:
    """How stable the creative topic and the AI/digital topic are when the number of topics changes.

    For each number of topics: the topic with the highest share of creative occupations, its size,
    the share of all creative occupations it holds, and its overlap (Jaccard index of members) with
    the creative topic of the reference run; the same for the topic with the highest share of
    occupations with AI/digital terms.
    """
    creative, digital = np.asarray(creative, bool), np.asarray(digital, bool)
    runs = {}
    for n in n_values:
        runs[n] = reference if (reference is not None and n == reference_n) else fit_topics(model, n, random_seed)
    ref_n = reference_n if reference_n in runs else list(runs)[len(runs) // 2]
    ref_profile = topic_profile(runs[ref_n], creative, digital)
    ref_creative = leading_topic(ref_profile, "creative_percent", min_size)
    ref_digital = leading_topic(ref_profile, "digital_percent", min_size)

    def members(topics: Topics, number: int | None) -> np.ndarray:
        return topics.dominant == (number - 1) if number else np.zeros(len(creative), bool)

    rows = []
    for n, topics in runs.items():
        profile = topic_profile(topics, creative, digital).set_index("topic")
        c, d = leading_topic(profile.reset_index(), "creative_percent", min_size), \
            leading_topic(profile.reset_index(), "digital_percent", min_size)
        rows.append({
            "n_topics": n,
            "creative_topic": profile.loc[c, "name"] if c else "",
            "creative_topic_size": int(profile.loc[c, "occupations"]) if c else 0,
            "creative_percent_in_topic": float(profile.loc[c, "creative_percent"]) if c else float("nan"),
            "creative_captured_percent": float(profile.loc[c, "share_of_all_creative_percent"]) if c else float("nan"),
            "creative_overlap_with_reference": jaccard(members(topics, c), members(runs[ref_n], ref_creative)),
            "digital_topic": profile.loc[d, "name"] if d else "",
            "digital_topic_size": int(profile.loc[d, "occupations"]) if d else 0,
            "digital_percent_in_topic": float(profile.loc[d, "digital_percent"]) if d else float("nan"),
            "digital_overlap_with_reference": jaccard(members(topics, d), members(runs[ref_n], ref_digital)),
            "reference": n == ref_n,
        })
    return pd.DataFrame(rows).sort_values("n_topics").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Positions, bridging occupations and emerging roles
# ---------------------------------------------------------------------------------------------

def centroid(matrix, mask) -> np.ndarray:
    """The unit-length mean vector of the rows in ``mask`` (zeros when the mask is empty)."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return np.zeros(matrix.shape[1])
    mean = np.asarray(matrix[np.flatnonzero(mask)].mean(axis=0)).ravel()
    norm = np.linalg.norm(mean)
    return mean / norm if norm else mean


def similarity_to(matrix, vector: np.ndarray) -> np.ndarray:
    """Cosine similarity of every (unit-length) row to a unit-length vector."""
    return np.asarray(matrix @ vector).ravel()


def nearest(similarities: np.ndarray, labels, candidates, k: int, exclude=None) -> list[int]:
    """Indices of the ``k`` most similar candidates (similarity descending, then label)."""
    candidates = np.flatnonzero(np.asarray(candidates, bool))
    if exclude is not None:
        candidates = candidates[candidates != exclude]
    if candidates.size == 0:
        return []
    labels = np.asarray(labels, dtype=object)
    order = sorted(candidates, key=lambda i: (-round(float(similarities[i]), 12), str(labels[i]), int(i)))
    return [int(i) for i in order[:k]]


def positions(model: TextModel, labels, creative, ai_reference, digital, digits: int = 4) -> pd.DataFrame:
    """Each occupation's position: similarity to the creative centroid (x) and to the centroid of the
    occupations that name AI techniques (y); rounded so the output does not depend on the last bits
    of floating-point arithmetic."""
    x = similarity_to(model.matrix, centroid(model.matrix, creative))
    y = similarity_to(model.matrix, centroid(model.matrix, ai_reference))
    return pd.DataFrame({
        "label": [str(label).strip() for label in labels], "x": np.round(x, digits), "y": np.round(y, digits),
        "group": group_labels(creative, digital),
    })


def bridging(model: TextModel, labels, creative, ai_reference, digital, k: int = 10) -> dict[str, pd.DataFrame]:
    """Candidates for future roles where creative and AI/digital work meet.

    * ``towards_creative``: occupations outside the creative set that carry AI/digital terms,
      ranked by similarity to the creative centroid, with their nearest creative occupation;
    * ``towards_ai``: creative occupations ranked by similarity to the centroid of the occupations
      that name AI techniques, with their nearest such occupation.
    """
    creative, ai_reference, digital = (np.asarray(a, bool) for a in (creative, ai_reference, digital))
    labels = np.asarray(list(labels), dtype=object)
    to_creative = similarity_to(model.matrix, centroid(model.matrix, creative))
    to_ai = similarity_to(model.matrix, centroid(model.matrix, ai_reference))

    def table(ranked, score, reference_mask, reference_name):
        rows = []
        for index in ranked:
            sims = similarity_to(model.matrix, np.asarray(model.matrix[index].todense()).ravel())
            neighbour = nearest(sims, labels, reference_mask, 1, exclude=index)
            rows.append({
                "occupation": labels[index], "similarity": round(float(score[index]), 3),
                reference_name: labels[neighbour[0]] if neighbour else "",
                "neighbour_similarity": round(float(sims[neighbour[0]]), 3) if neighbour else float("nan"),
                "index": int(index),
            })
        return pd.DataFrame(rows, columns=["occupation", "similarity", reference_name, "neighbour_similarity", "index"])

    outside = (~creative) & digital
    return {
        "towards_creative": table(nearest(to_creative, labels, outside, k), to_creative, creative,
                                  "nearest_creative_occupation"),
        "towards_ai": table(nearest(to_ai, labels, creative & ~ai_reference, k), to_ai, ai_reference,
                            "nearest_ai_occupation"),
    }


def content_words(text: str) -> list[str]:
    """The words of a text that TF-IDF would keep (lower case, stop words removed), in order, once each."""
    seen, words = set(), []
    for word in re.findall(r"[a-z][a-z0-9\-]+", str(text).lower()):
        if word in STOP_WORDS or word in seen:
            continue
        seen.add(word)
        words.append(word)
    return words


def term_frequency(texts: pd.Series, term: str) -> int:
    """How many texts contain ``term`` as a word or phrase (a plural 's' allowed)."""
    pattern = rf"\b{re.escape(term.lower())}s?\b"
    return int(texts.fillna("").astype(str).str.lower().str.contains(pattern, regex=True).sum())


def role_neighbours(model: TextModel, labels, texts: pd.Series, name: str, description: str,
                    key_terms=(), label_texts: pd.Series | None = None, k: int = 5) -> dict:
    """The ESCO occupations nearest to a role described in one sentence, and what ESCO lacks.

    Returns the ``k`` nearest occupations (index, label, similarity), how many occupation texts
    contain each of ``key_terms``, and the occupations whose labels (preferred or alternative)
    contain the role's name.
    """
    labels = np.asarray(list(labels), dtype=object)
    query = model.transform([mark_ai_concepts(description)])
    sims = np.asarray((model.matrix @ query.T).todense()).ravel()
    top = nearest(sims, labels, np.ones(len(labels), bool), k)
    label_texts = pd.Series(labels, dtype="string") if label_texts is None else label_texts
    named_mask = label_texts.fillna("").astype(str).str.lower().str.contains(
        rf"\b{re.escape(name.lower())}s?\b", regex=True).to_numpy()
    return {
        "role": name, "description": description,
        "neighbours": pd.DataFrame({"index": top, "occupation": [labels[i] for i in top],
                                    "similarity": [round(float(sims[i]), 3) for i in top]}),
        "term_counts": {term: term_frequency(texts, term) for term in key_terms},
        "occupations_named_like_role": sorted(str(labels[i]) for i in np.flatnonzero(named_mask)),
        "query_terms_in_vocabulary": int(query.nnz),
    }


def skill_term_counts(skill_labels: pd.Series, groups: dict[str, str] = TERM_GROUPS) -> pd.DataFrame:
    """How many skill labels carry each group of terms (and any of them)."""
    hits = term_hits(skill_labels, groups)
    total = len(skill_labels)
    rows = [{"terms": name, "skill_labels": int(hits[name].sum()),
             "percent": float(hits[name].sum() / total * 100) if total else float("nan")} for name in hits.columns]
    return pd.DataFrame(rows)
