"""Round-trip throughput of the Wechaty gateway on loopback: message event in, reply out.

    .venv/bin/python bench/gateway_roundtrip.py [--messages 1000] [--mode echo|app|both]

A fake puppet service (tests/fake_puppet.py, the real gRPC protocol) runs on 127.0.0.1.
Each message goes the whole way: a message event on the stream, MessagePayload and the
name look-ups, the bot, MessageSendText back to the service. Every message comes from
a different resident in a private chat, so the figures show the gateway's concurrency
rather than one conversation's order.

- echo: the gateway with a callback that answers at once (the gateway's own cost).
- app: the whole bot (App, handlers, a SQLite file in a temporary directory) answering
  an FAQ question; every message is one SQLite transaction.

Each mode is run twice: a burst (all messages sent at once; throughput) and one message
at a time (latency with nothing queued). Then it checks that every resident asked got
exactly one reply and nobody else got any; the exit status is 1 if not.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", "'telnetlib' is deprecated", DeprecationWarning)

from bot.app import App  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.gateways.wechaty import Timing, WechatyGateway  # noqa: E402
from tests.fake_puppet import FakePuppetService, FakeWeChat  # noqa: E402
from tests.storm_harness import EchoInbox  # noqa: E402

QUESTION = "电费怎么交"


class TimedService(FakePuppetService):
    """Notes when each message went in and when its reply came back."""

    def __init__(self, world: FakeWeChat) -> None:
        super().__init__(world)
        self.said: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.all_answered = asyncio.Event()

    def ask(self, resident: str) -> None:
        self.said[resident] = time.perf_counter()
        self.say(QUESTION, sender=resident)

    def send_text(self, request) -> str:  # type: ignore[no-untyped-def]
        resident = request.conversation_id
        if resident in self.said and resident not in self.answered:
            self.answered[resident] = time.perf_counter()
            if len(self.answered) == len(self.said):
                self.all_answered.set()
        return super().send_text(request)

    def reset(self) -> None:
        self.said.clear()
        self.answered.clear()
        self.all_answered.clear()


async def burst(service: TimedService, residents: list[str]) -> tuple[float, list[float]]:
    service.reset()
    start = time.perf_counter()
    for resident in residents:
        service.said[resident] = start
    for resident in residents:
        service.ask(resident)
    await asyncio.wait_for(service.all_answered.wait(), 300)
    elapsed = time.perf_counter() - start
    return elapsed, [service.answered[r] - service.said[r] for r in residents]


async def one_by_one(service: TimedService, residents: list[str]) -> list[float]:
    latencies = []
    for resident in residents:
        service.reset()
        service.ask(resident)
        await asyncio.wait_for(service.all_answered.wait(), 30)
        latencies.append(service.answered[resident] - service.said[resident])
    return latencies


def report(
    mode: str, count: int, elapsed: float, burst_ms: list[float], single: list[float]
) -> None:
    ms = sorted(x * 1000 for x in single)
    burst_sorted = sorted(x * 1000 for x in burst_ms)
    print(
        f"{mode:5} burst of {count}: {count / elapsed:7.0f} msg/s ({elapsed:.2f} s), "
        f"latency p50 {statistics.median(burst_sorted):.1f} ms, "
        f"p95 {burst_sorted[int(len(burst_sorted) * 0.95) - 1]:.1f} ms"
    )
    print(
        f"{mode:5} one at a time ({len(ms)}): p50 {statistics.median(ms):.2f} ms, "
        f"p95 {ms[int(len(ms) * 0.95) - 1]:.2f} ms"
    )


def check_replies(mode: str, world: FakeWeChat, asked: list[str]) -> bool:
    """Print whether each resident asked got exactly one reply; True if so."""
    replies = Counter(s.conversation_id for s in world.sent)
    none = sum(1 for r in asked if replies[r] == 0)
    doubled = sum(1 for r in asked if replies[r] > 1)
    strangers = replies.total() - sum(replies[r] for r in asked)
    if not (none or doubled or strangers):
        print(f"{mode:5} replies: each of the {len(asked)} residents asked got exactly one")
        return True
    print(
        f"{mode:5} replies: {len(asked)} residents asked, {none} got none, "
        f"{doubled} got more than one, {strangers} went to someone not asked"
    )
    return False


async def run_mode(mode: str, count: int, in_flight: int) -> bool:
    world = FakeWeChat()
    residents = [f"wxid_resident_{n}" for n in range(count * 2)]
    world.contacts.update({r: f"居民{n}" for n, r in enumerate(residents)})
    service = await TimedService(world).start()
    gateway = WechatyGateway(service.endpoint, service.token, timing=Timing(in_flight=in_flight))
    start, stop = await wire(mode, gateway)
    try:
        await start()
        await asyncio.wait_for(gateway.logged_in.wait(), 10)
        elapsed, burst_latencies = await burst(service, residents[:count])
        single = await one_by_one(service, residents[count : count + min(count, 200)])
        report(mode, count, elapsed, burst_latencies, single)
    finally:
        await stop()
        await service.stop()
    # After stop: whatever the bot was still doing has finished or been cancelled.
    return check_replies(mode, world, residents[: count + len(single)])


async def wire(
    mode: str, gateway: WechatyGateway
) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """How to start and stop the bot behind the gateway in this mode."""
    if mode == "echo":
        gateway.attach(EchoInbox(gateway))
        return gateway.start, gateway.stop
    config = load_config(ROOT / "config.example.toml")
    folder = tempfile.TemporaryDirectory()
    unlimited = {"send_per_minute": 10**8, "send_per_group_per_minute": 10**8}  # no governor
    config = config.model_copy(
        update={
            "bot": config.bot.model_copy(update={"rate_limit_per_minute": 10_000}),
            "gateway": config.gateway.model_copy(update=unlimited),
        }
    )
    app = App(config, gateway, db_path=Path(folder.name) / "bench.db")

    async def stop() -> None:
        await app.stop()
        folder.cleanup()

    return app.start, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--mode", choices=["echo", "app", "both"], default="both")
    parser.add_argument("--in-flight", type=int, default=Timing.in_flight)
    args = parser.parse_args()
    modes = ["echo", "app"] if args.mode == "both" else [args.mode]
    print(f"python {sys.version.split()[0]}, in_flight {args.in_flight}, loopback gRPC")
    results = [asyncio.run(run_mode(mode, args.messages, args.in_flight)) for mode in modes]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
