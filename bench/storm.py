"""A storm of group messages through the whole bot: throughput, latency, memory, kills.

    .venv/bin/python bench/storm.py [--mode inprocess|gateway|crash|all] [--messages 10000]

A seeded storm (tests/storm_harness.py: 40 groups, 2,000 residents; 60% fault reports,
most about one of a few outages, 15% FAQ questions, 25% chatter) is offered to the bot:

- inprocess: the whole pipeline (gateway -> inbox -> handlers -> outbox -> gateway.send)
  on a real SQLite file (synchronous=FULL), behind a memory gateway, one core. A burst
  (at most 1,000 messages waiting to be taken): throughput; a steady 200 msg/s: latency
  from arrival to the reply's hand-over to the gateway; RSS after n and 5n messages.
- gateway: `powerbot run` in its own process against the fake puppet service
  (tests/fake_puppet.py, real gRPC on 127.0.0.1) in this one, and in the same run an
  echo bot on the same gateway code (`python -m tests.storm_harness echo`); the storm
  said at once. Rate: said -> everything handled and sent; latency: said -> the reply
  that mentions the sender, at the service.
- crash: `powerbot run` killed with SIGKILL at random points of the storm and restarted
  on the same database: what was lost on the wire, what was recorded and not answered,
  what was sent twice, and the database's integrity.

With `--database-url postgresql://…` (a server the bench may create databases on) or
`--database-url auto` (a throwaway server from the OS packages, with PostgreSQL's
durable defaults: fsync on, synchronous_commit on), each mode runs on SQLite first and
then on PostgreSQL, in the same run, and the figures are printed side by side.

Exit status 1 when a check fails. The figures are copied into bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", "'telnetlib' is deprecated", DeprecationWarning)

from bot.app import LANES  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.messages import Conversation, Incoming, Outgoing, Person  # noqa: E402
from tests.fake_puppet import FakePuppetService  # noqa: E402
from tests.storm_harness import (  # noqa: E402
    Books,
    BotProcess,
    Run,
    Said,
    iter_storm,
    make_storm,
    station_toml,
    world_for,
)

GROUPS = 40


class Stores:
    """Where each run's store goes: a SQLite file in its folder, or a fresh database on a
    PostgreSQL server (dropped at the end)."""

    def __init__(self, server_url: str | None = None) -> None:
        self.server_url = server_url
        self.made: list[str] = []

    @property
    def engine(self) -> str:
        return "postgresql" if self.server_url else "sqlite"

    def new(self, folder: Path) -> Path | str:
        if self.server_url is None:
            return folder / "bot.db"
        import psycopg

        name = f"powerbot_bench_{os.getpid()}_{len(self.made)}"
        with psycopg.connect(self.server_url, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name}")
            admin.execute(f"create database {name}")
        self.made.append(name)
        return f"{self.server_url.rsplit('/', 1)[0]}/{name}"

    def drop_all(self) -> None:
        if self.server_url is None:
            return
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as admin:
            for name in self.made:
                admin.execute(f"drop database if exists {name} with (force)")
        self.made.clear()


STORES = Stores()


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else 0.0


@dataclass
class Timings:
    """When each message was said, and when the first reply mentioning its sender left."""

    waiting: dict[tuple[str, str], deque] = field(default_factory=lambda: defaultdict(deque))
    latencies: list[float] = field(default_factory=list)

    def said(self, room: str, sender: str) -> None:
        self.waiting[(room, sender)].append(time.perf_counter())

    def replied(self, room: str, mention_ids: list[str]) -> None:
        for m in mention_ids:
            queue = self.waiting.get((room, m))
            if queue:
                self.latencies.append(time.perf_counter() - queue.popleft())


def incoming(s: Said, n: int) -> Incoming:
    return Incoming(
        id=f"storm-{n}",
        conversation=Conversation.group(f"room{s.room}", f"第{s.room}小区用电群"),
        sender=Person(id=s.sender, name=s.name),
        text=s.text,
        time=1_790_000_000 + n,
    )


# -- in process ------------------------------------------------------------------------


async def in_process(
    storm: Iterable[Said], rate: float | None, folder: Path, rss_at: tuple[int, ...] = ()
) -> dict[str, float]:
    """The storm through an App behind a memory gateway. With `rss_at`, the memory run:
    the storm is generated as it goes and no latencies are kept, so the RSS read after
    those counts is the bot's own."""
    import handlers
    from bot.app import App
    from bot.gateways.memory import MemoryGateway

    timings = Timings()

    class Recording(MemoryGateway):
        async def send(self, out: Outgoing) -> None:
            timings.replied(out.conversation.id, out.mention_ids)

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station.toml"
    path.write_text(station_toml(GROUPS, STORES.new(folder), "127.0.0.1:1"), encoding="utf-8")
    config = load_config(path)
    gateway = Recording()
    app = App(config, gateway, services=handlers.make_services(config))
    await app.start(background=False)
    rss: dict[int, float] = {}
    slots = asyncio.Semaphore(1000)
    tasks: set[asyncio.Task[None]] = set()

    async def one(msg: Incoming) -> None:
        try:
            await gateway.deliver(msg)
        finally:
            slots.release()

    started = time.perf_counter()
    said = reports = 0
    for n, s in enumerate(storm, 1):
        if rate is not None and (delay := started + n / rate - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        said, reports = n, reports + (s.kind == "report")
        if not rss_at:
            timings.said(f"room{s.room}", s.sender)
        task = asyncio.ensure_future(one(incoming(s, n)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if n in rss_at:
            await asyncio.gather(*tasks)
            gc.collect()
            rss[n] = current_rss_mb()
    await asyncio.gather(*tasks)
    await app.drain()
    elapsed = time.perf_counter() - started
    assert app.store is not None
    tickets = app.store.sql.value("select count(*) from tickets")
    sends = app.store.sql.value("select count(*) from outbox where sent_at is not null")
    group = app.store.sql.value(
        "select count(*) from outbox where conversation like '%is_group\":true%'"
    )
    await app.stop()
    return {
        "msg_s": said / elapsed,
        "p50": pct(timings.latencies, 0.5),
        "p99": pct(timings.latencies, 0.99),
        "tickets": tickets,
        "sends": sends,
        "group_per_100_reports": 100 * group / max(1, reports),
        **{f"rss_{n}": v for n, v in rss.items()},
    }


def run_inprocess(args: argparse.Namespace) -> bool:
    n = args.messages
    with tempfile.TemporaryDirectory() as folder:
        burst = asyncio.run(in_process(make_storm(args.seed, n), None, Path(folder) / "a"))
        print(
            f"in process, burst of {n:,}: {burst['msg_s']:,.0f} msg/s; {burst['tickets']:,} "
            f"tickets, {burst['sends']:,} sends, {burst['group_per_100_reports']:.0f} group "
            "messages per 100 reports"
        )
        steady_storm = make_storm(args.seed + 1, min(n, 2000))
        steady = asyncio.run(in_process(steady_storm, 200.0, Path(folder) / "b"))
        print(
            f"in process, {len(steady_storm):,} at 200 msg/s: arrival -> reply handed to the "
            f"gateway p50 {steady['p50']:.1f} ms, p99 {steady['p99']:.1f} ms"
        )
        big = iter_storm(args.seed + 2, 5 * n)  # made as it goes: RSS is the bot's own
        grown = asyncio.run(in_process(big, None, Path(folder) / "c", (n, 5 * n)))
        a, b = grown[f"rss_{n}"], grown[f"rss_{5 * n}"]
        print(
            f"memory: RSS {a:.0f} MB after {n:,} messages, {b:.0f} MB after {5 * n:,} "
            f"({100 * (b / a - 1):+.1f}%)"
        )
    return burst["msg_s"] > 0


# -- through the gateway ------------------------------------------------------------------


class TimedService(FakePuppetService):
    timings: Timings

    def send_text(self, request):  # type: ignore[no-untyped-def]
        self.timings.replied(request.conversation_id, list(request.mentonal_ids))
        return super().send_text(request)


async def through_gateway(storm: list[Said], mode: str, folder: Path) -> dict[str, float]:
    """`mode` "bot" (powerbot run) or "echo", each in its own process."""
    service = TimedService(world_for(storm, GROUPS))
    service.timings = Timings()
    await service.start()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "station.toml"
    db = STORES.new(folder)
    config.write_text(station_toml(GROUPS, db, service.endpoint), encoding="utf-8")
    books = Books(db)
    bot = BotProcess(config, service.endpoint, service.token, folder / f"{mode}.log")
    echo = None
    if mode == "bot":
        bot.start()
    else:
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        echo = subprocess.Popen(
            [sys.executable, "-m", "tests.storm_harness", "echo", service.endpoint, service.token],
            cwd=ROOT,
            env=env,
        )
    run = Run(service, bot, books)
    try:
        await run.logged_in(1)
        await asyncio.sleep(0.5)  # let it settle after login
        started = time.perf_counter()
        for s in storm:
            service.timings.said(f"room{s.room}", s.sender)
            run.say(s)
        ids = set(run.said)
        if mode == "bot":
            await run.until(
                lambda: books.handled() >= ids and books.unsent() == 0, timeout=900, every=0.02
            )
        else:
            await run.until(lambda: len(service.world.sent) >= len(storm), timeout=900, every=0.01)
        elapsed = time.perf_counter() - started
    finally:
        await bot.astop()
        if echo is not None:
            echo.terminate()
            echo.wait(30)
        await service.stop()
    t = service.timings.latencies
    return {"msg_s": len(storm) / elapsed, "p50": pct(t, 0.5), "p99": pct(t, 0.99)}


def run_gateway(args: argparse.Namespace) -> bool:
    n = min(args.messages, args.gateway_messages)
    storm = make_storm(args.seed + 3, n)
    with tempfile.TemporaryDirectory() as folder:
        echo = asyncio.run(through_gateway(storm, "echo", Path(folder) / "echo"))
        bot = asyncio.run(through_gateway(storm, "bot", Path(folder) / "bot"))
    print(
        f"through the gateway, {n:,} said at once to the fake puppet service (own process "
        f"each): bot {bot['msg_s']:,.0f} msg/s, echo bot {echo['msg_s']:,.0f} msg/s, ratio "
        f"{bot['msg_s'] / echo['msg_s']:.2f}; reply p50/p99 bot {bot['p50']:,.0f}/"
        f"{bot['p99']:,.0f} ms, echo {echo['p50']:,.0f}/{echo['p99']:,.0f} ms"
    )
    return True


# -- crash ---------------------------------------------------------------------------------


async def crash(storm: list[Said], kills: int, seed: int, folder: Path) -> dict[str, int | str]:
    rng = random.Random(seed)
    service = await FakePuppetService(world_for(storm, GROUPS)).start()
    config = folder / "station.toml"
    db = STORES.new(folder)
    config.write_text(station_toml(GROUPS, db, service.endpoint), encoding="utf-8")
    bot = BotProcess(config, service.endpoint, service.token, folder / "bot.log")
    books = Books(db)
    run = Run(service, bot, books)
    kill_at = sorted(rng.sample(range(len(storm) // 10, len(storm)), kills))
    said_at: dict[str, float] = {}
    killed: list[float] = []
    try:
        bot.start()
        await run.logged_in(1)
        for n, s in enumerate(storm, 1):
            said_at[run.say(s)] = time.monotonic()
            if n % 50 == 0:
                await asyncio.sleep(0.01)
            if n in kill_at:
                await asyncio.sleep(rng.uniform(0.0, 0.5))
                killed.append(time.monotonic())
                bot.kill()
                bot.start()
                await run.logged_in(bot.starts)
        ids = set(run.said)
        await run.until(books.settled, timeout=900, every=0.05)
    finally:
        await bot.astop()
        await service.stop()
    recorded, handled = books.recorded() & ids, books.handled()
    reports = {i for i in recorded if run.said[i].kind == "report"}
    received, queued = run.received(), books.outbox()
    lost = ids - recorded
    return {
        "said": len(ids),
        "kills": len(killed),
        "lost_on_the_wire": len(lost),
        "lost_long_said": sum(
            1 for i in lost if not any(0 <= k - said_at[i] < 1.0 for k in killed)
        ),
        "recorded_not_handled": len(recorded - handled),
        "reports_not_answered": len(reports - books.answered()),
        "doubled": sum(max(0, received[k] - queued[k]) for k in received),
        "never_sent": sum(max(0, queued[k] - received[k]) for k in queued),
        "integrity": books.integrity(),
    }


def run_crash(args: argparse.Namespace) -> bool:
    n = min(args.messages, args.crash_messages)
    with tempfile.TemporaryDirectory() as folder:
        r = asyncio.run(crash(make_storm(args.seed + 4, n), args.kills, args.seed, Path(folder)))
    ok = (
        r["recorded_not_handled"] == 0
        and r["reports_not_answered"] == 0
        and r["never_sent"] == 0
        and r["lost_long_said"] == 0
        and int(r["doubled"]) <= int(r["kills"]) * LANES
        and r["integrity"] == "ok"
    )
    print(
        f"crash: {r['said']:,} said, kill -9 {r['kills']} times at random points: "
        f"{r['lost_on_the_wire']} lost on the wire (said < 1 s before a kill), "
        f"{r['recorded_not_handled']} recorded and not handled, {r['reports_not_answered']} "
        f"recorded reports not answered, {r['doubled']} sends doubled (bound: "
        f"{r['kills']} x {LANES} in flight), {r['never_sent']} never sent, integrity "
        f"{r['integrity']}: {'ok' if ok else 'FAILED'}"
    )
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["inprocess", "gateway", "crash", "all"], default="all")
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--gateway-messages", type=int, default=5_000)
    ap.add_argument("--crash-messages", type=int, default=5_000)
    ap.add_argument("--kills", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--one-core", action="store_true", help="pin this process to one core")
    ap.add_argument(
        "--database-url",
        help="also run on PostgreSQL: a server URL the bench may create databases on, or "
        "'auto' for a throwaway server (durable defaults)",
    )
    args = ap.parse_args()
    if args.one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    server = None
    engines: list[str | None] = [None]
    if args.database_url:
        url = args.database_url
        if url == "auto":
            from tests.pgserver import ThrowawayPostgres

            server = ThrowawayPostgres(durable=True)
            url = server.start()
        engines.append(url)
    ok = True
    global STORES
    try:
        for url in engines:
            STORES = Stores(url)
            print(
                "-- on SQLite (WAL, synchronous=FULL)"
                if url is None
                else f"-- on PostgreSQL ({_pg_settings(url)})"
            )
            try:
                if args.mode in ("inprocess", "all"):
                    ok &= run_inprocess(args)
                if args.mode in ("gateway", "all"):
                    ok &= run_gateway(args)
                if args.mode in ("crash", "all"):
                    ok &= run_crash(args)
            finally:
                STORES.drop_all()
    finally:
        if server is not None:
            server.stop()
    sys.exit(0 if ok else 1)


def _pg_settings(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        version = conn.execute("show server_version").fetchone()[0].split()[0]
        fsync = conn.execute("show fsync").fetchone()[0]
        commit = conn.execute("show synchronous_commit").fetchone()[0]
    return f"{version} on 127.0.0.1, fsync {fsync}, synchronous_commit {commit}"


if __name__ == "__main__":
    main()
