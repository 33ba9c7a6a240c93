"""Residents' fault reports: a ticket, a place to a known incident, or a question.

（直接描述）     3栋2单元501停电了 / 电线掉地上了 —— 报修，机器人回复工单号
报修             回答机器人「请问是要报修吗」，登记刚才说的情况

A report with its address goes to the repair service (handlers/tickets.py): a new
ticket, dispatched; a report of an outage already known joins it (the reporter hears
it is known, or a batched acknowledgement tells several at once); the same resident
again adds to their ticket. Without the address the bot asks once and waits
(`address_wait_minutes`, a timer); a later report of the same person with its address
completes the one waiting. A danger gets the advice that fits it, and a gas smell the
gas advice (it is not electrical).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.messages import Incoming, Mention
from bot.records import PendingReport, Ticket, Timer
from bot.router import SKIP, URGENT, Context, Router
from handlers.common import (
    community_kind,
    hold_for_confirmation,
    local_time,
    says,
    ticket_address,
    ticket_state,
    understand,
    worker_label,
)
from handlers.nlu.models import Address, FaultType, Intent, Understanding
from handlers.tickets import Filed, dispatch, file_report, lead_of

router = Router(name=__name__)
log = logging.getLogger(__name__)

# What residents read.
SAFETY_WIRE = "⚠️ 请远离断落的电线、冒烟的设备至少10米，不要触碰，看好老人小孩。\n"
SAFETY_FIRE = "⚠️ 有明火请马上拨打119，人先离开；不要用水扑救带电的设备。\n"
SAFETY_SHOCK = "⚠️ 有人触电：先断开电源，或用干燥的木棍把电线挑开，不要直接拉人；马上拨打120。\n"
GAS = (
    "⚠️ 煤气味不是电的问题：请马上开窗、离开，不要开关电灯电器、不要打火，"
    "到屋外再打燃气公司电话或119。"
)
LIFE_SUPPORT = "家里有呼吸机、制氧机等设备的，请先启用备用电源，必要时拨打120。已按紧急工单处理。\n"
OPENED = "已收到您的报修，工单号 {id}。\n地址：{address}\n{promise}"
PROMISE = "已通知抢修师傅，承诺 {minutes} 分钟内（{due} 前）到达，请保持电话畅通。"
PROMISE_NOBODY = "值班师傅暂时都不在，已通知值班负责人尽快安排；急事请拨打{hotline}。"
PROMISE_NO_PLACE = "工作人员会尽快确认地址并安排师傅，急事请拨打{hotline}。"
JOINED = "这个故障已有邻居报修（工单 {id}），{state}{due}。不用重复报修，修好会在群里通知。"
JOINED_DUE = "，预计 {due} 前到达"
LATE = "，已超过原定到达时间（{due}），已通知负责人督办"
REPEATED = "您报修的故障（工单 {id}）{state}{due}。已提醒师傅尽快处理。"
REPEATED_WAITING = "您报修的故障（工单 {id}）{state}{due}。已催负责人尽快安排师傅。"
ASK_ESTATE = "收到！请问具体是几栋几单元几号？例如「3栋2单元501」，我马上为您登记报修。"
ASK_VILLAGE = "收到！请问是哪个村、几组几号？例如「东岭村3组15号」，我马上为您登记报修。"
ASK_PLACE = "收到！请问是哪个小区或村、具体地址？例如「幸福花园3栋2单元501」，我马上为您登记报修。"
ASK_HAZARD_PLACE = "\n请告诉我们具体位置（哪栋楼、哪个路口附近），方便师傅尽快找到。"
ASK_HAZARD_VILLAGE = "\n请告诉我们是哪个村、几组，附近有什么标志，方便师傅尽快找到。"
ADDRESS_ADDED = "已把位置补充到工单 {id}：{address}。"
ADDRESS_TO_WORKER = "工单 #{id} 补充了位置：{address}"
REROUTED = "工单 #{id} 的位置在{address}，归其他班组，已改派，您不用去了。"
SHOCK_TO_ADMINS = "【有人触电 #{id}】{address}：「{text}」已派{worker}，请马上跟进。"
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


def _kind_here(address: Address, msg: Incoming, ctx: Context) -> str | None:
    """Estate or village: the community's, or the one kind of every community the group
    covers (a joint village group asks in village words)."""
    kind = community_kind(ctx.config, address.community)
    if kind is None and msg.conversation.is_group:
        group = ctx.config.group(msg.conversation.topic)
        kinds = {community_kind(ctx.config, c) for c in (group.communities if group else [])}
        kind = kinds.pop() if len(kinds) == 1 else None
    return kind


def _ask_for_address(address: Address, msg: Incoming, ctx: Context) -> str:
    kind = _kind_here(address, msg, ctx)
    if kind is None:
        return ASK_PLACE
    return ASK_VILLAGE if kind == "village" else ASK_ESTATE


async def open_report(
    msg: Incoming, u: Understanding, address: Address, ctx: Context,
    text: str | None = None, first_at: object = None,
) -> str:  # fmt: skip
    """File the report with the repair service and word the reply to the reporter."""
    filed = await file_report(msg, u, address, ctx, text, first_at)  # type: ignore[arg-type]
    prefix = _advice(msg, u, ctx)
    if u.fault_type is FaultType.hazard and says(msg, ctx, "SHOCKED"):
        await _alert_shock(filed, msg, ctx)
    if filed.kind == "opened":
        return prefix + _opened(filed, ctx)
    if not filed.tell_now and not prefix:
        return None  # type: ignore[return-value]  # told minutes ago, or told in a batch soon
    if filed.kind == "repeated":
        return prefix + repeated_words(filed.lead, ctx)
    ctx.store.set_ticket(
        filed.ticket.id, ctx.now(), None, "system", "acknowledged", acked_at=ctx.now()
    )
    return prefix + progress_words(JOINED, filed.lead, ctx)


def _opened(filed: Filed, ctx: Context) -> str:
    ticket = filed.ticket
    if ticket.team is None:
        promise = PROMISE_NO_PLACE.format(hotline=ctx.config.station.hotline)
    elif ticket.worker_id is None:  # no promise the station cannot keep
        promise = PROMISE_NOBODY.format(hotline=ctx.config.station.hotline)
    else:
        first = ticket.first_reported_at or ticket.created_at
        minutes = round(((ticket.due_at or first) - first).total_seconds() / 60)
        promise = PROMISE.format(minutes=minutes, due=local_time(ticket.due_at, ctx))
    where = ticket_address(ticket, ctx.config)
    return OPENED.format(id=ticket.id, address=where, promise=promise)


def progress_words(template: str, lead: Ticket, ctx: Context) -> str:
    """The incident's number, state and expected time (or the truth that it is late)."""
    due = ""
    if lead.state in ("open", "assigned", "accepted") and lead.due_at is not None:
        late = ctx.now() > lead.due_at
        due = (LATE if late else JOINED_DUE).format(due=local_time(lead.due_at, ctx))
    return template.format(id=lead.id, state=ticket_state(lead, ctx.config), due=due)


def repeated_words(lead: Ticket, ctx: Context) -> str:
    """To a resident repeating or urging: where their repair is, and that it was pushed."""
    return progress_words(REPEATED if lead.worker_id else REPEATED_WAITING, lead, ctx)


@router.timer("ack")
async def acknowledge_joined(timer: Timer, ctx: Context) -> None:
    """One message to a group, @-mentioning its reporters of a known outage not told yet
    (at most one such message per group per `ack_every_seconds`)."""
    by_lead: dict[int, list[Ticket]] = {}
    for t in ctx.store.unacknowledged(timer.ref):
        by_lead.setdefault(t.incident_id or t.id, []).append(t)
    for tickets in by_lead.values():
        lead = lead_of(tickets[0], ctx)
        mentions = {t.reporter_id: Mention(id=t.reporter_id, name=t.reporter_name) for t in tickets}
        group = tickets[0].group
        assert group is not None
        await ctx.tell(group, progress_words(JOINED, lead, ctx), *mentions.values())
        for t in tickets:
            ctx.store.set_ticket(
                t.id, ctx.now(), None, "system", "acknowledged", acked_at=ctx.now()
            )


def _advice(msg: Incoming, u: Understanding, ctx: Context) -> str:
    """The safety advice that fits the danger, or the life-support advice."""
    if u.fault_type is not FaultType.hazard:
        return LIFE_SUPPORT if u.urgent else ""
    if says(msg, ctx, "SHOCKED"):
        return SAFETY_SHOCK
    if says(msg, ctx, "FIRE_NOW"):
        return SAFETY_FIRE
    return SAFETY_WIRE


async def _alert_shock(filed: Filed, msg: Incoming, ctx: Context) -> None:
    """Someone shocked: the admins hear of it at once, not only the worker."""
    lead = filed.lead
    text = SHOCK_TO_ADMINS.format(
        id=lead.id, address=ticket_address(lead, ctx.config), text=msg.text[:200],
        worker=worker_label(ctx.config, lead.worker_id),
    )  # fmt: skip
    await ctx.tell_admins(text, URGENT)


# -- the address wait ---------------------------------------------------------------------


def _has_pending(msg: Incoming, ctx: Context) -> bool:
    return (
        msg.conversation.is_group
        and ctx.store.pending_report(msg.conversation.id, msg.sender.id) is not None
    )


@router.message(lambda m, c: says(m, c, "GAS_SMELL"))
async def warn_about_gas(msg: Incoming, ctx: Context) -> str:
    """A gas smell is a danger, not an electrical one: what to do, at once. First, before
    anything reads it as a power fault (燃气管漏气了 is not a hazard on the line)."""
    ctx.data["reply_priority"] = URGENT
    return GAS


@router.message(_has_pending)
async def complete_address(msg: Incoming, ctx: Context) -> str | None:
    """The reporter's next message after we asked for the address completes the report.
    A new report with its own place completes it too, with the newer, finer reading
    (我家停电了, then 我家跳闸了合不上，6栋2单元301: one ticket, a trip)."""
    pending = ctx.store.pending_report(msg.conversation.id, msg.sender.id)
    now_said = understand(msg, ctx)
    given = now_said.address_in_text
    if given is None or given.is_empty():
        return SKIP
    first = Understanding.model_validate(pending.understanding)
    if _is_hazard(now_said) != _is_hazard(first) and now_said.intent is Intent.fault_report:
        return SKIP  # another fault with its own place, not the place of this one
    if now_said.intent is Intent.fault_report and now_said.fault_type is not None:
        first = first.model_copy(
            update={"fault_type": now_said.fault_type, "urgent": first.urgent or now_said.urgent}
        )
    address = given.merged_over(first.address or Address())
    ctx.store.drop_pending(pending.id)
    ctx.store.cancel_timers("address", pending.id)
    opened = ctx.store.ticket_for_message(pending.message.id)
    if opened is not None:
        return await amend_address(opened, address, msg, ctx)
    if not first.urgent:  # the place given is inside an outage that is on: that outage
        from handlers.outages import answer_for_place

        known = answer_for_place(address, first.fault_type, pending.message, ctx)
        if known is not None:
            return known
    text = f"{pending.message.text}\n（补充）{msg.text}"
    return await open_report(pending.message, first, address, ctx, text, pending.created_at)


def _own_ticket_lacking(
    msg: Incoming, u: Understanding, address: Address, ctx: Context
) -> Ticket | None:
    if not msg.conversation.is_group or address.building is None:
        return None
    for ticket in reversed(ctx.store.tickets_lacking_place(msg.conversation.id)):
        same_danger = (ticket.fault_type == FaultType.hazard) == _is_hazard(u)
        if ticket.reporter_id == msg.sender.id and same_danger:
            return ticket
    return None


def _is_hazard(u: Understanding) -> bool:
    return u.fault_type is FaultType.hazard


def _place_for_waiting(msg: Incoming, ctx: Context) -> PendingReport | Ticket | None:
    """A place said alone in a group (6栋2单元301), for a report still without one: the
    sender's own ticket that never got its place, or, when exactly one report of the group
    waits for its place, a neighbour answering the bot's question for its reporter."""
    if not msg.conversation.is_group:
        return None
    u = understand(msg, ctx)
    said = u.address_in_text
    if u.intent is Intent.fault_report or said is None or said.is_empty():
        return None
    lacking = ctx.store.tickets_lacking_place(msg.conversation.id)
    own = [t for t in lacking if t.reporter_id == msg.sender.id]
    if own:
        return own[-1]
    pending = ctx.store.pending_reports_in(msg.conversation.id)
    held = {p.message.id for p in pending}  # a danger waits for its place with its ticket
    waiting = [*pending, *(t for t in lacking if t.source_message_id not in held)]
    if u.intent is Intent.other and len(waiting) == 1:
        return waiting[0]
    return None


@router.message(lambda m, c: _place_for_waiting(m, c) is not None)
async def add_late_place(msg: Incoming, ctx: Context) -> str | None:
    target = _place_for_waiting(msg, ctx)
    given = understand(msg, ctx).address_in_text or Address()
    if isinstance(target, PendingReport):
        first = Understanding.model_validate(target.understanding)
        address = given.merged_over(first.address or Address())
        ctx.store.drop_pending(target.id)
        ctx.store.cancel_timers("address", target.id)
        opened = ctx.store.ticket_for_message(target.message.id)
        if opened is not None:  # a danger, dispatched at once: its place is added
            return await amend_address(opened, address, msg, ctx)
        text = f"{target.message.text}\n（{msg.sender.display}补充）{msg.text}"
        reply = await open_report(target.message, first, address, ctx, text, target.created_at)
        if reply:
            reporter = target.message.sender
            await ctx.tell(msg.conversation, reply, Mention(id=reporter.id, name=reporter.name))
        return None
    return await amend_address(target, given, msg, ctx)  # type: ignore[arg-type]


async def amend_address(ticket, address: Address, msg: Incoming, ctx: Context) -> str:  # noqa: ANN001
    """The place of a ticket opened without it (a hazard at once, or a wait that ran
    out) is added; a ticket nobody could be sent to is dispatched now."""
    community = ctx.config.community(address.community)
    lead = lead_of(ticket, ctx)
    team = community.team if community and community.team else ticket.team
    rerouted = team != ticket.team and lead.id == ticket.id and lead.state in ("open", "assigned")
    if not rerouted:
        team = ticket.team or team
    merged = address.merged_over(
        Address(
            community=ticket.community, building=ticket.building, unit=ticket.unit, room=ticket.room
        )
    )
    ticket = ctx.store.amend_address(
        ticket.id, {**merged.model_dump(), "team": team}, ctx.now(), msg.sender.id
    )
    where = ticket_address(ticket, ctx.config)
    if rerouted and lead.worker_id is not None:  # the place belongs to another team
        await ctx.tell_person(lead.worker_id, REROUTED.format(id=ticket.id, address=where))
        await dispatch(ticket, ctx)
    elif lead.worker_id is not None:
        await ctx.tell_person(lead.worker_id, ADDRESS_TO_WORKER.format(id=ticket.id, address=where))
    elif lead.state == "open":  # nobody could be sent without the place: now someone can
        await dispatch(ticket, ctx)
    return ADDRESS_ADDED.format(id=ticket.id, address=where)


async def _wait_for_address(msg: Incoming, u: Understanding, ctx: Context) -> None:
    """Hold the report until its address comes; one this person already had waiting is
    opened as it stands, never dropped. The wait is a timer."""
    earlier = ctx.store.pending_report(msg.conversation.id, msg.sender.id)
    if earlier is not None:
        await _open_held(earlier, ctx)
    wait = timedelta(minutes=ctx.config.service.address_wait_minutes)
    pending_id = ctx.store.hold_report(msg, u.model_dump(mode="json"), ctx.now() + wait)
    ctx.store.add_timer("address", pending_id, ctx.now() + wait)


async def _open_held(pending: PendingReport, ctx: Context) -> None:
    """Open a held report with the address it has, and tell its reporter."""
    ctx.store.drop_pending(pending.id)
    ctx.store.cancel_timers("address", pending.id)
    if ctx.store.ticket_for_message(pending.message.id) is not None:
        return  # a hazard, opened at once; only its exact place never came
    u = Understanding.model_validate(pending.understanding)
    msg = pending.message
    reply = await open_report(msg, u, u.address or Address(), ctx, None, pending.created_at)
    if reply:
        await ctx.tell(msg.conversation, reply, Mention(id=msg.sender.id, name=msg.sender.name))


@router.timer("address")
async def open_unanswered_report(timer: Timer, ctx: Context) -> None:
    """A report whose address never came is still recorded and sent out as it stands."""
    pending = ctx.store.pending_by_id(int(timer.ref))
    if pending is not None:
        await _open_held(pending, ctx)


# -- reports and the question before one ----------------------------------------------------


def _yes_or_no(msg: Incoming) -> bool | None:
    word = _NOT_WORD.sub("", msg.text)
    return True if word in YES else False if word in NO else None


def answers_question(msg: Incoming, ctx: Context) -> bool:
    """报修 / 不是, right after the bot asked 请问是要报修吗."""
    if len(msg.text) > 12 or _yes_or_no(msg) is None:
        return False
    return ctx.store.pending_confirm(msg.conversation.id, msg.sender.id, ctx.now()) is not None


@router.message(answers_question)
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
async def report_fault(msg: Incoming, ctx: Context) -> str | None:
    u = understand(msg, ctx)
    if u.confirm:  # only the model reads a report here, and not surely: ask first
        hold_for_confirmation(msg, ctx)
        return ASK_REPORT
    return await _report(msg, u, ctx)


async def _report(msg: Incoming, u: Understanding, ctx: Context) -> str | None:
    address = u.address or Address()
    if u.urgent:  # the safety advice goes out before anything else waiting
        ctx.data["reply_priority"] = URGENT
    lacking = _own_ticket_lacking(msg, u, address, ctx)
    if lacking is not None:  # the report again, now with the place its ticket never got
        return await amend_address(lacking, address, msg, ctx)
    if u.fault_type is FaultType.hazard:
        reply = await open_report(msg, u, address, ctx)
        if address.building is None and msg.conversation.is_group:
            await _wait_for_address(msg, u, ctx)
            village = _kind_here(address, msg, ctx) in ("village", None)
            reply += ASK_HAZARD_VILLAGE if village else ASK_HAZARD_PLACE
        return reply
    if _address_complete(address, u.fault_type):
        return await open_report(msg, u, address, ctx)
    if msg.conversation.is_group:
        await _wait_for_address(msg, u, ctx)
        return _ask_for_address(address, msg, ctx)
    return await open_report(msg, u, address, ctx)


@router.message(lambda m, c: understand(m, c).confirm and understand(m, c).intent is Intent.other)
async def ask_whether_report(msg: Incoming, ctx: Context) -> str:
    """Power and a place, and nothing reads it as a report: ask rather than stay silent."""
    hold_for_confirmation(msg, ctx)
    return ASK_REPORT
