"""European Digital Innovation Hubs: counts, capabilities, self-descriptions and the hub network.

The EU's hub catalogue (an export of about April 2025) names countries in words
("Spain"), gives each hub a type (EDIH, Seal of Excellence, DIH) and, for about
two thirds of the hubs, sector, service and technology tags with a level from 1
to 5. A hub without tags in a facet is *untagged* there: we do not know what it
offers, which is not the same as offering nothing. Every function here keeps
that distinction: a capability level is 0 only when the hub publishes tags of
that facet and the capability is not among them, and missing (NaN) when the hub
publishes no tags of that facet.

The network part builds a bipartite hub × capability graph (networkx), measures
how alike two hubs are (cosine similarity of their tag levels and of their
descriptions' TF-IDF vectors), finds communities with a deterministic algorithm
and ranks cross-border pairs of hubs whose capabilities meet at AI × culture.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import pycountry

from . import data, measures
from .cache import cached
from .errors import ReportError
from .params import ReportParams, country_name, join_names

HUB_TYPES = ("EDIH", "Seal of Excellence", "DIH")
FACETS = ("sector", "service", "technology")

# The four capabilities at the meeting point of AI and culture: (facet, catalogue label, short name).
CAPABILITIES = {
    "ai": ("technology", "Artificial Intelligence & Decision support", "AI & decision support"),
    "cce": ("sector", "Cultural and creative economy", "cultural & creative economy"),
    "av": ("technology", "New technologies for Audio-Visual sector - Media", "audio-visual media technology"),
    "vr": ("technology", "Virtual Reality", "virtual reality"),
}
AI_SIDE = "ai"
CREATIVE_SIDE = ("cce", "av")  # a focus on creative work: the sector itself or its media technology
CULTURE_RELATED = ("cce", "av", "vr")  # capabilities that count as the culture side of a shared interest
STRONG_LEVEL = 4  # levels 4–5 are read as a strong capability, 1–3 as some capability
MAX_LEVEL = 5

# Words that show a hub's description talks about culture, media, creativity or heritage.
CULTURE_PATTERN = re.compile(r"\b(cultur\w*|creativ\w*|media|multimedia|heritage)\b", re.IGNORECASE)

# Country names in the catalogue that ISO 3166 (and so pycountry) does not list, with their Eurostat geo code.
NAMES_OUTSIDE_ISO = {"Kosovo": "XK"}
_ISO_TO_EUROSTAT = {"GR": "EL", "GB": "UK"}


class UnknownCountryName(ReportError):
    """The catalogue names a country that cannot be mapped to a Eurostat geo code."""


# --------------------------------------------------------------------------- countries and hubs

def country_codes(names) -> dict[str, str]:
    """Map country names as written in the catalogue to Eurostat geo codes (Greece = EL).

    Raises :class:`UnknownCountryName` listing every name that pycountry does not know.
    """
    mapping, unknown = {}, []
    for name in sorted({str(n) for n in names if isinstance(n, str) and n.strip()}):
        if name in NAMES_OUTSIDE_ISO:
            mapping[name] = NAMES_OUTSIDE_ISO[name]
            continue
        try:
            alpha_2 = pycountry.countries.lookup(name.strip()).alpha_2
        except LookupError:
            unknown.append(name)
            continue
        mapping[name] = _ISO_TO_EUROSTAT.get(alpha_2, alpha_2)
    if unknown:
        raise UnknownCountryName(
            f"The hub catalogue names {len(unknown)} countr{'y' if len(unknown) == 1 else 'ies'} that "
            f"pycountry does not know: {', '.join(repr(u) for u in unknown)}. Add the name and its Eurostat "
            "geo code to hubs.NAMES_OUTSIDE_ISO."
        )
    return mapping


def hub_ids(frame: pd.DataFrame) -> pd.Series:
    """A unique key per hub: name, country and type (two hubs share a name in different countries)."""
    return (frame["edih_name"].astype(str) + " | " + frame["country"].astype(str) + " | "
            + frame["hub_type"].astype(str)).astype("string")


def with_geo(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``geo`` (Eurostat code) and ``hub_id`` columns added."""
    codes = country_codes(frame["country"].dropna().unique())
    result = frame.copy()
    result["geo"] = result["country"].map(codes).astype("string")
    result["hub_id"] = hub_ids(result)
    return result


def short_label(name: str, limit: int = 30) -> str:
    """A chart label for a hub: its acronym in brackets if the name is long, else the name cut at a word."""
    name = " ".join(str(name).split())
    if len(name) <= limit:
        return name
    acronym = re.search(r"\(([^()]{2,20})\)\s*$", name)
    if acronym:
        return acronym.group(1)
    cut = name[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,-–") + "…"


def hub_labels(hubs: pd.DataFrame) -> pd.Series:
    """Readable, unique hub labels indexed by ``hub_id``: short name plus the country code.

    "Nemonoor (NO)"; a name that already ends in brackets gets the code inside
    them: "Digital Impact North (DIN, SE)".
    """
    frame = hubs if "hub_id" in hubs else with_geo(hubs)
    labels = []
    for name, geo in zip(frame["edih_name"].map(short_label), frame["geo"]):
        labels.append(f"{name[:-1]}, {geo})" if name.endswith(")") else f"{name} ({geo})")
    labels = pd.Series(labels, index=frame.index)
    duplicated = labels.duplicated(keep=False)
    labels = labels.where(~duplicated, labels + " " + frame["hub_type"])
    return pd.Series(labels.to_numpy(), index=frame["hub_id"].to_numpy(), dtype="string")


# --------------------------------------------------------------------------- cities

# Spelling variants of one city found in the catalogue's addresses (local name, English name).
CITY_SPELLINGS = {
    "kobenhavn": "Copenhagen", "copenhagen": "Copenhagen",
    "warszawa": "Warsaw", "warsaw": "Warsaw",
    "lisboa": "Lisbon", "lisbon": "Lisbon",
    "wien": "Vienna", "vienna": "Vienna",
    "brussel": "Brussels", "bruxelles": "Brussels", "brussels": "Brussels",
    "roma": "Rome", "rome": "Rome",
    "bucuresti": "Bucharest", "bucharest": "Bucharest",
    "sevilla": "Seville", "seville": "Seville",
    "den haag": "The Hague", "the hague": "The Hague",
}


_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "Ł": "L",
                          "đ": "d", "Đ": "D", "ı": "i"})


@functools.cache
def _combining_marks() -> dict:
    """Every combining mark (the accents NFKD splits off), for one ``str.translate`` that deletes them."""
    return dict.fromkeys(c for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c)))


def _fold(text: str) -> str:
    """Lower case without accents ("Göteborg" -> "goteborg", "København" -> "kobenhavn"), for matching only."""
    text = str(text)
    if text.isascii():  # most names: nothing to decompose (the gazetteer folds about a million of them)
        return text.lower().strip()
    return unicodedata.normalize("NFKD", text.translate(_LETTERS)).translate(_combining_marks()).casefold().strip()


def _clean_place(text: str, country: str) -> str:
    words = [w for w in re.split(r"\s+", str(text).strip(" ,.()")) if w]
    if any(re.fullmatch(r"\d{1,3}([/-]?[A-Za-z0-9]{0,2})?\.?", w) for w in words[1:]):
        return ""  # a street with a house number ("Bogdanfy utca 10/a."), not a city
    if words and _fold(words[-1]) in {_fold(country), _fold(country).replace("ü", "u")}:
        words = words[:-1]  # "Tallinn Estonia"
    words = [w for w in words if not re.search(r"\d", w)]  # postcodes
    if len(words) > 1 and re.fullmatch(r"[A-Z]{1,2}", words[0]):
        words = words[1:]  # Dutch postcode letters: "BX Eindhoven"
    if len(words) > 1 and re.fullmatch(r"[A-Za-z]{1,2}", words[-1]):
        words = words[:-1]  # postal district or province code: "Aarhus N", "Roma RM"
    if len(words) > 1 and len(words) % 2 == 0 and words[: len(words) // 2] == words[len(words) // 2:]:
        words = words[: len(words) // 2]  # "Madrid Madrid"
    return " ".join(words).strip(" ,.()")


def city_label(city: str | None, location: str | None, country: str) -> str:
    """The city of a hub, cleaned from the catalogue's derived city or, failing that, its published address.

    Postcodes, district letters and a repeated country name are removed; known
    spelling variants are merged; the first letter is capitalised. Returns
    "address not parseable" when no field without digits is left.
    """
    candidates = []
    if isinstance(city, str) and city.strip():
        candidates.append(city)
    if isinstance(location, str) and location.strip():
        candidates.extend(reversed([part for part in location.split(",") if part.strip()]))
    for candidate in candidates:
        if _fold(candidate) == _fold(country):
            continue
        cleaned = _clean_place(candidate, country)
        if cleaned and not re.search(r"\d", cleaned):
            folded = _fold(cleaned)
            if folded in CITY_SPELLINGS:
                return CITY_SPELLINGS[folded]
            return cleaned[0].upper() + cleaned[1:]
    return "address not parseable"


def merge_spellings(cities: pd.Series) -> pd.Series:
    """One spelling per city: names equal up to case and accents take the most frequent spelling
    (ties: the one with accents, then not in capitals, then alphabetical)."""
    keys = cities.map(lambda c: _fold(c) if isinstance(c, str) else c)
    chosen = {}
    for key, group in cities.groupby(keys, sort=True):
        counts = group.value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], -sum(ord(ch) > 127 for ch in item[0]),
                                                          item[0].isupper(), item[0]))
        chosen[key] = ranked[0][0]
    return keys.map(chosen).where(cities.notna(), cities)


# --------------------------------------------------------------------------- counts per country

def latest_population_year(population: pd.DataFrame, year_end: int) -> int | None:
    years = population.loc[population["year"] <= year_end, "year"]
    return int(years.max()) if len(years) else None


def hubs_per_country(hubs: pd.DataFrame, population: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Hubs by country and type, with population and hubs per million inhabitants.

    One row per catalogue country and hub type plus a ``total`` row per country.
    ``population`` is NaN (and so is ``per_million``) for countries that the
    population table does not cover.
    """
    frame = hubs if "geo" in hubs else with_geo(hubs)
    counts = frame.groupby(["geo", "hub_type"]).size().unstack(fill_value=0)
    for kind in HUB_TYPES:
        if kind not in counts:
            counts[kind] = 0
    counts = counts[list(HUB_TYPES)]
    counts["total"] = counts.sum(axis=1)
    long = counts.reset_index().melt(id_vars="geo", var_name="hub_type", value_name="hubs")
    if year is None:
        pop = pd.Series(dtype=float)
    else:
        pop = population[population["year"] == year].set_index("geo")["value"].astype(float)
    long["population"] = long["geo"].map(pop)
    long["year"] = year
    long["per_million"] = [measures.per_million(h, p) for h, p in zip(long["hubs"], long["population"])]
    long["name"] = long["geo"].map(country_name)
    order = {kind: i for i, kind in enumerate((*HUB_TYPES, "total"))}
    long = long.sort_values(["geo", "hub_type"], key=lambda s: s.map(order) if s.name == "hub_type" else s)
    return long[["geo", "name", "hub_type", "hubs", "population", "year", "per_million"]].reset_index(drop=True)


def pooled_per_million(per_country: pd.DataFrame, codes) -> pd.DataFrame:
    """Hubs per million inhabitants of a group of countries taken together, by type (countries with population only)."""
    subset = per_country[per_country["geo"].isin(list(codes)) & per_country["population"].notna()]
    rows = []
    for kind, group in subset.groupby("hub_type", sort=False):
        population = group["population"].sum()
        rows.append({"hub_type": kind, "hubs": int(group["hubs"].sum()), "population": population,
                     "countries": group["geo"].nunique(),
                     "per_million": measures.per_million(group["hubs"].sum(), population)})
    return pd.DataFrame(rows, columns=["hub_type", "hubs", "population", "countries", "per_million"])


# --------------------------------------------------------------------------- tags and capabilities

def tagged_facets(hubs: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """For every hub, whether it publishes any tag of each facet (index ``hub_id``)."""
    frame = hubs if "hub_id" in hubs else with_geo(hubs)
    tag_ids = tags if "hub_id" in tags else tags.assign(hub_id=hub_ids(tags))
    present = tag_ids.groupby(["hub_id", "facet"]).size().unstack(fill_value=0) > 0
    result = pd.DataFrame(index=pd.Index(frame["hub_id"].to_numpy(), name="hub_id"))
    for facet in FACETS:
        column = present[facet] if facet in present else pd.Series(dtype=bool)
        result[facet] = [bool(column.get(hub, False)) for hub in result.index]
    result["any"] = result[list(FACETS)].any(axis=1)
    return result


def tag_levels(tags: pd.DataFrame) -> pd.DataFrame:
    """Hub × tag matrix of levels (the highest level when a tag is listed twice); columns ``facet: label``."""
    tag_ids = tags if "hub_id" in tags else tags.assign(hub_id=hub_ids(tags))
    keyed = tag_ids.assign(tag=tag_ids["facet"] + ": " + tag_ids["label"])
    matrix = keyed.pivot_table(index="hub_id", columns="tag", values="level", aggfunc="max", fill_value=0)
    return matrix.sort_index().sort_index(axis=1).astype(float)


def capability_levels(hubs: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """Level (0–5) of each AI × culture capability per hub; NaN where the hub has no tags of that facet."""
    facets = tagged_facets(hubs, tags)
    matrix = tag_levels(tags)
    result = pd.DataFrame(index=facets.index)
    for key, (facet, label, _) in CAPABILITIES.items():
        column = f"{facet}: {label}"
        levels = matrix[column] if column in matrix else pd.Series(0.0, index=matrix.index)
        values = result.index.map(levels).astype(float)
        values = pd.Series(values, index=result.index).fillna(0.0)
        result[key] = values.where(facets[facet], np.nan)
    return result


def capability_shares(levels: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group and capability: hubs, hubs tagged in that facet (the base), hubs listing it, strong and some.

    ``groups`` maps ``hub_id`` to a group label. Shares use the tagged hubs as
    the base, so an untagged hub never counts as lacking the capability.
    """
    rows = []
    for group, members in groups.groupby(groups, sort=False):
        subset = levels.reindex(members.index)
        for key, (facet, _, short) in CAPABILITIES.items():
            known = subset[key].dropna()
            listing = int((known > 0).sum())
            strong = int((known >= STRONG_LEVEL).sum())
            rows.append({
                "group": group, "capability": key, "capability_name": short, "facet": facet,
                "hubs": len(subset), "tagged": len(known), "untagged": len(subset) - len(known),
                "listing": listing, "strong": strong, "some": listing - strong,
                "share_listing": measures.share(listing, len(known)),
                "share_strong": measures.share(strong, len(known)),
                "share_some": measures.share(listing - strong, len(known)),
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- descriptions

TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"


def english_share(text: str) -> float:
    """Share of a text's words that are English stop words (about 0.3–0.5 for English prose)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # imported here: sklearn is slow to load

    words = re.findall(r"[^\W\d_]+", str(text).lower())
    return sum(w in ENGLISH_STOP_WORDS for w in words) / len(words) if words else 0.0


@cached(versions=(metadata.version("scikit-learn"),))  # the same descriptions in every variant and nbval run
def is_english(texts: pd.Series, threshold: float = 0.2) -> pd.Series:
    return texts.fillna("").map(english_share) >= threshold


@cached(versions=(metadata.version("scikit-learn"),))  # with is_english cached, a variant never loads sklearn
def fit_tfidf(texts, min_df: int = 3, max_df: float = 0.4):
    """TF-IDF of ``texts`` (words and two-word phrases, English stop words removed).

    Returns the sparse matrix (rows L2-normalised) and the terms. ``min_df`` is
    lowered for very small corpora so that tests can use a handful of texts.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    texts = [str(t).lower() for t in texts]
    min_df = min(min_df, max(1, len(texts) // 3))
    max_df = max_df if len(texts) >= 10 else 1.0
    vectoriser = TfidfVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS), token_pattern=TOKEN_PATTERN,
                                 ngram_range=(1, 2), min_df=min_df, max_df=max_df, sublinear_tf=True)
    matrix = vectoriser.fit_transform(texts)
    return matrix, np.array(vectoriser.get_feature_names_out())


def place_words(names) -> set[str]:
    """Lower-case words (3+ letters) of country and city names, to keep place names out of the term lists."""
    words = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                words |= set(re.findall(r"[^\W\d_]{3,}", value.lower()))
    for name in names:
        if isinstance(name, str):
            words |= set(re.findall(r"[^\W\d_]{3,}", name.lower()))
    return words


def distinguishing_terms(matrix, terms, in_group, group_of_row, exclude=frozenset(), top: int = 15,
                         min_groups: int | None = None) -> pd.DataFrame:
    """Terms whose mean TF-IDF weight is highest in the group's documents compared with the rest.

    ``in_group`` is a boolean array over the rows; ``group_of_row`` names the
    country of each row. A term must occur in documents from at least
    ``min_groups`` different countries of the group (default: half of them, at
    least two when the group has two or more countries), so that one hub's
    place names or jargon cannot dominate. Terms containing a word from
    ``exclude`` are dropped. Ties are broken alphabetically.
    """
    in_group = np.asarray(in_group, dtype=bool)
    countries = np.asarray(group_of_row)
    if in_group.sum() == 0 or (~in_group).sum() == 0:
        return pd.DataFrame(columns=["term", "score", "mean_in", "mean_out", "documents_in", "countries_in"])
    inside = np.asarray(matrix[in_group].mean(axis=0)).ravel()
    outside = np.asarray(matrix[~in_group].mean(axis=0)).ravel()
    present = (matrix[in_group] > 0).toarray()
    group_countries = countries[in_group]
    n_countries = len(set(group_countries))
    if min_groups is None:
        min_groups = max(min(2, n_countries), math.ceil(n_countries / 2))
    spread = np.array([len(set(group_countries[present[:, i]])) for i in range(len(terms))])
    documents = present.sum(axis=0)
    frame = pd.DataFrame({"term": terms, "score": inside - outside, "mean_in": inside, "mean_out": outside,
                          "documents_in": documents, "countries_in": spread})
    keep = (frame["countries_in"] >= min_groups) & (frame["score"] > 0)
    keep &= ~frame["term"].map(lambda t: any(w in exclude for w in t.split()))
    frame = frame[keep].sort_values(["score", "term"], ascending=[False, True])
    return frame.head(top).reset_index(drop=True)


def culture_mentions(descriptions: pd.DataFrame, pattern: re.Pattern = CULTURE_PATTERN,
                     context: int = 70) -> pd.DataFrame:
    """Hubs whose description uses culture, media, creative or heritage words, with the words and a snippet."""
    rows = []
    for row in descriptions.itertuples(index=False):
        text = str(row.description) if isinstance(row.description, str) else ""
        found = list(pattern.finditer(text))
        if not found:
            continue
        first = found[0]
        start, end = max(0, first.start() - context), min(len(text), first.end() + context)
        while 0 < start < first.start() and not text[start - 1].isspace():
            start += 1  # begin at a whole word
        while first.end() < end < len(text) and not text[end].isspace():
            end -= 1  # end at a whole word
        snippet = ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")
        rows.append({"hub_id": row.hub_id, "words": ", ".join(sorted({m.group(0).lower() for m in found})),
                     "mentions": len(found), "snippet": snippet})
    return pd.DataFrame(rows, columns=["hub_id", "words", "mentions", "snippet"])


# --------------------------------------------------------------------------- network and similarity

def capability_graph(tags: pd.DataFrame, hub_subset=None) -> nx.Graph:
    """Bipartite graph: hub nodes (``kind="hub"``) linked to tag nodes (``kind="capability"``), weight = level."""
    matrix = tag_levels(tags)
    if hub_subset is not None:
        matrix = matrix.reindex([h for h in sorted(hub_subset) if h in matrix.index])
    graph = nx.Graph()
    for hub in matrix.index:
        graph.add_node(("hub", hub), kind="hub", bipartite=0, name=hub)
    for tag in matrix.columns:
        if (matrix[tag] > 0).any():
            graph.add_node(("capability", tag), kind="capability", bipartite=1, name=tag)
    for hub in matrix.index:
        row = matrix.loc[hub]
        for tag in row.index[row > 0]:
            graph.add_edge(("hub", hub), ("capability", tag), weight=float(row[tag]))
    return graph


def profile_similarity(graph: nx.Graph) -> pd.DataFrame:
    """Cosine similarity of the hubs' tag levels, read from the bipartite graph (1 = identical profiles)."""
    hubs = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "hub")
    capabilities = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "capability")
    position = {c: i for i, c in enumerate(capabilities)}
    vectors = np.zeros((len(hubs), len(capabilities)))
    for i, hub in enumerate(hubs):
        for neighbour, attributes in graph[hub].items():
            vectors[i, position[neighbour]] = attributes.get("weight", 1.0)
    ids = [h[1] for h in hubs]
    return pd.DataFrame(_cosine(vectors), index=ids, columns=ids)


def text_similarity(matrix, ids) -> pd.DataFrame:
    """Cosine similarity of TF-IDF rows (rows are L2-normalised, so the dot product is the cosine)."""
    dense = matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)
    return pd.DataFrame(_cosine(dense), index=list(ids), columns=list(ids))


def _cosine(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    unit = vectors / safe[:, None]
    result = unit @ unit.T
    empty = norms == 0
    result[empty, :] = np.nan
    result[:, empty] = np.nan
    return np.clip(result, -1.0, 1.0)


def combined_similarity(*matrices: pd.DataFrame) -> pd.DataFrame:
    """Mean of the available similarities for each pair (a pair missing in one matrix keeps the others)."""
    ids = sorted(set().union(*[set(m.index) for m in matrices]))
    stacked = np.stack([m.reindex(index=ids, columns=ids).to_numpy(dtype=float) for m in matrices])
    counts = (~np.isnan(stacked)).sum(axis=0)
    totals = np.nansum(stacked, axis=0)
    mean = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
    return pd.DataFrame(mean, index=ids, columns=ids)


def similarity_graph(similarity: pd.DataFrame, neighbours: int = 3, min_weight: float = 0.0) -> nx.Graph:
    """Each hub linked to its ``neighbours`` most similar hubs (ties by name); weight = similarity."""
    graph = nx.Graph()
    ids = sorted(similarity.index)
    graph.add_nodes_from(ids)
    edges = {}
    for hub in ids:
        row = similarity.loc[hub].drop(labels=[hub]).dropna()
        row = row[row > min_weight]
        ranked = sorted(row.items(), key=lambda item: (-item[1], item[0]))[:neighbours]
        for other, weight in ranked:
            edges[tuple(sorted((hub, other)))] = float(weight)
    for (a, b), weight in sorted(edges.items()):
        graph.add_edge(a, b, weight=weight)
    return graph


def communities(graph: nx.Graph) -> dict:
    """Community number of every node (1 = largest community; ties by the first member's name).

    Greedy modularity maximisation (Clauset–Newman–Moore) on the weighted graph is
    deterministic for a given graph; isolated nodes form communities of their own.
    """
    if graph.number_of_nodes() == 0:
        return {}
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True)))
    if ordered.number_of_edges() == 0:
        found = [{n} for n in ordered.nodes]
    else:
        found = nx.algorithms.community.greedy_modularity_communities(ordered, weight="weight")
    ranked = sorted((sorted(c) for c in found), key=lambda members: (-len(members), str(members[0])))
    return {node: number for number, members in enumerate(ranked, start=1) for node in members}


def layout(graph: nx.Graph, seed: int = 7) -> pd.DataFrame:
    """Deterministic node positions (rounded to 4 decimals), scaled to [-1, 1].

    Kamada–Kawai on the unweighted links, started from a spring layout with a
    fixed ``seed``: the spring layout places the groups, Kamada–Kawai evens out
    the distances so that labels overlap less.
    """
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True)))
    if ordered.number_of_nodes() == 0:
        return pd.DataFrame(columns=["node", "x", "y"])
    positions = nx.spring_layout(ordered, seed=seed, weight="weight", iterations=200)
    if ordered.number_of_nodes() > 2 and nx.is_connected(ordered):
        positions = nx.kamada_kawai_layout(ordered, pos=positions, weight=None)
    return pd.DataFrame([{"node": n, "x": round(float(p[0]), 4), "y": round(float(p[1]), 4)}
                         for n, p in sorted(positions.items())])


def place_labels(positions: pd.DataFrame, width: float, height: float, domain_x: tuple[float, float],
                 domain_y: tuple[float, float], char_width: float = 5.9, line_height: float = 12.0,
                 gap: float = 8.0) -> pd.DataFrame:
    """Choose, for each node, where its label goes so that labels overlap as little as possible.

    ``positions`` has ``node, x, y, label``. Candidates (right, left, then above
    or below on either side) are tried for each label in alphabetical order; the
    first one that overlaps no placed label and no other node wins, else the one
    with the least overlap. Returns ``node, label_x, label_y, align`` with the
    label anchor in data coordinates. Deterministic.
    """
    (x0, x1), (y0, y1) = domain_x, domain_y
    to_px = lambda x, y: ((x - x0) / (x1 - x0) * width, (y1 - y) / (y1 - y0) * height)  # noqa: E731
    to_data = lambda px, py: (x0 + px / width * (x1 - x0), y1 - py / height * (y1 - y0))  # noqa: E731
    nodes = {r.node: to_px(r.x, r.y) for r in positions.itertuples()}
    node_boxes = {n: (px - 8, py - 8, px + 8, py + 8) for n, (px, py) in nodes.items()}
    placed, rows = [], []
    offsets = [(gap, 0, "left"), (-gap, 0, "right"), (gap * 0.6, -line_height, "left"),
               (gap * 0.6, line_height, "left"), (-gap * 0.6, -line_height, "right"),
               (-gap * 0.6, line_height, "right")]

    def overlap(a, b) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    for row in sorted(positions.itertuples(), key=lambda r: (str(r.label), str(r.node))):
        px, py = nodes[row.node]
        text_width = len(str(row.label)) * char_width
        best = None
        for dx, dy, align in offsets:
            left = px + dx if align == "left" else px + dx - text_width
            box = (left, py + dy - line_height / 2, left + text_width, py + dy + line_height / 2)
            cost = sum(overlap(box, other) for other in placed)
            cost += sum(overlap(box, b) for n, b in node_boxes.items() if n != row.node)
            cost += 1000.0 * (max(0.0, -box[0]) + max(0.0, box[2] - width))  # stay inside the plot
            if best is None or cost < best[0] - 1e-9:
                best = (cost, box, dx, dy, align)
            if cost == 0:
                break
        _, box, dx, dy, align = best
        placed.append(box)
        label_x, label_y = to_data(px + dx, py + dy)
        rows.append({"node": row.node, "label_x": round(label_x, 4), "label_y": round(label_y, 4), "align": align})
    return pd.DataFrame(rows, columns=["node", "label_x", "label_y", "align"]).sort_values("node").reset_index(drop=True)


def _level_text(level: float) -> str:
    return f"level {int(level)}"


def _listing(levels: pd.Series, keys) -> list[str]:
    return [f"{CAPABILITIES[k][2]} ({_level_text(levels[k])})" for k in keys if levels.get(k, 0) > 0]


def _pair_reason(known: pd.DataFrame, labels: pd.Series, complement, pair, shared, sim: float, community) -> str:
    """Why a pair qualifies, from its tags: the complementary direction, the shared capabilities, the
    similarity and a shared community."""
    parts = []
    if complement is not None:
        creative_hub, technical_hub = complement
        lc, lt = known.loc[creative_hub].fillna(0.0), known.loc[technical_hub].fillna(0.0)
        creative_text = " and ".join(_listing(lc, CREATIVE_SIDE))
        parts.append(f"Complementary: {labels[creative_hub]} lists {creative_text}; "
                     f"{labels[technical_hub]} lists AI & decision support ({_level_text(lt[AI_SIDE])}).")
    if shared:
        la, lb = (known.loc[h].fillna(0.0) for h in pair)
        listed = [f"{CAPABILITIES[k][2]} ({int(la[k])} and {int(lb[k])})" for k in shared]
        parts.append(f"Both list {join_names(listed)}.")
    if not math.isnan(sim):
        parts.append(f"Profile and text similarity {sim:.2f} (1 = identical).")
    if community is not None:
        parts.append(f"Same community ({community}).")
    return " ".join(parts)


def cross_border_pairs(levels: pd.DataFrame, geo: pd.Series, similarity: pd.DataFrame | None = None,
                       labels: pd.Series | None = None, community: dict | None = None) -> pd.DataFrame:
    """Pairs of hubs in different countries whose capabilities meet at AI × culture, ranked, with the reason.

    A pair qualifies when it is *complementary* (one hub lists a creative focus —
    the cultural and creative economy sector or audio-visual media technology —
    and the other lists AI & decision support) or when both list a culture-related
    capability (including virtual reality). Pairs are ranked by complementarity
    (product of the AI level and the creative level, out of 25), then by the
    shared capabilities (sum of the lower level of each shared capability, out of
    5 each), then by similarity, then by name. Hubs without tags are not paired.
    """
    if labels is None:
        labels = pd.Series(levels.index, index=levels.index)
    known = levels.dropna(how="all")
    rows = []
    for a, b in combinations(sorted(known.index), 2):
        if geo.get(a) == geo.get(b) or pd.isna(geo.get(a)) or pd.isna(geo.get(b)):
            continue
        la, lb = known.loc[a].fillna(0.0), known.loc[b].fillna(0.0)
        directions = []
        for creative, technical in ((a, b), (b, a)):
            lc, lt = known.loc[creative].fillna(0.0), known.loc[technical].fillna(0.0)
            creative_level = max(lc[k] for k in CREATIVE_SIDE)
            score = creative_level * lt[AI_SIDE] / (MAX_LEVEL * MAX_LEVEL)
            directions.append((score, creative, technical))
        complementarity, creative_hub, technical_hub = max(directions, key=lambda d: (d[0], d[1] == a))
        shared = [k for k in CAPABILITIES if la[k] > 0 and lb[k] > 0]
        shared_culture = [k for k in shared if k in CULTURE_RELATED]
        if complementarity <= 0 and not shared_culture:
            continue
        shared_score = sum(min(la[k], lb[k]) for k in shared) / MAX_LEVEL
        sim = float(similarity.loc[a, b]) if similarity is not None and a in similarity.index \
            and b in similarity.index else math.nan
        same = community is not None and community.get(a) is not None and community.get(a) == community.get(b)
        reason = _pair_reason(known, labels, (creative_hub, technical_hub) if complementarity > 0 else None,
                              (a, b), shared, sim, community[a] if same else None)
        rows.append({"hub_a": a, "hub_b": b, "label_a": labels[a], "label_b": labels[b],
                     "geo_a": geo[a], "geo_b": geo[b], "complementarity": round(complementarity, 4),
                     "shared": ", ".join(CAPABILITIES[k][2] for k in shared), "shared_score": round(shared_score, 4),
                     "similarity": round(sim, 4) if not math.isnan(sim) else math.nan,
                     "same_community": bool(same), "reason": reason})
    columns = ["hub_a", "hub_b", "label_a", "label_b", "geo_a", "geo_b", "complementarity", "shared",
               "shared_score", "similarity", "same_community", "reason"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype="Int64"))
    frame["_sim"] = frame["similarity"].fillna(-1.0)
    frame = frame.sort_values(["complementarity", "shared_score", "_sim", "label_a", "label_b"],
                              ascending=[False, False, False, True, True]).drop(columns="_sim")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reset_index(drop=True)



def diverse_pairs(pairs: pd.DataFrame, top: int = 10, per_hub: int = 3) -> pd.DataFrame:
    """The best-ranked pairs, taking at most ``per_hub`` pairs for any one hub, so the list is not one hub's."""
    chosen, used = [], {}
    for row in pairs.itertuples(index=False):
        if used.get(row.hub_a, 0) >= per_hub or used.get(row.hub_b, 0) >= per_hub:
            continue
        chosen.append(row)
        used[row.hub_a] = used.get(row.hub_a, 0) + 1
        used[row.hub_b] = used.get(row.hub_b, 0) + 1
        if len(chosen) == top:
            break
    return pd.DataFrame(chosen, columns=pairs.columns)


def community_profiles(tags: pd.DataFrame, members_of: dict, labels: pd.Series, geo: pd.Series) -> pd.DataFrame:
    """Each community (``members_of``: hub -> community number): its hubs, countries and the tags most
    typical of its tagged members (listed by at least half of them and more common there than among all)."""
    matrix = tag_levels(tags).reindex(sorted(members_of)).dropna(how="all")
    listed = matrix > 0
    overall = listed.mean() if len(listed) else pd.Series(dtype=float)
    rows = []
    for number in sorted(set(members_of.values())):
        members = sorted((m for m, c in members_of.items() if c == number), key=lambda m: labels[m])
        tagged = [m for m in members if m in listed.index]
        typical = []
        if tagged:
            score = (listed.loc[tagged].mean() - overall).where(listed.loc[tagged].mean() >= 0.5)
            ranked = sorted(((s, t) for t, s in score.dropna().items() if s > 0), key=lambda x: (-x[0], x[1]))[:3]
            typical = [t.split(": ", 1)[1] for _, t in ranked]
        rows.append({"Community": number, "Hubs": len(members),
                     "Countries": join_names(sorted({country_name(geo[m]) for m in members})),
                     "Most typical tags (tagged members)": ", ".join(typical) if typical else "no tagged members",
                     "Members": ", ".join(labels[m] for m in members)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the catalogue and its indicators

POPULATION = "worldbank_population_total_eu_eea_2010_2024"
HUBS_RESOURCE = "edih_catalogue_hubs"
TAGS_RESOURCE = "edih_catalogue_tags_long"
DESCRIPTIONS_RESOURCE = "edih_catalogue_descriptions"
# The chapter's and the synthesis's one definition of a hub's creative focus, and its one reference.
CREATIVE_FOCUS = "cce"
CREATIVE_FOCUS_UNIT = "% of hubs with sector tags listing the cultural and creative economy"


@dataclass(frozen=True)
class Catalogue:
    """The hub catalogue with Eurostat codes, hub keys and cleaned cities, and the population table."""

    hubs: pd.DataFrame
    tags: pd.DataFrame
    descriptions: pd.DataFrame
    population: pd.DataFrame


def load_catalogue() -> Catalogue:
    hub_frame = with_geo(data.load(HUBS_RESOURCE))
    hub_frame["city"] = merge_spellings(pd.Series(
        [city_label(c, l, n) for c, l, n in
         zip(hub_frame["city_derived"], hub_frame["location_published"], hub_frame["country"])],
        index=hub_frame.index))
    return Catalogue(hubs=hub_frame, tags=with_geo(data.load(TAGS_RESOURCE)),
                     descriptions=with_geo(data.load(DESCRIPTIONS_RESOURCE)), population=data.load(POPULATION))


def catalogue_year() -> int | None:
    """The year of the catalogue export, read from the registry's vintage text."""
    found = re.search(r"(19|20)\d{2}", data.resource(HUBS_RESOURCE).vintage or "")
    return int(found.group(0)) if found else None


def median_of_countries(values: pd.Series) -> tuple[float, int]:
    """The reference of every hub indicator: the median of the European countries with a value, and their number."""
    known = values.dropna()
    return (float(known.median()), len(known)) if len(known) else (math.nan, 0)


def capability_by_country(levels: pd.DataFrame, geo: pd.Series, capability: str = CREATIVE_FOCUS) -> pd.DataFrame:
    """Per catalogue country: hubs tagged in the capability's facet, hubs listing it and the share
    (NaN where no hub of the country publishes tags of that facet). Index ``geo``."""
    shares = capability_shares(levels, geo)
    shares = shares[shares["capability"] == capability].set_index("group")
    shares.index.name = "geo"
    return shares[["hubs", "tagged", "listing", "share_listing"]]


def synthesis_indicators(params: ReportParams, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Two indicators for every European country with hubs in the catalogue.

    * ``hubs_per_million_inhabitants``: all hubs (EDIH, Seal of Excellence, DIH)
      per million inhabitants (World Bank population of the latest year up to
      ``params.year_end``); NaN where the population table has no figure.
    * ``creative_sector_focus_share``: % of the country's hubs with sector tags
      that list the "Cultural and creative economy" sector; NaN where no hub of
      the country publishes sector tags (untagged hubs are not counted as lacking it).

    Columns: ``geo, dimension, value, unit, year, source``; ``year`` is the
    catalogue year. Sorted by dimension and geo.
    """
    catalogue = catalogue or load_catalogue()
    year = catalogue_year()
    population_year = latest_population_year(catalogue.population, params.year_end)
    per_country = hubs_per_country(catalogue.hubs, catalogue.population, population_year)
    totals = per_country[per_country["hub_type"] == "total"]
    levels = capability_levels(catalogue.hubs, catalogue.tags)
    geo = pd.Series(catalogue.hubs["geo"].to_numpy(), index=catalogue.hubs["hub_id"].to_numpy())
    creative = capability_by_country(levels, geo)["share_listing"]
    rows = [{"geo": r.geo, "dimension": "hubs_per_million_inhabitants", "value": r.per_million,
             "unit": f"hubs per million inhabitants (population {population_year})", "year": year,
             "source": f"{HUBS_RESOURCE}; {POPULATION}"} for r in totals.itertuples()]
    rows += [{"geo": g, "dimension": "creative_sector_focus_share", "value": creative.get(g, math.nan),
              "unit": CREATIVE_FOCUS_UNIT, "year": year, "source": f"{HUBS_RESOURCE}; {TAGS_RESOURCE}"}
             for g in sorted(totals["geo"])]
    frame = pd.DataFrame(rows, columns=["geo", "dimension", "value", "unit", "year", "source"])
    frame["value"] = frame["value"].astype(float)
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(["dimension", "geo"]).reset_index(drop=True)
