"""Line workers' commands, sent privately to the bot.

接单 12            接下 12 号工单
到达 12            到达现场
完成 12 换了保险    修好了，写上处理情况
转单 12 王师傅      把工单转给其他师傅（姓名或微信号）
我的工单            查看自己未完成的工单
上班 / 下班         上班才会收到新工单
"""

from __future__ import annotations

import logging

from bot.config import Worker
from bot.messages import Incoming, Mention
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

router = Router(name=__name__)
log = logging.getLogger(__name__)

# What workers and residents read.
DISPATCH = (
    "【新工单 #{id}】{urgent}\n地址：{address}\n故障：{fault}\n报修人：{reporter}（{group}）\n"
    "原话：{text}\n请在 {due} 前到达。\n回复「接单 {id}」接单，到场回复「到达 {id}」，"
    "修好回复「完成 {id} 处理情况」。"
)
URGENT_MARK = "⚠️紧急，请优先处理"
ACCEPTED_WORKER = "已接单 #{id}，请在 {due} 前到达：{address}。"
ACCEPTED_RESIDENT = "您的报修（工单 {id}）{worker}已接单，正在赶来，预计 {due} 前到达。"
ARRIVED_WORKER = "已记录到达 #{id}。修好后回复「完成 {id} 处理情况」。"
ARRIVED_RESIDENT = "{worker}已到现场处理您的报修（工单 {id}）。"
DONE_WORKER = "工单 #{id} 已完成，辛苦了！"
DONE_RESIDENT = "您的报修（工单 {id}）已处理完毕：{note}。如还有问题，请在群里说一声。"
DONE_NO_NOTE = "师傅已处理好"
HANDED_WORKER = "工单 #{id} 已转给{target}。"
ASSIGNED_RESIDENT = "您的报修（工单 {id}）已安排{worker}处理，请耐心等待。"
HANDED_RESIDENT = "您的报修（工单 {id}）改由{worker}处理，请耐心等待。"
SAME_WORKER = "工单 #{id} 现在就由{target}负责，不用转。"
TAKEN_FROM = "工单 #{id} 已改由{target}处理，您不用再去了。"
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
OFF_DUTY = "已下班，新工单不再派给您。"
OFF_DUTY_OPEN = "已下班。注意您还有 {n} 张未完成的工单，请完成或转单。"
NOT_A_WORKER = "这个指令只有抢修师傅可以用。如需报修，请直接发地址和情况。"
USE_PRIVATE = "工单指令请私聊我发送。"
NO_ONE_ON_DUTY = (
    "【待派单 #{id}】{address} {fault}，{team}现在没有值班师傅，请尽快派单（派单 {id} 师傅姓名）。\n"
    "报修人：{reporter}（{group}）\n原话：{text}"
)
NO_TEAM = (
    "【待派单 #{id}】{address} {fault}：不知道是哪个小区/村，请确认地址后派单（派单 {id} 师傅姓名）。\n"
    "报修人：{reporter}（{group}）\n原话：{text}"
)

WORKER_COMMANDS = ("接单", "到达", "完成", "转单", "我的工单", "上班", "下班")


def find_worker(ctx: Context, name_or_id: str) -> Worker | None:
    name = name_or_id.removesuffix("师傅") or name_or_id
    return next((w for w in ctx.config.workers if name in (w.id, w.name)), None)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


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


async def assign(
    ticket: Ticket, worker_id: str, ctx: Context, actor: str | None, role: str
) -> Ticket:
    """Give a ticket to a worker and send them the dispatch message."""
    ticket = ctx.store.assign_ticket(ticket.id, worker_id, ctx.now(), actor, role)
    await ctx.tell_person(worker_id, dispatch_message(ticket, ctx))
    log.info("ticket %s assigned to %s by %s", ticket.id, worker_id, actor)
    return ticket


async def dispatch_new(ticket: Ticket, ctx: Context) -> Ticket:
    """Round robin among the team's on-duty workers; tell the admins when nobody can take it."""
    team = ctx.config.team(ticket.team)
    worker_id = ctx.store.next_worker(team.id) if team else None
    if worker_id is not None:
        return await assign(ticket, worker_id, ctx, None, "system")
    words = dict(
        id=ticket.id,
        address=ticket_address(ticket, ctx.config),
        fault=FAULT_WORDS.get(ticket.fault_type or "other", ""),
        team=team.name if team else "",
        reporter=ticket.reporter_name or "居民",
        group=ticket.group_topic or "私聊",
        text=_shorten(ticket.text, 300),
    )
    notice = (NO_ONE_ON_DUTY if team else NO_TEAM).format(**words)
    await ctx.tell_admins(notice)
    leaders = [w for w in ctx.config.workers if team and w.team == team.id and w.leader]
    if not ctx.config.admins and not leaders:
        log.warning("ticket %s has no worker and no admin or leader to hear of it", ticket.id)
    for leader in leaders:
        await ctx.tell_person(leader.id, notice)
    return ticket


async def tell_reporter(ticket: Ticket, text: str, ctx: Context) -> None:
    if ticket.group is not None:
        await ctx.tell(
            ticket.group, text, Mention(id=ticket.reporter_id, name=ticket.reporter_name)
        )
    else:
        await ctx.tell_person(ticket.reporter_id, text)


def _ticket_arg(args: list[str]) -> int | None:
    return ticket_number(args[0]) if args else None


def _load(ctx: Context, args: list[str], usage: str) -> Ticket | str:
    ticket_id = _ticket_arg(args)
    if ticket_id is None:
        return USAGE.format(usage=usage)
    ticket = ctx.store.ticket(ticket_id)
    if ticket is None:
        return NO_TICKET.format(id=ticket_id)
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
    if ticket.state in ("accepted", "arrived"):
        return ALREADY.format(id=ticket.id, state=ticket_state(ticket, ctx.config))
    ticket = ctx.store.accept_ticket(ticket.id, me.id, ctx.now())
    due = local_time(ticket.due_at, ctx)
    await tell_reporter(
        ticket, ACCEPTED_RESIDENT.format(id=ticket.id, worker=f"{me.name}师傅", due=due), ctx
    )
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


def _accept_untaken(ticket: Ticket, worker_id: str, ctx: Context) -> None:
    """到达 or 完成 straight after dispatch: the 接单 step is recorded too, so the trail
    reads opened, assigned, accepted, arrived, done."""
    if ticket.state == "assigned":
        ctx.store.accept_ticket(ticket.id, worker_id, ctx.now())


@router.message(in_private, has_role(Role.worker), command("到达"))
async def arrive_ticket(msg: Incoming, ctx: Context) -> str:
    ticket = _own_ticket(msg, ctx, command_args(msg.text, "到达"), "到达 12")
    if isinstance(ticket, str):
        return ticket
    if ticket.state == "arrived":
        return ALREADY.format(id=ticket.id, state=ticket_state(ticket, ctx.config))
    _accept_untaken(ticket, msg.sender.id, ctx)
    ticket = ctx.store.arrive_ticket(ticket.id, msg.sender.id, ctx.now())
    worker = worker_label(ctx.config, msg.sender.id)
    await tell_reporter(ticket, ARRIVED_RESIDENT.format(id=ticket.id, worker=worker), ctx)
    return ARRIVED_WORKER.format(id=ticket.id)


@router.message(in_private, has_role(Role.worker), command("完成"))
async def complete_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "完成")
    ticket = _own_ticket(msg, ctx, args, "完成 12 处理情况")
    if isinstance(ticket, str):
        return ticket
    note = " ".join(args[1:]).strip()
    _accept_untaken(ticket, msg.sender.id, ctx)
    ticket = ctx.store.complete_ticket(ticket.id, msg.sender.id, ctx.now(), note)
    await tell_reporter(ticket, DONE_RESIDENT.format(id=ticket.id, note=note or DONE_NO_NOTE), ctx)
    return DONE_WORKER.format(id=ticket.id)


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
    return await reassign(ticket, target, ctx, msg.sender.id, "worker")


async def reassign(ticket: Ticket, target: Worker, ctx: Context, actor: str, role: str) -> str:
    previous = ticket.worker_id
    if previous == target.id:
        return SAME_WORKER.format(id=ticket.id, target=f"{target.name}师傅")
    ticket = await assign(ticket, target.id, ctx, actor, role)
    if previous and previous not in (target.id, actor):
        await ctx.tell_person(
            previous, TAKEN_FROM.format(id=ticket.id, target=f"{target.name}师傅")
        )
    told = HANDED_RESIDENT if previous else ASSIGNED_RESIDENT
    await tell_reporter(ticket, told.format(id=ticket.id, worker=f"{target.name}师傅"), ctx)
    return HANDED_WORKER.format(id=ticket.id, target=f"{target.name}师傅")


def ticket_line(ticket: Ticket, ctx: Context) -> str:
    overdue = ticket.due_at is not None and ticket.due_at < ctx.now() and ticket.state != "arrived"
    return (
        f"#{ticket.id} {ticket_address(ticket, ctx.config)} "
        f"{FAULT_WORDS.get(ticket.fault_type or 'other', '')}｜{ticket_state(ticket, ctx.config)}"
        f"｜限 {local_time(ticket.due_at, ctx)}{' 已超时' if overdue else ''}"
    )


@router.message(in_private, has_role(Role.worker), command("我的工单"))
async def list_my_tickets(msg: Incoming, ctx: Context) -> str:
    tickets = ctx.store.tickets_of_worker(msg.sender.id)
    if not tickets:
        return MY_TICKETS_NONE
    return MY_TICKETS.format(lines="\n".join(ticket_line(t, ctx) for t in tickets))


@router.message(in_private, has_role(Role.worker), command("上班"))
async def go_on_duty(msg: Incoming, ctx: Context) -> str:
    ctx.store.set_on_duty(msg.sender.id, True)
    return ON_DUTY


@router.message(in_private, has_role(Role.worker), command("下班"))
async def go_off_duty(msg: Incoming, ctx: Context) -> str:
    ctx.store.set_on_duty(msg.sender.id, False)
    n = len(ctx.store.tickets_of_worker(msg.sender.id))
    return OFF_DUTY_OPEN.format(n=n) if n else OFF_DUTY
