"""Answers from the knowledge base in kb/, and a polite hand-over when there is none.

电费怎么交         直接问电费、缴费、业务办理的问题
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.messages import Incoming
from bot.router import LOW, Context, Role, Router
from handlers.common import hold_for_confirmation, understand
from handlers.nlu.answers import Shown, full_answer, short_answer
from handlers.nlu.live import LiveKnowledge
from handlers.nlu.models import Intent

router = Router(name=__name__)
log = logging.getLogger(__name__)

_DETAILS = re.compile(
    r"^\s*(详细|详情|全部|看全部|详细内容|详细点|具体|具体点|全文)\s*[。!！?？]?\s*$"
)
DETAILS_KEPT = timedelta(minutes=30)  # how long 详细 brings the rest of the last answer

# What residents and admins read.
HAND_OVER = "这个问题我先转给工作人员，请稍等；急事请拨打{hotline}。"
STAFF_HINT = "没看懂这条指令，发「帮助」可查看能用的指令。"
HAND_OVER_TO_ADMINS = "【待人工回复】{who}（{where}）问：{text}"
ASK_REPORT_AFTER_ANSWER = "\n如果是家里现在有故障要报修，请回复「报修」。"


def wants_details(msg: Incoming, ctx: Context) -> bool:
    return bool(_DETAILS.match(msg.text)) and ctx.store.offered(msg, "details", ctx.now())


@router.message(wants_details)
async def show_details(msg: Incoming, ctx: Context) -> str | None:
    """详细 after a short answer: the whole of it."""
    faq_id = ctx.store.offered(msg, "details", ctx.now())
    ctx.store.withdraw(msg, "details")
    shown = answer(ctx.services["knowledge"], faq_id, ctx.config.station.hotline, full=True)
    ctx.data["reply_priority"] = LOW
    return shown.text if shown else None


@router.message(lambda m, c: understand(m, c).intent is Intent.faq)
async def answer_question(msg: Incoming, ctx: Context) -> str | None:
    u = understand(msg, ctx)
    knowledge = ctx.services["knowledge"]
    shown = answer(knowledge, u.faq_id, ctx.config.station.hotline) if u.faq_id else None
    if shown is None:
        return await hand_over(msg, ctx) if msg.mentioned else None
    ctx.data["reply_priority"] = LOW  # an answer can wait behind repairs and dangers
    ctx.store.log_question(ctx.now(), "answered", msg.text, u.faq_id)
    if shown.more:
        ctx.store.offer(msg, "details", u.faq_id, ctx.now() + DETAILS_KEPT)
    if u.confirm:  # a question, but quite possibly a report too: ask
        hold_for_confirmation(msg, ctx)
        return shown.text + ASK_REPORT_AFTER_ANSWER
    return shown.text


@router.message(lambda m, c: not m.conversation.is_group and c.role is not Role.resident)
async def hint_staff(msg: Incoming, ctx: Context) -> str:
    return STAFF_HINT


@router.message(lambda m, c: m.mentioned or not m.conversation.is_group)
async def hand_over(msg: Incoming, ctx: Context) -> str:
    """Asked directly and nothing above knew the answer: a person takes it."""
    where = msg.conversation.topic if msg.conversation.is_group else "私聊"
    ctx.store.log_question(ctx.now(), "handed", msg.text)
    await ctx.tell_admins(
        HAND_OVER_TO_ADMINS.format(who=msg.sender.display, where=where, text=msg.text[:500])
    )
    return HAND_OVER.format(hotline=ctx.config.station.hotline)


@router.message()
async def stay_quiet(msg: Incoming, ctx: Context) -> None:
    """Neighbours talking to each other: the bot says nothing."""
    return None


def answer(
    knowledge: LiveKnowledge, faq_id: str, hotline: str = "95598", full: bool = False
) -> Shown | None:
    """An entry's answer as a resident reads it: short first (handlers.nlu.answers)."""
    entry = knowledge.kb.entries.get(faq_id)
    if entry is None:
        return None
    return full_answer(entry.answer, hotline) if full else short_answer(entry.answer, hotline)


@router.tick()
async def reload_knowledge(ctx: Context) -> None:
    """kb/ edits, retraining: what the admins must know (a refused edit, a new model)."""
    for notice in ctx.services["knowledge"].poll():
        await ctx.tell_admins(notice)
