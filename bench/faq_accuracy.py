"""How well the FAQ matcher answers, and how often it answers wrongly.

    .venv/bin/python bench/faq_accuracy.py [--dev ../shared/eval/dev.jsonl] [--errors]
    .venv/bin/python bench/faq_accuracy.py --folds 5     # cross-validation on kb/ itself

The dev mode runs `FaqMatcher.match` on every row's text: faq rows must get
their faq_id; `other` rows must get None. Rows of the other intents (fault
reports, outage, progress, complaint) are gated by the intent rules before the
matcher is asked, so they are reported apart. The folds mode holds out every
k-th example question of each entry and asks the matcher built without it: an
estimate that never looks at the dev set, used to tune faq.py's weights.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.nlu.faq import FaqMatcher  # noqa: E402
from handlers.nlu.kb import KnowledgeBase, load_kb  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def run_dev(matcher: FaqMatcher, path: Path, show_errors: bool) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    faq_ok = faq_total = none_ok = none_total = other_answered = wrong = answered = 0
    for row in rows:
        exp = row["expect"]
        got = matcher.match(row["text"])
        gid = got.id if got else None
        if exp["intent"] == "faq":
            faq_total += 1
            faq_ok += gid == exp["faq_id"]
        elif exp["intent"] == "other":
            none_total += 1
            none_ok += gid is None
        else:
            other_answered += gid is not None
            continue  # gated by the intent rules, not counted as FAQ answers
        answered += gid is not None
        wrong += gid is not None and gid != exp["faq_id"]
        if show_errors and gid != exp["faq_id"]:
            print(f"MISS {row['id']} want={exp['faq_id']} got={gid} {row['text']!r}")
    return {
        "faq_id_accuracy": f"{faq_ok}/{faq_total} = {faq_ok / faq_total:.3f}",
        "other_rows_declined": f"{none_ok}/{none_total}",
        "false_answer_rate": f"{wrong}/{answered} = {wrong / max(answered, 1):.3f}",
        "answers_on_gated_intents": other_answered,
    }


def run_folds(kb: KnowledgeBase, k: int, show_errors: bool) -> dict:
    ok = wrong = declined = 0
    for fold in range(k):
        held: list[tuple[str, str]] = []
        entries = {}
        for eid, e in kb.entries.items():
            keep = [q for n, q in enumerate(e.questions) if n % k != fold]
            held += [(eid, q) for n, q in enumerate(e.questions) if n % k == fold]
            entries[eid] = dataclasses.replace(e, questions=keep)
        matcher = FaqMatcher(dataclasses.replace(kb, entries=entries))
        for eid, q in held:
            got = matcher.match(q)
            ok += got is not None and got.id == eid
            wrong += got is not None and got.id != eid
            declined += got is None
            if show_errors and (got is None or got.id != eid):
                print(f"MISS want={eid} got={got.id if got else None} {q!r}")
    total = ok + wrong + declined
    return {"held_out": total, "correct": f"{ok / total:.3f}", "wrong": f"{wrong / total:.3f}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--folds", type=int, default=0, help="cross-validate on kb/ instead")
    ap.add_argument("--errors", action="store_true", help="list every miss")
    a = ap.parse_args()
    kb = load_kb(a.kb)
    if a.folds:
        report = run_folds(kb, a.folds, a.errors)
    else:
        matcher = FaqMatcher(kb)
        report = run_dev(matcher, a.dev, a.errors)
        texts = [json.loads(s)["text"] for s in a.dev.read_text(encoding="utf-8").splitlines()]
        start = time.perf_counter()
        for _ in range(10):
            for t in texts:
                matcher.match(t)
        report["match_per_second"] = round(10 * len(texts) / (time.perf_counter() - start))
    for key, value in report.items():
        print(f"{key:26} {value}")


if __name__ == "__main__":
    main()
