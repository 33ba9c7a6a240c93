"""Station staff's commands, sent privately to the bot.

工单               查看所有未完成的工单（危险、紧急、超时的排在前面）
派单 12 王师傅      把 12 号工单派给某位师傅（姓名或微信号）
合并 12 15          把 15 号并入 12 号：同一次停电，一位师傅处理，报修人都会收到进度
拆分 15             把 15 号从它并入的工单里拆出来，单独派单
投诉               查看最近的投诉，和投诉人的工单
"""

from __future__ import annotations

from datetime import datetime

from bot.messages import Incoming
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
from handlers.common import local_time, ticket_number, ticket_state, worker_label
from handlers.dispatch import find_worker, first_things_first, hand_to, ticket_line
from handlers.repairs import merge, split
from handlers.tickets import State, lead_of

router = Router(name=__name__)

# What admins read.
NOT_AN_ADMIN = "这个指令只有供电所管理员可以用。如需报修，请直接发地址和情况。"
USE_PRIVATE = "管理指令请私聊我发送。"
NO_OPEN = "目前没有未完成的工单。"
OPEN_LIST = "未完成工单 {n} 张：\n{lines}"
USAGE = "请这样发：派单 12 师傅姓名"
NO_TICKET = "没有找到工单 {id}。"
CLOSED = "工单 #{id} 已经完成了。"
UNKNOWN_WORKER = "找不到师傅「{name}」，请写配置里的姓名或微信号。"

MERGE_USAGE = "请这样发：合并 12 15（把 15 号并入 12 号）"
MERGED = "已把工单 #{other} 并入 #{into}（共 {n} 人报修），由{worker}处理。"
SPLIT_USAGE = "请这样发：拆分 15"
NOT_JOINED = "工单 #{id} 没有并入别的工单，不用拆分。"
SPLIT = "已把工单 #{id} 拆出来单独处理：{state}。"
SAME = "两个单号是同一张工单。"
NO_COMPLAINTS = "还没有收到投诉。"
COMPLAINTS = "最近的投诉：\n{lines}"
COMPLAINT_LINE = "{id}. {at} {who}（{where}）：{text}{tickets}"
COMPLAINT_TICKETS = "｜工单 {ids}"

ADMIN_COMMANDS = ("工单", "派单", "合并", "拆分", "投诉")
# 投诉 from anyone else is a resident's complaint (handlers/aftercare.py), not refused
ADMIN_ONLY = tuple(c for c in ADMIN_COMMANDS if c != "投诉")


@router.message(
    command(*ADMIN_ONLY),
    lambda m, c: c.role is not Role.admin and says_only_command(m, *ADMIN_ONLY),
)
async def refuse_non_admin(msg: Incoming, ctx: Context) -> str:
    return NOT_AN_ADMIN


@router.message(
    command(*ADMIN_COMMANDS),
    lambda m, c: m.conversation.is_group and (c.role is Role.admin or command(*ADMIN_ONLY)(m, c)),
)
async def ask_for_private(msg: Incoming, ctx: Context) -> str:
    return USE_PRIVATE


@router.message(in_private, has_role(Role.admin), command("工单"))
async def list_open_tickets(msg: Incoming, ctx: Context) -> str:
    tickets = [t for t in ctx.store.open_tickets() if t.incident_id is None]
    if not tickets:
        return NO_OPEN
    lines = [ticket_line(t, ctx) for t in first_things_first(tickets, ctx)]
    return OPEN_LIST.format(n=len(tickets), lines="\n".join(lines))


@router.message(in_private, has_role(Role.admin), command("派单"))
async def assign_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "派单")
    number = ticket_number(args[0]) if args else None
    if len(args) < 2 or number is None:
        return USAGE
    ticket = _open_lead(ctx, number)
    if isinstance(ticket, str):
        return ticket
    target = find_worker(ctx, " ".join(args[1:]))
    if target is None:
        return UNKNOWN_WORKER.format(name=" ".join(args[1:]))
    return await hand_to(ticket, target, ctx, msg.sender.id, "admin")


def _open_lead(ctx: Context, number: int | None):  # noqa: ANN202 - Ticket | str
    ticket = ctx.store.ticket(number) if number is not None else None
    if ticket is None:
        return NO_TICKET.format(id=number)
    ticket = lead_of(ticket, ctx)
    if not ticket.is_open:
        return CLOSED.format(id=ticket.id)
    return ticket


@router.message(in_private, has_role(Role.admin), command("合并"))
async def merge_tickets(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "合并")
    numbers = [ticket_number(a) for a in args[:2]]
    if len(numbers) < 2 or None in numbers:
        return MERGE_USAGE
    into, other = (_open_lead(ctx, n) for n in numbers)
    for ticket in (into, other):
        if isinstance(ticket, str):
            return ticket
    if into.id == other.id:
        return SAME
    into = await merge(into, other, ctx, msg.sender.id)
    n = len(ctx.store.members(into.id)) + 1
    return MERGED.format(
        other=other.id, into=into.id, n=n, worker=worker_label(ctx.config, into.worker_id)
    )


@router.message(in_private, has_role(Role.admin), command("拆分"))
async def split_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "拆分")
    number = ticket_number(args[0]) if args else None
    ticket = ctx.store.ticket(number) if number is not None else None
    if number is None:
        return SPLIT_USAGE
    if ticket is None:
        return NO_TICKET.format(id=number)
    if ticket.state != State.joined:
        return NOT_JOINED.format(id=ticket.id)
    ticket = await split(ticket, ctx, msg.sender.id)
    return SPLIT.format(id=ticket.id, state=ticket_state(ticket, ctx.config))


@router.message(in_private, has_role(Role.admin), command("投诉"))
async def list_complaints(msg: Incoming, ctx: Context) -> str:
    rows = ctx.store.complaints(20)
    if not rows:
        return NO_COMPLAINTS
    lines = [
        COMPLAINT_LINE.format(
            id=r["id"],
            at=local_time(datetime.fromisoformat(r["at"]), ctx) if r["at"] else "",
            who=r["sender_name"] or r["sender_id"],
            where=r["conversation"].removeprefix("group:").removeprefix("dm:"),
            text=r["text"][:60],
            tickets=COMPLAINT_TICKETS.format(ids="、".join(f"#{i}" for i in r["tickets"]))
            if r["tickets"]
            else "",
        )
        for r in rows
    ]
    return COMPLAINTS.format(lines="\n".join(lines))
