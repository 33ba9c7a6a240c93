"""Leave-one-writer-out cross-validation of the learned reader beside the rules.

    .venv/bin/python bench/nlu_cv.py [--kb kb] [--sweep]

Each corpus file (one writer) is held out in turn: the model is trained on the
other files and the kb/ questions, and the held-out messages are read by the rules
alone and by the rules with the model. The figures are what to expect on text by a
writer the model never saw; the thresholds in handlers/nlu/hybrid.py (`Policy`) and
the training settings in handlers/nlu/train.py were chosen here, never on the test
portion (bench/nlu_heldout.py) or on ../shared/eval/dev.jsonl. `--sweep` tries other
thresholds and prints the best few. Needs the `train` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from nlu_score import Score, expected, score  # noqa: E402

from bot.config import load_config  # noqa: E402
from handlers.nlu import Understander  # noqa: E402
from handlers.nlu.faq import FaqMatcher  # noqa: E402
from handlers.nlu.hybrid import Policy, decide  # noqa: E402
from handlers.nlu.kb import load_kb  # noqa: E402
from handlers.nlu.rules import Rules  # noqa: E402
from handlers.nlu.train import TrainingSet, fit, training_set  # noqa: E402

STATION = ROOT / "bench" / "station.toml"


def output(u: Understander, verdict, evidence, topic) -> dict:
    return u._understanding(verdict, evidence, topic).model_dump(mode="json")


def collect(kb_dir: Path, params: dict) -> list[tuple]:
    """(example, understander, evidence) for every corpus message, read by the model of
    the fold that held its writer out."""
    config = load_config(STATION)
    data = training_set(kb_dir)
    matcher = FaqMatcher(load_kb(kb_dir))
    rules = Rules.load(kb_dir)
    sources = sorted({e.source for e in data.examples})
    rows = []
    for source in sources:
        keep = [i for i, e in enumerate(data.examples) if e.source != source]
        held = [i for i, e in enumerate(data.examples) if e.source == source]
        fold = TrainingSet(
            [data.examples[i] for i in keep], [data.clean[i] for i in keep], data.kb_questions
        )
        started = time.perf_counter()
        model = fit(fold, params)
        u = Understander(config, matcher, rules, model)
        for i in held:
            ex = data.examples[i]
            rows.append((ex, u, u.evidence(ex.text)))
        print(
            f"  fold {source}: {len(held)} held out, trained in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return rows


def evaluate(rows: list[tuple], policy: Policy | None) -> Score:
    pairs = []
    for ex, u, e in rows:
        probs = e.probs if policy is not None else None
        v = decide(e.reading, probs, e, e, policy or Policy())
        pairs.append((expected(ex), output(u, v, e, ex.group)))
    return score(pairs)


def sweep(rows: list[tuple]) -> None:
    grid = {
        "fill": [0.4, 0.5, 0.6],
        "sure": [0.6, 0.7, 0.8],
        "leave_faq": [0.4, 0.5],
        "faq": [0.5, 0.7],
        "faq_over": [0.3, 0.5],
        "hazard": [0.3, 0.5, 0.7],
        "hazard_over": [0.5, 0.7, 0.9],
    }
    results = []
    for values in itertools.product(*grid.values()):
        policy = dataclasses.replace(Policy(), **dict(zip(grid, values, strict=True)))
        s = evaluate(rows, policy)
        f = s.figures()
        # The targets first: urgent recall, false answers, silence; then accuracy.
        ok = f["urgent_recall"] >= 1.0 and f["false_answers"] <= 0.02
        results.append((ok, f["intent"] + f["faq_id"] + f["fault_type"], policy, s))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for ok, _, policy, s in results[:8]:
        print(("ok  " if ok else "    ") + str(policy))
        print("    " + s.line())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--sweep", action="store_true", help="try other thresholds")
    ap.add_argument("--param", action="append", default=[], help="training setting, k=v")
    args = ap.parse_args()
    params = {
        k: (int(v) if v.isdigit() else float(v)) for k, v in (p.split("=", 1) for p in args.param)
    }
    rows = collect(args.kb, params)
    print(f"{len(rows)} corpus messages, each read by a model that never saw its writer")
    rules, hybrid = evaluate(rows, None), evaluate(rows, Policy())
    print("rules only:   " + rules.line())
    print("rules+model:  " + hybrid.line())
    print("\nconfusion, rules+model:\n" + hybrid.confusion_table())
    if args.sweep:
        sweep(rows)


if __name__ == "__main__":
    main()
