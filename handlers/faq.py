"""Answers from the knowledge base in kb/, and a polite hand-over when there is none.

电费怎么交         直接问电费、缴费、业务办理的问题
"""

from __future__ import annotations

import logging
import re

from bot.messages import Incoming
from bot.router import LOW, Context, Role, Router
from handlers.common import hold_for_confirmation, understand
from handlers.nlu.kb import PLACEHOLDER
from handlers.nlu.live import LiveKnowledge
from handlers.nlu.models import Intent

router = Router(name=__name__)
log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER) + "[^】]*】")  # the mark kb check warns about
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)
_BULLET = re.compile(r"^\s*[-*]\s+", re.MULTILINE)

# What residents and admins read.
HAND_OVER = "这个问题我先转给工作人员，请稍等；急事请拨打{hotline}。"
UNSET = "可拨打{hotline}咨询"
STAFF_HINT = "没看懂这条指令，发「帮助」可查看能用的指令。"
HAND_OVER_TO_ADMINS = "【待人工回复】{who}（{where}）问：{text}"
ASK_REPORT_AFTER_ANSWER = "\n如果是家里现在有故障要报修，请回复「报修」。"


@router.message(lambda m, c: understand(m, c).intent is Intent.faq)
async def answer_question(msg: Incoming, ctx: Context) -> str | None:
    u = understand(msg, ctx)
    knowledge = ctx.services["knowledge"]
    entry = answer_text(knowledge, u.faq_id, ctx.config.station.hotline) if u.faq_id else None
    if entry is None:
        return await hand_over(msg, ctx) if msg.mentioned else None
    ctx.data["reply_priority"] = LOW  # an answer can wait behind repairs and dangers
    if u.confirm:  # a question, but quite possibly a report too: ask
        hold_for_confirmation(msg, ctx)
        return entry + ASK_REPORT_AFTER_ANSWER
    return entry


@router.message(lambda m, c: not m.conversation.is_group and c.role is not Role.resident)
async def hint_staff(msg: Incoming, ctx: Context) -> str:
    return STAFF_HINT


@router.message(lambda m, c: m.mentioned or not m.conversation.is_group)
async def hand_over(msg: Incoming, ctx: Context) -> str:
    """Asked directly and nothing above knew the answer: a person takes it."""
    where = msg.conversation.topic if msg.conversation.is_group else "私聊"
    await ctx.tell_admins(
        HAND_OVER_TO_ADMINS.format(who=msg.sender.display, where=where, text=msg.text[:500])
    )
    return HAND_OVER.format(hotline=ctx.config.station.hotline)


@router.message()
async def stay_quiet(msg: Incoming, ctx: Context) -> None:
    """Neighbours talking to each other: the bot says nothing."""
    return None


def chat_text(markdown: str, hotline: str) -> str:
    """An answer as WeChat shows it: no Markdown marks, and no figure the admin has not set."""
    text = _PLACEHOLDER.sub(UNSET.format(hotline=hotline), markdown.strip())
    text = _EMPHASIS.sub(r"\2", text)
    text = _HEADING.sub("", text)
    return _BULLET.sub("· ", text)


def answer_text(knowledge: LiveKnowledge, faq_id: str, hotline: str = "95598") -> str | None:
    entry = knowledge.kb.entries.get(faq_id)
    return chat_text(entry.answer, hotline) if entry else None


@router.tick()
async def reload_knowledge(ctx: Context) -> None:
    """kb/ edits, retraining: what the admins must know (a refused edit, a new model)."""
    for notice in ctx.services["knowledge"].poll():
        await ctx.tell_admins(notice)
