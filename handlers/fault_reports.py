"""Residents' fault reports, their repair progress, and complaints.

（直接描述）     3栋2单元501停电了 / 电线掉地上了 —— 报修，机器人回复工单号
报修             回答机器人「请问是要报修吗」，登记刚才说的情况
我报的修到哪了   查看自己未完成的报修
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.messages import Incoming, Mention
from bot.records import NewTicket, PendingReport, Ticket
from bot.router import SKIP, Context, Router
from handlers.common import (
    community_kind,
    hold_for_confirmation,
    local_time,
    ticket_address,
    ticket_state,
    understand,
)
from handlers.dispatch import dispatch_new
from handlers.nlu.models import Address, FaultType, Intent, Understanding

router = Router(name=__name__)
log = logging.getLogger(__name__)

# What residents read.
SAFETY = (
    "⚠️ 安全提醒：请远离断落的电线、冒烟或起火的设备至少10米，不要触碰，不要用水灭电火；"
    "看好老人小孩。有人触电请先断电再施救，并拨打120。\n"
)
LIFE_SUPPORT = "家里有呼吸机、制氧机等设备的，请先启用备用电源，必要时拨打120。已按紧急工单处理。\n"
OPENED = "已收到您的报修，工单号 {id}。\n地址：{address}\n{promise}"
PROMISE = "已通知抢修师傅，承诺 {minutes} 分钟内（{due} 前）到达，请保持电话畅通。"
PROMISE_UNASSIGNED = "正在安排抢修师傅，承诺 {minutes} 分钟内（{due} 前）到达。"
PROMISE_NO_PLACE = "工作人员会尽快确认地址并安排师傅，急事请拨打{hotline}。"
ASK_ESTATE = "收到！请问具体是几栋几单元几号？例如「3栋2单元501」，我马上为您登记报修。"
ASK_VILLAGE = "收到！请问是哪个村、几组几号？例如「东岭村3组15号」，我马上为您登记报修。"
ASK_PLACE = "收到！请问是哪个小区或村、具体地址？例如「幸福花园3栋2单元501」，我马上为您登记报修。"
ASK_HAZARD_PLACE = "\n请告诉我们具体位置（哪栋楼、哪个路口附近），方便师傅尽快找到。"
ADDRESS_ADDED = "已把位置补充到工单 {id}：{address}。"
ADDRESS_TO_WORKER = "工单 #{id} 补充了位置：{address}"
PROGRESS_NONE = "没有查到您未完成的报修。如需报修，请直接发地址和情况，例如「3栋2单元501停电了」。"
PROGRESS = "您的报修进度：\n{lines}"
PROGRESS_LINE = "工单 {id}（{address}）：{state}{due}"
PROGRESS_DUE = "，承诺 {due} 前到达"
COMPLAINT = (
    "非常抱歉给您添麻烦了。您的意见已记录（编号 {id}），并转给供电所负责人，会尽快跟进处理。"
    "也可拨打{hotline}反映。"
)
COMPLAINT_TO_ADMINS = "【投诉 {id}】{who}（{where}）：{text}"
ASK_REPORT = "请问是要报修吗？回复「报修」我马上登记。"
NOT_A_REPORT = "好的，有需要随时说。"

# Answers to "请问是要报修吗": short words only, so a new message is never taken for one.
YES = {"报修", "要报修", "帮我报修", "报", "是", "是的", "是呀", "对", "对的", "对呀", "要", "要的",
       "嗯", "嗯嗯", "好", "好的", "系", "系呀", "係", "係呀", "要呀", "麻烦了", "麻烦你"}  # fmt: skip
NO = {"不是", "不是的", "不用", "不用了", "唔使", "唔系", "唔係", "没事", "冇事", "不要", "没有"}
_NOT_WORD = re.compile(r"[\W_]+")

HOUSEHOLD_FAULTS = {FaultType.household_outage, FaultType.trip, FaultType.meter}


def _address_complete(address: Address, fault: FaultType | None) -> bool:
    """Enough to send a crew: a known community, and a building for one home's fault."""
    if address.community is None:
        return False
    return fault not in HOUSEHOLD_FAULTS or address.building is not None


def _ask_for_address(address: Address, ctx: Context) -> str:
    kind = community_kind(ctx.config, address.community)
    if kind is None:
        return ASK_PLACE
    return ASK_VILLAGE if kind == "village" else ASK_ESTATE


async def open_report(
    msg: Incoming, u: Understanding, address: Address, ctx: Context, text: str | None = None
) -> str:
    """Store the ticket, dispatch it, and word the reply to the reporter."""
    community = ctx.config.community(address.community)
    minutes = ctx.config.service.arrival_for(community.kind if community else None)
    now = ctx.now()
    new = NewTicket(
        source_message_id=msg.id,
        **address.model_dump(),
        fault_type=(u.fault_type or FaultType.other).value,
        urgent=u.urgent,
        team=community.team if community else None,
        reporter_id=msg.sender.id,
        reporter_name=msg.sender.name,
        group_id=msg.conversation.id if msg.conversation.is_group else None,
        group_topic=msg.conversation.topic if msg.conversation.is_group else None,
        text=(text or msg.text)[:2000],
        created_at=now,
        due_at=now + timedelta(minutes=minutes),
    )
    ticket, created = ctx.store.open_ticket(new)
    if created:
        log.info("ticket %s opened from %s", ticket.id, msg.id)
        ticket = await dispatch_new(ticket, ctx)
    return _opened_reply(ticket, u, minutes, ctx)


def _opened_reply(ticket: Ticket, u: Understanding, minutes: int, ctx: Context) -> str:
    due = local_time(ticket.due_at, ctx)
    if ticket.team is None:
        promise = PROMISE_NO_PLACE.format(hotline=ctx.config.station.hotline)
    elif ticket.worker_id is None:
        promise = PROMISE_UNASSIGNED.format(minutes=minutes, due=due)
    else:
        promise = PROMISE.format(minutes=minutes, due=due)
    prefix = ""
    if u.fault_type is FaultType.hazard:
        prefix = SAFETY
    elif u.urgent:
        prefix = LIFE_SUPPORT
    body = OPENED.format(id=ticket.id, address=ticket_address(ticket, ctx.config), promise=promise)
    return prefix + body


def _has_pending(msg: Incoming, ctx: Context) -> bool:
    return (
        msg.conversation.is_group
        and ctx.store.pending_report(msg.conversation.id, msg.sender.id) is not None
    )


@router.message(_has_pending)
async def complete_address(msg: Incoming, ctx: Context) -> str | None:
    """The reporter's next message after we asked for the address completes the ticket."""
    pending = ctx.store.pending_report(msg.conversation.id, msg.sender.id)
    now_said = understand(msg, ctx)
    given = now_said.address_in_text
    if pending.expires_at < ctx.now() or given is None or given.is_empty():
        return SKIP
    first = Understanding.model_validate(pending.understanding)
    if now_said.intent is Intent.fault_report and now_said.fault_type != first.fault_type:
        return SKIP  # another fault with its own place: a report of its own
    address = given.merged_over(first.address or Address())
    ctx.store.drop_pending(pending.id)
    opened = ctx.store.ticket_for_message(pending.message.id)
    if opened is not None:
        return await _amend_address(opened, address, msg, ctx)
    text = f"{pending.message.text}\n（补充地址）{msg.text}"
    return await open_report(pending.message, first, address, ctx, text=text)


async def _amend_address(ticket: Ticket, address: Address, msg: Incoming, ctx: Context) -> str:
    """A hazard was opened before its place was known; the place the reporter gives is added."""
    community = ctx.config.community(address.community)
    team = ticket.team or (community.team if community else None)
    ticket = ctx.store.amend_address(
        ticket.id, {**address.model_dump(), "team": team}, ctx.now(), msg.sender.id
    )
    where = ticket_address(ticket, ctx.config)
    if ticket.worker_id is not None:
        await ctx.tell_person(
            ticket.worker_id, ADDRESS_TO_WORKER.format(id=ticket.id, address=where)
        )
    else:  # nobody could be sent without the place: now someone can, or the admins know it
        await dispatch_new(ticket, ctx)
    return ADDRESS_ADDED.format(id=ticket.id, address=where)


def _yes_or_no(msg: Incoming) -> bool | None:
    word = _NOT_WORD.sub("", msg.text)
    return True if word in YES else False if word in NO else None


def _answers_question(msg: Incoming, ctx: Context) -> bool:
    if len(msg.text) > 12 or _yes_or_no(msg) is None:
        return False
    return ctx.store.pending_confirm(msg.conversation.id, msg.sender.id, ctx.now()) is not None


@router.message(_answers_question)
async def confirm_report(msg: Incoming, ctx: Context) -> str:
    """报修 after the bot asked: the message asked about is reported as it was said."""
    held = ctx.store.pending_confirm(msg.conversation.id, msg.sender.id, ctx.now())
    ctx.store.drop_confirm(msg.conversation.id, msg.sender.id)
    if not _yes_or_no(msg):
        return NOT_A_REPORT
    topic = held.conversation.topic if held.conversation.is_group else None
    u = ctx.services["understander"].as_report(held.text, topic)
    return await _report(held, u, ctx)


@router.message(lambda m, c: understand(m, c).intent is Intent.fault_report)
async def report_fault(msg: Incoming, ctx: Context) -> str:
    u = understand(msg, ctx)
    if u.confirm:  # only the model reads a report here, and not surely: ask first
        hold_for_confirmation(msg, ctx)
        return ASK_REPORT
    return await _report(msg, u, ctx)


async def _report(msg: Incoming, u: Understanding, ctx: Context) -> str:
    address = u.address or Address()
    if u.fault_type is FaultType.hazard:
        reply = await open_report(msg, u, address, ctx)
        if address.building is None and msg.conversation.is_group:
            await _wait_for_address(msg, u, ctx)
            reply += ASK_HAZARD_PLACE
        return reply
    if _address_complete(address, u.fault_type):
        return await open_report(msg, u, address, ctx)
    if msg.conversation.is_group:
        await _wait_for_address(msg, u, ctx)
        return _ask_for_address(address, ctx)
    return await open_report(msg, u, address, ctx)


async def _wait_for_address(msg: Incoming, u: Understanding, ctx: Context) -> None:
    """Hold the report until its address comes; one this person already had waiting is
    opened as it stands, never dropped."""
    earlier = ctx.store.pending_report(msg.conversation.id, msg.sender.id)
    if earlier is not None:
        await _open_held(earlier, ctx)
    wait = timedelta(minutes=ctx.config.service.address_wait_minutes)
    ctx.store.hold_report(msg, u.model_dump(mode="json"), ctx.now() + wait)


async def _open_held(pending: PendingReport, ctx: Context) -> None:
    """Open a held report with the address it has, and tell its reporter."""
    ctx.store.drop_pending(pending.id)
    if ctx.store.ticket_for_message(pending.message.id) is not None:
        return  # a hazard, opened at once; only its exact place never came
    u = Understanding.model_validate(pending.understanding)
    msg = pending.message
    reply = await open_report(msg, u, u.address or Address(), ctx)
    await ctx.tell(msg.conversation, reply, *_mention(msg))


@router.tick()
async def open_unanswered_reports(ctx: Context) -> None:
    """A report whose address never came is still recorded and sent out as it stands;
    each on its own, so one that fails cannot hold up the others."""
    ctx.store.drop_expired_confirms(ctx.now())
    for pending in ctx.store.expired_reports(ctx.now()):
        try:
            with ctx.store.atomic():
                await _open_held(pending, ctx)
        except Exception:
            log.exception("could not open held report %s", pending.message.id)


@router.message(lambda m, c: understand(m, c).confirm and understand(m, c).intent is Intent.other)
async def ask_whether_report(msg: Incoming, ctx: Context) -> str:
    """Power and a place, and nothing reads it as a report: ask rather than stay silent."""
    hold_for_confirmation(msg, ctx)
    return ASK_REPORT


def _mention(msg: Incoming) -> tuple[Mention, ...]:
    return (Mention(id=msg.sender.id, name=msg.sender.name),)


@router.message(lambda m, c: understand(m, c).intent is Intent.progress_query)
async def answer_progress(msg: Incoming, ctx: Context) -> str:
    tickets = ctx.store.open_tickets_of_reporter(msg.sender.id)
    if msg.conversation.is_group:  # a group sees only what was reported in it
        tickets = [t for t in tickets if t.group_id == msg.conversation.id]
    if not tickets:
        return PROGRESS_NONE
    lines = [
        PROGRESS_LINE.format(
            id=t.id,
            address=ticket_address(t, ctx.config),
            state=ticket_state(t, ctx.config),
            due="" if t.state == "arrived" else PROGRESS_DUE.format(due=local_time(t.due_at, ctx)),
        )
        for t in tickets
    ]
    return PROGRESS.format(lines="\n".join(lines))


@router.message(lambda m, c: understand(m, c).intent is Intent.complaint)
async def record_complaint(msg: Incoming, ctx: Context) -> str:
    complaint_id = ctx.store.record_complaint(msg)
    where = msg.conversation.topic if msg.conversation.is_group else "私聊"
    await ctx.tell_admins(
        COMPLAINT_TO_ADMINS.format(
            id=complaint_id, who=msg.sender.display, where=where, text=msg.text[:500]
        )
    )
    return COMPLAINT.format(id=complaint_id, hotline=ctx.config.station.hotline)
