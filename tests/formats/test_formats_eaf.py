"""ELAN .eaf: the real files import exactly (values read off the files by eye), export to a
well-formed EAF 3.0 document that ELAN's schema would accept in shape, and come back with the
same marks; hostile XML and broken references fail in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from formats_helpers import raw_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from labeltui.core.formats import export_file, import_file
from labeltui.errors import LabeltuiError

NEXT = Path(__file__).resolve().parents[1] / "data" / "formats-next" / "eaf"
SONNET = NEXT / "aeneas-sonnet001_u.eaf"
FABLES = NEXT / "speach-fables_01_03_aesop_64kb.eaf"


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def imported(source: Path, tmp_path: Path, **kwargs) -> dict:
    out = tmp_path / f"{source.stem}.jsonl"
    import_file("eaf", source, out, audio="rec.wav", **kwargs)
    (item,) = raw_lines(out)
    assert item["audio"] == "rec.wav"
    return item


def tuples(marks: list[dict]) -> list[tuple[float, float, str]]:
    return [(m["start"], m["end"], m["label"]) for m in marks]


def test_the_real_files_are_there():
    assert sorted(p.name for p in NEXT.glob("*.eaf")) == [SONNET.name, FABLES.name]


def test_the_forced_aligner_file(tmp_path):
    item = imported(SONNET, tmp_path)
    assert list(item["labels"]) == ["tier1"]
    marks = tuples(item["labels"]["tier1"])
    assert len(marks) == 15
    assert marks[0] == (0.0, 2.68, "I")
    assert marks[1] == (2.68, 5.88, "From fairest creatures we desire increase,")
    assert marks[-1] == (48.52, 53.24, "To eat the world\u2019s due, by the grave and thee.")


def test_the_aligner_eaf_and_srt_give_the_same_marks(tmp_path):
    """aeneas wrote both files from one alignment: two formats, one set of marks."""
    srt = tmp_path / "s.jsonl"
    import_file("srt", SONNET.parents[1] / "srt" / "aeneas-sonnet001_u.srt", srt, audio="r.wav")
    eaf = imported(SONNET, tmp_path)
    assert eaf["labels"]["tier1"] == raw_lines(srt)[0]["labels"]["subtitles"]


def test_the_elan_file_with_reference_tiers(tmp_path):
    item = imported(FABLES, tmp_path)
    labels = item["labels"]
    assert list(labels) == [
        "Story",
        "SectionMarker",
        "StoryChunk",
        "StoryChunkLanguage",
        "StoryChunkType",
    ]
    assert [len(labels[name]) for name in labels] == [16, 3, 28, 28, 22]  # 97 ANNOTATIONs
    story = tuples(labels["Story"])
    assert story[0] == (0.61, 2.71, "This is a libriVox recording")  # ts2..ts4
    assert story[-1] == (94.226, 97.281, 'end of "the Cat and the Mice"')  # ts90..ts92
    assert tuples(labels["SectionMarker"]) == [
        (0.454, 21.526, "Meta"),  # ts1..ts24
        (21.754, 26.49, "Title"),  # ts25..ts34
        (92.44, 97.958, "Meta"),  # ts89..ts94
    ]
    # a48 refers to a25 (ts3..ts5), a75 to a47 (ts91..ts93): the parent's times
    language = tuples(labels["StoryChunkLanguage"])
    assert language[0] == (0.61, 2.71, "English") and language[-1] == (94.226, 97.281, "English")
    assert {label for _, _, label in language} == {"English"}
    kinds = tuples(labels["StoryChunkType"])
    assert kinds[0] == (21.899, 23.608, "Narration")  # a76 -> a31, ts27..ts29
    assert {label for _, _, label in kinds} == {"Narration", "Dialogue"}
    # every reference mark sits exactly on a StoryChunk mark
    chunk_times = {(a, b) for a, b, _ in tuples(labels["StoryChunk"])}
    assert {(a, b) for a, b, _ in language + kinds} <= chunk_times
    # the marker tier overlaps the utterances: both kept
    assert story[0][0] < labels["SectionMarker"][0]["end"]


def test_task_picks_one_tier(tmp_path):
    item = imported(FABLES, tmp_path, task="SectionMarker")
    assert list(item["labels"]) == ["SectionMarker"] and len(item["labels"]["SectionMarker"]) == 3
    with pytest.raises(LabeltuiError, match="no tier named 'Nope'"):
        imported(FABLES, tmp_path, task="Nope")


# -- writing -------------------------------------------------------------------------------

_ORDER = [
    "LICENSE",
    "HEADER",
    "TIME_ORDER",
    "TIER",
    "LINGUISTIC_TYPE",
    "LOCALE",
    "LANGUAGE",
    "CONSTRAINT",
    "CONTROLLED_VOCABULARY",
    "LEXICON_REF",
    "EXTERNAL_REF",
]


def check_eaf(data: bytes) -> dict[str, list[tuple[float, float, str]]]:
    """What EAFv3.0.xsd asks of the parts labeltui writes; returns the marks per tier."""
    root = ET.fromstring(data)
    assert root.tag == "ANNOTATION_DOCUMENT"
    assert root.get("FORMAT") == root.get("VERSION") == "3.0" and root.get("DATE")
    assert root.get("AUTHOR") is not None
    positions = [_ORDER.index(child.tag) for child in root]
    assert positions == sorted(positions), [c.tag for c in root]
    header = root.find("HEADER")
    assert header is not None and header.get("TIME_UNITS") == "milliseconds"
    for media in header.iter("MEDIA_DESCRIPTOR"):
        assert media.get("MEDIA_URL", "").startswith("file:") and media.get("MIME_TYPE")
    slots = {}
    last = -1
    for slot in root.find("TIME_ORDER"):
        assert slot.tag == "TIME_SLOT" and slot.get("TIME_SLOT_ID") not in slots
        value = int(slot.get("TIME_VALUE"))
        assert value >= last  # TIME_ORDER is in time order
        slots[slot.get("TIME_SLOT_ID")] = last = value
    types = {t.get("LINGUISTIC_TYPE_ID") for t in root.iter("LINGUISTIC_TYPE")}
    ids = set()
    tiers: dict[str, list] = {}
    for tier in root.iter("TIER"):
        assert tier.get("LINGUISTIC_TYPE_REF") in types and tier.get("TIER_ID") not in tiers
        marks = tiers.setdefault(tier.get("TIER_ID"), [])
        for annotation in tier:
            assert annotation.tag == "ANNOTATION"
            (aligned,) = annotation
            assert aligned.tag == "ALIGNABLE_ANNOTATION"
            assert aligned.get("ANNOTATION_ID") not in ids
            ids.add(aligned.get("ANNOTATION_ID"))
            a, b = slots[aligned.get("TIME_SLOT_REF1")], slots[aligned.get("TIME_SLOT_REF2")]
            assert a <= b
            (value,) = aligned
            assert value.tag == "ANNOTATION_VALUE"
            marks.append((a / 1000, b / 1000, value.text or ""))
    assert {c.get("STEREOTYPE") for c in root.iter("CONSTRAINT")} == {
        "Time_Subdivision",
        "Symbolic_Subdivision",
        "Symbolic_Association",
        "Included_In",
    }
    return {name: sorted(marks) for name, marks in tiers.items()}


@pytest.mark.parametrize("source", [SONNET, FABLES], ids=lambda p: p.name)
def test_export_is_valid_and_imports_back_the_same(source, tmp_path):
    data = tmp_path / "data.jsonl"
    import_file("eaf", source, data, audio="sounds/story.wav")
    summary = export_file("eaf", data, tmp_path / "out")
    written = tmp_path / "out" / "story.eaf"
    assert summary.files == 1 and written.is_file()
    tiers = check_eaf(written.read_bytes())
    (item,) = raw_lines(data)
    assert tiers == {name: tuples(marks) for name, marks in item["labels"].items()}
    media = ET.parse(written).getroot().find("HEADER/MEDIA_DESCRIPTOR")
    assert media.get("RELATIVE_MEDIA_URL") == "./story.wav"
    assert media.get("MEDIA_URL") == (tmp_path / "sounds" / "story.wav").as_uri()
    again = tmp_path / "again.jsonl"
    import_file("eaf", written, again, audio="sounds/story.wav")
    assert raw_lines(again) == raw_lines(data)


def test_unaligned_slots_empty_values_and_underscore_tiers(tmp_path):
    """ELAN leaves time slots inside a time subdivision without a time: they get times spread
    evenly between the aligned slots around them (ts2, ts3 between 1000 and 4000 ms)."""
    source = tmp_path / "sub.eaf"
    source.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
<TIME_ORDER>
<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts2"/>
<TIME_SLOT TIME_SLOT_ID="ts3"/><TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="4000"/>
</TIME_ORDER>
<TIER TIER_ID="_words" LINGUISTIC_TYPE_REF="w">
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
<ANNOTATION_VALUE>one &amp; &lt;two&gt;</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">
<ANNOTATION_VALUE></ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
<ANNOTATION_VALUE>three</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
</TIER>
<TIER TIER_ID="" LINGUISTIC_TYPE_REF="w">
<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a5">
<ANNOTATION_VALUE>via a chain</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a5" ANNOTATION_REF="a3">
<ANNOTATION_VALUE>gloss</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
</TIER>
</ANNOTATION_DOCUMENT>
""",
        "utf-8",
    )
    out = tmp_path / "o.jsonl"
    summary = import_file("eaf", source, out, audio="a.wav")
    (item,) = raw_lines(out)
    assert item["labels"] == {
        "words": [
            {"start": 1.0, "end": 2.0, "label": "one & <two>"},
            {"start": 2.0, "end": 3.0, "label": ""},
            {"start": 3.0, "end": 4.0, "label": "three"},
        ],
        "tier 2": [
            {"start": 3.0, "end": 4.0, "label": "gloss"},
            {"start": 3.0, "end": 4.0, "label": "via a chain"},
        ],
    }
    assert "1 annotations with an empty value kept as marks with an empty label" in str(summary)
    assert "2 unaligned time slots" in str(summary)


_NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8).filter(
    lambda n: n == n.strip().lstrip("_") and n
)
_LABEL = st.text(
    st.characters(blacklist_categories=("Cs",)).filter(
        lambda c: c in "\t\n\r" or not (ord(c) < 32 or c in "\ufffe\uffff")
    ),
    max_size=12,
)
_TIME = st.integers(0, 10**10).map(lambda n: n / 1000)


@st.composite
def _mark(draw):
    a, b = sorted((draw(_TIME), draw(_TIME)))
    return {"start": a, "end": b, "label": draw(_LABEL)}


@settings(max_examples=40, deadline=None)
@given(
    tiers=st.dictionaries(_NAME, st.lists(_mark(), min_size=1, max_size=6), min_size=1, max_size=3)
)
def test_random_tiers_round_trip(tmp_path_factory, tiers):
    """Any text (tabs, CR, LF, '<', '&', quotes) in labels and tier names comes back as is."""
    tmp = tmp_path_factory.mktemp("eaf")
    data = tmp / "d.jsonl"
    data.write_text(json.dumps({"audio": "a.wav", "labels": tiers}) + "\n", "utf-8")
    export_file("eaf", data, tmp / "o")
    check_eaf((tmp / "o" / "a.eaf").read_bytes())
    again = tmp / "again.jsonl"
    import_file("eaf", tmp / "o" / "a.eaf", again, audio="a.wav")
    want = {name: sorted(tuples(marks)) for name, marks in tiers.items()}
    assert {n: tuples(m) for n, m in raw_lines(again)[0]["labels"].items()} == want


def test_an_empty_tier_is_written_and_read_back(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"audio": "a.wav", "labels": {"words": []}}) + "\n", "utf-8")
    export_file("eaf", data, tmp_path / "o")
    assert check_eaf((tmp_path / "o" / "a.eaf").read_bytes()) == {"words": []}
    import_file("eaf", tmp_path / "o" / "a.eaf", tmp_path / "again.jsonl", audio="a.wav")
    assert raw_lines(tmp_path / "again.jsonl") == raw_lines(data)


def test_control_characters_become_replacement_characters(tmp_path):
    data = tmp_path / "d.jsonl"
    row = {"audio": "a.wav", "labels": {"t": [{"start": 0, "end": 1, "label": "a\x00b\x1b"}]}}
    data.write_text(json.dumps(row) + "\n", "utf-8")
    summary = export_file("eaf", data, tmp_path / "o")
    assert check_eaf((tmp_path / "o" / "a.eaf").read_bytes()) == {
        "t": [(0.0, 1.0, "a\ufffdb\ufffd")]
    }
    assert summary.notes == {"characters XML cannot hold written as U+FFFD": 2}


# -- bad input, through the command --------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


_DOC = '<ANNOTATION_DOCUMENT><HEADER TIME_UNITS="milliseconds"/>\n{}\n</ANNOTATION_DOCUMENT>\n'
_SLOTS = '<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="{}"/></TIME_ORDER>'
_ONE = (
    '<TIER TIER_ID="x"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" '
    'TIME_SLOT_REF1="t1" TIME_SLOT_REF2="{}"><ANNOTATION_VALUE>v</ANNOTATION_VALUE>'
    "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
)
BAD = [
    (
        "doctype.eaf",
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY lol "lol">]>\n' + _DOC.format("&lol;"),
        2,
        "the file has a DOCTYPE, which labeltui refuses in XML it reads (EAF needs none)",
    ),
    (
        "external.eaf",
        '<!DOCTYPE d SYSTEM "file:///etc/passwd">\n' + _DOC.format(""),
        1,
        "the file has a DOCTYPE",
    ),
    ("torn.eaf", _DOC.format(_SLOTS.format(0))[:60], 2, "not well-formed XML: unclosed token"),
    ("root.eaf", "<TextGrid/>\n", 1, "not an ELAN file: the root element is <TextGrid>"),
    (
        "slot.eaf",
        _DOC.format(_SLOTS.format(10) + "\n" + _ONE.format("t9")),
        3,
        "TIME_SLOT_REF2 't9' names no time slot",
    ),
    (
        "negative.eaf",
        _DOC.format(_SLOTS.format(-5)),
        2,
        "TIME_VALUE '-5' must be milliseconds from 0 to 10000000000",
    ),
    (
        "ref.eaf",
        _DOC.format(
            '<TIER TIER_ID="x"><ANNOTATION>\n<REF_ANNOTATION ANNOTATION_ID="a1" '
            'ANNOTATION_REF="a1"/></ANNOTATION></TIER>'
        ),
        3,
        "the references from annotation 'a1' go round in a circle",
    ),
]


@pytest.mark.parametrize(("name", "content", "line", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_fail_in_one_line(tmp_path, name, content, line, words):
    (tmp_path / name).write_text(content, "utf-8")
    result = run(
        "import", name, "--from", "eaf", "--audio", "a.wav", "-o", "out.jsonl", cwd=tmp_path
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"labeltui: {name}:{line}: {words}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == [name]


def test_a_billion_laughs_is_refused_before_any_expansion(tmp_path):
    laughs = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    source = tmp_path / "bomb.eaf"
    source.write_text(f"<!DOCTYPE d [{laughs}]>\n<ANNOTATION_DOCUMENT>&l9;</ANNOTATION_DOCUMENT>")
    with pytest.raises(LabeltuiError, match=r"bomb\.eaf:1: the file has a DOCTYPE"):
        import_file("eaf", source, tmp_path / "o.jsonl", audio="a.wav")


def test_the_command_imports_and_exports(tmp_path):
    result = run(
        "import",
        str(FABLES),
        "--from",
        "eaf",
        "--audio",
        "fable.wav",
        "-o",
        "f.jsonl",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote 1 item with 97 marks (tasks 'Story', 'SectionMarker'")
    result = run("export", "f.jsonl", "--to", "eaf", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(check_eaf((tmp_path / "out" / "fable.eaf").read_bytes())) == 5
