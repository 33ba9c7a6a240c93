"""How fast the whole understanding step runs, and how much memory it holds.

    .venv/bin/python bench/parse_speed.py [--input FILE.jsonl] [--messages 10000]

Pins itself to one core, builds the services exactly as `powerbot parse` does
(config, kb/, the rules, the FAQ matcher and the learned reader), repeats the input
messages to `--messages`, and prints messages per second with the model and, in
the same run as the baseline, with the rules alone; then the resident memory.
The input defaults to the test portion (bench/heldout), else the dev set.
Targets (issue 7): at least 5,000 messages/s, RSS at most 150 MB, model loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    heldout = sorted((ROOT / "bench" / "heldout").glob("*.jsonl"))
    ap.add_argument("--input", type=Path, default=heldout[0] if heldout else EVAL / "dev.jsonl")
    ap.add_argument("--config", type=Path, default=ROOT / "bench" / "station.toml")
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

    model = understander.model
    rates: dict[str, list[float]] = {"rules+model": [], "rules only": []}
    for _ in range(args.rounds):  # interleaved, so both see the same machine load
        for label, reader in (("rules+model", model), ("rules only", None)):
            understander.set_model(reader)
            t = time.perf_counter()
            for text, group in texts:
                understander.understand(text, group)
            rates[label].append(len(texts) / (time.perf_counter() - t))
    understander.set_model(model)
    print(f"{platform.node()} {platform.machine()} {platform.processor() or ''}".rstrip()
          + f", python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip
    print(
        f"{args.input.name}: {len(rows)} distinct messages repeated to {len(texts)}, one core, "
        f"config {config_path.name}"
    )
    print(f"load (config, kb/, rules, matcher, model): {load_s:.2f} s")
    for label, got in rates.items():
        print(
            f"understanding, {label}: {statistics.median(got):,.0f} msgs/s median of "
            f"{args.rounds} (min {min(got):,.0f}, max {max(got):,.0f})"
        )
    print(
        f"memory: RSS {rss_mb():.0f} MB with the KB and model loaded "
        f"(before importing the bot: {before:.0f} MB)"
    )


if __name__ == "__main__":
    main()
