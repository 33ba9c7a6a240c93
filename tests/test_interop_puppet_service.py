"""Interoperability with the real puppet-service server from the npm registry.

`wechaty-puppet-service` 1.19.9 (the TypeScript server that current token gateways
run) serving `wechaty-puppet-mock` 1.18.2, pinned in tests/interop/package-lock.json
and installed with `npm ci` into a cache folder outside the repository
(`$POWERBOT_INTEROP_CACHE`, default ~/.cache/powerbot/interop/<lock hash>). A small Node
script (tests/interop/puppet_server.mjs) builds the WeChat world — the bot's account,
residents, a worker, the estate's group — and reports every gRPC call the server
receives, every message the bot sends, every login and logout.

The whole bot runs in-process against it, with TLS (the server's default: the
community certificate, checked against the Wechaty root CA) and without (both sides
switched to plaintext): a report in the room gets the @-reply and the worker's dispatch
DM, the worker's 接单 is answered, and a forced reconnect — a link gone silent (Ding
unanswered) and the server restarted — sends Start only: no Stop, no logout on the
server, nothing lost or doubled. A bot set for the other side's TLS, or with a token the
server does not know, is stopped at start with words naming what to change. Skipped, saying why, only where node or npm is absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config
from bot.gateways.base import GatewayError
from bot.gateways.puppet_tls import NO_TLS_ENV
from bot.gateways.wechaty import ENDPOINT_ENV, TOKEN_ENV, Timing, WechatyGateway

HERE = Path(__file__).parent / "interop"
ROOM = "room1@chatroom"
SERVER_NO_TLS = "WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER"
# The mock answers a Ding after a second: the watchdog must wait longer than that.
TIMING = Timing(ding_every=0.5, dong_within=2.5, first_retry=0.2, max_retry=1.0, send_wait=10.0)


def _installed() -> Path:
    """The pinned npm packages, installed once per lock file into the cache folder."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the real puppet-service server; not found")
    lock = (HERE / "package-lock.json").read_bytes()
    root = Path(
        os.environ.get("POWERBOT_INTEROP_CACHE", Path.home() / ".cache" / "powerbot" / "interop")
    )
    folder = root / hashlib.sha256(lock).hexdigest()[:16]
    done = folder / ".installed"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, folder / name)
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            check=True,
            timeout=600,
        )
        done.touch()
    shutil.copy(HERE / "puppet_server.mjs", folder / "puppet_server.mjs")  # resolves from here
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealServer:
    """The Node process: commands in on stdin, what happened out on stdout."""

    def __init__(self, folder: Path, tls: bool) -> None:
        self.folder, self.tls = folder, tls
        self.port = _free_port()
        self.token = f"insecure_{uuid.uuid4()}"
        self.events: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        env = {**os.environ, "NODE_NO_WARNINGS": "1"}
        if not self.tls:
            env[SERVER_NO_TLS] = "true"
        self._proc = await asyncio.create_subprocess_exec(
            shutil.which("node") or "node",
            "puppet_server.mjs",
            str(self.port),
            self.token,
            cwd=self.folder,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._reader = asyncio.create_task(self._read())
        await self.until(lambda e: "ready" in e, 60)

    async def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        async for line in self._proc.stdout:
            with contextlib.suppress(ValueError):
                self.events.append(json.loads(line))
                self._changed.set()

    def tell(self, **command: Any) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write((json.dumps(command, ensure_ascii=False) + "\n").encode())

    def say(self, text: str, sender: str, room: bool = True) -> None:
        self.tell(say=text, **{"from": sender}, room=room)

    async def until(self, seen: Callable[[dict[str, Any]], bool], timeout: float = 15) -> dict:
        """The first event (from the start) that `seen` accepts."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for event in self.events:
                        if seen(event):
                            return event
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            recent = "\n".join(json.dumps(e, ensure_ascii=False) for e in self.events[-30:])
            raise AssertionError(
                f"not seen in {timeout} s; the server's last events:\n{recent}"
            ) from None

    def calls(self) -> list[str]:
        return [e["grpc"] for e in self.events if "grpc" in e]

    def sent(self, to: str, containing: str) -> list[dict]:
        return [
            e["sent"]
            for e in self.events
            if "sent" in e and e["sent"]["to"] == to and containing in e["sent"]["text"]
        ]

    async def stop(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                await asyncio.wait_for(self._proc.wait(), 10)
            except TimeoutError:
                self._proc.kill()
                await self._proc.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


async def _sent_all(app: App) -> None:
    async with asyncio.timeout(10):
        while app.store is not None and app.store.unsent():
            await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
def npm_folder() -> Path:
    return _installed()


@pytest.fixture(params=["tls", "no-tls"])
async def server(request, npm_folder: Path) -> AsyncIterator[RealServer]:
    running = RealServer(npm_folder, tls=request.param == "tls")
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def bot(
    server: RealServer, base_config: Config, shared_services: dict, tmp_path: Path
) -> AsyncIterator[App]:
    env = {TOKEN_ENV: server.token, ENDPOINT_ENV: server.endpoint}
    if not server.tls:
        env[NO_TLS_ENV] = "true"  # the only switch, and only for a server without TLS
    gateway = WechatyGateway.from_config(base_config, env, timing=TIMING)
    app = App(base_config, gateway, services=dict(shared_services), db_path=tmp_path / "bot.db")
    await app.start()
    await asyncio.wait_for(gateway.logged_in.wait(), 15)
    yield app
    await app.stop()


async def test_the_repair_loop_and_reconnects_through_the_real_server(
    server: RealServer, bot: App
) -> None:
    server.say("3栋2单元501停电了", "r1")
    reply = await server.until(lambda e: "sent" in e and "工单号 1" in e["sent"]["text"])
    assert reply["sent"]["to"] == ROOM and reply["sent"]["mentions"] == ["r1"]
    assert reply["sent"]["text"].startswith("@张阿姨")
    await server.until(lambda e: "sent" in e and "【新工单 #1】" in e["sent"]["text"])
    assert server.sent("wxid_li", "【新工单 #1】"), "the dispatch is a private message"

    server.say("接单 1", "wxid_li", room=False)
    await server.until(lambda e: "sent" in e and "已接单 #1" in e["sent"]["text"])
    await server.until(lambda e: "sent" in e and "李明师傅已接单" in e["sent"]["text"])
    assert server.sent("wxid_li", "已接单 #1")

    # A link gone silent: the watchdog's Ding goes unanswered, the bot reconnects.
    streams = server.calls().count("event")
    server.tell(mute_dong=True)
    await server.until(lambda e: server.calls().count("event") > streams, 20)
    server.tell(mute_dong=False)
    await asyncio.wait_for(bot.gateway.logged_in.wait(), 10)  # type: ignore[attr-defined]
    server.say("5栋停电了", "r2")
    await server.until(lambda e: "sent" in e and "工单号 2" in e["sent"]["text"], 20)

    # The server restarted: the bot reconnects to the new one. (Once every send has
    # returned: a send the server took whose answer a restart cuts off is sent again,
    # the one double the README owns up to.)
    await _sent_all(bot)
    streams = server.calls().count("event")
    server.tell(restart=True)
    await server.until(lambda e: "restarted" in e)
    await server.until(lambda e: server.calls().count("event") > streams, 20)
    await asyncio.sleep(0.5)  # the new stream's Start
    server.say("8栋停电了", "r1")
    await server.until(lambda e: "sent" in e and "工单号 3" in e["sent"]["text"], 20)

    calls = server.calls()
    print(f"\n[{'TLS' if server.tls else 'no TLS'}] gRPC calls, in order: {', '.join(calls)}")
    assert "stop" not in calls, "reconnects send Start only"
    assert calls.count("start") >= 3, "Start on every connection"
    assert not [e for e in server.events if "logout" in e], "the account was never logged out"
    for n in (1, 2, 3):
        assert len(server.sent(ROOM, f"工单号 {n}")) == 1, f"report {n} answered exactly once"
    assert bot.store is not None and bot.store.count("tickets") == 3

    await bot.stop()  # shutting down for good: now, and only now, Stop
    assert server.calls().count("stop") == 1


async def test_settings_that_do_not_match_the_real_server_are_named_at_start(
    server: RealServer, base_config: Config
) -> None:
    """The other side's TLS setting, and a token the server does not know: each stops the
    start with words that say what to change, and the server sees no Stop."""
    mismatched = {TOKEN_ENV: server.token, ENDPOINT_ENV: server.endpoint}
    if server.tls:
        mismatched[NO_TLS_ENV] = "true"
        hint = f"probably wants TLS.*unset {NO_TLS_ENV}"
    else:
        hint = f"probably does not speak TLS.*{NO_TLS_ENV}=true"
    wrong_token = {TOKEN_ENV: f"insecure_{uuid.uuid4()}", ENDPOINT_ENV: server.endpoint}
    if not server.tls:
        wrong_token[NO_TLS_ENV] = "true"
    for env, said in ((mismatched, hint), (wrong_token, f"refused the token in {TOKEN_ENV}")):
        gateway = WechatyGateway.from_config(base_config, env, timing=TIMING)
        with pytest.raises(GatewayError, match=said):
            await gateway.start()
        await gateway.stop()
    assert "stop" not in server.calls()
    assert not [e for e in server.events if "logout" in e]


async def test_an_outage_notice_reaches_the_room_found_by_its_topic(
    server: RealServer, bot: App
) -> None:
    """A notice names its group by topic only: the bot finds the room on the real server
    (RoomList, RoomPayload) before any message from that room has been seen."""
    server.say("停电通知 幸福花园 1-5栋 12月28日 08:00-12:00 线路检修", "wxid_admin", room=False)
    await server.until(lambda e: "sent" in e and "确认发布" in e["sent"]["text"])
    server.say("确认", "wxid_admin", room=False)
    await server.until(
        lambda e: "sent" in e and e["sent"]["to"] == ROOM and "【停电通知】" in e["sent"]["text"]
    )
    assert "roomList" in server.calls()
    await server.until(lambda e: "sent" in e and "已发布停电通知" in e["sent"]["text"])
