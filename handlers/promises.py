"""The commitment clock: what happens when a promise is about to be, or has been, missed.

Timers (rows of the timers table, set by handlers/tickets.py and handlers/repairs.py)
fire here, each in its own transaction:

- accept: not accepted in `accept_minutes` -> the next on-duty worker of the team not
  tried yet, and the team leader is told (and the admins, for an urgent ticket or when
  everyone was tried);
- warn: 80% of the arrival promise gone and nobody there -> the worker and the leader;
- missed: the promise missed -> the admins, and every reporter hears an apology and the
  new expected time;
- restore: the restoration target missed -> the admins;
- followup: no answer a day after 完成 -> closed as unconfirmed;
"""

from __future__ import annotations

from datetime import timedelta

from bot.records import Ticket, Timer
from bot.router import URGENT, Context, Router
from handlers.common import FAULT_WORDS, local_time, ticket_address, worker_label
from handlers.tickets import (
    WORKING,
    State,
    assign,
    leaders,
    move,
    on_duty,
    reports_of,
    tell_reporters,
)

router = Router(name=__name__)

# What workers, leaders, admins and residents read.
NOT_ACCEPTED_LEADER = (
    "【超时未接 #{id}】{address} {fault}：{worker} {minutes} 分钟内没有接单，{then}"
)
HANDED_ON = "已转给{worker}。"
TAKEN_AWAY = "工单 #{id} 超时未接，{worker}"
NOBODY_ELSE = "值班师傅都派过了，请尽快电话联系安排。"
WARN = "【提醒 #{id}】{address}：离承诺到达时间（{due}）只剩 {left} 分钟，请抓紧。"
MISSED_ADMINS = "【超时 #{id}】{address} {fault}：承诺 {due} 前到达，现在还没到场（{state}）。"
MISSED_RESIDENT = (
    "非常抱歉，师傅没能在承诺时间内赶到（工单 {id}）。已通知负责人督办，预计 {due} 前到达。"
)
RESTORE_ADMINS = "【未复电 #{id}】{address} {fault}：超过复电目标时间（{due}）仍未处理完，请关注。"


def _open_lead(timer: Timer, ctx: Context) -> Ticket | None:
    ticket = ctx.store.ticket(int(timer.ref))
    if ticket is None or ticket.incident_id is not None:
        return None
    return ticket


def _words(ticket: Ticket, ctx: Context) -> dict[str, str]:
    return {
        "id": str(ticket.id),
        "address": ticket_address(ticket, ctx.config),
        "fault": FAULT_WORDS.get(ticket.fault_type or "other", ""),
        "worker": worker_label(ctx.config, ticket.worker_id),
        "due": local_time(ticket.due_at, ctx),
    }


@router.timer("accept")
async def escalate_unaccepted(timer: Timer, ctx: Context) -> None:
    ticket = _open_lead(timer, ctx)
    if ticket is None or ticket.state != State.assigned:
        return
    if ticket.worker_id != timer.payload.get("worker"):
        return  # handed to someone else meanwhile: that hand-over has its own clock
    words = _words(ticket, ctx)
    words["minutes"] = str(ctx.config.service.accept_minutes)
    tried = tuple(timer.payload.get("tried", [ticket.worker_id]))
    untried = [w for w in on_duty(ticket.team, ctx) if w.id not in tried]
    told = leaders(ticket.team, ctx)
    if untried:
        previous, nxt = ticket.worker_id, untried[0].id
        ticket = await assign(ticket, nxt, ctx, None, "system", tried)
        then = HANDED_ON.format(worker=worker_label(ctx.config, nxt))
        if previous and all(previous != leader.id for leader in told):
            await ctx.tell_person(previous, TAKEN_AWAY.format(id=ticket.id, worker=then))
    else:  # everyone on duty was tried: it stays with the last, and people are told
        then = NOBODY_ELSE
    notice = NOT_ACCEPTED_LEADER.format(**words, then=then)
    for leader in told:
        await ctx.tell_person(leader.id, notice, URGENT)
    if not told or then == NOBODY_ELSE or ticket.urgent:  # a life or a danger: the station head
        await ctx.tell_admins(notice, URGENT)


@router.timer("warn")
async def warn_before_the_promise(timer: Timer, ctx: Context) -> None:
    ticket = _open_lead(timer, ctx)
    if ticket is None or ticket.state not in (State.assigned, State.accepted) or not ticket.due_at:
        return
    if ctx.now() >= ticket.due_at:
        return  # fired late (the bot was down): the missed promise speaks for itself
    left = max(0, int((ticket.due_at - ctx.now()).total_seconds() // 60))
    notice = WARN.format(**_words(ticket, ctx), left=left)
    if ticket.worker_id:
        await ctx.tell_person(ticket.worker_id, notice, URGENT)
    for leader in leaders(ticket.team, ctx):
        if leader.id != ticket.worker_id:
            await ctx.tell_person(leader.id, notice, URGENT)


@router.timer("missed")
async def apologise_for_a_missed_promise(timer: Timer, ctx: Context) -> None:
    ticket = _open_lead(timer, ctx)
    if ticket is None or ticket.state not in (State.assigned, State.accepted):
        return  # arrived, done, or back with nobody (no promise stands then)
    if ticket.due_at is None or ctx.now() < ticket.due_at - timedelta(seconds=1):
        return  # a newer promise has its own timer
    words = _words(ticket, ctx)
    state = "无人接单" if ticket.state == State.assigned else "已接单在路上"
    await ctx.tell_admins(MISSED_ADMINS.format(**words, state=state), URGENT)
    for leader in leaders(ticket.team, ctx):
        await ctx.tell_person(leader.id, MISSED_ADMINS.format(**words, state=state), URGENT)
    if timer.payload.get("round", 0) >= 1:
        return  # apologised once already: the admins keep hearing, the group does not
    new_due = ctx.now() + timedelta(minutes=ctx.config.service.extension_minutes)
    ticket = ctx.store.set_ticket(ticket.id, ctx.now(), None, "system", "missed", due_at=new_due)
    await tell_reporters(
        ticket, MISSED_RESIDENT.format(id=ticket.id, due=local_time(new_due, ctx)), ctx
    )
    ctx.store.add_timer("missed", ticket.id, new_due, {"round": 1})


@router.timer("restore")
async def report_a_missed_restoration(timer: Timer, ctx: Context) -> None:
    ticket = _open_lead(timer, ctx)
    if ticket is None or ticket.state not in (State.open, *WORKING):
        return
    words = {**_words(ticket, ctx), "due": local_time(ticket.restore_due_at, ctx)}
    await ctx.tell_admins(RESTORE_ADMINS.format(**words), URGENT)


@router.timer("followup")
async def close_unanswered(timer: Timer, ctx: Context) -> None:
    ticket = ctx.store.ticket(int(timer.ref))
    if ticket is None:
        return
    for report in reports_of(ticket, ctx):
        if report.state == State.done:
            move(report, "unconfirmed", ctx, None, "system", outcome="unconfirmed", followup=None)
        elif report.followup is not None and report.state == State.closed:
            ctx.store.set_ticket(report.id, ctx.now(), None, "system", "unrated", followup=None)
