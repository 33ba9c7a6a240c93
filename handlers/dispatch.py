"""Line workers' commands, sent privately to the bot (the words, their help and who may
use them: handlers/commands.py).

A worker's list of tickets shows the first LIST_PAGE (hazards, urgent and late first) and
offers 更多 for the next. Handing a ticket to a worker who is off duty or in another team
asks the sender to 确认 first.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.config import Worker
from bot.messages import Incoming
from bot.records import Ticket
from bot.router import (
    Context,
    Role,
    Router,
    command,
    command_args,
    in_private,
    says_only_command,
)
from handlers.commands import CONFIRM, MORE, acts_as, is_staff, words
from handlers.common import (
    FAULT_WORDS,
    find_workers,
    local_time,
    ticket_address,
    ticket_number,
    ticket_state,
    titled,
    worker_label,
)
from handlers.repairs import accept, arrive, complete, hand_waiting, reassign
from handlers.tickets import State, lead_of

router = Router(name=__name__)

# What workers read.
ACCEPTED_WORKER = "已接单 #{id}，请在 {due} 前到达：{address}。"
ARRIVED_WORKER = "已记录到达 #{id}。修好后回复「完成 {id} 处理情况」。"
DONE_WORKER = "工单 #{id} 已完成，辛苦了！"
HANDED_WORKER = "工单 #{id} 已转给{target}。"
SAME_WORKER = "工单 #{id} 现在就由{target}负责，不用转。"
NO_TICKET = "没有找到工单 {id}，请核对单号。"
NOT_YOURS = "工单 #{id} 不是派给您的（现由{owner}负责），如需接手请让对方转单或联系管理员。"
OTHER_TEAM = "工单 #{id} 属于其他班组，不能直接接单；如需接手请让管理员派单。"
TAKE_FIRST = "请先回复「接单 {id}」接下这张工单。"
ALREADY = "工单 #{id} 当前状态：{state}，不需要再操作。"
CLOSED = "工单 #{id} 已经完成了。"
USAGE = "请这样回复：{usage}"
UNKNOWN_WORKER = "找不到师傅「{name}」，请写师傅的姓名（如{example}）或微信号。"
WHICH_WORKER = "「{name}」有 {n} 位：{names}，请写全名。"
CONFIRM_HAND = "{target}{why}，确定要把工单 #{id} 转给{target}吗？确定请回复「确认」。"
OFF_DUTY_WHY = "现在没上班"
OTHER_TEAM_WHY = "属于{team}"
CHANGED_MEANWHILE = "工单 #{id} 在您确认前有了变化（现由{owner}负责），请重新操作。"
MORE_NONE = "没有更多了。"
MORE_HINT = "还有 {n} 张，回复「更多」看下一页。"
RESIDENT_DONE = "好的，已转告师傅：您这边已经修好了。如果还有问题，随时在群里说。"
RESIDENT_DONE_TO_WORKER = "工单 #{id} 的报修人说：「{text}」"
MY_TICKETS_NONE = "您手上没有未完成的工单。"
MY_TICKETS = "您未完成的工单 {n} 张：\n{lines}"
ON_DUTY = "已上班，新工单会派给您。"
ON_DUTY_WAITING = "已上班。有 {n} 张工单一直等着派，已经派给您了，请查看。"
OFF_DUTY = "已下班，新工单不再派给您。"
OFF_DUTY_OPEN = "已下班。注意您还有 {n} 张未完成的工单，请完成或转单。"
NOT_A_WORKER = "这个指令只有抢修师傅可以用。如需报修，请直接发地址和情况。"
USE_PRIVATE = "工单指令请私聊我发送。"
LINE = "{mark}#{id} {address} {fault}｜{state}｜限 {due}{late}{reports}"
LATE = " 已超时"
REPORTS = "（{n} 人报修）"

_DONE_NOTE = re.compile(r"\s*完成\s*[#＃]?\s*[0-9０-９]+\s*(.*)", re.DOTALL)
WORKER_COMMANDS = words(Role.worker)
# Said by a resident in a group, these are chat (上班, 下班) or a question about their own
# repair (我的工单): read as such, not refused.
RESIDENT_WORDS = ("我的工单", "上班", "下班", "停电", "复电")
LIST_PAGE = 10  # tickets in one list message; 更多 for the next
LIST_KEPT = timedelta(minutes=30)  # how long 更多 and 确认 are remembered


def find_worker(ctx: Context, said: str) -> Worker | str:
    """The one worker `said` names, or what to tell the sender (nobody, or which one)."""
    found = find_workers(ctx.config, said)
    if len(found) == 1:
        return found[0]
    if found:
        names = "、".join(titled(w.name) for w in found)
        return WHICH_WORKER.format(name=said, n=len(found), names=names)
    example = f"{titled(ctx.config.workers[0].name)}" if ctx.config.workers else "王师傅"
    return UNKNOWN_WORKER.format(name=said or "？", example=example)


def _load(ctx: Context, args: list[str], usage: str) -> Ticket | str:
    """The ticket a command names (the incident's lead, if it names a joined report)."""
    ticket_id = ticket_number(args[0]) if args else None
    if ticket_id is None:
        return USAGE.format(usage=usage)
    ticket = ctx.store.ticket(ticket_id)
    if ticket is None:
        return NO_TICKET.format(id=ticket_id)
    ticket = lead_of(ticket, ctx)
    if not ticket.is_open:
        return CLOSED.format(id=ticket.id)
    return ticket


def _may_act(ticket: Ticket, me: Worker, ctx: Context) -> str | None:
    """None when this worker may act on the ticket, else the reason why not."""
    if ticket.worker_id == me.id:
        return None
    if ticket.worker_id is not None:
        return NOT_YOURS.format(id=ticket.id, owner=worker_label(ctx.config, ticket.worker_id))
    if ticket.team != me.team:
        return OTHER_TEAM.format(id=ticket.id)
    return None


def _resident_tries_worker_command(msg: Incoming, ctx: Context) -> bool:
    return (
        not is_staff(msg, ctx)
        and command(*WORKER_COMMANDS)(msg, ctx)
        and not command(*RESIDENT_WORDS)(msg, ctx)
        and says_only_command(msg, *WORKER_COMMANDS)
    )


def _resident_says_done(msg: Incoming, ctx: Context) -> Ticket | None:
    """A resident's 完成 12 我自己修好了, about a ticket they reported: theirs to say."""
    if is_staff(msg, ctx) or not msg.conversation.is_group:
        return None
    args = command_args(msg.text, "完成")
    number = ticket_number(args[0]) if args else None
    ticket = ctx.store.ticket(number) if number is not None else None
    if ticket is None or ticket.reporter_id != msg.sender.id or not ticket.is_open:
        return None
    return lead_of(ticket, ctx)


@router.message(lambda m, c: _resident_says_done(m, c) is not None)
async def pass_on_residents_done(msg: Incoming, ctx: Context) -> str:
    ticket = _resident_says_done(msg, ctx)
    assert ticket is not None
    if ticket.worker_id:
        text = _note(msg.text)[:200] or msg.text.strip()[:200]
        await ctx.tell_person(
            ticket.worker_id, RESIDENT_DONE_TO_WORKER.format(id=ticket.id, text=text)
        )
    return RESIDENT_DONE


@router.message(_resident_tries_worker_command)
async def refuse_resident(msg: Incoming, ctx: Context) -> str:
    return NOT_A_WORKER


@router.message(command(*WORKER_COMMANDS), lambda m, c: m.conversation.is_group, is_staff)
async def ask_for_private(msg: Incoming, ctx: Context) -> str:
    return USE_PRIVATE


@router.message(in_private, acts_as(Role.worker), command("接单"))
async def accept_ticket(msg: Incoming, ctx: Context) -> str:
    ticket = _load(ctx, command_args(msg.text, "接单"), "接单 12")
    if isinstance(ticket, str):
        return ticket
    me = ctx.config.worker(msg.sender.id)
    if (refusal := _may_act(ticket, me, ctx)) is not None:
        return refusal
    if ticket.state != State.assigned:
        if ticket.state != State.open:
            return ALREADY.format(id=ticket.id, state=ticket_state(ticket, ctx.config))
        ticket = await reassign(ticket, me, ctx, me.id, "worker")  # took a waiting one
    ticket = await accept(ticket, me, ctx)
    due = local_time(ticket.due_at, ctx)
    return ACCEPTED_WORKER.format(id=ticket.id, due=due, address=ticket_address(ticket, ctx.config))


def _own_ticket(msg: Incoming, ctx: Context, args: list[str], usage: str) -> Ticket | str:
    """The ticket named in a worker's command, if it is theirs; else what to tell them."""
    ticket = _load(ctx, args, usage)
    if isinstance(ticket, str):
        return ticket
    me = ctx.config.worker(msg.sender.id)
    if ticket.worker_id != me.id:
        return _may_act(ticket, me, ctx) or TAKE_FIRST.format(id=ticket.id)
    return ticket


@router.message(in_private, acts_as(Role.worker), command("到达"))
async def arrive_ticket(msg: Incoming, ctx: Context) -> str:
    ticket = _own_ticket(msg, ctx, command_args(msg.text, "到达"), "到达 12")
    if isinstance(ticket, str):
        return ticket
    if ticket.state == State.arrived:
        return ALREADY.format(id=ticket.id, state=ticket_state(ticket, ctx.config))
    ticket = await arrive(ticket, ctx.config.worker(msg.sender.id), ctx)
    return ARRIVED_WORKER.format(id=ticket.id)


@router.message(in_private, acts_as(Role.worker), command("完成"))
async def complete_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "完成")
    ticket = _own_ticket(msg, ctx, args, "完成 12 处理情况")
    if isinstance(ticket, str):
        return ticket
    ticket = await complete(ticket, ctx.config.worker(msg.sender.id), _note(msg.text), ctx)
    return DONE_WORKER.format(id=ticket.id)


def _note(text: str) -> str:
    """What the worker wrote after 完成 and the number, as written (its own punctuation)."""
    found = _DONE_NOTE.match(text)
    return found.group(1).strip()[:500] if found else ""


@router.message(in_private, acts_as(Role.worker), command("转单"))
async def hand_over_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "转单")
    ticket = _load(ctx, args, "转单 12 师傅姓名")
    if isinstance(ticket, str):
        return ticket
    me = ctx.config.worker(msg.sender.id)
    leads_team = me.leader and me.team == ticket.team
    if ticket.worker_id != me.id and not leads_team:
        return _may_act(ticket, me, ctx) or TAKE_FIRST.format(id=ticket.id)
    target = find_worker(ctx, " ".join(args[1:]))
    if isinstance(target, str):
        return target
    role = "worker" if ticket.worker_id == me.id else "leader"  # a leader moving another's
    return await hand_to(msg, ticket, target, ctx, role)


def _doubt(ticket: Ticket, target: Worker, ctx: Context) -> str | None:
    """Why handing this ticket to `target` needs a second thought, if it does."""
    if target.team != ticket.team:
        team = ctx.config.team(target.team)
        return OTHER_TEAM_WHY.format(team=team.name if team else target.team)
    if not ctx.store.is_on_duty(target.id):
        return OFF_DUTY_WHY
    return None


async def hand_to(
    msg: Incoming, ticket: Ticket, target: Worker, ctx: Context, role: str, sure: bool = False
) -> str:
    """转单 or 派单: what the one who asked reads. To a worker off duty or of another team,
    only once the sender has said 确认."""
    if ticket.worker_id == target.id:
        return SAME_WORKER.format(id=ticket.id, target=titled(target.name))
    why = None if sure else _doubt(ticket, target, ctx)
    if why is not None:
        held = [ticket.id, target.id, role, ticket.worker_id, ticket.state]
        ctx.store.offer(msg, "confirm", held, ctx.now() + LIST_KEPT)
        return CONFIRM_HAND.format(target=titled(target.name), why=why, id=ticket.id)
    ticket = await reassign(ticket, target, ctx, msg.sender.id, role)
    return HANDED_WORKER.format(id=ticket.id, target=titled(target.name))


@router.message(
    in_private,
    is_staff,
    command(CONFIRM),
    lambda m, c: c.store.offered(m, "confirm", c.now()) is not None,
)
async def confirm_hand_over(msg: Incoming, ctx: Context) -> str:
    """确认 of a hand-over (an outage notice's 确认, and 确认 of nothing: handlers.outages)."""
    held = ctx.store.offered(msg, "confirm", ctx.now())
    ctx.store.withdraw(msg, "confirm")
    ticket_id, target_id, role, holder, state = held
    ticket = _load(ctx, [str(ticket_id)], "")
    target = ctx.config.worker(target_id)
    if isinstance(ticket, str) or target is None:
        return (
            ticket
            if isinstance(ticket, str)
            else CHANGED_MEANWHILE.format(id=ticket_id, owner="？")
        )
    if ticket.worker_id != holder or ticket.state != state:  # it moved on meanwhile
        owner = worker_label(ctx.config, ticket.worker_id) if ticket.worker_id else "没人"
        return CHANGED_MEANWHILE.format(id=ticket.id, owner=owner)
    return await hand_to(msg, ticket, target, ctx, role, sure=True)


def ticket_line(ticket: Ticket, ctx: Context) -> str:
    late = ticket.due_at is not None and ticket.due_at < ctx.now() and ticket.state != State.arrived
    reports = len(ctx.store.members(ticket.id)) + 1
    return LINE.format(
        mark="⚠️" if ticket.urgent else "",
        id=ticket.id,
        address=ticket_address(ticket, ctx.config),
        fault=FAULT_WORDS.get(ticket.fault_type or "other", ""),
        state=ticket_state(ticket, ctx.config),
        due=local_time(ticket.due_at, ctx),
        late=LATE if late else "",
        reports=REPORTS.format(n=reports) if reports > 1 else "",
    )


def first_things_first(tickets: list[Ticket], ctx: Context) -> list[Ticket]:
    """Hazards and the urgent first, then the late, then by due time."""
    now = ctx.now()

    def key(t: Ticket) -> tuple:
        late = t.due_at is not None and t.due_at < now
        return (t.fault_type != "hazard", not t.urgent, not late, t.due_at or now, t.id)

    return sorted(tickets, key=key)


@router.message(in_private, acts_as(Role.worker), command("我的工单"))
async def list_my_tickets(msg: Incoming, ctx: Context) -> str:
    tickets = ctx.store.tickets_of_worker(msg.sender.id)
    if not tickets:
        return MY_TICKETS_NONE
    ordered = [t.id for t in first_things_first(tickets, ctx)]
    return MY_TICKETS.format(n=len(ordered), lines=page(msg, ordered, ctx))


def page(msg: Incoming, ticket_ids: list[int], ctx: Context) -> str:
    """The first LIST_PAGE tickets as lines; the rest kept for 更多."""
    shown, rest = ticket_ids[:LIST_PAGE], ticket_ids[LIST_PAGE:]
    lines = [
        ticket_line(t, ctx)
        for i in shown
        if (t := ctx.store.ticket(i)) is not None and t.is_open and t.state != State.joined
    ]
    if rest:
        ctx.store.offer(msg, "more", rest, ctx.now() + LIST_KEPT)
        lines.append(MORE_HINT.format(n=len(rest)))
    else:
        ctx.store.withdraw(msg, "more")
    return "\n".join(lines) or MORE_NONE


@router.message(in_private, is_staff, command(MORE))
async def next_page(msg: Incoming, ctx: Context) -> str:
    rest = ctx.store.offered(msg, "more", ctx.now())
    if not rest:
        return MORE_NONE
    return page(msg, rest, ctx)


@router.message(in_private, acts_as(Role.worker), command("上班"))
async def go_on_duty(msg: Incoming, ctx: Context) -> str:
    ctx.store.set_on_duty(msg.sender.id, True)
    given = await hand_waiting(ctx.config.worker(msg.sender.id), ctx)
    return ON_DUTY_WAITING.format(n=len(given)) if given else ON_DUTY


@router.message(in_private, acts_as(Role.worker), command("下班"))
async def go_off_duty(msg: Incoming, ctx: Context) -> str:
    ctx.store.set_on_duty(msg.sender.id, False)
    n = len(ctx.store.tickets_of_worker(msg.sender.id))
    return OFF_DUTY_OPEN.format(n=n) if n else OFF_DUTY
