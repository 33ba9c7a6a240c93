"""Transcripts of the repair service as a station lives it, printed as a chat log.

    .venv/bin/python bench/transcripts.py [flood|missed|all]

Runs the whole bot (config.example.toml, a fresh SQLite file in a temporary folder,
the memory gateway, a clock the script moves a minute at a time and ticks) and prints
every message in and out with its local time, then the figures: tickets, dispatches,
group messages. `flood`: 20 residents report one outage of one building over five
minutes, the worker takes it, goes, fixes it. `missed`: nobody accepts, the
promise runs out, the station is told and the resident hears an apology.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.gateways.memory import MemoryGateway  # noqa: E402
from bot.messages import Kind, Outgoing  # noqa: E402

GROUP = "幸福花园业主用电群"
NAMES = {"wxid_li": "李明", "wxid_wang": "王强", "wxid_chen": "陈伟", "wxid_admin": "张所长"}
FLOOD = [
    "12栋停电了",
    "12栋也没电了",
    "我们12栋整栋楼都停电了",
    "12栋3单元1501停电了！！快来！",
    "12栋2单元802也没电",
    "12栋停电了，什么时候来电",
    "12栋1单元停电",
    "12栋没电了 电梯都停了",
    "12栋全黑了",
    "12栋又停电了？",
    "12栋3单元停电了",
    "12栋2单元1202没电了",
    "12栋冇电啊",
    "12栋这边停电了",
    "12栋停电，麻烦尽快",
    "12栋1单元301没电了",
    "12栋全部停电了",
    "12栋楼道灯都不亮了，停电了",
    "12栋停电半小时了",
    "12栋也停了",
]


class Log:
    """The bot on a temporary database, printing what is said and sent."""

    def __init__(self, clock: ManualClock, app: App, gw: MemoryGateway) -> None:
        self.clock, self.app, self.gw = clock, app, gw
        self.zone = ZoneInfo(app.config.bot.timezone)
        self.seen = 0

    def _at(self) -> str:
        return self.clock.now().astimezone(self.zone).strftime("%H:%M:%S")

    async def say(self, text: str, sender: str, name: str, group: str | None = None) -> None:
        where = group or "私聊"
        print(f"{self._at()}  {name}（{where}）：{text}")
        await self.gw.push(text, sender=sender, name=name, group=group)
        self._show()

    async def wait(self, minutes: int) -> None:
        for _ in range(minutes):
            self.clock.advance(timedelta(minutes=1))
            await self.app.tick()
            self._show()

    def _show(self) -> None:
        for out in self.gw.sent[self.seen :]:
            print(f"{self._at()}    → {_to(out)}：{_one_line(out.text)}")
        self.seen = len(self.gw.sent)


def _to(out: Outgoing) -> str:
    if out.conversation.is_group:
        who = " ".join(f"@{m.name}" for m in out.mentions)
        return f"群「{out.conversation.topic}」{' ' + who if who else ''}"
    return f"私聊 {NAMES.get(out.conversation.id, out.conversation.id)}"


def _one_line(text: str) -> str:
    return text.replace("\n", " / ")


async def _bot(folder: Path) -> Log:
    config = load_config(ROOT / "config.example.toml")
    clock = ManualClock(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))  # 10:00 in Guangdong
    gw = MemoryGateway(clock)
    app = App(config, gw, clock, db_path=folder / "powerbot.db")
    await app.start(background=False)
    return Log(clock, app, gw)


def _figures(log: Log) -> None:
    sent = log.gw.sent
    tickets = log.app.store.sql.value("select count(*) from tickets")
    leads = log.app.store.sql.value("select count(*) from tickets where incident_id is null")
    dispatches = sum(1 for o in sent if "【新工单" in o.text)
    group = sum(1 for o in sent if o.conversation.is_group)
    print(
        f"\nreports (tickets) {tickets}, incidents {leads}, dispatches {dispatches}, "
        f"group messages {group}, private messages {len(sent) - group}"
    )


async def flood(folder: Path) -> None:
    log = await _bot(folder)
    try:
        for n, text in enumerate(FLOOD, 1):
            await log.say(text, f"r{n}", f"住户{n}", GROUP)
            log.clock.advance(timedelta(seconds=15))
            await log.app.tick()
            log._show()
        await log.wait(2)
        await log.say("接单 1", "wxid_li", "李明")
        await log.wait(20)
        await log.say("到达 1", "wxid_li", "李明")
        await log.wait(30)
        await log.say("完成 1 12栋进线电缆接头烧了，已更换", "wxid_li", "李明")
        await log.say("1", "r4", "住户4", GROUP)
        _figures(log)
    finally:
        await log.app.stop()


async def missed(folder: Path) -> None:
    log = await _bot(folder)
    try:
        await log.say("5栋2单元301停电了，家里老人用着制氧机", "r1", "陈阿姨", GROUP)
        await log.wait(12)
        await log.say("接单 1", "wxid_wang", "王强")
        await log.wait(25)
        await log.say("我报的修到哪了", "r1", "陈阿姨", GROUP)
        await log.wait(10)
        await log.say("快点来啊", "r1", "陈阿姨", GROUP)
        await log.wait(5)
        await log.say("到达 1", "wxid_wang", "王强")
        _figures(log)
    finally:
        await log.app.stop()


# What residents, workers and the station head typed when replies read wrong (issue 11):
# (text, sender, name, in the group?, @-mentioned?, kind)
REPLIES = [
    ("营业厅周六上班吗", "r1", "张阿姨", True, False, Kind.text),
    ("阶梯电价怎么算", "r2", "李叔", True, False, Kind.text),
    ("交了电费多久能来电", "r3", "王姐", True, False, Kind.text),
    ("老人不会用手机怎么交电费", "r4", "陈伯", True, False, Kind.text),
    ("电费交了多久到账", "r5", "小刘", True, False, Kind.text),
    ("你好", "r1", "张阿姨", True, True, Kind.text),
    ("谢谢", "r2", "李叔", True, False, Kind.text),
    ("在吗", "r3", "王姐", False, False, Kind.text),
    ("明天天气怎么样", "r4", "陈伯", True, True, Kind.text),
    ("小区垃圾几点收", "r5", "小刘", True, True, Kind.text),
    ("电梯坏了找谁修", "r1", "张阿姨", True, False, Kind.text),
    ("厨房煤气味很重怎么办", "r2", "李叔", True, True, Kind.text),
    ("5栋\u200b1单元\u200c302停\u200d电了", "r6", "赵姐", True, False, Kind.text),
    ("我家停电了", "r7", "孙伯", True, False, Kind.text),
    ("[语音]", "r7", "孙伯", True, False, Kind.voice),
    ("完成 1 我自己修好了", "r6", "赵姐", True, False, Kind.text),
    ("工单1到哪了", "r6", "赵姐", True, True, Kind.text),
    ("转单 1 王师傅", "wxid_admin", "张所长", False, False, Kind.text),
    ("派单 1 王师傅", "wxid_admin", "张所长", False, False, Kind.text),
    ("确认", "wxid_admin", "张所长", False, False, Kind.text),
    ("帮助", "wxid_admin", "张所长", False, False, Kind.text),
    ("接单 1", "wxid_admin", "张所长", False, False, Kind.text),
]


async def replies(folder: Path) -> None:
    log = await _bot(folder)
    try:
        for text, sender, name, in_group, mentioned, kind in REPLIES:
            group = GROUP if in_group else None
            shown = ("@供电小助手 " if mentioned else "") + text.encode("unicode_escape").decode(
                "ascii"
            ).encode().decode("unicode_escape")
            print(f"{log._at()}  {name}（{group or '私聊'}）：{shown!r}")
            await log.gw.push(
                text, sender=sender, name=name, group=group, mentioned=mentioned, kind=kind
            )
            log._show()
            log.clock.advance(timedelta(minutes=1))
    finally:
        await log.app.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "which", nargs="?", default="all", choices=["flood", "missed", "replies", "all"]
    )
    which = ap.parse_args().which
    for name, scenario in (("flood", flood), ("missed", missed), ("replies", replies)):
        if which in (name, "all"):
            print(f"== {name} ==")
            with tempfile.TemporaryDirectory() as folder:
                asyncio.run(scenario(Path(folder)))
            print()


if __name__ == "__main__":
    main()
