"""The WeChat gateway: a Wechaty puppet service, spoken to with `wechaty-puppet-service`.

This is the only module that imports the wechaty packages. It builds on their puppet
layer (`PuppetService`: the gRPC stub, the payload calls, the message-type remap) and
adds what that client lacks for a bot that must stay up for months:

- a supervisor that reconnects with back-off (first retry within a second, capped) when
  the event stream ends or the link drops, keeping the same puppet and its listeners;
- a Ding -> dong watchdog that notices a silent server and reconnects;
- an event loop that decodes each event on its own, logging and skipping a malformed one
  (upstream's loop ends at the first missing key);
- an ordered, bounded message pipeline: payloads are fetched up to `in_flight` at once,
  and messages of one conversation reach the bot in the order the service sent them.
  An id seen once is not handled again (the App also records ids before handling); a
  payload fetch cut by a reconnect is retried on the new connection, not dropped.

Transport objects become `Incoming` here and nowhere else; `Outgoing` mentions are
rendered the WeChat way, `@Name` + U+2005 in the text plus the mentioned ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, TypeVar
from urllib.parse import quote

import qrcode
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from wechaty_grpc.wechaty import PuppetStub
from wechaty_puppet import EventType, MessageType, PuppetOptions, ScanStatus
from wechaty_puppet.exceptions import WechatyPuppetError
from wechaty_puppet_service import PuppetService

from bot.config import Config
from bot.gateways.base import Gateway, GatewayError
from bot.messages import Conversation, Incoming, Kind, Mention, Outgoing, Person

log = logging.getLogger(__name__)

TOKEN_ENV = "WECHATY_PUPPET_SERVICE_TOKEN"
ENDPOINT_ENV = "WECHATY_PUPPET_SERVICE_ENDPOINT"
MENTION_SEPARATOR = "\u2005"  # what WeChat puts after "@Name"
QR_PAGE = "https://wechaty.js.org/qrcode/"
_LIBRARY_LOGGERS = ("PuppetService", "WechatyPuppetServiceConfig", "WechatyPuppet.Schema.Base")
# A call failing with one of these means the link is gone: wait for the next one and retry.
_LINK_ERRORS = (ConnectionError, StreamTerminatedError, OSError, WechatyPuppetError)
_KINDS = {
    MessageType.MESSAGE_TYPE_TEXT: Kind.text,
    MessageType.MESSAGE_TYPE_IMAGE: Kind.image,
    MessageType.MESSAGE_TYPE_AUDIO: Kind.voice,
}
T = TypeVar("T")


class TokenRejected(GatewayError):
    """The service refused the token; retrying will not help."""


@dataclass(frozen=True)
class Timing:
    """The gateway's clocks and limits; tests shrink them."""

    ding_every: float = 20.0  # seconds between watchdog Dings
    dong_within: float = 10.0  # a Ding not answered by a dong in this time: reconnect
    first_retry: float = 0.5
    max_retry: float = 30.0
    send_wait: float = 15.0  # how long a send waits for a link before it fails
    in_flight: int = 32  # messages fetched/handled at once
    seen_ids: int = 10_000  # how many message ids are remembered against repeats


def parse_endpoint(endpoint: str) -> tuple[str, int]:
    """`host:port` -> (host, port), or GatewayError saying what is wrong."""
    host, _, port = endpoint.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or "/" in host:
        raise GatewayError(f"puppet service endpoint must be host:port, got {endpoint!r}")
    return host.strip("[]"), int(port)


class _Puppet(PuppetService):
    """`PuppetService` with the three defects that matter here worked around.

    - `_init_puppet` probes the endpoint with a blocking telnet (freezing the event loop
      up to 3 s) and falls back to a discovery server that no longer exists: we open the
      channel directly, with the token as `:authority` as the service expects.
    - `_listen_for_event` ends at the first malformed event: ours decodes each on its own.
    - nothing tells when the Start call succeeded: ours resolves `started`.
    """

    def __init__(self, endpoint: str, token: str) -> None:
        quiet = logging.getLogger("PuppetService")
        quiet.disabled = True  # its constructor logs the token at WARNING level
        try:
            super().__init__(PuppetOptions(end_point=endpoint, token=token))
        finally:
            quiet.disabled = False
        self.started: asyncio.Future[None] | None = None

    def _init_puppet(self) -> None:
        host, port = parse_endpoint(self.options.end_point)
        self.channel = Channel(host=host, port=port)
        self.channel._authority = self.options.token
        self._puppet_stub = PuppetStub(self.channel)

    async def _listen_for_event(self) -> None:
        if self.started is not None and not self.started.done():
            self.started.set_result(None)
        async for response in self.puppet_stub.event():
            try:
                decoded = _decode_event(response.type, response.payload)
            except (ValueError, KeyError, TypeError) as e:
                log.warning(
                    "skipping malformed event %s %r: %s", response.type, response.payload, e
                )
                continue
            if decoded is not None:
                self._event_stream.emit(decoded[0], *decoded[1])

    def hang_up(self) -> None:
        """Close this connection without Stop: the account stays logged in at the service."""
        if self.channel is not None:
            self.channel.close()
        self.channel = None
        self._puppet_stub = None


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} is {value!r}")
    return value


# Event type -> (listener name, the listener's arguments from the JSON payload). Plain
# values, not wechaty's payload dataclasses: those reject a payload missing any field.
_DECODERS: dict[int, tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]] = {
    EventType.EVENT_TYPE_MESSAGE: ("message", lambda d: (_text(d, "messageId"),)),
    EventType.EVENT_TYPE_LOGIN: ("login", lambda d: (_text(d, "contactId"),)),
    EventType.EVENT_TYPE_LOGOUT: ("logout", lambda d: (_text(d, "contactId"), d.get("data"))),
    EventType.EVENT_TYPE_SCAN: ("scan", lambda d: (ScanStatus(d["status"]), d.get("qrcode"))),
    EventType.EVENT_TYPE_DONG: ("dong", lambda d: (d.get("data"),)),
    EventType.EVENT_TYPE_HEARTBEAT: ("heartbeat", lambda d: (d.get("data"),)),
    EventType.EVENT_TYPE_ERROR: ("error", lambda d: (d.get("data"),)),
    EventType.EVENT_TYPE_ROOM_TOPIC: (
        "room-topic",
        lambda d: (_text(d, "roomId"), _text(d, "newTopic")),
    ),
    EventType.EVENT_TYPE_ROOM_JOIN: ("room-members", lambda d: (_text(d, "roomId"),)),
    EventType.EVENT_TYPE_ROOM_LEAVE: ("room-members", lambda d: (_text(d, "roomId"),)),
}


def _decode_event(event_type: int, payload: str) -> tuple[str, tuple[Any, ...]] | None:
    """One EventResponse -> (listener name, arguments), None for events we do not use."""
    if event_type not in _DECODERS:
        return None
    data = json.loads(payload or "{}")
    if not isinstance(data, dict):
        raise ValueError("payload is not a JSON object")
    name, decode = _DECODERS[event_type]
    return name, decode(data)


class _Link:
    """Connection generations: whether a link is up, and a way to await the next one."""

    def __init__(self) -> None:
        self.generation = 0
        self.up = False
        self._changed = asyncio.Event()

    def connected(self) -> None:
        self.generation += 1
        self.up = True
        self._notify()

    def lost(self) -> None:
        self.up = False
        self._notify()

    async def after(self, generation: int) -> None:
        """Until a link newer than `generation` is up."""
        while not (self.up and self.generation > generation):
            await self._changed.wait()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


class WechatyGateway(Gateway):
    """WeChat through a Wechaty puppet service at `endpoint`, authenticated by `token`.

    `topics`, when given, are the group topics served; messages in other rooms are
    dropped here. `qr_out` is where the login QR code is drawn (stdout by default).
    """

    name = "wechaty"

    def __init__(
        self,
        endpoint: str,
        token: str,
        *,
        topics: set[str] | None = None,
        timing: Timing | None = None,
        qr_out: IO[str] | None = None,
    ) -> None:
        super().__init__()
        if not token:
            raise GatewayError(f"{TOKEN_ENV} is not set: the puppet service needs its token")
        parse_endpoint(endpoint)
        self.endpoint, self.token, self.topics = endpoint, token, topics
        self.timing = timing or Timing()
        self.qr_out = qr_out
        self.self_id: str | None = None
        self.logged_in = asyncio.Event()
        self._puppet: _Puppet | None = None
        self._link = _Link()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._inbox: asyncio.Queue[str] = asyncio.Queue()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lanes: dict[str, asyncio.Future[None]] = {}
        self._dong: asyncio.Future[None] | None = None
        self._answered = False  # a Ding was answered on the current link
        self._topics: dict[str, str] = {}  # room id -> topic, kept current by room-topic events
        self._names: dict[tuple[str, str], str] = {}  # (room id or "", contact id) -> name
        self._fetches: dict[tuple[str, str], asyncio.Task[str]] = {}

    @classmethod
    def from_config(
        cls, config: Config, environ: Mapping[str, str] = os.environ, **options: Any
    ) -> WechatyGateway:
        """The gateway `powerbot run` uses: token from the environment, endpoint from it or the file."""
        token = environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise GatewayError(f"{TOKEN_ENV} is not set: the puppet service needs its token")
        endpoint = environ.get(ENDPOINT_ENV, "").strip() or config.gateway.endpoint
        if not endpoint:
            raise GatewayError(f"no puppet service: set {ENDPOINT_ENV} or [gateway] endpoint")
        topics = {g.topic for g in config.groups} or None
        return cls(endpoint, token, topics=topics, **options)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect; returns once the service accepted us, raises GatewayError if it cannot."""
        _adopt_library_loggers()
        self._puppet = _Puppet(self.endpoint, self.token)
        for event, listener in self._listeners().items():
            self._puppet.on(event, listener)
        first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._spawn(self._stay_connected(first), "wechaty-link")
        self._spawn(self._pump(), "wechaty-pump")
        try:
            await first
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._puppet is not None:
            self._puppet.hang_up()
            self._puppet._event_stream.remove_all_listeners()
            self._puppet = None
        self._link.lost()

    def _spawn(self, coro: Awaitable[T], name: str) -> asyncio.Task[T]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _stay_connected(self, first: asyncio.Future[None]) -> None:
        """Connect, watch, and reconnect with back-off until stopped."""
        delay = self.timing.first_retry
        while True:
            self._answered = False
            try:
                await self._connect_once(first)
                reason = f"no dong within {self.timing.dong_within} s"
            except Exception as e:
                if not first.done():
                    failed = f"cannot reach the puppet service at {self.endpoint}: {e}"
                    first.set_exception(e if isinstance(e, GatewayError) else GatewayError(failed))
                    return
                reason = str(e) or type(e).__name__
            if self._answered:  # the link was healthy once: start the back-off again
                delay = self.timing.first_retry
            log.warning("puppet service link lost (%s); reconnecting in %.2f s", reason, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.timing.max_retry)

    async def _connect_once(self, first: asyncio.Future[None]) -> None:
        """One connection, from Start until its stream ends (raises) or a Ding goes unanswered."""
        puppet = self._puppet
        assert puppet is not None
        puppet.started = asyncio.get_running_loop().create_future()
        run = asyncio.ensure_future(puppet.start())
        try:
            await asyncio.wait(
                {run, puppet.started},
                timeout=self.timing.dong_within,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if not puppet.started.done():
                _raise_from(run, f"no answer from {self.endpoint}")
            self._link.connected()
            log.info("connected to the puppet service at %s", self.endpoint)
            _resolve(first)
            await self._watch(run)
            if run.done():
                _raise_from(run, "the event stream ended")
        finally:
            self._link.lost()
            run.cancel()
            await asyncio.gather(run, return_exceptions=True)
            puppet.hang_up()

    async def _watch(self, run: asyncio.Future[None]) -> None:
        """Ding every `ding_every` s until the stream ends or a dong does not come back."""
        while not run.done():
            done, _ = await asyncio.wait({run}, timeout=self.timing.ding_every)
            if done or not await self._ding():
                return
            self._answered = True

    async def _ding(self) -> bool:
        assert self._puppet is not None
        self._dong = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(self.timing.dong_within):
                await self._puppet.ding("powerbot")
                await self._dong
            return True
        except (TimeoutError, GRPCError, *_LINK_ERRORS):
            return False
        finally:
            self._dong = None

    # -- events ----------------------------------------------------------------------------

    def _listeners(self) -> dict[str, Callable[..., Any]]:
        """Plain functions, so the emitter runs them inline, in stream order."""
        return {
            "message": self._accept,
            "login": self._on_login,
            "logout": lambda _, data: (self.logged_in.clear(), log.warning("logged out: %s", data)),
            "scan": self._on_scan,
            "dong": lambda _: self._dong is not None and _resolve(self._dong),
            "heartbeat": lambda data: log.debug("heartbeat %s", data),
            "error": lambda data: log.warning("puppet service error: %s", data),
            "room-topic": self._on_room_topic,
            "room-members": self._forget_members,
        }

    def _on_login(self, contact_id: str) -> None:
        if self.self_id != contact_id:
            log.info("logged in to WeChat as %s", contact_id)
        self.self_id = contact_id
        self.logged_in.set()

    def _on_scan(self, status: ScanStatus, url: str | None) -> None:
        log.info("login QR code status: %s", status.name)
        if url and status in (ScanStatus.Waiting, ScanStatus.Timeout):
            out = self.qr_out or sys.stdout
            code = qrcode.QRCode(border=1)
            code.add_data(url)
            code.print_ascii(out=out, invert=True)
            out.flush()
            page = QR_PAGE + quote(url, safe="")
            log.info("scan the QR code above with the bot's WeChat, or open %s", page)

    def _on_room_topic(self, room_id: str, topic: str) -> None:
        old = self._topics.get(room_id)
        self._topics[room_id] = topic
        log.info("room %s renamed %r -> %r", room_id, old, topic)

    def _forget_members(self, room_id: str) -> None:
        for key in [k for k in self._names if k[0] == room_id]:
            del self._names[key]

    def _accept(self, message_id: str) -> None:
        """A message event: queue its id once, however often the service sends it."""
        if message_id in self._seen:
            log.debug("message %s already seen", message_id)
            return
        self._seen[message_id] = None
        if len(self._seen) > self.timing.seen_ids:
            self._seen.popitem(last=False)
        self._inbox.put_nowait(message_id)

    # -- the message pipeline --------------------------------------------------------------

    async def _pump(self) -> None:
        """Start message tasks in stream order, at most `in_flight` at once."""
        slots = asyncio.Semaphore(self.timing.in_flight)
        placed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        placed.set_result(None)
        while True:
            message_id = await self._inbox.get()
            await slots.acquire()
            earlier, placed = placed, asyncio.get_running_loop().create_future()
            task = self._spawn(self._process(message_id, earlier, placed), f"msg-{message_id}")
            task.add_done_callback(lambda _: slots.release())

    async def _process(
        self, message_id: str, earlier: asyncio.Future[None], placed: asyncio.Future[None]
    ) -> None:
        """Fetch concurrently; join the conversation's lane in stream order; deliver in it."""
        try:
            incoming = await self._incoming(message_id)
            await earlier  # every earlier message has taken its place in its lane
            if incoming is None:
                return
            key = incoming.conversation.id
            ahead = self._lanes.get(key)
            mine = self._lanes[key] = asyncio.get_running_loop().create_future()
        finally:
            _resolve(placed)
        try:
            if ahead is not None:
                await ahead
            await self.deliver(incoming)
        except Exception:
            log.exception("handling message %s failed", message_id)
        finally:
            _resolve(mine)
            if self._lanes.get(key) is mine:
                del self._lanes[key]

    async def _incoming(self, message_id: str) -> Incoming | None:
        """The message as an Incoming; None if it is not for the bot or cannot be read."""
        try:
            return await self._convert(message_id)
        except Exception as e:
            log.warning("dropping message %s: %s", message_id, e)
            self._seen.pop(message_id, None)  # let a repeat of it try again
            return None

    async def _convert(self, message_id: str) -> Incoming | None:
        payload = await self._call(lambda p: p.message_payload(message_id))
        talker, room_id = payload.from_id, payload.room_id
        if not talker or talker == self.self_id:
            return None  # a system notice, or the bot's own message echoed back
        if room_id:
            topic = await self._room_topic(room_id)
            if self.topics is not None and topic not in self.topics:
                return None
            conversation = Conversation.group(room_id, topic)
        else:
            conversation = Conversation.private(talker)
        text, mentioned = await self._without_own_mention(payload.text or "", room_id)
        log.debug("message %s in %s from %s", message_id, conversation.label(), talker)
        return Incoming(
            id=payload.id or message_id,
            conversation=conversation,
            sender=Person(id=talker, name=await self._name(talker, room_id)),
            text=text,
            mentioned=mentioned or (self.self_id or "") in payload.mention_ids,
            kind=_KINDS.get(payload.type, Kind.other),
            time=_time(payload.timestamp),
        )

    async def _without_own_mention(self, text: str, room_id: str) -> tuple[str, bool]:
        """Take "@<bot>" out of a group message's text; say whether it was there."""
        if not room_id or self.self_id is None or "@" not in text:
            return text, False
        mentioned = False
        for name in {await self._name(self.self_id, room_id), await self._name(self.self_id, "")}:
            marker = f"@{name}"
            if name and (marker + MENTION_SEPARATOR in text or text.rstrip().endswith(marker)):
                text = text.replace(marker + MENTION_SEPARATOR, "").rstrip().removesuffix(marker)
                mentioned = True
        return text.strip(), mentioned

    async def _call(self, call: Callable[[_Puppet], Awaitable[T]]) -> T:
        """One request; if the link drops under it, wait for the next link and try again."""
        for attempt in range(1, 6):
            generation = self._link.generation
            if self._puppet is None:
                raise GatewayError("the gateway is stopped")
            try:
                return await call(self._puppet)
            except _LINK_ERRORS as e:
                if attempt == 5:
                    raise
                log.info("request failed with the link (%s); waiting for a reconnect", e)
                await self._link.after(generation)
        raise AssertionError("unreachable")

    # -- names and rooms -------------------------------------------------------------------

    async def _room_topic(self, room_id: str) -> str:
        if room_id not in self._topics:
            topic = await self._shared(("#room", room_id), self._fetch_topic)
            self._topics.setdefault(room_id, topic)  # a room-topic event may have come first
        return self._topics[room_id]

    async def _fetch_topic(self, key: tuple[str, str]) -> str:
        payload = await self._call(lambda p: p.room_payload(key[1]))
        return payload.topic

    async def _name(self, contact_id: str, room_id: str) -> str:
        """What people see: the room alias in that room, else the contact's name ("" if unknown)."""
        key = (room_id, contact_id)
        if key not in self._names:
            try:
                self._names[key] = await self._shared(key, self._fetch_name)
            except Exception as e:
                log.warning("no name for %s: %s", contact_id, e)
                return ""
        return self._names[key]

    async def _fetch_name(self, key: tuple[str, str]) -> str:
        room_id, contact_id = key
        if room_id:
            member = await self._call(lambda p: p.room_member_payload(room_id, contact_id))
            if member.room_alias:
                return member.room_alias
        contact = await self._call(lambda p: p.contact_payload(contact_id))
        return contact.name

    async def _shared(
        self, key: tuple[str, str], fetch: Callable[[tuple[str, str]], Awaitable[str]]
    ) -> str:
        """One fetch per key at a time: later callers wait for the one under way."""
        task = self._fetches.get(key)
        if task is None:
            task = self._fetches[key] = self._spawn(fetch(key), f"fetch-{key[1]}")
            task.add_done_callback(lambda _: self._fetches.pop(key, None))
        return await asyncio.shield(task)

    # -- sending ---------------------------------------------------------------------------

    async def send(self, out: Outgoing) -> None:
        """Send text to a room (with @-mentions) or to a person; GatewayError if it fails."""
        try:
            async with asyncio.timeout(self.timing.send_wait):
                conversation_id = await self._conversation_id(out.conversation)
                text, mention_ids = out.text, None
                if out.conversation.is_group and out.mentions:
                    mentions = [await self._named(m, conversation_id) for m in out.mentions]
                    text = out.model_copy(update={"mentions": tuple(mentions)}).rendered(
                        MENTION_SEPARATOR
                    )
                    mention_ids = out.mention_ids
                await self._call(lambda p: p.message_send_text(conversation_id, text, mention_ids))
        except GatewayError:
            raise
        except TimeoutError:
            raise GatewayError(
                f"no link to the puppet service for {self.timing.send_wait} s"
            ) from None
        except Exception as e:
            raise GatewayError(f"sending to {out.conversation.label()} failed: {e}") from e

    async def _named(self, mention: Mention, room_id: str) -> Mention:
        if mention.name:
            return mention
        return Mention(id=mention.id, name=await self._name(mention.id, room_id) or mention.id)

    async def _conversation_id(self, conversation: Conversation) -> str:
        """A group may be named by topic only (notices): find its room id."""
        if not conversation.is_group or conversation.id in self._topics:
            return conversation.id
        for room_id, topic in self._topics.items():
            if topic == conversation.topic:
                return room_id
        listing = await self._call(lambda p: p.room_list())
        for room_id in listing:
            if await self._room_topic(room_id) == conversation.topic:
                return room_id
        raise GatewayError(f"the bot is in no group named {conversation.topic!r}")


def _raise_from(run: asyncio.Future[None], ended: str) -> None:
    """Re-raise how a connection ended, naming a refused token as such."""
    error = run.exception() if run.done() else None
    if error is None:
        raise GatewayError(ended)
    if isinstance(error, GRPCError) and error.status in (
        Status.UNAUTHENTICATED,
        Status.PERMISSION_DENIED,
    ):
        raise TokenRejected(
            f"the puppet service refused the token in {TOKEN_ENV}: {error.message}"
        ) from error
    raise error


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _time(timestamp: int) -> datetime:
    """Puppets send seconds or milliseconds since the epoch; 0 means now."""
    if not timestamp:
        return datetime.now(UTC)
    return datetime.fromtimestamp(timestamp / 1000 if timestamp > 10**11 else timestamp, UTC)


def _adopt_library_loggers() -> None:
    """The wechaty loggers print to stderr on their own; route them through ours instead."""
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
