"""A storm of group messages for whole-bot runs: a station, its messages, and `powerbot
run` in its own process against the fake puppet service, killed and restarted at will.

Used by tests/test_storm.py (a small storm with kills, in `make test`), by
tests/test_standby.py (an active and a standby on PostgreSQL) and by bench/storm.py (the
figures). The fake service runs in the calling process; the bot is a real `python -m bot
run` on a SQLite file (WAL lets a second connection read while the bot writes) or a
PostgreSQL database, which the caller reads to see what the bot recorded.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.gateways.mentions import SEPARATOR
from tests.fake_puppet import FakePuppetService, FakeWeChat

ROOT = Path(__file__).resolve().parent.parent
CHATTER = [
    "谢谢师傅", "收到", "今晚吃什么", "有人去市场吗", "哈哈哈", "👍👍", "好的", "大家早上好",
    "下雨了记得收衫", "楼下的快递是谁的", "明天几点集合", "辛苦了",
]  # fmt: skip
QUESTIONS = [
    "电费怎么交", "老人不会用手机怎么交电费", "怎么查电费余额", "电费发票怎么开", "户号在哪里看",
    "营业厅几点下班", "阶梯电价怎么算", "交了电费怎么还没到账", "怎么申请峰谷电价", "电表不准怎么校验",
]  # fmt: skip
REPORT_FORMS = [
    "{b}栋{u}单元{r}停电了", "{b}栋停电了", "我家跳闸了 {b}栋{u}单元{r}", "{b}栋{u}单元{r}没电了",
    "{b}栋整栋都黑了", "{b}栋{u}单元{r}电压不稳 灯一闪一闪", "怎么又停电了 {b}栋",
]  # fmt: skip
TEAMS = 4
_MENTIONS = re.compile(f"^(?:@[^{SEPARATOR}]*{SEPARATOR})+")


@dataclass(frozen=True)
class Said:
    """One storm message: who says what where, and what kind it is."""

    sender: str
    name: str
    room: int
    text: str
    kind: str  # report / faq / chatter


def make_storm(seed: int, count: int, groups: int = 40, residents: int = 2000) -> list[Said]:
    """60% fault reports (most about one of a few outages), 15% FAQ, 25% chatter."""
    return list(iter_storm(seed, count, groups, residents))


def iter_storm(seed: int, count: int, groups: int = 40, residents: int = 2000) -> Iterator[Said]:
    """The storm one message at a time (a long one need not be held in memory)."""
    rng = random.Random(seed)
    outages = [(rng.randrange(groups), rng.randint(1, 30)) for _ in range(max(1, count // 100))]
    for _ in range(count):
        n = rng.randrange(residents)
        sender, name = f"r{n}", f"居民{n}"
        roll = rng.random()
        if roll < 0.60:
            room, b = (
                rng.choice(outages)
                if rng.random() < 0.7
                else (rng.randrange(groups), rng.randint(1, 30))
            )
            form = rng.choice(REPORT_FORMS)
            text = form.format(b=b, u=rng.randint(1, 4), r=rng.randint(101, 2804))
            yield Said(sender, name, room, text, "report")
        elif roll < 0.75:
            yield Said(sender, name, rng.randrange(groups), rng.choice(QUESTIONS), "faq")
        else:
            yield Said(sender, name, rng.randrange(groups), rng.choice(CHATTER), "chatter")


def station_toml(groups: int, db: Path | str, endpoint: str, station: str = "storm") -> str:
    """A station with `groups` estates, one group each, four teams of three workers; its
    store is the SQLite file `db`, or the PostgreSQL database `db` names."""
    lines = [f'[station]\nid = "{station}"\nname = "风暴供电所"\n']
    lines.append("[bot]\nrate_limit_per_minute = 1000\n")
    key = "url" if str(db).startswith("postgresql://") else "path"
    lines.append(f'[storage]\n{key} = "{db}"\n')
    lines.append("[service]\nack_every_seconds = 1\n")  # batched acknowledgements come soon
    lines.append(
        f'[gateway]\nendpoint = "{endpoint}"\n'
        # the storm measures durability and speed, not WeChat's limits: no governor
        "send_per_minute = 100000000\nsend_per_group_per_minute = 100000000\n"
    )
    for t in range(TEAMS):
        lines.append(f'[[teams]]\nid = "t{t}"\nname = "抢修{t}班"\n')
        for k in range(3):
            lines.append(f'[[workers]]\nid = "w{t}_{k}"\nname = "师傅{t}{k}"\nteam = "t{t}"\n')
    for n in range(groups):
        lines.append(
            f'[[communities]]\nname = "第{n}小区"\nkind = "estate"\nteam = "t{n % TEAMS}"\n'
        )
        lines.append(f'[[groups]]\ntopic = "第{n}小区用电群"\ncommunity = "第{n}小区"\n')
    lines.append('[[admins]]\nid = "admin"\nname = "所长"\n')
    return "\n".join(lines)


def world_for(storm: list[Said], groups: int = 40) -> FakeWeChat:
    world = FakeWeChat()
    world.rooms = {f"room{n}": f"第{n}小区用电群" for n in range(groups)}
    world.contacts.update({s.sender: s.name for s in storm})
    world.contacts.update({f"w{t}_{k}": f"师傅{t}{k}" for t in range(TEAMS) for k in range(3)})
    return world


@dataclass
class BotProcess:
    """`python -m bot run` on a config, started, killed and restarted by the caller."""

    config: Path
    endpoint: str
    token: str
    log: Path
    args: tuple[str, ...] = ()  # e.g. ("--standby",)
    process: subprocess.Popen | None = None
    starts: int = 0

    def start(self) -> None:
        env = {
            **os.environ,
            "WECHATY_PUPPET_SERVICE_TOKEN": self.token,
            "WECHATY_PUPPET_SERVICE_ENDPOINT": self.endpoint,
            "PYTHONWARNINGS": "ignore",
        }
        self.starts += 1
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config), *self.args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the power goes."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)

    async def astop(self) -> None:
        """SIGTERM and wait without blocking the loop: the fake service, in this process's
        loop, must be able to answer the bot's Stop (or the bot waits 10 s for it)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        async with asyncio.timeout(30):
            while self.process.poll() is None:
                await asyncio.sleep(0.02)


@dataclass
class Books:
    """What the bot's database says, read from outside while it runs."""

    db: Path | str  # a SQLite file, or a PostgreSQL URL
    station: str | None = None  # one station's rows of a shared store (None: all)

    def _rows(self, sql: str) -> list[tuple]:
        if self.station is not None and not sql.startswith("pragma"):
            # every query here reads one table: its station's rows only
            sql = sql.replace(" where ", f" where station = '{self.station}' and ", 1)
            if " where " not in sql:
                sql += f" where station = '{self.station}'"
        if isinstance(self.db, str):
            return self._pg_rows(sql)
        if not self.db.exists():
            return []
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # tables not made yet
            return []
        finally:
            conn.close()

    def _pg_rows(self, sql: str) -> list[tuple]:
        import psycopg

        if sql.startswith("pragma"):  # PostgreSQL checks its own pages
            return [("ok",)]
        with psycopg.connect(self.db, autocommit=True) as conn:
            try:
                return conn.execute(sql).fetchall()
            except psycopg.errors.UndefinedTable:  # tables not made yet
                return []

    def handled(self) -> set[str]:
        return {r[0] for r in self._rows("select id from inbox where handled_at is not null")}

    def recorded(self) -> set[str]:
        return {r[0] for r in self._rows("select id from inbox")}

    def stations(self) -> set[str]:
        return {r[0] for r in self._rows("select distinct station from inbox")}

    def unsent(self) -> int:
        rows = self._rows(
            "select count(*) from outbox where sent_at is null and given_up_at is null"
        )
        return rows[0][0] if rows else 0

    def outbox(self) -> Counter:
        """(conversation id, text) -> how many outbox rows hold it."""
        rows = self._rows("select conversation, text from outbox")
        return Counter((_conversation_id(c), t) for c, t in rows)

    def answered(self) -> set[str]:
        """Message ids that caused an outbox row that was sent, and reports of a known
        outage told so in a batched acknowledgement (one message to several reporters)."""
        replied = {r[0] for r in self._rows("select cause from outbox where sent_at is not null")}
        acked = self._rows("select source_message_id from tickets where acked_at is not null")
        return replied | {r[0] for r in acked}

    def acks_waiting(self) -> int:
        """Batched acknowledgements not yet made (their timer has not fired)."""
        rows = self._rows("select count(*) from timers where kind = 'ack' and fired_at is null")
        return rows[0][0] if rows else 0

    def settled(self) -> bool:
        """Nothing left to handle or send (messages never recorded are gone for good)."""
        recorded = self.recorded()
        return (
            bool(recorded)
            and recorded <= self.handled()
            and self.acks_waiting() == 0
            and self.unsent() == 0
        )

    def integrity(self) -> str:
        rows = self._rows("pragma integrity_check")
        return rows[0][0] if rows else "no database"


def _conversation_id(conversation_json: str) -> str:
    import json

    return json.loads(conversation_json)["id"]


@dataclass
class Run:
    """One storm against one bot process: the service, the ids said, what came back."""

    service: FakePuppetService
    bot: BotProcess
    books: Books
    said: dict[str, Said] = field(default_factory=dict)  # message id -> what was said

    def say(self, s: Said) -> str:
        message_id = self.service.say(s.text, sender=s.sender, room=f"room{s.room}")
        self.said[message_id] = s
        return message_id

    async def until(self, predicate, timeout: float = 120.0, every: float = 0.05) -> None:  # noqa: ANN001
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(every)

    async def logged_in(self, streams: int) -> None:
        await self.service.wait_streams(streams, timeout=60)

    def received(self) -> Counter:
        """(conversation id, text without its leading @-mentions) -> how many times the
        service got it, to compare with the outbox."""
        return Counter(
            (s.conversation_id, _MENTIONS.sub("", s.text)) for s in self.service.world.sent
        )


class EchoInbox:
    """The baseline: an inbox that answers every message at once, on the same gateway."""

    def __init__(self, gateway) -> None:  # noqa: ANN001 - bot.gateways.wechaty.WechatyGateway
        self.gateway = gateway
        self.tasks: set[asyncio.Task[None]] = set()

    def arrived(self, message_id: str) -> None:
        pass

    def prepared(self, message_id: str, message) -> None:  # noqa: ANN001
        if message is not None:
            task = asyncio.ensure_future(self.answer(message))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def receive(self, message) -> None:  # noqa: ANN001
        self.prepared(message.id, message)

    async def answer(self, message) -> None:  # noqa: ANN001
        from bot.messages import Mention, Outgoing

        mention = (Mention(id=message.sender.id, name=message.sender.name),)
        await self.gateway.send(
            Outgoing(conversation=message.conversation, text="收到", mentions=mention)
        )


async def _echo_forever(endpoint: str, token: str) -> None:
    from bot.gateways.wechaty import WechatyGateway

    gateway = WechatyGateway(endpoint, token)
    gateway.attach(EchoInbox(gateway))
    await gateway.start()
    await asyncio.Event().wait()


if __name__ == "__main__":  # python -m tests.storm_harness echo ENDPOINT TOKEN
    import warnings

    warnings.filterwarnings("ignore")
    asyncio.run(_echo_forever(sys.argv[2], sys.argv[3]))
