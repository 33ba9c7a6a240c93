"""The repair service: tickets as a state machine, incidents, dispatch, and the clocks.

Handlers call this; none of them changes a ticket's state itself. Every move is in
`MOVES` (from which states, to which) and writes its event with who made it (resident,
worker, leader, admin, system).

**Incidents.** Reports of one outage (the same community, the same building or one of
them without a building, a fault of the same family, within the incident window) join
the first one's ticket, its lead: one dispatch, one worker. Each joined report is a
ticket of its own in state `joined`, pointing at its lead, so every reporter is known
and told of every step. A fault of one home (household outage, trip, meter) stays its
own ticket; the same resident repeating or urging adds to their ticket instead (and
nudges the worker, once).

**Clocks.** A lead gets timers (the `timers` table, fired by handlers/promises.py): not
accepted in time, 80% of the arrival promise, the promise missed, the restoration
target. The promise counts from the first report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.config import Worker
from bot.messages import Conversation, Incoming, Mention
from bot.records import NewTicket, Ticket
from bot.router import URGENT, Context
from handlers.common import FAULT_WORDS, local_time, ticket_address, worker_label
from handlers.nlu.models import Address, FaultType, Understanding

log = logging.getLogger(__name__)

# What workers, leaders and admins read.
DISPATCH = (
    "【新工单 #{id}】{urgent}\n地址：{address}\n故障：{fault}\n报修人：{reporter}（{group}）\n"
    "原话：{text}\n请在 {due} 前到达。\n回复「接单 {id}」接单，到场回复「到达 {id}」，"
    "修好回复「完成 {id} 处理情况」。"
)
URGENT_MARK = "⚠️紧急，请优先处理"
HAZARD_ALERT = "【紧急 #{id}】{address} {fault}，已派给{worker}。请留意，需要时就近支援。"
LIFE_ALERT = "【紧急 #{id}】{address} 有人靠电维持生命健康，已派给{worker}，请盯紧。"
NUDGE = "【催单 #{id}】报修人又在催了：「{text}」请尽快到达。"
REOPENED_WORKER = "【返修 #{id}】报修人说还没恢复：「{text}」请优先处理。"
NO_ONE_ON_DUTY = (
    "【待派单 #{id}】{address} {fault}，{team}现在没有值班师傅，请尽快派单（派单 {id} 师傅姓名）。\n"
    "报修人：{reporter}（{group}）\n原话：{text}"
)
NO_TEAM = (
    "【待派单 #{id}】{address} {fault}：不知道是哪个小区/村，请确认地址后派单（派单 {id} 师傅姓名）。\n"
    "报修人：{reporter}（{group}）\n原话：{text}"
)
NOW_URGENT = "【紧急 #{id}】报修人补充：「{text}」请优先处理。"
MERGED_WORKER = "工单 #{old} 已并入 #{into}，由{worker}统一处理。"


class State(StrEnum):
    open = "open"  # nobody has it yet
    assigned = "assigned"
    accepted = "accepted"
    arrived = "arrived"
    done = "done"  # the worker says it is fixed; the reporter is asked
    closed = "closed"  # confirmed, unconfirmed after a day, or merged away
    joined = "joined"  # a report of an incident: its lead carries the work


WORKING = (State.assigned, State.accepted, State.arrived)
# move -> (the states it may start from, the state it leads to)
MOVES: dict[str, tuple[tuple[State, ...], State]] = {
    "assigned": ((State.open, *WORKING), State.assigned),
    "accepted": ((State.assigned,), State.accepted),
    "arrived": ((State.accepted,), State.arrived),
    "done": ((State.accepted, State.arrived, State.joined), State.done),
    "reopened": ((State.done, State.closed), State.assigned),
    "confirmed": ((State.done,), State.closed),
    "unconfirmed": ((State.done,), State.closed),
    "merged": ((State.open, *WORKING), State.joined),
    "split": ((State.joined,), State.open),
    "rejoined": ((State.done, State.closed), State.joined),  # its incident reopened
}
HOUSEHOLD = (FaultType.household_outage, FaultType.trip, FaultType.meter)
# A report joins an open incident of these faults. A home without power, or anything
# unclear, in a building that is out joins that outage; a trip or a meter is one home's
# own.
JOINS: dict[FaultType, tuple[FaultType, ...]] = {
    FaultType.area_outage: (FaultType.area_outage,),
    FaultType.household_outage: (FaultType.area_outage,),
    FaultType.voltage: (FaultType.voltage,),
    FaultType.hazard: (FaultType.hazard,),
    FaultType.other: (FaultType.area_outage,),  # 楼道灯都不亮了 in a building that is out
}
NEEDS_BUILDING = (FaultType.household_outage, FaultType.other)  # to be taken for an outage
QUIET_REPEATS = timedelta(minutes=10)  # a repeat within this of the last one draws no reply
CLOCKS = ("accept", "warn", "missed", "restore")


class MoveRefused(Exception):
    """A move the state machine does not allow from the ticket's state."""


def move(
    ticket: Ticket, action: str, ctx: Context, actor: str | None, role: str,
    detail: str | None = None, **changes: object,
) -> Ticket:  # fmt: skip
    starts, to = MOVES[action]
    if ticket.state not in starts:
        raise MoveRefused(f"ticket {ticket.id} is {ticket.state}: cannot be {action}")
    return ctx.store.move_ticket(ticket.id, to, ctx.now(), actor, role, action, detail, **changes)


@dataclass(frozen=True)
class Filed:
    """What became of a report: a new ticket, a report joining an incident, or a repeat."""

    kind: str  # opened / joined / repeated
    ticket: Ticket  # the reporter's own ticket
    lead: Ticket  # the ticket that carries the work
    tell_now: bool = True  # False: a batched acknowledgement will tell them (joined), or
    # they were answered minutes ago (repeated)


async def file_report(
    msg: Incoming, u: Understanding, address: Address, ctx: Context,
    text: str | None = None, first_at: datetime | None = None,
) -> Filed:  # fmt: skip
    """A fault report, with the address it has: repeated, joined to an incident, or opened."""
    text = (text or msg.text)[:2000]
    group_id = msg.conversation.id if msg.conversation.is_group else None
    now = ctx.now()
    own = [
        t for t in ctx.store.open_tickets_of_reporter(msg.sender.id)
        if t.group_id == group_id and _same_place(t, address) and _same_kind(t, u.fault_type)
    ]  # fmt: skip
    if own:
        return await repeat(own[-1], text, ctx, u.urgent)
    fault = u.fault_type or FaultType.other
    joins = JOINS.get(fault, ())
    if joins and address.community is not None:
        since = now - timedelta(minutes=ctx.config.service.incident_window_minutes)
        building = address.building
        if fault in NEEDS_BUILDING and building is None:
            joins = ()  # something somewhere in the community: not taken for an outage
        exact = fault is FaultType.hazard  # two dangers are one only at one place
        if exact and building is None:
            joins = ()
        lead = ctx.store.incident_lead(
            address.community, building, tuple(f.value for f in joins), since, exact
        ) if joins else None  # fmt: skip
        if lead is not None:
            ticket, _ = ctx.store.open_ticket(
                _new(msg, u, address, ctx, text, first_at, state="joined", incident_id=lead.id)
            )
            if u.urgent:
                lead = await made_urgent(lead, text, ctx)
            return Filed("joined", ticket, lead, u.urgent or acknowledge_now(group_id, ctx))
    ticket, created = ctx.store.open_ticket(_new(msg, u, address, ctx, text, first_at))
    if created:
        log.info("ticket %s opened from %s", ticket.id, msg.id)
        if ticket.restore_due_at is not None:
            ctx.store.add_timer("restore", ticket.id, ticket.restore_due_at)
        ticket = await dispatch(ticket, ctx)
    return Filed("opened", ticket, ticket)


def team_for(address: Address, msg: Incoming, fault: FaultType | None, ctx: Context) -> str | None:
    """The community's team; with no community, the team of the group's communities
    when they share one, or for a hazard the team serving the villages (a joint village
    group or the town group: a danger must reach someone while its place is asked)."""
    community = ctx.config.community(address.community)
    if community is not None:
        return community.team
    group = ctx.config.group(msg.conversation.topic) if msg.conversation.is_group else None
    covered = [ctx.config.community(n) for n in (group.communities if group else [])]
    teams = {c.team for c in covered if c and c.team}
    if len(teams) == 1:
        return teams.pop()
    if fault is FaultType.hazard:
        return ctx.config.village_team()
    return None


def _same_place(ticket: Ticket, address: Address) -> bool:
    def agree(a: str | None, b: str | None) -> bool:
        return a is None or b is None or a == b

    return agree(ticket.community, address.community) and agree(ticket.building, address.building)


_FAMILY = {FaultType.hazard: "danger", FaultType.trip: "trip", FaultType.meter: "meter"}


def _same_kind(ticket: Ticket, fault: FaultType | None) -> bool:
    """Is a resident's new report the same fault as their open ticket? A danger is never
    a repeat of a home's fault; a trip or a meter is not an outage of the building (and
    the other way round); an unclear one (快来啊, other) is taken for the same."""
    if fault in (None, FaultType.other):
        return True
    old = FaultType(ticket.fault_type or "other")
    if old is FaultType.other:
        return fault is not FaultType.hazard
    return _FAMILY.get(old, "power") == _FAMILY.get(fault, "power")


def _new(
    msg: Incoming, u: Understanding, address: Address, ctx: Context, text: str,
    first_at: datetime | None, **extra: object,
) -> NewTicket:  # fmt: skip
    community = ctx.config.community(address.community)
    first = min(first_at or ctx.now(), ctx.now())
    arrival = ctx.config.service.arrival_for(community)
    return NewTicket(
        source_message_id=msg.id,
        **address.model_dump(),
        fault_type=(u.fault_type or FaultType.other).value,
        urgent=u.urgent,
        team=team_for(address, msg, u.fault_type, ctx),
        reporter_id=msg.sender.id,
        reporter_name=msg.sender.name,
        group_id=msg.conversation.id if msg.conversation.is_group else None,
        group_topic=msg.conversation.topic if msg.conversation.is_group else None,
        text=text,
        created_at=ctx.now(),
        first_reported_at=first,
        due_at=None,  # promised when a worker has it (assign): nothing nobody can keep
        arrival_minutes=arrival,
        restore_due_at=first + timedelta(minutes=ctx.config.service.restore_for(community)),
        **extra,  # type: ignore[arg-type]
    )


async def repeat(ticket: Ticket, text: str, ctx: Context, urgent: bool = False) -> Filed:
    """The same resident again, or urging (快点来啊): on their ticket, and the worker
    nudged once (with nobody on it, the leaders and admins paged once). `urgent`: what
    they add makes it urgent. `tell_now` is False when they were answered less than
    QUIET_REPEATS ago."""
    last = ctx.store.last_event_at(ticket.id, "repeated")
    tell = last is None or ctx.now() - last >= QUIET_REPEATS
    ticket = ctx.store.set_ticket(
        ticket.id, ctx.now(), ticket.reporter_id, "resident", "repeated", text[:200],
        text=_more(ticket, text),
    )  # fmt: skip
    lead = lead_of(ticket, ctx)
    if urgent and not lead.urgent:
        return Filed("repeated", ticket, await made_urgent(lead, text, ctx), True)
    if lead.nudged_at is None and lead.state in (State.open, *WORKING):
        if lead.worker_id:
            await ctx.tell_person(lead.worker_id, NUDGE.format(id=lead.id, text=text[:100]), URGENT)
        else:
            await page_for(lead, ctx)
        lead = ctx.store.set_ticket(
            lead.id, ctx.now(), None, "system", "nudged", nudged_at=ctx.now()
        )
    return Filed("repeated", ticket, lead, tell)


def _more(ticket: Ticket, text: str) -> str:
    """What the resident added, kept on the ticket (once, and not past 2000 characters)."""
    if text in ticket.text:
        return ticket.text
    return f"{ticket.text}\n（又说）{text}"[:2000]


def lead_of(ticket: Ticket, ctx: Context) -> Ticket:
    return ticket if ticket.incident_id is None else ctx.store.ticket(ticket.incident_id) or ticket


def acknowledge_now(group_id: str | None, ctx: Context) -> bool:
    """May a joined reporter be told right away? At most one acknowledgement per group per
    `ack_every_seconds`; the ones in between wait for a batched one (timer `ack`)."""
    if group_id is None:
        return True
    now, every = ctx.now(), timedelta(seconds=ctx.config.service.ack_every_seconds)
    if ctx.store.pending_timer("ack", group_id) is not None:
        return False
    last = ctx.store.last_fired("ack", group_id)
    if last is not None and now - last < every:
        ctx.store.add_timer("ack", group_id, last + every)
        return False
    ctx.store.fire_timer(ctx.store.add_timer("ack", group_id, now), now)
    return True


# -- dispatch ---------------------------------------------------------------------------


def dispatch_message(ticket: Ticket, ctx: Context) -> str:
    return DISPATCH.format(
        id=ticket.id,
        urgent=URGENT_MARK if ticket.urgent else "",
        address=ticket_address(ticket, ctx.config),
        fault=FAULT_WORDS.get(ticket.fault_type or "other", "故障"),
        reporter=ticket.reporter_name or "居民",
        group=ticket.group_topic or "私聊",
        text=_shorten(ticket.text, 300),
        due=local_time(ticket.due_at, ctx),
    )


async def dispatch(ticket: Ticket, ctx: Context) -> Ticket:
    """Round robin among the team's on-duty workers. A hazard reaches every on-duty
    worker of the team and the leader; a life at stake, the leader. Nobody on duty: the
    admins and leaders are paged."""
    team = ctx.config.team(ticket.team)
    worker_id = ctx.store.next_worker(team.id) if team else None
    if worker_id is None:
        await page_for(ticket, ctx)
        return ctx.store.set_ticket(ticket.id, ctx.now(), None, "system", "waiting", due_at=None)
    ticket = await assign(ticket, worker_id, ctx, None, "system")
    await _alert(ticket, ctx)
    return ticket


async def _alert(ticket: Ticket, ctx: Context) -> None:
    """A danger: every on-duty worker of the team and its leaders, once each; a life at
    stake: the leaders. (The worker who has it got the dispatch.)"""
    if not ticket.urgent:
        return
    hazard = ticket.fault_type == FaultType.hazard
    told = {w.id: w for w in leaders(ticket.team, ctx)}
    if hazard:
        told.update({w.id: w for w in on_duty(ticket.team, ctx)})
    text = (HAZARD_ALERT if hazard else LIFE_ALERT).format(
        id=ticket.id,
        address=ticket_address(ticket, ctx.config),
        fault=FAULT_WORDS.get(ticket.fault_type or "other", ""),
        worker=worker_label(ctx.config, ticket.worker_id),
    )
    for worker_id in told:
        if worker_id != ticket.worker_id:
            await ctx.tell_person(worker_id, text, URGENT)


async def made_urgent(lead: Ticket, text: str, ctx: Context) -> Ticket:
    """A later report or a repeat says a life depends on power (制氧机) or tells of a
    danger: the incident becomes urgent, its worker hears what was said, the leaders
    are alerted."""
    if lead.urgent or not lead.is_open:
        return lead
    lead = ctx.store.set_ticket(lead.id, ctx.now(), None, "system", "urgent", text[:200], urgent=1)
    if lead.worker_id is not None:
        await ctx.tell_person(
            lead.worker_id, NOW_URGENT.format(id=lead.id, text=_shorten(text, 200)), URGENT
        )
        await _alert(lead, ctx)
    else:
        await page_for(lead, ctx)
    return lead


async def page_for(ticket: Ticket, ctx: Context) -> None:
    """Nobody can be sent: the admins and the team's leaders are told, urgently."""
    team = ctx.config.team(ticket.team)
    notice = (NO_ONE_ON_DUTY if team else NO_TEAM).format(
        id=ticket.id,
        address=ticket_address(ticket, ctx.config),
        fault=FAULT_WORDS.get(ticket.fault_type or "other", ""),
        team=team.name if team else "",
        reporter=ticket.reporter_name or "居民",
        group=ticket.group_topic or "私聊",
        text=_shorten(ticket.text, 300),
    )
    await ctx.tell_admins(notice, URGENT)
    for leader in leaders(ticket.team, ctx):
        await ctx.tell_person(leader.id, notice, URGENT)
    if not ctx.config.admins and not leaders(ticket.team, ctx):
        log.warning("ticket %s has no worker and no admin or leader to hear of it", ticket.id)


async def assign(
    ticket: Ticket, worker_id: str, ctx: Context, actor: str | None, role: str,
    tried: tuple[str, ...] = (),
) -> Ticket:  # fmt: skip
    """Give a ticket to a worker, send them the dispatch, and start the acceptance clock
    (`tried`: the workers it went to before and who did not take it)."""
    promise = {} if ticket.due_at else {"due_at": _promise(ticket, ctx)}
    ticket = move(ticket, "assigned", ctx, actor, role, worker_id, worker_id=worker_id, **promise)
    if promise:
        start_clocks(ticket, ctx)
    ctx.store.note_assigned(worker_id, ctx.now())
    await ctx.tell_person(worker_id, dispatch_message(ticket, ctx), URGENT)
    ctx.store.cancel_timers("accept", ticket.id)
    accept_by = ctx.now() + timedelta(minutes=ctx.config.service.accept_minutes)
    ctx.store.add_timer(
        "accept", ticket.id, accept_by, {"worker": worker_id, "tried": [*tried, worker_id]}
    )
    log.info("ticket %s assigned to %s by %s", ticket.id, worker_id, actor or "the dispatcher")
    return ticket


def on_duty(team: str | None, ctx: Context) -> list[Worker]:
    duty = ctx.store.on_duty_workers(team) if team else []
    return [w for w in ctx.config.workers if w.id in duty]


def leaders(team: str | None, ctx: Context) -> list[Worker]:
    return [w for w in ctx.config.workers if team and w.team == team and w.leader]


def _promise(ticket: Ticket, ctx: Context) -> datetime:
    """The arrival promise made when a worker first has the ticket: counted from the first
    report when a worker is sent at once, from now when it waited for someone on duty
    (meanwhile the bot promised nothing)."""
    minutes = timedelta(minutes=ticket.arrival_minutes or 90)
    if ctx.store.last_event_at(ticket.id, "waiting") is not None:
        return ctx.now() + minutes
    return (ticket.first_reported_at or ticket.created_at) + minutes


def start_clocks(ticket: Ticket, ctx: Context) -> None:
    """The commitment clock of a promise: at `warn_share` of it, and at the promise."""
    due = ticket.due_at
    if due is None:
        return
    since = due - timedelta(minutes=ticket.arrival_minutes or 90)
    ctx.store.add_timer("warn", ticket.id, since + (due - since) * ctx.config.service.warn_share)
    ctx.store.add_timer("missed", ticket.id, due)


def stop_clocks(ticket: Ticket, ctx: Context, *kinds: str) -> None:
    for kind in kinds or CLOCKS:
        ctx.store.cancel_timers(kind, ticket.id)


# -- telling every reporter -------------------------------------------------------------


def reports_of(lead: Ticket, ctx: Context) -> list[Ticket]:
    """The lead and every report that joined it."""
    return [lead, *ctx.store.members(lead.id)]


async def tell_reporters(lead: Ticket, text: str, ctx: Context, priority: int = 1) -> None:
    """One message per group, @-mentioning every reporter there still waiting; a private
    one each to those who reported privately."""
    by_group: dict[str, tuple[Conversation, list[Mention]]] = {}
    for t in reports_of(lead, ctx):
        if t.id != lead.id and t.state == State.closed:
            continue  # this one's reporter said their power is back (or was closed)
        if t.group is None:
            await ctx.tell_person(t.reporter_id, text, priority)
            continue
        conversation, mentions = by_group.setdefault(t.group.id, (t.group, []))
        if all(m.id != t.reporter_id for m in mentions):
            mentions.append(Mention(id=t.reporter_id, name=t.reporter_name))
    for conversation, mentions in by_group.values():
        await ctx.tell(conversation, text, *mentions, priority=priority)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
