"""Line workers' commands, sent privately to the bot.

接单 12            接下 12 号工单
到达 12            到达现场
完成 12 换了保险    修好了，写上处理情况
转单 12 王师傅      把工单转给其他师傅（姓名或微信号）
我的工单            查看自己未完成的工单（危险和超时的排在前面）
上班 / 下班         上班才会收到新工单，并接手等着派的工单
"""

from __future__ import annotations

import re

from bot.config import Worker
from bot.messages import Incoming
from bot.records import Ticket
from bot.router import (
    Context,
    Role,
    Router,
    command,
    command_args,
    has_role,
    in_private,
    says_only_command,
)
from handlers.common import (
    FAULT_WORDS,
    local_time,
    ticket_address,
    ticket_number,
    ticket_state,
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
UNKNOWN_WORKER = "找不到师傅「{name}」，请写配置里的姓名或微信号。"
MY_TICKETS_NONE = "您手上没有未完成的工单。"
MY_TICKETS = "您未完成的工单：\n{lines}"
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
WORKER_COMMANDS = ("接单", "到达", "完成", "转单", "我的工单", "上班", "下班")


def find_worker(ctx: Context, name_or_id: str) -> Worker | None:
    name = name_or_id.removesuffix("师傅") or name_or_id
    return next((w for w in ctx.config.workers if name in (w.id, w.name)), None)


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
    # 上班/下班 alone in a group is neighbours chatting, not a command.
    duty_chat = msg.conversation.is_group and msg.text.strip() in ("上班", "下班")
    return ctx.role is Role.resident and not duty_chat and says_only_command(msg, *WORKER_COMMANDS)


@router.message(command(*WORKER_COMMANDS), _resident_tries_worker_command)
async def refuse_resident(msg: Incoming, ctx: Context) -> str:
    return NOT_A_WORKER


@router.message(command(*WORKER_COMMANDS), lambda m, c: m.conversation.is_group)
async def ask_for_private(msg: Incoming, ctx: Context) -> str:
    return USE_PRIVATE


@router.message(in_private, has_role(Role.worker), command("接单"))
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


@router.message(in_private, has_role(Role.worker), command("到达"))
async def arrive_ticket(msg: Incoming, ctx: Context) -> str:
    ticket = _own_ticket(msg, ctx, command_args(msg.text, "到达"), "到达 12")
    if isinstance(ticket, str):
        return ticket
    if ticket.state == State.arrived:
        return ALREADY.format(id=ticket.id, state=ticket_state(ticket, ctx.config))
    ticket = await arrive(ticket, ctx.config.worker(msg.sender.id), ctx)
    return ARRIVED_WORKER.format(id=ticket.id)


@router.message(in_private, has_role(Role.worker), command("完成"))
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


@router.message(in_private, has_role(Role.worker), command("转单"))
async def hand_over_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "转单")
    ticket = _load(ctx, args, "转单 12 师傅姓名")
    if isinstance(ticket, str):
        return ticket
    me = ctx.config.worker(msg.sender.id)
    leads_team = me.leader and me.team == ticket.team
    if ticket.worker_id != me.id and not leads_team:
        return _may_act(ticket, me, ctx) or TAKE_FIRST.format(id=ticket.id)
    target = find_worker(ctx, " ".join(args[1:])) if len(args) > 1 else None
    if target is None:
        return UNKNOWN_WORKER.format(name=" ".join(args[1:]) or "？")
    role = "worker" if ticket.worker_id == me.id else "leader"  # a leader moving another's
    return await hand_to(ticket, target, ctx, msg.sender.id, role)


async def hand_to(ticket: Ticket, target: Worker, ctx: Context, actor: str, role: str) -> str:
    """转单 or 派单: what the one who asked reads."""
    if ticket.worker_id == target.id:
        return SAME_WORKER.format(id=ticket.id, target=f"{target.name}师傅")
    ticket = await reassign(ticket, target, ctx, actor, role)
    return HANDED_WORKER.format(id=ticket.id, target=f"{target.name}师傅")


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


@router.message(in_private, has_role(Role.worker), command("我的工单"))
async def list_my_tickets(msg: Incoming, ctx: Context) -> str:
    tickets = ctx.store.tickets_of_worker(msg.sender.id)
    if not tickets:
        return MY_TICKETS_NONE
    lines = [ticket_line(t, ctx) for t in first_things_first(tickets, ctx)]
    return MY_TICKETS.format(lines="\n".join(lines))


@router.message(in_private, has_role(Role.worker), command("上班"))
async def go_on_duty(msg: Incoming, ctx: Context) -> str:
    ctx.store.set_on_duty(msg.sender.id, True)
    given = await hand_waiting(ctx.config.worker(msg.sender.id), ctx)
    return ON_DUTY_WAITING.format(n=len(given)) if given else ON_DUTY


@router.message(in_private, has_role(Role.worker), command("下班"))
async def go_off_duty(msg: Incoming, ctx: Context) -> str:
    ctx.store.set_on_duty(msg.sender.id, False)
    n = len(ctx.store.tickets_of_worker(msg.sender.id))
    return OFF_DUTY_OPEN.format(n=n) if n else OFF_DUTY
