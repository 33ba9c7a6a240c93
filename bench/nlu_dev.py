"""Run the Understander over a labelled set and write parse-style JSON lines.

.venv/bin/python bench/nlu_dev.py ../shared/eval/dev.jsonl out.jsonl
"""

from __future__ import annotations

import json
import sys
import time

from bot.config import load_config
from handlers.nlu import Understander

STATION = "/work/shared/eval/station.toml"


def _faq():
    try:
        from bot.config import DEFAULT_KB_DIR
        from handlers.nlu.faq import FaqMatcher
        from handlers.nlu.kb import load_kb
    except ImportError:
        return None
    try:
        return FaqMatcher(load_kb(DEFAULT_KB_DIR))
    except Exception as e:  # the KB is built in parallel; score without it if broken
        print("FAQ not loaded:", e, file=sys.stderr)
        return None


def main(src: str, dst: str) -> None:
    u = Understander(load_config(STATION), _faq())
    rows = [json.loads(line) for line in open(src, encoding="utf-8") if line.strip()]
    with open(dst, "w", encoding="utf-8") as out:
        for row in rows:
            r = u.understand(row["text"], row.get("group"))
            d = r.model_dump(
                mode="json", include={"intent", "fault_type", "urgent", "address", "faq_id"}
            )
            out.write(json.dumps({"id": row["id"], **d}, ensure_ascii=False) + "\n")
    texts = [(r["text"], r.get("group")) for r in rows] * (10000 // len(rows) + 1)
    t = time.perf_counter()
    for text, group in texts:
        u.understand(text, group)
    dt = time.perf_counter() - t
    print(f"{len(texts) / dt:,.0f} msgs/s over {len(texts)} messages", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
