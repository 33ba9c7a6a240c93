"""The WeChat gateway: a Wechaty puppet service, spoken to with `wechaty-puppet-service`.

This is the only module that imports the wechaty packages. It builds on their puppet
layer (`PuppetService`: the gRPC stub, the payload calls, the message-type remap) and
adds what that client lacks for a bot that must stay up for months:

- a supervisor that reconnects with back-off (first retry within a second, capped) when
  the event stream ends or the link drops, keeping the same puppet and its listeners;
- a Ding -> dong watchdog that notices a silent server and reconnects;
- an event loop that decodes each event on its own, logging and skipping a malformed one
  (upstream's loop ends at the first missing key);
- record on receipt: a message event's id goes to the inbox (`Inbox.arrived`) the
  moment it is read off the stream, before its payload is asked for; payloads are then
  fetched up to `in_flight` at once and handed over as they come (`Inbox.prepared`).
  The App writes both to disk and keeps the order (see bot.app). An id seen once is not
  fetched again; a payload fetch cut by a reconnect is retried on the new connection,
  and after a restart `fetch(id)` asks the service again for one never fetched.
- bounded memory: the name and topic caches keep the most recently used entries.

The transport-free parts of that (back-off, shared fetches, the seen ids) are in
`bot.gateways.flow`; the `@Name` + U+2005 mention text is in `bot.gateways.mentions`.
Transport objects become `Incoming` here and nowhere else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, TypeVar
from urllib.parse import quote

import qrcode
from grpclib.client import Channel
from grpclib.config import Configuration
from grpclib.const import Status
from grpclib.events import SendRequest, listen
from grpclib.exceptions import GRPCError, StreamTerminatedError
from wechaty_grpc.wechaty import PuppetStub
from wechaty_puppet import EventType, MessageType, PuppetOptions, ScanStatus
from wechaty_puppet.exceptions import WechatyPuppetError
from wechaty_puppet_service import PuppetService

from bot.config import Config
from bot.gateways.base import Gateway, GatewayError
from bot.gateways.flow import Backoff, CutOff, Link, SeenIds, SharedFetches, Tasks, once, resolve
from bot.gateways.mentions import strip_mention, with_mentions
from bot.gateways.puppet_tls import CA_ENV, NO_TLS_ENV, SERVER_NAME_ENV, LinkSecurity, authorization
from bot.messages import Conversation, Incoming, Kind, Outgoing, Person

log = logging.getLogger(__name__)

TOKEN_ENV = "WECHATY_PUPPET_SERVICE_TOKEN"
ENDPOINT_ENV = "WECHATY_PUPPET_SERVICE_ENDPOINT"
QR_PAGE = "https://wechaty.js.org/qrcode/"
_LIBRARY_LOGGERS = ("PuppetService", "WechatyPuppetServiceConfig", "WechatyPuppet.Schema.Base")
_CHATTY_LOGGERS = ("hpack", "h2", "grpclib")
# A call failing with one of these means the link is gone: wait for the next one and retry.
_LINK_ERRORS = (ConnectionError, StreamTerminatedError, OSError, WechatyPuppetError)
_KINDS = {
    MessageType.MESSAGE_TYPE_TEXT: Kind.text,
    MessageType.MESSAGE_TYPE_IMAGE: Kind.image,
    MessageType.MESSAGE_TYPE_AUDIO: Kind.voice,
}
T = TypeVar("T")
STREAM_OPEN_WAIT = 5.0  # seconds to wait for the event stream's first event before Start


class TokenRejected(GatewayError):
    """The service refused the token; retrying will not help."""


@dataclass(frozen=True)
class Timing:
    """The gateway's clocks and limits; tests shrink them."""

    ding_every: float = 20.0  # seconds between watchdog Dings
    dong_within: float = 10.0  # a Ding not answered by a dong in this time: reconnect
    connect_within: float = 15.0  # TCP, TLS, the event stream and Start, on a slow line
    first_retry: float = 0.5
    max_retry: float = 30.0
    send_wait: float = 15.0  # how long a send waits for a link before it fails
    in_flight: int = 32  # payloads fetched at once
    seen_ids: int = 10_000  # how many message ids are remembered against repeats
    names: int = 10_000  # (room, member) names remembered, the most recently used


def parse_endpoint(endpoint: str) -> tuple[str, int]:
    """`host:port` -> (host, port), or GatewayError saying what is wrong."""
    host, _, port = endpoint.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or "/" in host:
        raise GatewayError(f"puppet service endpoint must be host:port, got {endpoint!r}")
    return host.strip("[]"), int(port)


class _Puppet(PuppetService):
    """`PuppetService` with the defects that matter here worked around.

    - `_init_puppet` probes the endpoint with a blocking telnet (freezing the event loop
      up to 3 s), falls back to a discovery server that no longer exists, and speaks
      plaintext only: we open the channel directly, with TLS as the official clients do
      (bot.gateways.puppet_tls) and the token as `:authority` and `authorization`.
    - `start` sends Stop before Start, and on a 1.x gateway Stop logs the account out:
      ours opens the event stream, then sends Start only, as the TypeScript client does.
    - its event loop ends at the first malformed event: ours decodes each on its own.
    - nothing tells when the Start call succeeded: ours resolves `started`.
    """

    def __init__(self, endpoint: str, token: str, security: LinkSecurity) -> None:
        quiet = logging.getLogger("PuppetService")
        quiet.disabled = True  # its constructor logs the token at WARNING level
        try:
            super().__init__(PuppetOptions(end_point=endpoint, token=token))
        finally:
            quiet.disabled = False
        self.security = security
        self.started: asyncio.Future[None] | None = None
        self.replied = False  # the service answered something on this connection

    def _init_puppet(self) -> None:
        host, port = parse_endpoint(self.options.end_point)
        self.channel = Channel(
            host=host,
            port=port,
            ssl=self.security.ssl_context(),
            config=Configuration(ssl_target_name_override=self.security.server_name),
        )
        token = self.options.token
        self.channel._authority = token  # 0.x gateways read the token here

        async def authorize(event: SendRequest) -> None:  # 1.x gateways, here
            event.metadata["authorization"] = authorization(token)

        listen(self.channel, SendRequest, authorize)
        self._puppet_stub = PuppetStub(self.channel)
        self.replied = False

    async def start(self) -> None:
        """Open the event stream, then Start (never Stop: see the class); then read events
        until the stream ends. Whatever ends it is raised."""
        self._init_puppet()
        events: asyncio.Queue[Any] = asyncio.Queue()
        opened = asyncio.get_running_loop().create_future()

        async def read() -> None:
            try:
                async for response in self.puppet_stub.event():
                    self.replied = True
                    resolve(opened)
                    events.put_nowait(response)
            finally:
                resolve(opened)
                events.put_nowait(None)

        reader = asyncio.ensure_future(read())
        try:
            # its first event (a 1.x service sends a heartbeat at once), or a moment
            await asyncio.wait({opened}, timeout=STREAM_OPEN_WAIT)
            if reader.done():
                reader.result()
            await self.puppet_stub.start()
            self.replied = True
            if self.started is not None:
                resolve(self.started)
            while (response := await events.get()) is not None:
                self._emit(response)
            reader.result()
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    def _emit(self, response: Any) -> None:
        try:
            decoded = _decode_event(response.type, response.payload)
        except (ValueError, KeyError, TypeError) as e:
            log.warning("skipping malformed event %s %r: %s", response.type, response.payload, e)
            return
        if decoded is not None:
            self._event_stream.emit(decoded[0], *decoded[1])

    async def stop_service(self, within: float) -> None:
        """Stop, for good: the bot is shutting down (the service may log the account out)."""
        if self._puppet_stub is None:
            return
        try:
            async with asyncio.timeout(within):
                await self._puppet_stub.stop()
        except Exception as e:  # shutting down anyway
            log.info("Stop sent; the puppet service gave no answer (%s)", e)

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
        security: LinkSecurity | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        super().__init__()
        parse_endpoint(endpoint)
        self.endpoint, self.token, self.topics = endpoint, _required(token), topics
        self.security = security or LinkSecurity.from_env(self.token, environ)
        self.timing = timing = timing or Timing()
        self.qr_out = qr_out
        self.self_id: str | None = None
        self.logged_in = asyncio.Event()
        self._puppet: _Puppet | None = None
        self._link = Link()
        self._tasks = Tasks()
        self._backoff = Backoff(timing.first_retry, timing.max_retry)
        self._dong: asyncio.Future[None] | None = None
        self._seen = SeenIds(timing.seen_ids)
        self._own = SeenIds(timing.seen_ids)  # ids of messages the bot sent
        self._sending: set[asyncio.Future[None]] = set()  # sends not returned yet
        self._to_fetch: asyncio.Queue[str] = asyncio.Queue()
        # room id -> topic, kept current by room-topic events
        self._topics = SharedFetches(self._fetch_topic, self._tasks, limit=timing.names)
        # (room id or "", contact id) -> the name people see there
        self._names = SharedFetches(self._fetch_name, self._tasks, limit=timing.names)

    @classmethod
    def from_config(
        cls, config: Config, environ: Mapping[str, str] = os.environ, **options: Any
    ) -> WechatyGateway:
        """The gateway `powerbot run` uses: token from the environment, endpoint from it or the file."""
        token = _required(environ.get(TOKEN_ENV, "").strip())
        endpoint = environ.get(ENDPOINT_ENV, "").strip() or config.gateway.endpoint
        if not endpoint:
            raise GatewayError(f"no puppet service: set {ENDPOINT_ENV} or [gateway] endpoint")
        topics = {g.topic for g in config.groups} or None
        return cls(endpoint, token, topics=topics, environ=environ, **options)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect; returns once the service accepted us, raises GatewayError if it cannot."""
        _adopt_library_loggers()
        log.info("puppet service at %s: %s", self.endpoint, self.security.describe())
        self._puppet = _Puppet(self.endpoint, self.token, self.security)
        for event, listener in self._listeners().items():
            self._puppet.on(event, listener)
        first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tasks.spawn(self._stay_connected(first), "wechaty-link")
        for n in range(self.timing.in_flight):
            self._tasks.spawn(self._fetch_forever(), f"wechaty-fetch-{n}")
        try:
            await first
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """The bot shuts down for good: Stop is sent (the only time it is), then the link
        closes. Reconnects never send Stop: a 1.x gateway logs the account out on it."""
        if self._puppet is not None and self._link.up:
            await self._puppet.stop_service(self.timing.dong_within)
        await self._tasks.cancel()
        if self._puppet is not None:
            self._puppet.hang_up()
            self._puppet._event_stream.remove_all_listeners()
            self._puppet = None
        self._link.lost()

    async def _stay_connected(self, first: asyncio.Future[None]) -> None:
        """Connect, watch, and reconnect with back-off until stopped."""
        while True:
            try:
                await self._connect_once(first)
                reason = f"no dong within {self.timing.dong_within} s"
            except Exception as e:
                replied = self._puppet is not None and self._puppet.replied
                if not first.done():
                    first.set_exception(self._explain(e, replied))
                    return
                reason = str(self._explain(e, replied))
            delay = self._backoff.next()
            log.warning("puppet service link lost (%s); reconnecting in %.2f s", reason, delay)
            await asyncio.sleep(delay)

    async def _connect_once(self, first: asyncio.Future[None]) -> None:
        """One connection, from Start until its stream ends (raises) or a Ding goes unanswered."""
        puppet = self._puppet
        assert puppet is not None
        puppet.started = asyncio.get_running_loop().create_future()
        run = asyncio.ensure_future(puppet.start())
        try:
            await asyncio.wait(
                {run, puppet.started},
                timeout=self.timing.connect_within,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if not puppet.started.done():
                _raise_from(run, f"no answer from {self.endpoint}")
            self._link.connected()
            self._backoff.reset()  # connected: the next loss is retried quickly again
            log.info("connected to the puppet service at %s", self.endpoint)
            resolve(first)
            await self._watch(run)
            if run.done():
                _raise_from(run, "the event stream ended")
        finally:
            self._link.lost()
            run.cancel()
            await asyncio.gather(run, return_exceptions=True)
            puppet.hang_up()

    def _explain(self, error: Exception, replied: bool) -> GatewayError:
        """What went wrong with a connection, in words that say what to change."""
        if isinstance(error, GatewayError):
            return error
        where = f"the puppet service at {self.endpoint}"
        if isinstance(error, ssl.SSLCertVerificationError):
            return GatewayError(
                f"{where} has a TLS certificate this bot does not trust "
                f"({error.verify_message}): set {CA_ENV} to its CA, or {SERVER_NAME_ENV} "
                "to the name on its certificate"
            )
        if isinstance(error, ssl.SSLError):
            return GatewayError(
                f"the TLS handshake with {where} failed ({error.reason or error}): it probably "
                f"does not speak TLS; if so set {NO_TLS_ENV}=true"
            )
        refused = isinstance(error, ConnectionRefusedError) or (
            isinstance(error, OSError) and not isinstance(error, ConnectionError)
        )
        if refused:
            return GatewayError(f"cannot reach {where}: {error}")
        if not replied and not self.security.tls:
            return GatewayError(
                f"{where} closed the connection before answering: it probably wants TLS "
                f"(the default); unset {NO_TLS_ENV}"
            )
        if not replied:
            return GatewayError(
                f"{where} closed the connection before answering ({error or type(error).__name__})"
            )
        return GatewayError(f"{where}: {error or type(error).__name__}")

    async def _watch(self, run: asyncio.Future[None]) -> None:
        """Ding every `ding_every` s until the stream ends or a dong does not come back."""
        while not run.done():
            done, _ = await asyncio.wait({run}, timeout=self.timing.ding_every)
            if done or not await self._ding():
                return

    async def _ding(self) -> bool:
        assert self._puppet is not None
        self._dong = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(self.timing.dong_within):
                await once(lambda: self._puppet.ding("powerbot"))  # type: ignore[union-attr]
                await self._dong
            return True
        except (TimeoutError, GRPCError, CutOff, *_LINK_ERRORS):
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
            "dong": lambda _: self._dong is not None and resolve(self._dong),
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
        old = self._topics.values.get(room_id)
        self._topics.values[room_id] = topic
        log.info("room %s renamed %r -> %r", room_id, old, topic)

    def _forget_members(self, room_id: str) -> None:
        names = self._names.values
        for key in [k for k in names if k[0] == room_id]:
            del names[key]

    def _accept(self, message_id: str) -> None:
        """A message event: its id to the inbox at once, then its payload to fetch; once,
        however often the service sends it. The bot's own messages echoed back are not
        messages to it: known by the id their send returned."""
        if message_id in self._own:
            return
        if self._seen.add(message_id):
            self._inbox().arrived(message_id)
            self._to_fetch.put_nowait(message_id)
        else:
            log.debug("message %s already seen", message_id)

    # -- messages in -----------------------------------------------------------------------

    async def _fetch_forever(self) -> None:
        """One of `in_flight` fetchers: payloads, converted, handed to the inbox."""
        while True:
            message_id = await self._to_fetch.get()
            if self._sending:  # the echo of a send may come before the send returns
                await asyncio.wait(set(self._sending), timeout=self.timing.send_wait)
            if message_id in self._own:
                self._inbox().prepared(message_id, None)
                continue
            self._inbox().prepared(message_id, await self._incoming(message_id))

    async def fetch(self, message_id: str) -> Incoming | None:
        """A message recorded before a restart but never fetched: ask the service again."""
        return await self._incoming(message_id)

    async def _incoming(self, message_id: str) -> Incoming | None:
        """The message as an Incoming; None if it is not for the bot or cannot be read."""
        try:
            return await self._convert(message_id)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.warning("dropping message %s: %s", message_id, e)
            return None

    async def _convert(self, message_id: str) -> Incoming | None:
        payload = await self._call(lambda p: p.message_payload(message_id))
        talker, room_id = payload.from_id, payload.room_id
        if not talker or talker == self.self_id:
            return None  # a system notice, or the bot's own message echoed back
        if room_id:
            topic = await self._topics.get(room_id)
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
        names = [await self._name(self.self_id, room) for room in (room_id, "")]  # alias, name
        return strip_mention(text, dict.fromkeys(names))

    async def _call(self, call: Callable[[_Puppet], Awaitable[T]]) -> T:
        """One request; if the link drops under it, wait for the next link and try again."""
        return await self._link.retry(lambda: call(self._live_puppet()), _LINK_ERRORS)

    def _live_puppet(self) -> _Puppet:
        if self._puppet is None:
            raise GatewayError("the gateway is stopped")
        return self._puppet

    # -- names and rooms -------------------------------------------------------------------

    async def _fetch_topic(self, room_id: str) -> str:
        payload = await self._call(lambda p: p.room_payload(room_id))
        return payload.topic

    async def _name(self, contact_id: str, room_id: str) -> str:
        """What people see: the room alias in that room, else the contact's name ("" if unknown)."""
        try:
            return await self._names.get((room_id, contact_id))
        except Exception as e:
            log.warning("no name for %s: %s", contact_id, e)
            return ""

    async def _fetch_name(self, key: tuple[str, str]) -> str:
        """In a room, one call: the member's alias there, else the name it carries."""
        room_id, contact_id = key
        if room_id:
            member = await self._call(lambda p: p.room_member_payload(room_id, contact_id))
            if member.room_alias or member.name:
                return member.room_alias or member.name
        contact = await self._call(lambda p: p.contact_payload(contact_id))
        return contact.name

    # -- sending ---------------------------------------------------------------------------

    async def send(self, out: Outgoing) -> None:
        """Send text to a room (with @-mentions) or to a person; GatewayError if it fails."""
        try:
            async with asyncio.timeout(self.timing.send_wait):
                conversation_id = await self._conversation_id(out.conversation)
                text, mention_ids = out.text, None
                if out.conversation.is_group and out.mentions:
                    names = [
                        m.name or await self._name(m.id, conversation_id) for m in out.mentions
                    ]
                    text, mention_ids = with_mentions(out, names), out.mention_ids
                returned = asyncio.get_running_loop().create_future()
                self._sending.add(returned)
                try:
                    sent_id = await self._call(
                        lambda p: p.message_send_text(conversation_id, text, mention_ids)
                    )
                    if sent_id:  # WeChat echoes our own message back as an event: skip it
                        self._own.add(sent_id)
                finally:
                    self._sending.discard(returned)
                    returned.set_result(None)
        except GatewayError:
            raise
        except TimeoutError:
            raise GatewayError(
                f"no link to the puppet service for {self.timing.send_wait} s"
            ) from None
        except Exception as e:
            raise GatewayError(f"sending to {out.conversation.label()} failed: {e}") from e

    async def _conversation_id(self, conversation: Conversation) -> str:
        """A group may be named by topic only (notices): find its room id."""
        known = self._topics.values
        if not conversation.is_group or conversation.id in known:
            return conversation.id
        for room_id, topic in known.items():
            if topic == conversation.topic:
                return room_id
        listing = await self._call(lambda p: p.room_list())
        for room_id in listing:
            if await self._topics.get(room_id) == conversation.topic:
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


def _required(token: str) -> str:
    if not token:
        raise GatewayError(f"{TOKEN_ENV} is not set: the puppet service needs its token")
    return token


def _time(timestamp: int) -> datetime:
    """Puppets send seconds or milliseconds since the epoch; 0 means now."""
    if not timestamp:
        return datetime.now(UTC)
    return datetime.fromtimestamp(timestamp / 1000 if timestamp > 10**11 else timestamp, UTC)


def _adopt_library_loggers() -> None:
    """The wechaty loggers print to stderr on their own; route them through ours instead.
    The HTTP/2 and gRPC layers log every frame at DEBUG: keep them at WARNING, even when
    the bot logs at DEBUG (and their debug calls then cost next to nothing)."""
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
