"""`powerbot run` against the real puppet-service server from the npm registry: a transcript.

    .venv/bin/python bench/interop_run.py [--no-tls]

Starts the real `wechaty-puppet-service` server serving `wechaty-puppet-mock` (the pinned
packages of tests/interop, installed as the interop test installs them), then `python -m
bot run` on config.example.toml (its database in a temporary folder) with nothing but the
token and the endpoint in the environment (and, with --no-tls, both sides switched to
plaintext). A resident reports, the worker accepts, the server is restarted, another
resident reports, and the bot is stopped. Prints the bot's log and everything the server
saw and sent, in order: the gRPC calls on every connection (Start, never Stop until the
bot shuts down), the replies, and whether the account was ever logged out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.storm_harness import BotProcess  # noqa: E402
from tests.test_interop_puppet_service import RealServer, _installed  # noqa: E402


def _config(folder: Path) -> Path:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = ".*"', f'path = "{folder / "bot.db"}"', text, count=1)
    text = re.sub(r'(?m)^dir = "kb"', f'dir = "{ROOT / "kb"}"', text, count=1)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _line(event: dict, t0: float) -> str:
    at = f"{event['at'] - t0:6.2f}s"
    if "grpc" in event:
        return f"{at}  server  gRPC {event['grpc']}"
    if "sent" in event:
        sent = event["sent"]
        return f"{at}  server  bot sent to {sent['to']}: " + sent["text"].replace("\n", " / ")
    kind, value = next((k, v) for k, v in event.items() if k != "at")
    return f"{at}  server  {kind} {value}"


async def main(tls: bool) -> None:
    print(f"# {platform.node()} {platform.machine()}, {datetime.now():%Y-%m-%d %H:%M}")
    print(f"# real wechaty-puppet-service server, {'TLS' if tls else 'no TLS'}\n")
    server = RealServer(_installed(), tls=tls)
    await server.start()
    t0 = time.monotonic()
    stamped: list[dict] = []

    async def stamp() -> None:  # when each server event was seen, for the transcript
        while True:
            while len(stamped) < len(server.events):
                stamped.append({**server.events[len(stamped)], "at": time.monotonic()})
            await asyncio.sleep(0.01)

    stamper = asyncio.create_task(stamp())
    folder = Path(tempfile.mkdtemp(prefix="powerbot-interop-"))
    bot = BotProcess(_config(folder), server.endpoint, server.token, folder / "bot.log")
    if not tls:
        os.environ["WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT"] = "true"
    try:
        bot.start()
        await server.until(lambda e: e.get("grpc") == "start", 30)
        await asyncio.sleep(1)
        server.say("3栋2单元501停电了", "r1")
        await server.until(lambda e: "sent" in e and "工单号 1" in e["sent"]["text"], 20)
        server.say("接单 1", "wxid_li", room=False)
        await server.until(lambda e: "sent" in e and "已接单 #1" in e["sent"]["text"], 20)
        await asyncio.sleep(1)
        streams = server.calls().count("event")
        server.tell(restart=True)
        await server.until(lambda e: server.calls().count("event") > streams, 30)
        await asyncio.sleep(1)
        server.say("5栋停电了", "r2")
        await server.until(lambda e: "sent" in e and "工单号 2" in e["sent"]["text"], 20)
        await asyncio.sleep(0.5)
    finally:
        bot.stop()
        await asyncio.sleep(0.5)
        stamper.cancel()
        await server.stop()
    for event in stamped:
        print(_line(event, t0))
    calls = server.calls()
    print(f"\n# gRPC calls: {len(calls)}; start {calls.count('start')}, stop {calls.count('stop')}")
    print(f"# logouts on the server: {sum('logout' in e for e in server.events)}")
    print("\n# the bot's log\n" + (folder / "bot.log").read_text(encoding="utf-8"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-tls", action="store_true")
    asyncio.run(main(tls=not parser.parse_args().no_tls))
