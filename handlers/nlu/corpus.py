"""The training corpus in kb/corpus/: labelled messages the learned reader is built from.

One JSON object a line, the same shape as the evaluation sets:

    {"id": "t1-0001", "group": "幸福花园业主用电群", "text": "3栋2单元停电了",
     "expect": {"intent": "fault_report", "fault_type": "area_outage", "urgent": false,
                "address": {"community": "幸福花园", "building": "3", "unit": "2", "room": null},
                "faq_id": null}}

`written-*.jsonl` were written for the project by writers who saw neither the code
nor any evaluation set; `station.jsonl` is what a station's admins label themselves
(`powerbot unsure label`). Every problem reads `file:line: what is wrong`. The hash
of everything training reads (`inputs_hash`) is stored in the model, so a model that
no longer matches its corpus is seen at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlers.nlu.models import FaultType, Intent

CORPUS_DIR = "corpus"
STATION_FILE = "station.jsonl"
_INTENTS = {i.value for i in Intent}
_FAULTS = {f.value for f in FaultType}
_ADDRESS_KEYS = ("community", "building", "unit", "room")


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    group: str | None
    intent: str
    fault_type: str | None
    urgent: bool
    faq_id: str | None
    address: dict[str, str | None] | None
    path: Path
    line: int

    @property
    def source(self) -> str:
        """Which file (writer) it came from: held out together when cross-validating."""
        return self.path.stem


def corpus_files(kb_dir: Path) -> list[Path]:
    return sorted((Path(kb_dir) / CORPUS_DIR).glob("*.jsonl"))


def read_corpus(kb_dir: Path, faq_ids: set[str] | None = None) -> tuple[list[Example], list[str]]:
    """Every example under kb_dir/corpus, and every problem; faq ids checked when given."""
    examples: list[Example] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in corpus_files(kb_dir):
        found, bad = read_examples(path, faq_ids)
        problems += bad
        for ex in found:
            if ex.id in seen:
                problems.append(
                    f"{path}:{ex.line}: id {ex.id!r} is used twice (also {seen[ex.id]})"
                )
                continue
            seen[ex.id] = f"{path}:{ex.line}"
            examples.append(ex)
    return examples, problems


def read_examples(path: Path, faq_ids: set[str] | None = None) -> tuple[list[Example], list[str]]:
    """The examples of one JSON-lines file (any labelled set), and its problems."""
    examples, problems = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        return [], [f"{path}:1: cannot read: {e}"]
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path}:{n}: not JSON: {e.msg}")
            continue
        example, why = _example(row, path, n, faq_ids)
        if why:
            problems.append(f"{path}:{n}: {why}")
        elif example is not None:
            examples.append(example)
    return examples, problems


def _example(
    row: Any, path: Path, n: int, faq_ids: set[str] | None
) -> tuple[Example | None, str | None]:
    if not isinstance(row, dict) or not isinstance(row.get("expect"), dict):
        return None, 'write {"id", "group", "text", "expect": {...}} on each line'
    exp = row["expect"]
    text, intent, fault = row.get("text"), exp.get("intent"), exp.get("fault_type")
    if not isinstance(text, str) or not text.strip():
        return None, "text is missing or empty"
    if not isinstance(row.get("id"), str) or not row["id"]:
        return None, "id is missing"
    if intent not in _INTENTS:
        return None, f"intent {intent!r} is not one of {', '.join(sorted(_INTENTS))}"
    if (intent == "fault_report") != (fault is not None):
        return None, "fault_type is given for fault reports, and only for them"
    if fault is not None and fault not in _FAULTS:
        return None, f"fault_type {fault!r} is not one of {', '.join(sorted(_FAULTS))}"
    faq_id = exp.get("faq_id")
    if (intent == "faq") != (faq_id is not None):
        return None, "faq_id is given for faq questions, and only for them"
    if faq_id is not None and faq_ids is not None and faq_id not in faq_ids:
        return None, f"faq_id {faq_id!r} is no entry of kb/"
    address = exp.get("address")
    if address is not None and (not isinstance(address, dict) or set(address) - set(_ADDRESS_KEYS)):
        return None, f"address has the keys {', '.join(_ADDRESS_KEYS)}"
    if not isinstance(exp.get("urgent", False), bool):
        return None, "urgent is true or false"
    if exp.get("urgent") and intent != "fault_report":
        return None, "only a fault report is urgent"
    group = row.get("group")
    example = Example(
        id=row["id"],
        text=text,
        group=group if isinstance(group, str) else None,
        intent=intent,
        fault_type=fault,
        urgent=bool(exp.get("urgent", False)),
        faq_id=faq_id,
        address=address,
        path=path,
        line=n,
    )
    return example, None


def check_row(row: Any, faq_ids: set[str] | None = None) -> str | None:
    """What is wrong with one labelled row (as a corpus line holds it), or None."""
    return _example(row, Path("-"), 0, faq_ids)[1]


def append_example(kb_dir: Path, row: dict[str, Any]) -> Path:
    """Add one labelled message to the station's own corpus file; returns the file."""
    folder = Path(kb_dir) / CORPUS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / STATION_FILE
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def inputs_hash(parts: list[tuple[str, str]]) -> str:
    """A short stable hash of (name, content) pairs: what a model was trained from."""
    h = hashlib.sha256()
    for name, content in sorted(parts):
        h.update(name.encode() + b"\0" + content.encode("utf-8") + b"\0")
    return h.hexdigest()[:16]
