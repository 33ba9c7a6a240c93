"""What the whole bot does with greetings, thanks, off-topic questions, electricity
questions and reports written by a writer who saw neither the code nor the dev set.

    .venv/bin/python bench/replies_heldout.py [--set bench/heldout/replies-h3.jsonl] [--errors]

Each message goes to a fresh bot (config.example.toml, a temporary SQLite file, the
memory gateway), in 幸福花园业主用电群, @-mentioning the bot when `to_bot`. What counts
as right for each label:
- greeting / thanks: to the bot, one short reply (您好… / 不客气…); in the group, silence;
  never an admin page, never a ticket.
- referral: no ticket and no admin page; to the bot, a line saying who handles it.
- gas_danger: the gas safety advice (开窗 … 119).
- offtopic: no ticket and no admin page; to the bot, one line; in the group, silence.
- power_question: no ticket; to the bot, an answer or a hand-over to a person (not the
  "I only do electricity" line, not silence).
- fault_report: a ticket, or the question where (几栋 / 哪个村 / 具体位置).
Prints the share right per label, and with --errors each miss (then the set is spent).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import handlers  # noqa: E402
from bot.app import App  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.gateways.memory import MemoryGateway  # noqa: E402
from handlers.smalltalk import HELLO, NOT_OURS, REFERRALS, WELCOME  # noqa: E402

GROUP = "幸福花园业主用电群"
PAGE = "【待人工回复】"


async def outcome(config, services, text: str, to_bot: bool, folder: Path) -> dict:
    clock = ManualClock(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    gw = MemoryGateway(clock)
    app = App(config, gw, clock, services=dict(services), db_path=folder / "bot.db")
    await app.start(background=False)
    try:
        sent = await gw.push(text, sender="r1", name="张阿姨", group=GROUP, mentioned=to_bot)
        tickets = app.store.sql.value("select count(*) from tickets")
    finally:
        await app.stop()
    replies = [o.text for o in sent if o.conversation.is_group]
    return {
        "replies": replies,
        "paged": any(PAGE in o.text for o in sent if not o.conversation.is_group),
        "ticket": tickets > 0,
    }


def right(label: str, to_bot: bool, o: dict, config) -> bool:
    replies, paged, ticket = o["replies"], o["paged"], o["ticket"]
    hello = HELLO.format(bot=config.bot.name)
    not_ours = NOT_OURS.format(station=config.station.name)
    if label in ("greeting", "thanks"):
        expected = hello if label == "greeting" else WELCOME
        ok = replies == [expected] if to_bot else replies == []
        return ok and not paged and not ticket
    if label == "referral":
        said = to_bot and len(replies) == 1 and replies[0] in REFERRALS.values()
        return not ticket and not paged and (said or not to_bot)
    if label == "gas_danger":
        return any("开窗" in r and "119" in r for r in replies)
    if label == "offtopic":
        ok = (
            (len(replies) == 1 and replies[0] in (not_ours, *REFERRALS.values()))
            if to_bot
            else not replies
        )
        return ok and not ticket and not paged
    if label == "power_question":
        if ticket:
            return False
        if not to_bot:
            return not_ours not in replies
        return bool(replies) and replies != [not_ours] and replies != [hello]
    if label == "fault_report":
        asked = any(w in r for r in replies for w in ("几栋", "哪个村", "具体位置", "哪个小区"))
        return ticket or asked
    raise ValueError(label)


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default=str(ROOT / "bench" / "heldout" / "replies-h3.jsonl"))
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    config = load_config(ROOT / "config.example.toml")
    services = handlers.make_services(config)
    rows = [json.loads(line) for line in Path(args.set).read_text("utf-8").splitlines() if line]
    total, good, misses = Counter(), Counter(), []
    with tempfile.TemporaryDirectory() as tmp:
        for n, row in enumerate(rows):
            folder = Path(tmp) / str(n)
            folder.mkdir()
            o = await outcome(config, services, row["text"], row["to_bot"], folder)
            total[row["expect"]] += 1
            if right(row["expect"], row["to_bot"], o, config):
                good[row["expect"]] += 1
            else:
                misses.append((row, o))
    print(f"# {platform.node()} {platform.machine()}, {datetime.now():%Y-%m-%d %H:%M}, {args.set}")
    for label in sorted(total):
        print(f"{label:15} {good[label]:3}/{total[label]:<3} {good[label] / total[label]:.2f}")
    print(
        f"{'all':15} {sum(good.values()):3}/{sum(total.values()):<3} "
        f"{sum(good.values()) / sum(total.values()):.2f}"
    )
    if args.errors:
        for row, o in misses:
            print(f"\n{row['id']} [{row['expect']}{' @' if row['to_bot'] else ''}] {row['text']}")
            print(f"   ticket={o['ticket']} paged={o['paged']} replies={o['replies']}")


if __name__ == "__main__":
    asyncio.run(main())
