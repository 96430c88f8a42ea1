"""Names of Horizon 2020 organisations: from PIC to a name a reader can find, or a plain description.

The CORDIS participations identify organisations by PIC (participant identification code) only. Two
sources in the snapshot give names: the register of Nordic PICs assembled from public copies of the CORDIS
organisations file (``cordis_h2020_organisation_names_nordic``), and the Research Council of Norway's list,
linked to PICs by :func:`ai_culture_report.research.link_organisation_names`. The register comes first: it
is CORDIS's own record of the PIC. Registers spell names in capitals ("LUNDS UNIVERSITET");
:func:`readable_name` gives the text a readable case, while the CSV downloads keep the register's spelling.
An organisation without a name is described by its type and country (:func:`describe`), never by its PIC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from .params import country_name

# Words a name keeps in lower case unless they open it: function words, and the generic nouns and
# adjectives of Nordic institution names ("Lunds universitet", "Helsingin yliopisto", "Universitetet i Oslo").
LOWER_WORDS = {
    "a", "af", "and", "at", "av", "de", "der", "des", "du", "for", "för", "i", "in", "ja", "of", "og", "och",
    "on", "på", "the", "to", "und", "von",
    "universitet", "universitetet", "yliopisto", "korkeakoulu", "ammattikorkeakoulu", "korkeakoulusaatio",
    "korkeakoulusäätiö", "saatio", "säätiö", "hogskola", "högskola", "hogskolan", "högskolan", "hogskolen",
    "høgskolen", "hogskulen", "høgskulen", "institut", "institutt", "instituttet", "institutet", "stiftelse",
    "stiftelsen", "tekniske", "teknisk", "tekniska", "teknillinen", "kommune", "kommun", "kaupunki",
    "universitetssykehus", "sykehus", "lan", "län", "forskningsinstitut", "forskningsinstitutt", "hoegskolan", "hoegskola",
}
# Company and association forms, spelled as the countries write them.
LEGAL_FORMS = {"AB": "AB", "AS": "AS", "ASA": "ASA", "A/S": "A/S", "APS": "ApS", "IVS": "IVS", "P/S": "P/S",
               "I/S": "I/S", "K/S": "K/S", "SMBA": "S.m.b.a.", "OY": "Oy", "OYJ": "Oyj", "RY": "ry", "SR": "sr",
               "HF": "HF", "EHF": "ehf.", "OHF": "ohf.", "SF": "sf.", "SES": "ses.", "LTD": "Ltd", "SE": "SE", "KB": "KB",
               "HB": "HB", "GMBH": "GmbH", "AG": "AG", "BV": "BV", "SA": "SA", "NV": "NV", "(PUBL)": "(publ)"}
VOWELS = set("AEIOUYÅÄÖÆØÉÜ")
TOKEN = re.compile(r"(\s+|-)")

# What an unnamed organisation is called, by CORDIS activity type.
TYPE_NOUNS = {"HES": "university", "REC": "research organisation", "PRC": "company", "PUB": "public body",
              "OTH": "organisation"}
# Adjectives for the countries the book's variants select; any other country reads "a university in X".
ADJECTIVES = {"DK": "Danish", "FI": "Finnish", "IS": "Icelandic", "NO": "Norwegian", "SE": "Swedish",
              "EE": "Estonian", "LV": "Latvian", "LT": "Lithuanian", "CH": "Swiss", "LI": "Liechtenstein",
              "DE": "German", "FR": "French", "NL": "Dutch", "UK": "British", "IT": "Italian", "ES": "Spanish",
              "AT": "Austrian", "BE": "Belgian", "PL": "Polish"}


def _is_capitals(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _word(part: str, first: bool, after_hyphen: bool, before_hyphen: bool, acronyms: set[str]) -> str:
    upper = part.upper()
    if upper in LEGAL_FORMS and not first:
        return LEGAL_FORMS[upper]
    bare = upper.strip("()")
    if (bare in acronyms and not before_hyphen) or (upper.startswith("(") and upper.endswith(")")) \
            or (len(bare) > 1 and not VOWELS & set(bare) and bare.isalpha()):
        return upper
    lower = part.lower()
    if not first and (after_hyphen or lower in LOWER_WORDS):
        return lower
    return lower[:1].upper() + lower[1:]


def readable_name(name: str, acronyms: Iterable[str] = ()) -> str:
    """A register's name in readable case: 'LUNDS UNIVERSITET' -> 'Lunds universitet'.

    Words are capitalised, except function words and the generic nouns of institution names (after the
    first word) and the parts after a hyphen, company forms keep their national spelling (AB, ApS, Oy), and acronyms stay in capitals:
    words without a vowel (KTH, VTT), words in parentheses and the given ``acronyms`` (the register's short
    name, for example) unless hyphenated to a longer word (AALTO-KORKEAKOULUSAATIO). A name that is already in mixed case is returned as it is.
    """
    name = " ".join(str(name).split())
    if not _is_capitals(name):
        return name
    keep = {a.upper() for a in acronyms if isinstance(a, str) and a}
    pieces = TOKEN.split(name)
    parts, first = [], True
    for i, piece in enumerate(pieces):
        if not piece or TOKEN.fullmatch(piece):
            parts.append(piece)
            continue
        parts.append(_word(piece, first, parts[-1:] == ["-"], pieces[i + 1:i + 2] == ["-"], keep))
        first = False
    return "".join(parts)


def describe(country: str, activity_type: str | None) -> str:
    """An unnamed organisation in words: 'a Danish university', 'a company in Germany'."""
    noun = TYPE_NOUNS.get(activity_type or "", "organisation")
    adjective = ADJECTIVES.get(country)
    text = f"{adjective} {noun}" if adjective else f"{noun} in {country_name(country)}"
    return ("an " if text[0].lower() in "aeiou" else "a ") + text


def name_table(register: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    """One row per named PIC: ``organisation_pic, register_name, name, name_source``.

    ``register`` is the CORDIS name register (``organisation_pic, name, short_name``); ``linked`` the names
    linked from the Norwegian list (``organisation_pic, organisation_name``). The register wins where both
    name a PIC. ``register_name`` keeps the source's spelling; ``name`` is :func:`readable_name` of it, with
    the short name kept as an acronym when it is one word of at most six capitals (SINTEF, not CHALMERS).
    """
    own = register[["organisation_pic", "name", "short_name"]].dropna(subset=["name"])
    own = own.assign(name_source="CORDIS register")
    other = linked.rename(columns={"organisation_name": "name"})[["organisation_pic", "name"]]
    other = other[~other["organisation_pic"].isin(own["organisation_pic"])].assign(
        short_name=None, name_source="Research Council of Norway")
    both = pd.concat([own, other], ignore_index=True)
    shorts = both["short_name"].map(lambda s: [s] if isinstance(s, str) and s.isupper() and s.isalpha()
                                    and len(s) <= 6 else [])
    readable = [readable_name(n, a) for n, a in zip(both["name"], shorts)]
    out = both.assign(register_name=both["name"], name=readable)
    return out[["organisation_pic", "register_name", "name", "name_source"]].sort_values(
        "organisation_pic").reset_index(drop=True)


def labels(frame: pd.DataFrame, names: pd.DataFrame) -> pd.Series:
    """The text label of each row of ``frame`` (``node``, ``country``, ``activity_type``): the readable name
    where one is known, else :func:`describe`; unnamed rows of the same kind are numbered so labels stay unique."""
    known = names.set_index("organisation_pic")["name"]
    label = [known.get(n) if n in known.index else describe(c, t)
             for n, c, t in zip(frame["node"], frame["country"], frame["activity_type"])]
    series = pd.Series(label, index=frame.index)
    clash = series.duplicated(keep=False)
    if clash.any():
        number = series[clash].groupby(series[clash]).cumcount() + 1
        series[clash] = series[clash] + " (" + number.astype(str) + ")"
    return series
