"""kb/corpus: the shipped corpus is whole, and a bad line is reported as file:line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.config import DEFAULT_KB_DIR
from handlers.nlu.corpus import append_example, check_row, read_corpus, read_examples
from handlers.nlu.kb import load_kb
from handlers.nlu.models import FaultType, Intent
from tests.conftest import PROJECT

FAQ_IDS = set(load_kb(DEFAULT_KB_DIR).entries)
HELD_OUT = PROJECT / "bench" / "heldout"


def row(**expect) -> dict:
    base = {"intent": "other", "fault_type": None, "urgent": False, "address": None}
    return {"id": "x1", "group": None, "text": "谢谢", "expect": {**base, "faq_id": None, **expect}}


def test_the_shipped_corpus_reads_without_problems_and_covers_every_label() -> None:
    examples, problems = read_corpus(DEFAULT_KB_DIR, FAQ_IDS)
    assert problems == []
    assert len(examples) >= 3000
    intents = Counter(e.intent for e in examples)
    assert set(intents) == {i.value for i in Intent} and min(intents.values()) >= 150
    faults = Counter(e.fault_type for e in examples if e.fault_type)
    assert set(faults) == {f.value for f in FaultType} and min(faults.values()) >= 80
    faqs = Counter(e.faq_id for e in examples if e.faq_id)
    assert set(faqs) == FAQ_IDS and min(faqs.values()) >= 20
    assert sum(e.urgent for e in examples) >= 250


def test_the_test_portion_is_apart_from_the_training_corpus() -> None:
    """bench/heldout is never read by training: it is not under kb/, and no file name or
    id is shared with the corpus."""
    corpus = read_corpus(DEFAULT_KB_DIR, FAQ_IDS)[0]
    held = [e for p in sorted(HELD_OUT.glob("*.jsonl")) for e in read_examples(p, FAQ_IDS)[0]]
    assert len(held) >= 600
    assert not {e.id for e in corpus} & {e.id for e in held}
    assert not {e.source for e in corpus} & {e.source for e in held}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not JSON"),
        ('["a list"]', "write {"),
        (json.dumps(row(intent="chitchat")), "intent 'chitchat' is not one of"),
        (json.dumps(row(fault_type="trip")), "fault_type is given for fault reports"),
        (json.dumps(row(intent="fault_report")), "fault_type is given for fault reports"),
        (json.dumps(row(intent="fault_report", fault_type="fire")), "fault_type 'fire'"),
        (json.dumps(row(intent="faq", faq_id="pay-bitcoin")), "faq_id 'pay-bitcoin' is no entry"),
        (json.dumps(row(intent="faq")), "faq_id is given for faq questions"),
        (json.dumps(row(urgent=True)), "only a fault report is urgent"),
        (json.dumps({**row(), "text": " "}), "text is missing or empty"),
    ],
)
def test_a_bad_line_names_its_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "corpus" / "station.jsonl"
    path.parent.mkdir()
    good = json.dumps(row(), ensure_ascii=False)
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    examples, problems = read_corpus(tmp_path, FAQ_IDS)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:3: "), problems
    assert problem in problems[0]
    assert [e.line for e in examples] == [1]


def test_an_id_used_twice_is_reported_with_both_places(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / "corpus" / name).write_text(json.dumps(row()) + "\n", encoding="utf-8")
    problems = read_corpus(tmp_path)[1]
    assert problems == [
        f"{tmp_path / 'corpus' / 'b.jsonl'}:1: id 'x1' is used twice "
        f"(also {tmp_path / 'corpus' / 'a.jsonl'}:1)"
    ]


def test_appended_examples_go_to_the_station_file_and_read_back(tmp_path: Path) -> None:
    example = row(intent="fault_report", fault_type="trip")
    assert check_row(example, FAQ_IDS) is None
    path = append_example(tmp_path, example)
    assert path == tmp_path / "corpus" / "station.jsonl"
    [read] = read_corpus(tmp_path, FAQ_IDS)[0]
    assert (read.intent, read.fault_type, read.source) == ("fault_report", "trip", "station")
