"""Organisation names: readable case, descriptions of unnamed organisations, the name table and labels."""

from __future__ import annotations

import pandas as pd
import pytest

from ai_culture_report import organisations


@pytest.mark.parametrize("register, short, readable", [
    ("LUNDS UNIVERSITET", None, "Lunds universitet"),
    ("UNIVERSITETET I OSLO", None, "Universitetet i Oslo"),
    ("HELSINGIN YLIOPISTO", None, "Helsingin yliopisto"),
    ("AALTO-KORKEAKOULUSAATIO", "AALTO", "Aalto-korkeakoulusaatio"),      # a hyphenated word is not an acronym
    ("NORGES TEKNISK-NATURVITENSKAPELIGE UNIVERSITET NTNU", "NTNU",
     "Norges teknisk-naturvitenskapelige universitet NTNU"),
    ("SINTEF AS", "SINTEF", "SINTEF AS"),                                   # the short name as an acronym
    ("TEKNOLOGIAN TUTKIMUSKESKUS VTT OY", None, "Teknologian Tutkimuskeskus VTT Oy"),  # no vowel: an acronym
    ("RISE RESEARCH INSTITUTES OF SWEDEN AB", "RISE", "RISE Research Institutes of Sweden AB"),
    ("CEKO SENSORS APS", None, "Ceko Sensors ApS"),
    ("AROCELL AB (PUBL)", None, "Arocell AB (publ)"),
])
def test_readable_name_from_register_capitals(register, short, readable):
    assert organisations.readable_name(register, [short] if short else []) == readable


def test_a_name_in_mixed_case_is_kept_as_it_is():
    assert organisations.readable_name("Saimaan ammattikorkeakoulu Oy") == "Saimaan ammattikorkeakoulu Oy"
    assert organisations.readable_name("  University Centre in  Svalbard ") == "University Centre in Svalbard"


def test_unnamed_organisations_are_described_never_coded():
    assert organisations.describe("DK", "HES") == "a Danish university"
    assert organisations.describe("EE", "REC") == "an Estonian research organisation"
    assert organisations.describe("PT", "PRC") == "a company in Portugal"
    assert organisations.describe("IS", None) == "an Icelandic organisation"


def test_name_table_prefers_the_register_and_keeps_its_spelling():
    register = pd.DataFrame({"organisation_pic": [1, 2], "name": ["LUNDS UNIVERSITET", "SINTEF AS"],
                             "short_name": ["LU", "SINTEF"]})
    linked = pd.DataFrame({"organisation_pic": [2, 3], "organisation_name": ["STIFTELSEN X", "NORCE AS"]})
    table = organisations.name_table(register, linked).set_index("organisation_pic")
    assert table.loc[1, "name"] == "Lunds universitet" and table.loc[1, "register_name"] == "LUNDS UNIVERSITET"
    assert table.loc[2, "name"] == "SINTEF AS" and table.loc[2, "name_source"] == "CORDIS register"
    assert table.loc[3, "name"] == "Norce AS" and table.loc[3, "name_source"] == "Research Council of Norway"


def test_labels_name_known_organisations_and_number_look_alikes():
    names = pd.DataFrame({"organisation_pic": [1], "name": ["Lunds universitet"]})
    frame = pd.DataFrame({"node": [1, 7, 8, 9], "country": ["SE", "DK", "DK", "DK"],
                          "activity_type": ["HES", "PRC", "PRC", "HES"]})
    labels = list(organisations.labels(frame, names))
    assert labels == ["Lunds universitet", "a Danish company (1)", "a Danish company (2)", "a Danish university"]
    assert not any(str(pic) in label for pic, label in zip(frame["node"], labels) if pic != 1)
