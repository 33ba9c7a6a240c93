"""Conversation basics: help, pictures and voice, empty or emoji-only text, unknown groups.

帮助               what you can ask the bot, by your role
"""

from __future__ import annotations

import logging
import unicodedata

from bot.messages import Incoming, Kind
from bot.router import Context, Role, Router, command
from handlers.commands import help_lines, roles_of

router = Router(name=__name__)
log = logging.getLogger(__name__)

# What people read.
HELP_RESIDENT = (
    "您好，我是{bot}，{station}的用电服务助手：\n"
    "· 报修：直接发地址和情况，如「3栋2单元501停电了」\n"
    "· 查进度：发「我报的修到哪了」\n"
    "· 问电费、缴费、办业务：直接问，如「电费怎么交」\n"
    "有危险（电线掉落、冒烟起火）请远离并马上在群里说，或拨打{hotline}。"
)
HELP_STAFF = "{who}您好，可以私聊我发这些指令：\n{commands}"
WHO = {Role.admin: "管理员", Role.worker: "师傅"}
NOT_TEXT = "暂时看不懂图片和语音，请用文字说一下地址和情况，如「3栋2单元501停电了」。"
NOT_TEXT_ADDRESS = "暂时听不了语音、看不了图片，请用文字告诉我地址，例如「3栋2单元501」。"
EMPTY = "您好，请问有什么可以帮您？报修请发地址和情况，如「3栋2单元501停电了」。"
UNKNOWN_GROUP = "您好，这个群还没有开通用电服务，请联系{station}或拨打{hotline}。"


def _has_words(text: str) -> bool:
    """True when the text holds a letter or digit of any script, not only emoji and marks."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _unknown_group(msg: Incoming, ctx: Context) -> bool:
    return msg.conversation.is_group and ctx.config.group(msg.conversation.topic) is None


def _speaks_to_bot(msg: Incoming) -> bool:
    return msg.mentioned or not msg.conversation.is_group


@router.message(command("帮助", "help", "菜单", "/help"))
async def show_help(msg: Incoming, ctx: Context) -> str:
    words = dict(
        bot=ctx.config.bot.name, station=ctx.config.station.name, hotline=ctx.config.station.hotline
    )
    roles = roles_of(msg.sender.id, ctx)
    if roles and not msg.conversation.is_group:
        who = WHO[Role.admin if Role.admin in roles else Role.worker]
        return HELP_STAFF.format(who=who, commands=help_lines(roles))
    return HELP_RESIDENT.format(**words)


@router.message(_unknown_group)
async def ignore_unknown_group(msg: Incoming, ctx: Context) -> str | None:
    log.warning("message in a group that is not configured: %s", msg.conversation.topic)
    if not msg.mentioned:
        return None
    return UNKNOWN_GROUP.format(station=ctx.config.station.name, hotline=ctx.config.station.hotline)


@router.message(lambda m, c: m.kind is not Kind.text)
async def answer_not_text(msg: Incoming, ctx: Context) -> str | None:
    if msg.conversation.is_group and ctx.store.pending_report(msg.conversation.id, msg.sender.id):
        return NOT_TEXT_ADDRESS  # the bot asked this person where: it waits for words
    return NOT_TEXT if _speaks_to_bot(msg) else None


@router.message(lambda m, c: not _has_words(m.text))
async def answer_empty(msg: Incoming, ctx: Context) -> str | None:
    return EMPTY if _speaks_to_bot(msg) else None
