"""A storm of group messages through the whole bot: throughput, latency, memory, and kills.

    .venv/bin/python bench/storm.py [--mode inprocess|gateway|crash|all] [--messages 10000]

A seeded storm (default: 40 groups, 2,000 residents, 10,000 messages; 60% fault
reports, many of them about the same outages, 15% FAQ questions, 25% chatter) is
offered to the bot:

- inprocess: the whole pipeline (gateway callback -> inbox -> handlers -> outbox ->
  gateway.send) on a real SQLite file in a temporary folder, with a memory gateway.
  First as a burst (everything at once: throughput), then at a steady 200 msg/s
  (latency from arrival to the hand-over of the reply to the gateway). Peak RSS is
  read at 10k and at 5x the messages to show whether memory stays flat.
- gateway: the same storm through the Wechaty gateway and the fake puppet service
  (tests/fake_puppet.py, real gRPC on 127.0.0.1), the bot against an echo bot on the
  same gateway code in the same run; prints both rates and their ratio.
- crash: `powerbot run` in its own process against the fake service, killed with
  SIGKILL at random points of the storm and restarted on the same database; checks
  every recorded report was answered, what was doubled, and the database's integrity.

Exit status 1 when a check fails. Figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import random
import resource
import sys
import tempfile
import time
import warnings
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", "'telnetlib' is deprecated", DeprecationWarning)

from bot.config import Config  # noqa: E402
from bot.messages import Conversation, Incoming, Outgoing, Person  # noqa: E402

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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def storm_config(groups: int, teams: int = 4) -> Config:
    """A station with `groups` estates, one group each, and three workers per team."""
    return Config.model_validate(
        {
            "station": {"name": "风暴供电所"},
            "teams": [{"id": f"t{t}", "name": f"抢修{t}班"} for t in range(teams)],
            "communities": [
                {"name": f"第{n}小区", "kind": "estate", "team": f"t{n % teams}"}
                for n in range(groups)
            ],
            "groups": [
                {"topic": f"第{n}小区用电群", "community": f"第{n}小区"} for n in range(groups)
            ],
            "workers": [
                {"id": f"w{t}_{k}", "name": f"师傅{t}{k}", "team": f"t{t}"}
                for t in range(teams)
                for k in range(3)
            ],
            "admins": [{"id": "admin", "name": "所长"}],
            "bot": {"rate_limit_per_minute": 1000},
        }
    )


@dataclass
class Storm:
    """The messages of one storm, in the order they arrive."""

    messages: list[Incoming]
    kinds: dict[str, str]  # message id -> report / faq / chatter


def make_storm(seed: int, count: int, groups: int, residents: int) -> Storm:
    rng = random.Random(seed)
    people = [(f"r{n}", f"居民{n}") for n in range(residents)]
    # Outages: most reports are about one of a few buildings going dark in a group.
    outages = [(rng.randrange(groups), rng.randint(1, 30)) for _ in range(max(1, count // 100))]
    messages, kinds = [], {}
    t0 = 1_790_000_000
    for n in range(count):
        roll = rng.random()
        pid, name = rng.choice(people)
        if roll < 0.60:
            kind = "report"
            if rng.random() < 0.7:
                group, b = rng.choice(outages)
            else:
                group, b = rng.randrange(groups), rng.randint(1, 30)
            text = rng.choice(REPORT_FORMS).format(
                b=b, u=rng.randint(1, 4), r=rng.randint(101, 2804)
            )
        elif roll < 0.75:
            kind, group, text = "faq", rng.randrange(groups), rng.choice(QUESTIONS)
        else:
            kind, group, text = "chatter", rng.randrange(groups), rng.choice(CHATTER)
        msg_id = f"storm-{seed}-{n}"
        kinds[msg_id] = kind
        messages.append(
            Incoming.model_validate(
                {
                    "id": msg_id,
                    "conversation": Conversation.group(f"room{group}", f"第{group}小区用电群"),
                    "sender": Person(id=pid, name=name),
                    "text": text,
                    "time": t0 + n,
                }
            )
        )
    return Storm(messages, kinds)


@dataclass
class Timings:
    """When each message arrived, and when the first reply that mentions its sender left."""

    waiting: dict[tuple[str, str], deque] = field(default_factory=lambda: defaultdict(deque))
    latencies: list[float] = field(default_factory=list)
    sends: int = 0
    group_sends: int = 0

    def arrived(self, msg: Incoming) -> None:
        self.waiting[(msg.conversation.id, msg.sender.id)].append(time.perf_counter())

    def sent(self, out: Outgoing) -> None:
        self.sends += 1
        if not out.conversation.is_group:
            return
        self.group_sends += 1
        for m in out.mentions:
            queue = self.waiting.get((out.conversation.id, m.id))
            if queue:
                self.latencies.append(time.perf_counter() - queue.popleft())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else 0.0


async def in_process(
    storm: Storm, rate: float | None, db: Path, rss_at: tuple[int, ...] = ()
) -> dict[str, float]:
    """Offer the storm to an App behind a recording gateway; rate None is a burst (at
    most 1,000 messages waiting to be taken at once). RSS is read after the counts in
    `rss_at`."""
    import handlers
    from bot.app import App
    from bot.gateways.memory import MemoryGateway

    timings = Timings()

    class Recording(MemoryGateway):
        async def send(self, out: Outgoing) -> None:
            timings.sent(out)

    config = storm_config(40)
    gateway = Recording()
    app = App(config, gateway, services=handlers.make_services(config), db_path=db)
    await app.start(background=False)
    reports = sum(1 for m in storm.messages if storm.kinds[m.id] == "report")
    rss: dict[int, float] = {}
    open_slots = asyncio.Semaphore(1000)

    async def one(msg: Incoming) -> None:
        try:
            await gateway.deliver(msg)
        finally:
            open_slots.release()

    started = time.perf_counter()
    tasks: set[asyncio.Task[None]] = set()
    for n, msg in enumerate(storm.messages, 1):
        if rate is not None:
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await open_slots.acquire()
        timings.arrived(msg)
        task = asyncio.ensure_future(one(msg))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if n in rss_at:
            await asyncio.gather(*tasks)
            gc.collect()
            rss[n] = current_rss_mb()
    await asyncio.gather(*tasks)
    await app.drain()
    elapsed = time.perf_counter() - started
    tickets = app.store.sql.value("select count(*) from tickets")
    await app.stop()
    return {
        "msg_s": len(storm.messages) / elapsed,
        "p50": pct(timings.latencies, 0.5),
        "p99": pct(timings.latencies, 0.99),
        "group_per_100_reports": 100 * timings.group_sends / max(1, reports),
        "tickets": tickets,
        "sends": timings.sends,
        **{f"rss_{n}": v for n, v in rss.items()},
    }


def run_inprocess(args: argparse.Namespace) -> bool:
    storm = make_storm(args.seed, args.messages, 40, 2000)
    with tempfile.TemporaryDirectory() as folder:
        burst = asyncio.run(in_process(storm, None, Path(folder) / "burst.db"))
        print(
            f"in process, burst of {args.messages:,}: {burst['msg_s']:,.0f} msg/s; "
            f"{burst['tickets']:.0f} tickets, {burst['sends']:.0f} sends, "
            f"{burst['group_per_100_reports']:.0f} group messages per 100 reports"
        )
        steady_storm = make_storm(args.seed + 1, min(args.messages, 2000), 40, 2000)
        steady = asyncio.run(in_process(steady_storm, 200.0, Path(folder) / "steady.db"))
        print(
            f"in process, {len(steady_storm.messages):,} at 200 msg/s: arrival -> reply handed "
            f"to the gateway p50 {steady['p50']:.1f} ms, p99 {steady['p99']:.1f} ms"
        )
        n = args.messages
        big = make_storm(args.seed + 2, n * 5, 40, 2000)
        grown = asyncio.run(in_process(big, None, Path(folder) / "big.db", (n, n * 5)))
        a, b = grown[f"rss_{n}"], grown[f"rss_{n * 5}"]
        print(
            f"memory, one bot: RSS {a:.0f} MB after {n:,} messages, {b:.0f} MB after "
            f"{n * 5:,} ({100 * (b / a - 1):+.1f}%); the storm itself is in memory too"
        )
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["inprocess", "gateway", "crash", "all"], default="all")
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(
        f"{platform.node()} {platform.machine()}, python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, synchronous=FULL"
    )
    ok = True
    if args.mode in ("inprocess", "all"):
        ok &= run_inprocess(args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
