"""After a report: its progress, the follow-up after 完成, reopening, and complaints.

我报的修到哪了   查看自己未完成的报修（超时的会如实说明）
1 / 2            回答「电恢复了吗」：1 已恢复，2 还没有
1 到 5           给这次服务打分
还是没电         修好后 48 小时内说还没好：原工单重新交给原来的师傅优先处理
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.messages import Incoming, Kind
from bot.records import Ticket
from bot.router import Context, Role, Router, command
from handlers.common import (
    local_time,
    says,
    ticket_address,
    ticket_state,
    understand,
)
from handlers.fault_reports import answers_question, repeated_words
from handlers.nlu.models import Intent
from handlers.repairs import confirm, rate, reopen
from handlers.smalltalk import only
from handlers.tickets import State, lead_of, repeat

router = Router(name=__name__)

# What residents read.
PROGRESS_NONE = "没有查到您未完成的报修。如需报修，请直接发地址和情况，例如「3栋2单元501停电了」。"
PROGRESS = "您的报修进度：\n{lines}"
PROGRESS_LINE = "工单 {id}（{address}）：{state}{due}"
PROGRESS_DUE = "，承诺 {due} 前到达"
PROGRESS_LATE = "，已超过承诺时间 {minutes} 分钟，已通知负责人催办，非常抱歉"
COMPLAINT = (
    "非常抱歉给您添麻烦了。您的意见已记录（编号 {id}），并转给供电所负责人，会尽快跟进处理。"
    "也可拨打{hotline}反映。"
)
COMPLAINT_ASK = "请说说遇到了什么问题（什么时候、在哪里、怎么回事），我们会记录下来转给供电所负责人。也可拨打{hotline}。"
COMPLAINT_TO_ADMINS = "【投诉 {id}】{who}（{where}）：{text}"

_RESTORED = re.compile(
    r"^\s*(1|１|一|已恢复|恢复了|有电了|来电了|好了|好咗|有电|来咗电)[\s。.!！]*$"
)
_NOT_RESTORED = re.compile(
    r"^\s*(2|２|二|还没有|还没|没有|冇|未恢复|还是没电|仲未|仲冇电)[\s。.!！]*$"
)
_BARE_COMPLAINT = re.compile(r"^\s*(我)?(要|想)?(投诉|投訴)(一下|下)?[\s。.!！]*$")
COMPLAINT_DETAIL_WITHIN = timedelta(minutes=30)  # what follows a bare 投诉 is its detail
_STARS = re.compile(r"^\s*([1-5１-５])\s*(星|分|颗星)?[\s。.!！]*$")


def _asked(msg: Incoming, ctx: Context) -> Ticket | None:
    group = msg.conversation.id if msg.conversation.is_group else None
    return ctx.store.asked_ticket(msg.sender.id, group)


def _answers_followup(msg: Incoming, ctx: Context) -> bool:
    if len(msg.text) > 10:
        return False
    ticket = _asked(msg, ctx)
    if ticket is None:
        return False
    if ticket.followup == "rating":
        return _STARS.match(msg.text) is not None
    return bool(_RESTORED.match(msg.text) or _NOT_RESTORED.match(msg.text))


@router.message(_answers_followup)
async def answer_followup(msg: Incoming, ctx: Context) -> str:
    """1 / 2 to 恢复了吗, then the rating."""
    ticket = _asked(msg, ctx)
    assert ticket is not None
    if ticket.followup == "rating":
        stars = int(_STARS.match(msg.text).group(1).translate(str.maketrans("１２３４５", "12345")))  # type: ignore[union-attr]
        return rate(ticket, stars, ctx)
    if _RESTORED.match(msg.text):
        return confirm(ticket, ctx)
    return await reopen(ticket, msg.text, ctx)


def _awaiting_detail(msg: Incoming, ctx: Context) -> dict | None:
    if msg.kind is not Kind.text or not msg.text.strip() or _BARE_COMPLAINT.match(msg.text):
        return None
    u = understand(msg, ctx)
    if u.intent is Intent.fault_report and u.address_in_text is not None:
        return None  # a report of a fault, not what the complaint was about
    since = ctx.now() - COMPLAINT_DETAIL_WITHIN
    complaint = ctx.store.newest_complaint(msg.sender.id, msg.conversation.label(), since)
    return complaint if complaint and _BARE_COMPLAINT.match(complaint["text"]) else None


@router.message(lambda m, c: _awaiting_detail(m, c) is not None)
async def complaint_detail(msg: Incoming, ctx: Context) -> str:
    """What a resident says right after a bare 投诉 is the complaint."""
    complaint = _awaiting_detail(msg, ctx)
    assert complaint is not None
    ctx.store.add_to_complaint(complaint["id"], msg.text[:2000])
    return await _relay(complaint["id"], msg, ctx)


def _reopenable(msg: Incoming, ctx: Context) -> Ticket | None:
    """The reporter's ticket finished (完成) within `reopen_hours` that this message says is
    still broken (还是没电, 又停了), at the same place or naming none."""
    if not says(msg, ctx, "STILL_OUT") and understand(msg, ctx).intent is not Intent.fault_report:
        return None
    since = ctx.now() - timedelta(hours=ctx.config.service.reopen_hours)
    group = msg.conversation.id if msg.conversation.is_group else None
    said = understand(msg, ctx).address_in_text
    for ticket in reversed(ctx.store.done_tickets_of_reporter(msg.sender.id, group, since)):
        finished = ctx.store.last_event_at(lead_of(ticket, ctx).id, "done")
        if ticket.outcome == "merged" or finished is None or finished < since:
            continue
        if said is None or not said.building or said.building == ticket.building:
            if says(msg, ctx, "STILL_OUT") or ticket.fault_type == understand(msg, ctx).fault_type:
                return ticket
    return None


@router.message(lambda m, c: _reopenable(m, c) is not None)
async def reopen_after_done(msg: Incoming, ctx: Context) -> str:
    """还是没电 after 完成: the same ticket back to the same worker, not a new one."""
    return await reopen(_reopenable(msg, ctx), msg.text, ctx)  # type: ignore[arg-type]


def _urged(msg: Incoming, ctx: Context) -> Ticket | None:
    """The sender's open ticket in this conversation, when the message urges it on."""
    if not says(msg, ctx, "URGE") or understand(msg, ctx).intent is Intent.faq:
        return None
    group = msg.conversation.id if msg.conversation.is_group else None
    mine = [t for t in ctx.store.open_tickets_of_reporter(msg.sender.id) if t.group_id == group]
    return mine[-1] if mine else None


@router.message(lambda m, c: _urged(m, c) is not None)
async def urge_repair(msg: Incoming, ctx: Context) -> str | None:
    """快点来啊 from a reporter: their ticket, the worker nudged once, the truth told."""
    filed = await repeat(_urged(msg, ctx), msg.text, ctx)  # type: ignore[arg-type]
    return repeated_words(filed.lead, ctx) if filed.tell_now else None


def _asks_progress(msg: Incoming, ctx: Context) -> bool:
    # A resident's 工单 / 我的工单 / 工单 3 (the staff's words) asks after their own repair.
    own_words = ctx.role is Role.resident and command("工单", "我的工单")(msg, ctx)
    asks = own_words or understand(msg, ctx).intent is Intent.progress_query
    return asks and not answers_question(msg, ctx)


@router.message(_asks_progress)
async def answer_progress(msg: Incoming, ctx: Context) -> str:
    tickets = ctx.store.open_tickets_of_reporter(msg.sender.id)
    if msg.conversation.is_group:  # a group sees only what was reported in it
        tickets = [t for t in tickets if t.group_id == msg.conversation.id]
    if not tickets:
        return PROGRESS_NONE
    lines = []
    for t in tickets:
        lead = lead_of(t, ctx)
        lines.append(
            PROGRESS_LINE.format(
                id=lead.id,
                address=ticket_address(t, ctx.config),
                state=ticket_state(lead, ctx.config),
                due=_due_words(lead, ctx),
            )
        )
    return PROGRESS.format(lines="\n".join(lines))


def _due_words(lead: Ticket, ctx: Context) -> str:
    """The promise, or the truth that it was missed."""
    if lead.state in (State.arrived, State.done, State.closed) or lead.due_at is None:
        return ""
    late = int((ctx.now() - lead.due_at).total_seconds() // 60)
    if late > 0:
        return PROGRESS_LATE.format(minutes=late)
    return PROGRESS_DUE.format(due=local_time(lead.due_at, ctx))


def _complains(msg: Incoming, ctx: Context) -> bool:
    # 收到，麻烦你们了 is thanks, however a reader takes 麻烦.
    return understand(msg, ctx).intent is Intent.complaint and not only(msg, ctx, "THANKS")


@router.message(_complains)
async def record_complaint(msg: Incoming, ctx: Context) -> str:
    complaint_id = ctx.store.record_complaint(msg)  # recorded even when it says no more
    if _BARE_COMPLAINT.match(msg.text):  # 投诉 alone: what about?
        return COMPLAINT_ASK.format(hotline=ctx.config.station.hotline)
    return await _relay(complaint_id, msg, ctx)


async def _relay(complaint_id: int, msg: Incoming, ctx: Context) -> str:
    where = msg.conversation.topic if msg.conversation.is_group else "私聊"
    await ctx.tell_admins(
        COMPLAINT_TO_ADMINS.format(
            id=complaint_id, who=msg.sender.display, where=where, text=msg.text[:500]
        )
    )
    return COMPLAINT.format(id=complaint_id, hotline=ctx.config.station.hotline)
