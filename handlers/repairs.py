"""The steps of a repair after dispatch: 接单, 到达, 完成, the follow-up (恢复了吗, a rating),
reopening, merging and splitting incidents, and the waiting tickets a worker coming on
duty is given. Service functions over handlers/tickets.py's state machine; the worker,
resident and admin handlers call them and word their own replies.

Every reporter of an incident hears each step: one message per group, @-mentioning the
reporters there.
"""

from __future__ import annotations

from datetime import timedelta

from bot.config import Worker
from bot.messages import Mention
from bot.records import Ticket
from bot.router import URGENT, Context
from handlers.common import local_time, titled, worker_label
from handlers.tickets import (
    MERGED_WORKER,
    REOPENED_WORKER,
    State,
    assign,
    dispatch,
    lead_of,
    move,
    reports_of,
    start_clocks,
    stop_clocks,
    tell_reporters,
)

# What residents read.
ACCEPTED_RESIDENT = "您报修的故障（工单 {id}）{worker}已接单，正在赶来，预计 {due} 前到达。"
ARRIVED_RESIDENT = "{worker}已到现场处理您报修的故障（工单 {id}）。"
DONE_RESIDENT = "您报修的故障（工单 {id}）已处理完毕：{note}。"
DONE_NO_NOTE = "师傅已处理好"
ASK_RESTORED = "\n请问现在电恢复了吗？回复 1 已恢复，2 还没有。"
ASK_RATING = "好的，谢谢！请给这次服务打个分：回复 1 到 5（5 分最满意）。"
THANKS_RATING = "收到您的评分，谢谢！有问题随时在群里说。"
REOPENED_RESIDENT = "抱歉还没修好！已把工单 {id} 重新交给{worker}优先处理，预计 {due} 前到达。"
STILL_ON_IT = "收到，工单 {id} 已重新交给{worker}处理，修好会在群里通知。"
HANDED_RESIDENT = "您报修的故障（工单 {id}）改由{worker}处理{due}。"
ASSIGNED_RESIDENT = "您报修的故障（工单 {id}）已安排{worker}处理{due}。"
DUE = "，预计 {due} 前到达"
TAKEN_FROM = "工单 #{id} 已改由{target}处理，您不用再去了。"


async def accept(ticket: Ticket, worker: Worker, ctx: Context) -> Ticket:
    ticket = move(ticket, "accepted", ctx, worker.id, "worker", worker_id=worker.id)
    stop_clocks(ticket, ctx, "accept")
    due = local_time(ticket.due_at, ctx)
    text = ACCEPTED_RESIDENT.format(id=ticket.id, worker=titled(worker.name), due=due)
    await tell_reporters(ticket, text, ctx)
    return ticket


async def arrive(ticket: Ticket, worker: Worker, ctx: Context) -> Ticket:
    ticket = _accept_first(ticket, worker, ctx)
    ticket = move(ticket, "arrived", ctx, worker.id, "worker")
    stop_clocks(ticket, ctx, "accept", "warn", "missed")
    text = ARRIVED_RESIDENT.format(id=ticket.id, worker=titled(worker.name))
    await tell_reporters(ticket, text, ctx)
    return ticket


async def complete(ticket: Ticket, worker: Worker, note: str, ctx: Context) -> Ticket:
    """Done: every report of the incident with it; every reporter told, in the same
    message asked whether power is back (a day without an answer closes it unconfirmed)."""
    ticket = _accept_first(ticket, worker, ctx)
    ticket = move(
        ticket, "done", ctx, worker.id, "worker", note, note=note or None, followup="restored"
    )
    for member in ctx.store.members(ticket.id):
        if member.state == State.joined:
            move(member, "done", ctx, worker.id, "worker", followup="restored")
    stop_clocks(ticket, ctx)
    hours = ctx.config.service.followup_close_hours
    ctx.store.add_timer("followup", ticket.id, ctx.now() + timedelta(hours=hours))
    done = DONE_RESIDENT.format(id=ticket.id, note=note or DONE_NO_NOTE) + ASK_RESTORED
    await tell_reporters(ticket, done, ctx)
    return ticket


def _accept_first(ticket: Ticket, worker: Worker, ctx: Context) -> Ticket:
    """到达 or 完成 straight after dispatch: the 接单 step is recorded too, so the trail
    reads opened, assigned, accepted, arrived, done."""
    if ticket.state == State.assigned:
        stop_clocks(ticket, ctx, "accept")
        return move(ticket, "accepted", ctx, worker.id, "worker", worker_id=worker.id)
    return ticket


def confirm(ticket: Ticket, ctx: Context) -> str:
    """Power is back, says the reporter: closed as confirmed; now the rating."""
    ticket = move(ticket, "confirmed", ctx, ticket.reporter_id, "resident", outcome="confirmed")
    ctx.store.set_ticket(
        ticket.id, ctx.now(), ticket.reporter_id, "resident", "asked", followup="rating"
    )  # (the incident's follow-up clock runs on: it closes the reports not answered)
    return ASK_RATING


def rate(ticket: Ticket, stars: int, ctx: Context) -> str:
    ctx.store.set_ticket(
        ticket.id, ctx.now(), ticket.reporter_id, "resident", "rated", rating=stars, followup=None
    )
    return THANKS_RATING


async def reopen(ticket: Ticket, text: str, ctx: Context) -> str | None:
    """Still no power after 完成: the same ticket to the same worker, first in the queue,
    with a new promise; every reporter of the incident told. Reopened already (a
    neighbour said so first): this report goes back into it."""
    lead = lead_of(ticket, ctx)
    if lead.state not in (State.done, State.closed):
        if ticket.id != lead.id and ticket.state in (State.done, State.closed):
            move(ticket, "rejoined", ctx, ticket.reporter_id, "resident", followup=None)
        return STILL_ON_IT.format(id=lead.id, worker=worker_label(ctx.config, lead.worker_id))
    due = ctx.now() + timedelta(minutes=lead.arrival_minutes or 90)
    lead = move(
        lead, "reopened", ctx, ticket.reporter_id, "resident", text[:200],
        followup=None, outcome=None, closed_at=None, due_at=due, nudged_at=None,
    )  # fmt: skip
    stop_clocks(lead, ctx, "followup")
    for member in ctx.store.members(lead.id):
        if member.state == State.done or member.id == ticket.id:
            move(member, "rejoined", ctx, ticket.reporter_id, "resident", followup=None)
    assert lead.worker_id is not None  # 完成 needs a worker
    await ctx.tell_person(
        lead.worker_id, REOPENED_WORKER.format(id=lead.id, text=text[:100]), URGENT
    )
    accept_by = ctx.now() + timedelta(minutes=ctx.config.service.accept_minutes)
    ctx.store.add_timer("accept", lead.id, accept_by, {"worker": lead.worker_id})
    start_clocks(lead, ctx)
    told = REOPENED_RESIDENT.format(
        id=lead.id, worker=worker_label(ctx.config, lead.worker_id), due=local_time(due, ctx)
    )
    await tell_reporters(lead, told, ctx)
    return None


async def reassign(ticket: Ticket, target: Worker, ctx: Context, actor: str, role: str) -> Ticket:
    """转单 / 派单: the ticket to another worker; the one who had it and the reporters told."""
    previous = ticket.worker_id
    ticket = await assign(ticket, target.id, ctx, actor, role)
    if previous and previous not in (target.id, actor):
        await ctx.tell_person(previous, TAKEN_FROM.format(id=ticket.id, target=titled(target.name)))
    told = HANDED_RESIDENT if previous else ASSIGNED_RESIDENT
    due = DUE.format(due=local_time(ticket.due_at, ctx)) if ticket.due_at else ""
    await tell_reporters(
        ticket, told.format(id=ticket.id, worker=titled(target.name), due=due), ctx
    )
    return ticket


async def hand_waiting(worker: Worker, ctx: Context) -> list[Ticket]:
    """A worker comes on duty: the team's tickets nobody could be sent to are theirs."""
    given = []
    for ticket in ctx.store.waiting_tickets(worker.team):
        given.append(await reassign(ticket, worker, ctx, worker.id, "system"))
    return given


async def merge(into: Ticket, other: Ticket, ctx: Context, actor: str) -> Ticket:
    """合并: another incident's lead and its reports join this one; its clocks stop."""
    reports = reports_of(other, ctx)
    worker = other.worker_id
    stop_clocks(other, ctx)
    move(other, "merged", ctx, actor, "admin", str(into.id), incident_id=into.id, worker_id=None)
    for member in reports[1:]:
        ctx.store.set_ticket(member.id, ctx.now(), actor, "admin", "merged", incident_id=into.id)
    if worker and worker != into.worker_id:
        text = MERGED_WORKER.format(old=other.id, into=into.id, worker=_worker(into, ctx))
        await ctx.tell_person(worker, text)
    return into


async def split(ticket: Ticket, ctx: Context, actor: str) -> Ticket:
    """拆分: a report taken out of its incident, a ticket of its own, dispatched."""
    ticket = move(ticket, "split", ctx, actor, "admin", incident_id=None, acked_at=None)
    ticket = await dispatch(ticket, ctx)
    start_clocks(ticket, ctx)
    return ticket


def _worker(ticket: Ticket, ctx: Context) -> str:
    return worker_label(ctx.config, ticket.worker_id)


def _mention(ticket: Ticket) -> Mention:
    return Mention(id=ticket.reporter_id, name=ticket.reporter_name)
