"""Small talk and what is not the station's: a short friendly word, nobody paged.

你好 / 在吗          打招呼（群里要@我）
谢谢                不客气（群里不@我就不回）
电梯坏了找谁修       不归供电所管的事：告诉您找谁

Greetings and thanks get a short reply when they are said to the bot (@-mentioned in a
group, or in a private chat) and silence otherwise; an admin is never paged for them.
A question about something that is not electricity (lifts, doors, water, gas, phone,
weather) gets one line saying who handles it; one the bot cannot place at all gets one
line saying what this service does. Only electricity questions the bot cannot answer go
to a person (handlers.faq.hand_over). A lift or door "fault" with no word of power is
the property's, not a ticket: the reply still offers a report if power is the cause.
The topic words are kb/words/smalltalk.txt; the replies are here.
"""

from __future__ import annotations

import re
import unicodedata

from bot.messages import Incoming
from bot.router import Context, Role, Router
from handlers.commands import CONFIRM, MORE, is_staff
from handlers.common import says, understand
from handlers.faq import wants_details
from handlers.nlu.models import FaultType, Intent

router = Router(name=__name__)

# What residents read.
HELLO = "您好！我是{bot}。报修请直接发地址和情况，如「3栋2单元501停电了」；电费、缴费的问题也可以直接问我。"
WELCOME = "不客气，有需要随时找我。"
HELLO_STAFF = "您好！发「帮助」可以查看能用的指令。"
OK = "好的，有需要随时找我。"
NOT_OURS = "我是{station}的用电服务助手，只能帮忙停电报修、电费缴费这些用电的事哦。"
REFERRALS = {  # kb/words/smalltalk.txt list -> who handles it
    "REFER_GAS": (
        "燃气的问题请联系燃气公司。闻到煤气味请马上开窗、离开，不要开关电器，到屋外再打燃气公司电话或119。"
    ),
    "REFER_LIFT": (
        "电梯坏了请联系小区物业（管理处）；有人困在电梯里请按电梯里的呼叫按钮或拨打119。"
        "如果是整栋楼停电了，请直接说「几栋停电了」，我来登记报修。"
    ),
    "REFER_PROPERTY": "这件事归小区物业（管理处）管，请直接联系物业。",
    "REFER_WATER": "停水、水费的问题请联系自来水公司。",
    "REFER_TELECOM": "网络、电话、电视信号的问题请联系您的运营商客服。",
    "REFER_WEATHER": "天气请看天气预报；台风暴雨天怎么安全用电，可以问我。",
}


# The words that answer the bot (确认, 更多, 详细) or a worker's duty (上班, 下班).
_BOT_WORDS = re.compile(
    rf"^\s*({'|'.join((CONFIRM, MORE, '详细', '上班', '下班'))})\s*[。!！]?\s*$"
)


def _to_bot(msg: Incoming) -> bool:
    return msg.mentioned or not msg.conversation.is_group


def referral(msg: Incoming, ctx: Context) -> str | None:
    """Who handles what the message is about, if it is not the station's business: a
    question about another service, or a "fault" with no word of power (电梯门关不上,
    手机信号断断续续) that is not a danger."""
    u = understand(msg, ctx)
    # A danger, a life at stake (困在电梯里), or the answer to the bot's own "which
    # building?": never sent elsewhere.
    if says(msg, ctx, "GAS_SMELL") or u.urgent or says(msg, ctx, "LIFE_SUPPORT"):
        return None
    if msg.conversation.is_group and ctx.store.pending_report(msg.conversation.id, msg.sender.id):
        return None
    if u.intent is Intent.fault_report:
        not_ours = not u.about_power and u.fault_type is not FaultType.hazard
    else:
        not_ours = u.intent is Intent.other
    if not not_ours:
        return None
    topic = next((t for t in REFERRALS if says(msg, ctx, t)), None)
    if topic is None:
        return None
    # In the group, neighbours talk about rubbish and lifts: answer only what would have
    # become a ticket, or a question of who handles it.
    if _to_bot(msg) or u.intent is Intent.fault_report or says(msg, ctx, "ASKS_WHO"):
        return topic
    return None


@router.message(lambda m, c: referral(m, c) is not None)
async def refer_elsewhere(msg: Incoming, ctx: Context) -> str:
    return REFERRALS[referral(msg, ctx)]  # type: ignore[index]


def only(msg: Incoming, ctx: Context, words: str | None) -> bool:
    """The message is nothing but `words` (GREETING, THANKS; None: nothing needed) and
    polite fillers: take those out and no letter or digit is left."""
    rules = ctx.services["understander"].rules
    text = rules.normalize(msg.text)
    if words is not None:
        pattern = rules.words.pattern(words)
        if not pattern.search(text):
            return False
        text = pattern.sub("", text)
    rest = rules.words.pattern("POLITE").sub("", text)
    return not any(unicodedata.category(ch)[0] in "LN" for ch in rest)


@router.message(lambda m, c: only(m, c, "GREETING"))
async def say_hello(msg: Incoming, ctx: Context) -> str | None:
    if not _to_bot(msg):
        return None
    if is_staff(msg, ctx) and not msg.conversation.is_group:
        return HELLO_STAFF
    return HELLO.format(bot=ctx.config.bot.name)


@router.message(lambda m, c: _to_bot(m) and not is_staff(m, c) and bool(_BOT_WORDS.match(m.text)))
async def bare_bot_word(msg: Incoming, ctx: Context) -> str:
    """确认, 更多, 详细, 上班 from a resident with nothing waiting: how to use the bot."""
    return HELLO.format(bot=ctx.config.bot.name)


@router.message(lambda m, c: only(m, c, "THANKS"))
async def say_welcome(msg: Incoming, ctx: Context) -> str | None:
    return WELCOME if _to_bot(msg) else None


def _acknowledges(msg: Incoming, ctx: Context) -> bool:
    """好的 / 收到 said to the bot with nothing waiting on it (a 好的 after 请问是要报修吗
    is a yes: handlers.fault_reports takes it)."""
    if not _to_bot(msg) or _BOT_WORDS.match(msg.text):
        return False
    if ctx.store.pending_confirm(msg.conversation.id, msg.sender.id, ctx.now()) is not None:
        return False
    rules = ctx.services["understander"].rules
    said = rules.words.pattern("POLITE").search(rules.normalize(msg.text))
    return said is not None and only(msg, ctx, None)


@router.message(_acknowledges)
async def say_ok(msg: Incoming, ctx: Context) -> str:
    """好的 / 收到 / 明白了, said to the bot: nothing to do, nobody paged."""
    return OK


def clearly_not_ours(msg: Incoming, ctx: Context) -> bool:
    """Said to the bot and about nothing the station does: no word of power, of the
    station's business or of something not working (kb/words/smalltalk.txt
    STATION_BUSINESS). Anything less clear still goes to a person."""
    if not _to_bot(msg) or ctx.role is not Role.resident:
        return False
    u = understand(msg, ctx)
    waiting = (
        msg.conversation.is_group
        and ctx.store.pending_report(msg.conversation.id, msg.sender.id) is not None
    ) or ctx.store.pending_confirm(msg.conversation.id, msg.sender.id, ctx.now()) is not None
    return (
        u.intent is Intent.other
        and not u.about_power
        and not u.confirm
        and not waiting
        and not wants_details(msg, ctx)
        and not says(msg, ctx, "GAS_SMELL")
        and not says(msg, ctx, "STATION_BUSINESS")
    )


@router.message(clearly_not_ours)
async def not_ours(msg: Incoming, ctx: Context) -> str:
    """Said to the bot, about nothing the station does: what it is for."""
    return NOT_OURS.format(station=ctx.config.station.name)
