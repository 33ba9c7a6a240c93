"""How fast the whole understanding step runs, and how much memory it holds.

    .venv/bin/python bench/parse_speed.py [--input ../shared/eval/dev.jsonl] [--messages 10000]

Pins itself to one core, builds the services exactly as `powerbot parse` does
(config, kb/, Understander with the FAQ matcher), repeats the input messages to
`--messages`, and prints messages per second and the process's resident memory.
Targets (issue 3): at least 5,000 messages/s, RSS at most 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=EVAL / "dev.jsonl")
    ap.add_argument("--config", type=Path, default=EVAL / "station.toml")
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    config_path = args.config if args.config.exists() else ROOT / "config.example.toml"

    before = rss_mb()
    import handlers
    from bot.config import load_config

    started = time.perf_counter()
    understander = handlers.make_services(load_config(config_path))["understander"]
    load_s = time.perf_counter() - started
    rows = [
        json.loads(line)
        for line in args.input.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = [(r["text"], r.get("group")) for r in rows]
    texts = (texts * (args.messages // len(texts) + 1))[: args.messages]

    rates = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        for text, group in texts:
            understander.understand(text, group)
        rates.append(len(texts) / (time.perf_counter() - t))
    print(
        f"config {config_path.name}, {len(rows)} distinct messages repeated to {len(texts)}, one core"
    )
    print(f"load (config, kb/, matcher): {load_s:.2f} s")
    print(
        f"understanding: {statistics.median(rates):,.0f} msgs/s median of {args.rounds} "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f})"
    )
    print(
        f"memory: RSS {rss_mb():.0f} MB with the KB loaded (before importing the bot: {before:.0f} MB)"
    )


if __name__ == "__main__":
    main()
