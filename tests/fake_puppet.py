"""A fake Wechaty puppet service: the real gRPC protocol on 127.0.0.1, a scripted WeChat behind it.

It speaks what a puppet service speaks to `wechaty-puppet-service`: the `wechaty.Puppet`
methods the gateway uses, with the message classes of `wechaty_grpc`, camelCase JSON
event payloads, TypeScript message-type numbers on the wire (text = 7). Like a 1.x
gateway (`wechaty-puppet-service` 1.19, the TypeScript server) it serves TLS with the
community's default certificate (tests/wechaty-insecure-server.pem: CN `insecure`,
signed by the Wechaty root CA; `tls=False` for a plaintext one), checks the token in
`authorization: Wechaty <token>` or else in `:authority`, sends a heartbeat first on
every event stream, and logs the account out on Stop. betterproto 1.x generates only
client stubs, so the server's `__mapping__` is written here by hand.

`FakeWeChat` is the world (contacts, rooms, messages, what the bot sent); it outlives
`FakePuppetService`, so a test can crash the server and start a new one on the same port
against the same world. Tests script it (`say`, `scan`, `freeze`, `crash`) and await
what they expect (`wait_sent`, `wait_streams`); nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpclib.server
from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError
from grpclib.protocol import H2Protocol
from wechaty_grpc.wechaty import puppet as pb

TOKEN = "insecure_fake-test-token"  # the prefix is the TLS server name, as with real tokens
SERVER_PEM = Path(__file__).with_name("wechaty-insecure-server.pem")
BOT_ID = "wxid_bot"
BOT_NAME = "供电小助手"

# ts-wechaty-puppet's MessageType, which is what travels on the wire.
WIRE_AUDIO, WIRE_IMAGE, WIRE_TEXT = 2, 6, 7
EVENT = pb.EventType
UNAUTHENTICATED_PATH = "/wechaty.Puppet/:unauthenticated"


@dataclass
class Sent:
    """One MessageSendText call, as the service received it."""

    conversation_id: str
    text: str
    mention_ids: list[str]


@dataclass
class FakeWeChat:
    """The account behind the service; survives restarts of the server."""

    contacts: dict[str, str] = field(default_factory=lambda: {BOT_ID: BOT_NAME})
    rooms: dict[str, str] = field(default_factory=dict)  # room id -> topic
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)  # (room, member) -> alias
    messages: dict[str, pb.MessagePayloadResponse] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    echoes: list[str] = field(default_factory=list)  # ids of the bot's own messages echoed back
    logged_in: bool = True
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, id) for lookups
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def next_id(self, prefix: str = "msg") -> str:
        return f"{prefix}-{next(self._ids)}"


class FakePuppetService:
    """A grpclib server for one `FakeWeChat`; `await start()`, script it, `await stop()`."""

    def __init__(
        self,
        world: FakeWeChat | None = None,
        *,
        token: str = TOKEN,
        port: int = 0,
        tls: bool = True,
    ):
        self.world = world or FakeWeChat()
        self.token = token
        self.port = port
        self.tls = tls
        self.token_in: tuple[str, ...] = ("authorization", ":authority")  # where it is looked for
        self.streams_opened = 0
        self.hold_payloads: set[str] = set()  # MessagePayload for these ids waits for release()
        self.replay_on_open: list[dict[str, Any]] = []  # message events re-sent to new streams
        self._queues: dict[asyncio.Queue, str] = {}  # open event stream -> client address
        self._frozen: set[str] = set()
        self._released = asyncio.Event()
        self._changed = asyncio.Condition()
        self._server: _Server | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> FakePuppetService:
        self._server = _Server([_Servicer(self)], service=self)
        await self._server.start("127.0.0.1", self.port, ssl=_server_tls() if self.tls else None)
        self.port = self._server.sockets_port()
        return self

    async def stop(self) -> None:
        """Shut down: stop listening, end the streams, drop the connections."""
        if self._server is not None:
            self._server.close()
            self._server.abort_connections()
            await self._server.wait_closed()
            self._server = None
        self._queues.clear()

    crash = stop  # from the client's side a crash and a stop look alike: the TCP link dies

    # -- scripting -------------------------------------------------------------------------

    def emit(self, event_type: int, payload: dict[str, Any] | str) -> None:
        """Send one event to every open, unfrozen stream (a str payload goes as it is)."""
        body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        for queue, peer in self._queues.items():
            if peer not in self._frozen:
                queue.put_nowait(pb.EventResponse(type=event_type, payload=body))

    def say(
        self,
        text: str,
        *,
        sender: str,
        room: str | None = None,
        mentions: tuple[str, ...] = (),
        wire_type: int = WIRE_TEXT,
        message_id: str | None = None,
        emit: bool = True,
    ) -> str:
        """Someone says something; the service stores the payload and emits a message event."""
        message_id = message_id or self.world.next_id()
        self.world.messages[message_id] = pb.MessagePayloadResponse(
            id=message_id,
            text=text,
            timestamp=1_700_000_000,
            type=wire_type,
            from_id=sender,
            room_id=room or "",
            to_id="" if room else BOT_ID,
            mention_ids=list(mentions),
        )
        if emit:
            self.emit(EVENT.EVENT_TYPE_MESSAGE, {"messageId": message_id})
        return message_id

    def scan(self, status: int, qrcode: str = "") -> None:
        self.emit(EVENT.EVENT_TYPE_SCAN, {"status": status, "qrcode": qrcode, "data": ""})

    def login(self) -> None:
        self.world.logged_in = True
        self.emit(EVENT.EVENT_TYPE_LOGIN, {"contactId": BOT_ID})

    def rename_room(self, room_id: str, topic: str) -> None:
        old, self.world.rooms[room_id] = self.world.rooms[room_id], topic
        payload = {"roomId": room_id, "newTopic": topic, "oldTopic": old, "changerId": BOT_ID}
        self.emit(EVENT.EVENT_TYPE_ROOM_TOPIC, {**payload, "timestamp": 1_700_000_000})

    def freeze(self) -> None:
        """The open connections go silent (a dead TCP link): no events, Ding never answers."""
        self._frozen.update(self._queues.values())

    def release(self) -> None:
        self.hold_payloads.clear()
        self._released.set()

    async def wait_sent(self, count: int, timeout: float = 5.0) -> list[Sent]:
        await self._wait(lambda: len(self.world.sent) >= count, timeout)
        return self.world.sent

    async def wait_streams(self, count: int, timeout: float = 5.0) -> None:
        """Until `count` event streams have been opened in this server's lifetime."""
        await self._wait(lambda: self.streams_opened >= count, timeout)

    async def wait_call(self, method: str, key: str, timeout: float = 5.0) -> None:
        await self._wait(lambda: (method, key) in self.world.calls, timeout)

    async def _wait(self, predicate: Callable[[], bool], timeout: float) -> None:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def changed(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- what the servicer calls -----------------------------------------------------------

    def open_stream(self, peer: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._queues[queue] = peer
        self.streams_opened += 1
        queue.put_nowait(_event(EVENT.EVENT_TYPE_HEARTBEAT, {"data": "heartbeat@fake"}))
        if self.world.logged_in:
            queue.put_nowait(_event(EVENT.EVENT_TYPE_LOGIN, {"contactId": BOT_ID}))
        else:
            queue.put_nowait(_event(EVENT.EVENT_TYPE_SCAN, {"status": 2, "qrcode": "", "data": ""}))
        for payload in self.replay_on_open:
            queue.put_nowait(_event(EVENT.EVENT_TYPE_MESSAGE, payload))
        return queue

    def close_stream(self, queue: asyncio.Queue) -> None:
        self._queues.pop(queue, None)

    def is_frozen(self, peer: str) -> bool:
        return peer in self._frozen

    async def message_payload(self, message_id: str) -> pb.MessagePayloadResponse:
        self.world.calls.append(("MessagePayload", message_id))
        await self.changed()
        if message_id in self.hold_payloads:
            await self._released.wait()
        payload = self.world.messages.get(message_id)
        if payload is None:
            raise GRPCError(Status.NOT_FOUND, f"no message {message_id}")
        return payload

    def send_text(self, request: pb.MessageSendTextRequest) -> str:
        """Record what the bot sent and echo it back as the bot's own message, like WeChat."""
        self.world.sent.append(
            Sent(request.conversation_id, request.text, list(request.mentonal_ids))
        )
        in_room = request.conversation_id in self.world.rooms
        self.world.echoes.append(self.world.next_id("sent"))
        return self.say(
            request.text,
            sender=BOT_ID,
            room=request.conversation_id if in_room else None,
            message_id=self.world.echoes[-1],
        )


def _event(event_type: int, payload: dict[str, Any]) -> pb.EventResponse:
    return pb.EventResponse(type=event_type, payload=json.dumps(payload, ensure_ascii=False))


def _peer(stream: grpclib.server.Stream) -> str:
    host, port = stream.peer.addr()[:2]
    return f"{host}:{port}"


class _Servicer:
    """The `wechaty.Puppet` methods the gateway uses, over a `FakePuppetService`."""

    def __init__(self, service: FakePuppetService) -> None:
        self.service = service
        self.world = service.world

    def __mapping__(self) -> dict[str, Handler]:
        unary = Cardinality.UNARY_UNARY
        methods: dict[str, tuple[Any, Cardinality, type, type]] = {
            "Start": (self.start, unary, pb.StartRequest, pb.StartResponse),
            "Stop": (self.stop, unary, pb.StopRequest, pb.StopResponse),
            "Ding": (self.ding, unary, pb.DingRequest, pb.DingResponse),
            "Event": (self.event, Cardinality.UNARY_STREAM, pb.EventRequest, pb.EventResponse),
            "MessagePayload": (
                self.message_payload,
                unary,
                pb.MessagePayloadRequest,
                pb.MessagePayloadResponse,
            ),
            "ContactPayload": (
                self.contact_payload,
                unary,
                pb.ContactPayloadRequest,
                pb.ContactPayloadResponse,
            ),
            "RoomPayload": (
                self.room_payload,
                unary,
                pb.RoomPayloadRequest,
                pb.RoomPayloadResponse,
            ),
            "RoomList": (self.room_list, unary, pb.RoomListRequest, pb.RoomListResponse),
            "RoomMemberPayload": (
                self.room_member_payload,
                unary,
                pb.RoomMemberPayloadRequest,
                pb.RoomMemberPayloadResponse,
            ),
            "MessageSendText": (
                self.message_send_text,
                unary,
                pb.MessageSendTextRequest,
                pb.MessageSendTextResponse,
            ),
        }
        mapping = {f"/wechaty.Puppet/{name}": Handler(*spec) for name, spec in methods.items()}
        mapping[UNAUTHENTICATED_PATH] = Handler(
            self.refuse, unary, pb.StartRequest, pb.StartResponse
        )
        return mapping

    async def refuse(self, stream: grpclib.server.Stream) -> None:
        raise GRPCError(Status.UNAUTHENTICATED, "token is not valid")

    async def start(self, stream: grpclib.server.Stream) -> None:
        await stream.recv_message()
        self.world.calls.append(("Start", ""))
        await stream.send_message(pb.StartResponse())

    async def stop(self, stream: grpclib.server.Stream) -> None:
        """As a 1.x gateway does: the puppet stops, and that logs the account out."""
        await stream.recv_message()
        self.world.calls.append(("Stop", ""))
        if self.world.logged_in:
            self.world.logged_in = False
            self.service.emit(EVENT.EVENT_TYPE_LOGOUT, {"contactId": BOT_ID, "data": "stop"})
        await stream.send_message(pb.StopResponse())

    async def ding(self, stream: grpclib.server.Stream) -> None:
        request = await stream.recv_message()
        if self.service.is_frozen(_peer(stream)):
            await asyncio.Event().wait()  # a frozen link never answers
        await stream.send_message(pb.DingResponse())
        self.service.emit(EVENT.EVENT_TYPE_DONG, {"data": request.data})

    async def event(self, stream: grpclib.server.Stream) -> None:
        await stream.recv_message()
        peer = _peer(stream)
        queue = self.service.open_stream(peer)
        await self.service.changed()
        try:
            while True:
                response = await queue.get()
                if not self.service.is_frozen(peer):
                    await stream.send_message(response)
        finally:
            self.service.close_stream(queue)

    async def message_payload(self, stream: grpclib.server.Stream) -> None:
        request = await stream.recv_message()
        await stream.send_message(await self.service.message_payload(request.id))

    async def contact_payload(self, stream: grpclib.server.Stream) -> None:
        request = await stream.recv_message()
        self.world.calls.append(("ContactPayload", request.id))
        if request.id not in self.world.contacts:
            raise GRPCError(Status.NOT_FOUND, f"no contact {request.id}")
        name = self.world.contacts[request.id]
        await stream.send_message(pb.ContactPayloadResponse(id=request.id, name=name, friend=True))

    async def room_payload(self, stream: grpclib.server.Stream) -> None:
        request = await stream.recv_message()
        self.world.calls.append(("RoomPayload", request.id))
        if request.id not in self.world.rooms:
            raise GRPCError(Status.NOT_FOUND, f"no room {request.id}")
        members = [m for r, m in self.world.aliases if r == request.id]
        topic = self.world.rooms[request.id]
        await stream.send_message(
            pb.RoomPayloadResponse(id=request.id, topic=topic, member_ids=members)
        )

    async def room_list(self, stream: grpclib.server.Stream) -> None:
        await stream.recv_message()
        await stream.send_message(pb.RoomListResponse(ids=list(self.world.rooms)))

    async def room_member_payload(self, stream: grpclib.server.Stream) -> None:
        request = await stream.recv_message()
        self.world.calls.append(("RoomMemberPayload", f"{request.id}/{request.member_id}"))
        alias = self.world.aliases.get((request.id, request.member_id), "")
        name = self.world.contacts.get(request.member_id, "")
        await stream.send_message(
            pb.RoomMemberPayloadResponse(id=request.member_id, room_alias=alias, name=name)
        )

    async def message_send_text(self, stream: grpclib.server.Stream) -> None:
        request = await stream.recv_message()
        message_id = self.service.send_text(request)
        await self.service.changed()
        await stream.send_message(pb.MessageSendTextResponse(id=message_id))


class _Protocol(H2Protocol):
    """Keeps its transport, so the server can drop a connection the way a dying process does."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        super().connection_made(transport)


def _server_tls() -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(SERVER_PEM)
    ctx.set_alpn_protocols(["h2"])
    return ctx


class _Handler(grpclib.server.Handler):
    """Turns a request without the token into an UNAUTHENTICATED answer: the token is
    looked for in `authorization: Wechaty <token>`, else in `:authority` (as the 1.x
    server does for 0.x clients)."""

    service: FakePuppetService

    def accept(self, stream: Any, headers: Any, release_stream: Callable[[], Any]) -> None:
        given, looks = dict(headers), self.service.token_in
        auth = given.get("authorization") if "authorization" in looks else None
        if auth is None and ":authority" in looks:
            auth = f"Wechaty {given.get(':authority', '')}"
        if auth != f"Wechaty {self.service.token}":
            headers = [(k, UNAUTHENTICATED_PATH if k == ":path" else v) for k, v in headers]
        super().accept(stream, headers, release_stream)


class _Server(grpclib.server.Server):
    def __init__(self, handlers: list[Any], *, service: FakePuppetService) -> None:
        super().__init__(handlers)
        self.service = service
        self.protocols: list[_Protocol] = []

    def _protocol_factory(self) -> H2Protocol:
        handler = _Handler(
            self._mapping, self._codec, self._status_details_codec, self.__dispatch__
        )
        handler.service = self.service
        self._handlers.add(handler)
        protocol = _Protocol(handler, self._config, self._h2_config)
        self.protocols.append(protocol)
        return protocol

    def sockets_port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    def abort_connections(self) -> None:
        for protocol in self.protocols:
            transport = getattr(protocol, "transport", None)
            if transport is not None:
                transport.abort()
        self.protocols.clear()
