"""Conversation basics: help, pictures and voice, empty or emoji-only text, unknown groups.

帮助               what you can ask the bot, by your role
"""

from __future__ import annotations

import logging
import unicodedata

from bot.messages import Incoming, Kind
from bot.router import Context, Role, Router, command

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
HELP_WORKER = "师傅您好，工单指令（私聊我发送）：\n{commands}"
HELP_ADMIN = "管理员指令（私聊我发送）：\n{commands}"
NOT_TEXT = "暂时看不懂图片和语音，请用文字说一下地址和情况，如「3栋2单元501停电了」。"
EMPTY = "您好，请问有什么可以帮您？报修请发地址和情况，如「3栋2单元501停电了」。"
UNKNOWN_GROUP = "您好，这个群还没有开通用电服务，请联系{station}或拨打{hotline}。"

WORKER_HELP_MODULES = ("handlers.dispatch",)
ADMIN_HELP_MODULES = ("handlers.admin", "handlers.dispatch")


def _has_words(text: str) -> bool:
    """True when the text holds a letter or digit of any script, not only emoji and marks."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _unknown_group(msg: Incoming, ctx: Context) -> bool:
    return msg.conversation.is_group and ctx.config.group(msg.conversation.topic) is None


def _speaks_to_bot(msg: Incoming) -> bool:
    return msg.mentioned or not msg.conversation.is_group


def _command_lines(ctx: Context, modules: tuple[str, ...]) -> str:
    docs = dict(ctx.services["dispatcher"].commands())
    lines = []
    for name in modules:
        doc = docs.get(name, "")
        lines += [line.strip() for line in doc.splitlines()[1:] if line.strip()]
    return "\n".join(lines)


@router.message(command("帮助", "help", "菜单", "/help"))
async def show_help(msg: Incoming, ctx: Context) -> str:
    words = dict(
        bot=ctx.config.bot.name, station=ctx.config.station.name, hotline=ctx.config.station.hotline
    )
    if ctx.role is Role.admin and not msg.conversation.is_group:
        return HELP_ADMIN.format(commands=_command_lines(ctx, ADMIN_HELP_MODULES))
    if ctx.role is Role.worker and not msg.conversation.is_group:
        return HELP_WORKER.format(commands=_command_lines(ctx, WORKER_HELP_MODULES))
    return HELP_RESIDENT.format(**words)


@router.message(_unknown_group)
async def ignore_unknown_group(msg: Incoming, ctx: Context) -> str | None:
    log.warning("message in a group that is not configured: %s", msg.conversation.topic)
    if not msg.mentioned:
        return None
    return UNKNOWN_GROUP.format(station=ctx.config.station.name, hotline=ctx.config.station.hotline)


@router.message(lambda m, c: m.kind is not Kind.text)
async def answer_not_text(msg: Incoming, ctx: Context) -> str | None:
    return NOT_TEXT if _speaks_to_bot(msg) else None


@router.message(lambda m, c: not _has_words(m.text))
async def answer_empty(msg: Incoming, ctx: Context) -> str | None:
    return EMPTY if _speaks_to_bot(msg) else None
