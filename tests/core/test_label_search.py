"""The picker's search over a task's labels (core/label_search.py): tiers, order, folding."""

from __future__ import annotations

from labeltui.core.label_search import LabelIndex, fold
from labeltui.core.schema import Label, parse_schema

SCHEMA = """\
tasks:
  - name: topic
    kind: choice
    labels:
      - name: science
        aliases: [sci]
        children:
          - physics
          - name: biology
            hint: living things
            children:
              - {name: genetics, aliases: [dna, heredity]}
              - ecology
          - name: general
      - name: sports
        children: [football, {name: Ärzte-Sport, hint: doctors' league}]
"""


def index() -> LabelIndex:
    return LabelIndex(parse_schema(SCHEMA).tasks[0].labels)


def names(query: str, limit: int = 50) -> list[str]:
    return [hit.label.name for hit in index().search(query, limit)]


def test_an_empty_query_lists_every_label_in_schema_order():
    assert names("")[:3] == ["science", "science/physics", "science/biology"]
    assert len(names("", limit=4)) == 4


def test_name_prefix_first_then_path_and_alias_prefix_then_inside():
    got = index().search("gen")
    assert [h.label.name for h in got] == ["science/biology/genetics", "science/general"]
    assert {h.tier for h in got} == {0}
    bio = index().search("bio")
    assert bio[0].label.name == "science/biology" and bio[0].tier == 0
    # the children of biology match through their path: tier 1, after the label itself
    assert [h.label.name for h in bio[1:3]] == [
        "science/biology/genetics",
        "science/biology/ecology",
    ]
    assert all(h.tier == 1 for h in bio[1:3])
    assert names("sci")[0] == "science"
    assert names("dna") == ["science/biology/genetics"]  # an alias
    # inside the name (biology, ecology) before inside a name above (genetics, under biology)
    assert names("olog") == [
        "science/biology",
        "science/biology/ecology",
        "science/biology/genetics",
    ]


def test_hint_and_several_words():
    assert names("living") == ["science/biology"]
    assert names("bio gen") == ["science/biology/genetics"]
    assert names("sport league") == ["sports/Ärzte-Sport"]  # a word from the hint


def test_typos_are_tolerated_after_exact_matches():
    hits = index().search("gentics")
    assert hits[0].label.name == "science/biology/genetics" and hits[0].tier == 4
    assert names("herdity") == ["science/biology/genetics"]  # a typo in an alias
    assert names("zzzz") == []


def test_case_and_accents_fold():
    assert fold("Ärzte") == "arzte"
    assert names("ARZTE") == ["sports/Ärzte-Sport"]


def test_ten_thousand_labels_are_searched_by_name_and_by_typo():
    labels = [
        Label(f"top{a}/mid{a}x{b}/leaf{a}x{b}x{c}", "", parent=f"top{a}/mid{a}x{b}")
        for a in range(20)
        for b in range(20)
        for c in range(25)
    ]
    big = LabelIndex(labels)
    assert len(big.labels) == 10_000
    assert big.search("leaf12x7x3")[0].label.name == "top12/mid12x7/leaf12x7x3"
    assert big.search("laef12x7x3", limit=5)[0].label.name == "top12/mid12x7/leaf12x7x3"
    assert len(big.search("mid3x4", limit=100)) == 25  # the children of mid3x4, via their path
