"""The Wechaty gateway against a fake puppet service speaking the real gRPC protocol.

Each test runs a `FakePuppetService` on a free 127.0.0.1 port. The end-to-end ones run
the whole bot (App, handlers, a SQLite file in tmp_path) behind the gateway; the others
give the gateway a plain callback. Nothing sleeps: tests await what the service saw.
"""

from __future__ import annotations

import asyncio
import io
import logging
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import App
from bot.cli import cli
from bot.config import Config
from bot.gateways.base import GatewayError
from bot.gateways.wechaty import (
    ENDPOINT_ENV,
    TOKEN_ENV,
    Timing,
    TokenRejected,
    WechatyGateway,
)
from bot.messages import Conversation, Incoming, Kind, Mention, Outgoing
from tests.conftest import EXAMPLE_CONFIG, GROUP, LI
from tests.fake_puppet import (
    BOT_ID,
    EVENT,
    WIRE_AUDIO,
    WIRE_IMAGE,
    FakePuppetService,
    FakeWeChat,
)

ROOM, OTHER_ROOM = "room-xinfu@chatroom", "room-family@chatroom"
FAST = Timing(ding_every=0.05, dong_within=1.0, first_retry=0.01, max_retry=0.05, send_wait=2.0)


def town() -> FakeWeChat:
    world = FakeWeChat()
    world.rooms.update({ROOM: GROUP, OTHER_ROOM: "老李家族群"})
    world.contacts.update({"r1": "张阿姨", "r2": "刘叔", LI: "李明"})
    world.aliases[(ROOM, "r2")] = "5栋刘叔"
    return world


@pytest.fixture
async def service() -> AsyncIterator[FakePuppetService]:
    running = await FakePuppetService(town()).start()
    yield running
    await running.stop()


class Recorder:
    """An inbox that keeps what it got: ids as they arrived, messages as they came."""

    def __init__(self) -> None:
        self.arrivals: list[str] = []
        self.got: list[Incoming] = []
        self.dropped: list[str] = []
        self._changed = asyncio.Event()

    def arrived(self, message_id: str) -> None:
        self.arrivals.append(message_id)

    def prepared(self, message_id: str, message: Incoming | None) -> None:
        if message is None:
            self.dropped.append(message_id)
        else:
            self.got.append(message)
        self._changed.set()

    async def receive(self, message: Incoming) -> None:
        self.arrived(message.id)
        self.prepared(message.id, message)

    async def wait(self, count: int) -> list[Incoming]:
        """The first `count` messages, in the order their ids arrived."""
        async with asyncio.timeout(5):
            while len(self.got) < count:
                self._changed.clear()
                await self._changed.wait()
        return sorted(self.got, key=lambda m: self.arrivals.index(m.id))


@pytest.fixture
async def gateway(service: FakePuppetService) -> AsyncIterator[tuple[WechatyGateway, Recorder]]:
    gw = WechatyGateway(service.endpoint, service.token, timing=FAST, qr_out=io.StringIO())
    recorder = Recorder()
    gw.attach(recorder)
    await gw.start()
    await asyncio.wait_for(gw.logged_in.wait(), 5)
    yield gw, recorder
    await gw.stop()


@pytest.fixture
async def app(
    service: FakePuppetService, base_config: Config, shared_services: dict, db_path: Path, clock
) -> AsyncIterator[App]:
    env = {TOKEN_ENV: service.token, ENDPOINT_ENV: service.endpoint}
    gw = WechatyGateway.from_config(base_config, env, timing=FAST, qr_out=io.StringIO())
    running = App(base_config, gw, clock, services=dict(shared_services), db_path=db_path)
    await running.start(background=False)
    await asyncio.wait_for(gw.logged_in.wait(), 5)
    yield running
    await running.stop()


def sent_to(service: FakePuppetService, conversation_id: str) -> list[str]:
    return [s.text for s in service.world.sent if s.conversation_id == conversation_id]


# -- login -------------------------------------------------------------------------------


async def test_login_draws_the_qr_code_and_learns_the_bot_id(caplog):
    service = await FakePuppetService(town()).start()
    service.world.logged_in = False
    qr = io.StringIO()
    gw = WechatyGateway(service.endpoint, service.token, timing=FAST, qr_out=qr)
    gw.attach(Recorder())
    try:
        with caplog.at_level(logging.INFO, logger="bot.gateways.wechaty"):
            await gw.start()
            await service.wait_streams(1)
            service.scan(2, "https://login.weixin.qq.com/l/fake-code")
            service.scan(4)
            service.login()
            await asyncio.wait_for(gw.logged_in.wait(), 5)
    finally:
        await gw.stop()
        await service.stop()

    assert gw.self_id == BOT_ID
    assert "█" in qr.getvalue() or "▀" in qr.getvalue()
    assert "wechaty.js.org/qrcode/https%3A%2F%2Flogin.weixin.qq.com" in caplog.text
    assert "Confirmed" in caplog.text and f"logged in to WeChat as {BOT_ID}" in caplog.text


# -- end to end through the App ------------------------------------------------------------


async def test_report_in_a_room_is_answered_there_mentioning_the_resident_and_dispatched(
    app: App, service: FakePuppetService
):
    service.say("3栋2单元501停电了", sender="r1", room=ROOM)

    await service.wait_sent(2)
    [reply] = [s for s in service.world.sent if s.conversation_id == ROOM]
    assert reply.text.startswith("@张阿姨\u2005") and "工单号 1" in reply.text
    assert reply.mention_ids == ["r1"]
    [dispatch] = sent_to(service, LI)
    assert "#1" in dispatch and "接单 1" in dispatch
    assert app.store.ticket(1).group_topic == GROUP


async def test_worker_accepts_privately_and_the_room_is_told(app: App, service: FakePuppetService):
    service.say("3栋2单元501停电了", sender="r1", room=ROOM)
    await service.wait_sent(2)

    service.say("接单 1", sender=LI)

    await service.wait_sent(4)
    assert any("已接单 #1" in text for text in sent_to(service, LI))
    [told] = [s for s in service.world.sent[2:] if s.conversation_id == ROOM]
    assert "李明师傅已接单" in told.text and told.mention_ids == ["r1"]
    assert app.store.ticket(1).state == "accepted"


@pytest.mark.parametrize("service_repeats_it", [False, True])
async def test_crash_and_restart_on_the_same_port_loses_and_doubles_nothing(
    app: App, service: FakePuppetService, service_repeats_it: bool
):
    service.hold_payloads.add("m1")
    service.say("3栋2单元501停电了", sender="r1", room=ROOM, message_id="m1")
    await service.wait_call("MessagePayload", "m1")  # the bot is fetching it...

    await service.crash()  # ...when the service dies
    service.release()
    restarted = FakePuppetService(service.world, port=service.port)
    if service_repeats_it:
        restarted.replay_on_open = [{"messageId": "m1"}]
    await restarted.start()
    try:
        await restarted.wait_sent(2)
        restarted.say("8栋1单元302停电了", sender="r2", room=ROOM, message_id="m2")
        await restarted.wait_sent(4)
    finally:
        await restarted.stop()

    replies = sent_to(service, ROOM)
    assert len(replies) == 2 and "工单号 1" in replies[0] and "工单号 2" in replies[1]
    dispatches = [s for s in service.world.sent if s.conversation_id != ROOM]
    assert len(dispatches) == 2, "two tickets, each dispatched once"
    assert service.world.calls.count(("MessagePayload", "m1")) == 2, "fetched again, not lost"
    assert app.store.ticket(1).reporter_id == "r1" and app.store.ticket(3) is None
    starts = [c for c, _ in service.world.calls if c in ("Start", "Stop")]
    assert starts == ["Start", "Start"], "reconnected with Start alone: never logged out"


async def test_frozen_server_is_noticed_by_the_watchdog(service: FakePuppetService, caplog):
    gw = WechatyGateway(
        service.endpoint,
        service.token,
        timing=Timing(ding_every=0.02, dong_within=0.1, first_retry=0.01, max_retry=0.05),
    )
    recorder = Recorder()
    gw.attach(recorder)
    await gw.start()
    try:
        await service.wait_streams(1)
        service.freeze()
        await service.wait_streams(2)
        service.say("有人吗", sender="r1")
        [msg] = await recorder.wait(1)
        assert ("Stop", "") not in service.world.calls and service.world.logged_in
    finally:
        await gw.stop()
    assert msg.text == "有人吗"
    assert service.world.calls[-1] == ("Stop", ""), "Stop once, when the bot shuts down"
    assert "link lost (no dong within 0.1 s)" in caplog.text


# -- the gateway on its own ----------------------------------------------------------------


async def test_malformed_events_are_logged_and_skipped(gateway, service: FakePuppetService, caplog):
    gw, recorder = gateway
    service.emit(EVENT.EVENT_TYPE_MESSAGE, {"id": "no-messageId-key"})
    service.emit(EVENT.EVENT_TYPE_MESSAGE, "{not json")
    service.emit(EVENT.EVENT_TYPE_LOGIN, {})
    service.emit(EVENT.EVENT_TYPE_SCAN, {"status": 99})
    service.emit(EVENT.EVENT_TYPE_HEARTBEAT, [1, 2])
    service.say("停电了", sender="r1", room=ROOM)

    [msg] = await recorder.wait(1)
    assert msg.text == "停电了"
    assert caplog.text.count("skipping malformed event") == 5
    assert service.streams_opened == 1, "no reconnect was needed"


async def test_own_echoed_messages_are_ignored(gateway, service: FakePuppetService):
    gw, recorder = gateway
    await gw.send(Outgoing(conversation=Conversation.private("r1"), text="您好"))
    service.say("你好", sender="r1")

    [msg] = await recorder.wait(1)
    assert msg.text == "你好"
    [echo] = service.world.echoes
    assert echo not in [m.id for m in recorder.got]
    if echo in recorder.arrivals:  # it came before its send returned: dropped unread
        assert echo in recorder.dropped
    gw._accept(echo)  # the service repeats it: known as the bot's own, not even recorded
    assert recorder.arrivals.count(echo) <= 1


async def test_group_message_is_converted_with_topic_alias_mention_and_kind(
    gateway, service: FakePuppetService
):
    gw, recorder = gateway
    service.say("@供电小助手\u2005停电了", sender="r2", room=ROOM, mentions=(BOT_ID,))
    service.say("[图片]", sender="r1", room=ROOM, wire_type=WIRE_IMAGE)
    service.say("", sender="r1", wire_type=WIRE_AUDIO)

    text, image, voice = await recorder.wait(3)
    assert text.conversation == Conversation.group(ROOM, GROUP)
    assert text.sender.name == "5栋刘叔", "the room alias wins over the contact name"
    assert text.text == "停电了" and text.mentioned and text.kind is Kind.text
    assert image.kind is Kind.image and image.sender.name == "张阿姨" and not image.mentioned
    assert voice.kind is Kind.voice and voice.conversation == Conversation.private("r1")


async def test_room_topic_change_is_followed(gateway, service: FakePuppetService):
    gw, recorder = gateway
    service.say("一", sender="r1", room=ROOM)
    await recorder.wait(1)
    service.rename_room(ROOM, "幸福花园用电二群")
    service.say("二", sender="r1", room=ROOM)

    first, second = await recorder.wait(2)
    assert (first.conversation.topic, second.conversation.topic) == (GROUP, "幸福花园用电二群")
    assert service.world.calls.count(("RoomPayload", ROOM)) == 1, "the rename came as an event"


async def test_names_are_fetched_once_for_messages_arriving_together(
    gateway, service: FakePuppetService
):
    gw, recorder = gateway
    for n in range(5):
        service.say(f"第{n}条", sender="r1", room=ROOM)

    got = await recorder.wait(5)
    assert [m.text for m in got] == [f"第{n}条" for n in range(5)]
    assert service.world.calls.count(("RoomMemberPayload", f"{ROOM}/r1")) == 1
    assert ("ContactPayload", "r1") not in service.world.calls, "the member payload has the name"


async def test_rooms_outside_the_configured_topics_are_not_served(service: FakePuppetService):
    gw = WechatyGateway(service.endpoint, service.token, topics={GROUP}, timing=FAST)
    recorder = Recorder()
    gw.attach(recorder)
    await gw.start()
    try:
        service.say("家里停电了吗", sender="r1", room=OTHER_ROOM)
        service.say("停电了", sender="r1", room=ROOM)
        [msg] = await recorder.wait(1)
    finally:
        await gw.stop()
    assert msg.conversation.topic == GROUP


async def test_ids_reach_the_inbox_at_once_in_stream_order_payloads_as_they_come(
    service: FakePuppetService,
):
    gw = WechatyGateway(service.endpoint, service.token, timing=FAST)
    recorder = Recorder()
    gw.attach(recorder)
    await gw.start()
    try:
        await asyncio.wait_for(gw.logged_in.wait(), 5)
        service.hold_payloads.add("msg-1")
        first = service.say("a1", sender="r1", room=ROOM)
        second = service.say("b1", sender="r2")
        [got] = await recorder.wait(1)
        assert got.id == second and recorder.arrivals == [first, second]
        service.release()
        await recorder.wait(2)
    finally:
        await gw.stop()
    assert [m.id for m in recorder.got] == [second, first], "payloads come as they are fetched"


async def test_no_more_than_in_flight_payloads_are_fetched_at_once(service: FakePuppetService):
    gw = WechatyGateway(service.endpoint, service.token, timing=Timing(in_flight=2))
    recorder = Recorder()
    gw.attach(recorder)
    await gw.start()
    try:
        await asyncio.wait_for(gw.logged_in.wait(), 5)
        service.hold_payloads.update({"msg-1", "msg-2"})
        ids = [service.say("停电", sender=s) for s in ("r1", "r2", LI)]
        await service.wait_call("MessagePayload", ids[1])
        with pytest.raises(TimeoutError):
            await service.wait_call("MessagePayload", ids[2], timeout=0.2)
        assert recorder.arrivals == ids, "every id is in the inbox before its payload"
        service.release()
        await service.wait_call("MessagePayload", ids[2])
        await recorder.wait(3)
    finally:
        await gw.stop()


async def test_notice_to_a_group_named_by_topic_finds_its_room(gateway, service):
    gw, _ = gateway
    out = Outgoing(
        conversation=Conversation.group(GROUP), text="明天停电检修", mentions=(Mention(id="r2"),)
    )
    await gw.send(out)

    [sent] = await service.wait_sent(1)
    assert sent.conversation_id == ROOM
    assert sent.text == "@5栋刘叔\u2005明天停电检修" and sent.mention_ids == ["r2"]


async def test_send_to_an_unknown_group_is_a_gateway_error(gateway):
    gw, _ = gateway
    with pytest.raises(GatewayError, match="no group named '不存在的群'"):
        await gw.send(Outgoing(conversation=Conversation.group("不存在的群"), text="x"))


# -- wrong token and bad settings ----------------------------------------------------------


async def test_wrong_token_is_a_clear_error(service: FakePuppetService):
    gw = WechatyGateway(service.endpoint, "insecure_wrong-token", timing=FAST)
    with pytest.raises(TokenRejected, match=TOKEN_ENV):
        await gw.start()


async def test_powerbot_run_with_a_wrong_token_exits_2(service: FakePuppetService, tmp_path):
    env = {TOKEN_ENV: "insecure_wrong-token", ENDPOINT_ENV: service.endpoint, "PATH": ""}
    config = tmp_path / "config.toml"
    config.write_text(
        EXAMPLE_CONFIG.read_text(encoding="utf-8")
        .replace('path = "var/powerbot.db"', f'path = "{tmp_path / "bot.db"}"')
        .replace('dir = "kb"', f'dir = "{EXAMPLE_CONFIG.parent / "kb"}"'),
        encoding="utf-8",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import cli; cli(prog_name='powerbot')",
        "run",
        "--config",
        str(config),
        env=env,
        cwd=Path(EXAMPLE_CONFIG).parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2, err.decode()
    assert "refused the token in WECHATY_PUPPET_SERVICE_TOKEN" in err.decode()


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, f"{TOKEN_ENV} is not set"),
        ({TOKEN_ENV: "t", ENDPOINT_ENV: "no-port-here"}, "must be host:port"),
    ],
)
def test_powerbot_run_without_token_or_with_a_bad_endpoint_exits_2(env, says, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    result = CliRunner().invoke(cli, ["run", "--config", str(EXAMPLE_CONFIG)], env=env)
    assert result.exit_code == 2
    assert says in result.output
