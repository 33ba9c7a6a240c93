"""Understanding on labelled sets the reader never learned from, rules alone beside
rules with the model, in one run.

    .venv/bin/python bench/nlu_heldout.py [--set bench/heldout/*.jsonl] [--dev] [--errors]

The default sets are the test portion in bench/heldout/ (720 messages by two writers
who saw neither the code, the corpus nor the dev set; never trained or tuned on).
`--dev` adds ../shared/eval/dev.jsonl when it is there. Both readers are built as
`powerbot parse` builds them, over bench/station.toml (the sample station the sets
were written for). `--errors` lists the misses: once read, a set is spent for tuning.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from nlu_score import Score, expected  # noqa: E402

import handlers  # noqa: E402
from bot.config import load_config  # noqa: E402
from handlers.nlu.corpus import read_examples  # noqa: E402

STATION = ROOT / "bench" / "station.toml"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def run(paths: list[Path], show_errors: bool) -> None:
    understander = handlers.make_services(load_config(STATION))["understander"]
    model = understander.model
    examples = [e for p in paths for e in read_examples(p)[0]]
    rules, hybrid = Score(), Score()
    misses = []
    for ex in examples:
        understander.set_model(None)
        rules.add(expected(ex), understander.understand(ex.text, ex.group).model_dump(mode="json"))
        understander.set_model(model)
        got = understander.understand(ex.text, ex.group).model_dump(mode="json")
        hybrid.add(expected(ex), got)
        if show_errors and (got["intent"] != ex.intent or got.get("faq_id") != ex.faq_id):
            misses.append(f"  {ex.id} {ex.text!r} expected {ex.intent}/{ex.faq_id} got "
                          f"{got['intent']}/{got.get('faq_id')}")  # fmt: skip
    names = ", ".join(p.name for p in paths)
    print(f"{len(examples)} messages ({names})")
    print("  rules only:  " + rules.line())
    print("  rules+model: " + hybrid.line())
    print("  confusion between intents, rules+model (rows: labelled, columns: read):")
    print("\n".join("    " + line for line in hybrid.confusion_table().splitlines()))
    if misses:
        print("\n".join(misses))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, action="append", help="a labelled JSON-lines file")
    ap.add_argument("--dev", action="store_true", help="also ../shared/eval/dev.jsonl")
    ap.add_argument("--errors", action="store_true", help="list the misses")
    args = ap.parse_args()
    print(f"{platform.node()} {platform.machine()} python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip
    run(args.set or sorted((ROOT / "bench" / "heldout").glob("test-*.jsonl")), args.errors)
    if args.dev and DEV.exists():
        run([DEV], args.errors)


if __name__ == "__main__":
    main()
