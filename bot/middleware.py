"""The middleware onion every message passes through, outermost first.

Each is `async def mw(call_next, msg, ctx) -> reply`. Together they drop the bot's
own messages, put the reply in the outbox, resolve the sender's role, limit how fast
one person can make the bot talk, and turn a handler's exception into one short
apology. Repeats are dropped before this, by the inbox (a message id is recorded
once), and each message runs inside its own savepoint of the App's batch.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from datetime import timedelta

from bot.messages import Incoming, Mention, Outgoing
from bot.router import NORMAL, SKIP, CallNext, Context, Middleware, Reply, Role

log = logging.getLogger(__name__)

APOLOGY = "抱歉，系统刚才出了点问题，请稍后再试；急事请拨打{hotline}。"
SLOW_DOWN = "您的消息比较多，我先不逐条回复了；报修照常登记，稍后可发「我报的修到哪了」查看。"


async def log_incoming(call_next: CallNext, msg: Incoming, ctx: Context) -> Reply:
    log.debug(
        "in %s from %s (%s): %s", msg.conversation.label(), msg.sender.id, msg.kind, msg.text[:80]
    )
    return await call_next(msg, ctx)


async def drop_own(call_next: CallNext, msg: Incoming, ctx: Context) -> Reply:
    if msg.from_self:
        return SKIP
    return await call_next(msg, ctx)


async def queue_reply(call_next: CallNext, msg: Incoming, ctx: Context) -> Reply:
    """The handler's returned text goes to the outbox, in the same transaction as
    everything else the message caused."""
    reply = await call_next(msg, ctx)
    if reply and reply is not SKIP:
        await ctx.send(reply_to(msg, reply), ctx.data.get("reply_priority", NORMAL))
    return None


def reply_to(msg: Incoming, text: str) -> Outgoing:
    """A reply goes where the message came from, @-mentioning the sender in a group."""
    mentions = (
        (Mention(id=msg.sender.id, name=msg.sender.name),) if msg.conversation.is_group else ()
    )
    return Outgoing(conversation=msg.conversation, text=text, mentions=mentions)


async def resolve_role(call_next: CallNext, msg: Incoming, ctx: Context) -> Reply:
    if ctx.config.admin(msg.sender.id) is not None:
        ctx.role = Role.admin
    elif ctx.config.worker(msg.sender.id) is not None:
        ctx.role = Role.worker
    else:
        ctx.role = Role.resident
    return await call_next(msg, ctx)


SENDERS_KEPT = 10_000  # the rate limiter remembers this many recent senders at most


def rate_limit(per_minute: int) -> Middleware:
    """A resident draws at most `per_minute` replies a minute; past that the bot still
    handles every message (a report is still recorded and dispatched), it only stops
    answering them one by one, after saying so once. Memory is bounded: a sender with
    nothing in the last minute is forgotten, and only the newest SENDERS_KEPT are kept."""
    recent: OrderedDict[str, tuple[deque, bool]] = OrderedDict()  # sender -> (times, warned)

    async def limit(call_next: CallNext, msg: Incoming, ctx: Context) -> Reply:
        reply = await call_next(msg, ctx)
        if ctx.role is not Role.resident or not reply or reply is SKIP:
            return reply
        now = ctx.now()
        window, warned = recent.pop(msg.sender.id, None) or (deque(), False)
        while window and now - window[0] > timedelta(minutes=1):
            window.popleft()
        if len(window) >= per_minute:
            recent[msg.sender.id] = (window, True)
            return SKIP if warned else SLOW_DOWN
        window.append(now)
        recent[msg.sender.id] = (window, False)
        while len(recent) > SENDERS_KEPT:
            recent.popitem(last=False)
        return reply

    return limit


async def capture_errors(call_next: CallNext, msg: Incoming, ctx: Context) -> Reply:
    """A handler's exception undoes its writes, is logged, and gets one apology."""
    try:
        with ctx.store.atomic():
            return await call_next(msg, ctx)
    except Exception:
        log.exception("handler failed on message %s", msg.id)
        return APOLOGY.format(hotline=ctx.config.station.hotline)


def default_chain(per_minute: int) -> list[Middleware]:
    return [
        log_incoming,
        drop_own,
        queue_reply,
        resolve_role,
        rate_limit(per_minute),
        capture_errors,
    ]
