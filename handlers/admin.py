"""Station staff's commands, sent privately to the bot (the words, their help and who may
use them: handlers/commands.py). A worker's command from an admin who is not a worker is
answered with the admin's way to do it.
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
    in_private,
    says_only_command,
)
from handlers.commands import acts_as, is_staff, only_for, roles_of, words
from handlers.common import local_time, ticket_number, ticket_state, worker_label
from handlers.dispatch import find_worker, first_things_first, hand_to, page
from handlers.repairs import merge, split
from handlers.tickets import State, lead_of

router = Router(name=__name__)

# What admins read.
NOT_AN_ADMIN = "这个指令只有供电所管理员可以用。如需报修，请直接发地址和情况。"
NOT_AN_ADMIN_WORKER = "这个指令只有供电所管理员可以用；查看您自己的工单请发「我的工单」。"
USE_PRIVATE = "管理指令请私聊我发送。"
NO_OPEN = "目前没有未完成的工单。"
OPEN_LIST = "未完成工单 {n} 张：\n{lines}"
USAGE = "请这样发：派单 12 师傅姓名"
NO_TICKET = "没有找到工单 {id}。"
CLOSED = "工单 #{id} 已经完成了。"
WORKERS_ONLY = "「{word}」是抢修师傅在现场用的指令。要安排师傅，请发「派单 {id} 师傅姓名」；查看全部工单发「工单」。"

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

ADMIN_COMMANDS = words(Role.admin)
# 投诉 from anyone else is a resident's complaint (handlers/aftercare.py), and a resident's
# 工单 is a question about their own repair: neither is refused.
# 停电通知 / 停电列表 from anyone else is a question about outages (handlers/outages.py).
ADMIN_ONLY = tuple(
    c
    for c in only_for(Role.admin)
    if c not in ("投诉", "工单", "停电通知", "停电列表", "延期", "公告", "公告列表")
)


def _refused(msg: Incoming, ctx: Context) -> bool:
    roles = roles_of(msg.sender.id, ctx)
    if Role.admin in roles:
        return False
    refused = ADMIN_ONLY + (("工单",) if roles else ())  # a worker's own list is 我的工单
    return command(*refused)(msg, ctx) and says_only_command(msg, *refused)


@router.message(_refused)
async def refuse_non_admin(msg: Incoming, ctx: Context) -> str:
    if is_staff(msg, ctx):
        return NOT_AN_ADMIN_WORKER
    return NOT_AN_ADMIN


@router.message(command(*ADMIN_COMMANDS), lambda m, c: m.conversation.is_group, is_staff)
async def ask_for_private(msg: Incoming, ctx: Context) -> str:
    return USE_PRIVATE


@router.message(
    in_private,
    acts_as(Role.admin),
    lambda m, c: Role.worker not in roles_of(m.sender.id, c),
    command(*only_for(Role.worker)),
)
async def point_admin_to_dispatch(msg: Incoming, ctx: Context) -> str:
    word = next(w for w in only_for(Role.worker) if command(w)(msg, ctx))
    args = command_args(msg.text, word) or []
    return WORKERS_ONLY.format(word=word, id=args[0] if args else "12")


@router.message(in_private, acts_as(Role.admin), command("工单"))
async def list_open_tickets(msg: Incoming, ctx: Context) -> str:
    tickets = [t for t in ctx.store.open_tickets() if t.incident_id is None]
    if not tickets:
        return NO_OPEN
    ordered = [t.id for t in first_things_first(tickets, ctx)]
    return OPEN_LIST.format(n=len(tickets), lines=page(msg, ordered, ctx))


@router.message(in_private, acts_as(Role.admin), command("派单"))
async def assign_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "派单")
    number = ticket_number(args[0]) if args else None
    if len(args) < 2 or number is None:
        return USAGE
    ticket = _open_lead(ctx, number)
    if isinstance(ticket, str):
        return ticket
    target = find_worker(ctx, " ".join(args[1:]))
    if isinstance(target, str):
        return target
    return await hand_to(msg, ticket, target, ctx, "admin")


def _open_lead(ctx: Context, number: int | None):  # noqa: ANN202 - Ticket | str
    ticket = ctx.store.ticket(number) if number is not None else None
    if ticket is None:
        return NO_TICKET.format(id=number)
    ticket = lead_of(ticket, ctx)
    if not ticket.is_open:
        return CLOSED.format(id=ticket.id)
    return ticket


@router.message(in_private, acts_as(Role.admin), command("合并"))
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


@router.message(in_private, acts_as(Role.admin), command("拆分"))
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


@router.message(in_private, acts_as(Role.admin), command("投诉"))
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
