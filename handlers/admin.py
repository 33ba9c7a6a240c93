"""Station staff's commands, sent privately to the bot.

工单               查看所有未完成的工单
派单 12 王师傅      把 12 号工单派给某位师傅（姓名或微信号）
"""

from __future__ import annotations

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
from handlers.common import ticket_number
from handlers.dispatch import find_worker, reassign, ticket_line

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

ADMIN_COMMANDS = ("工单", "派单")


@router.message(
    command(*ADMIN_COMMANDS),
    lambda m, c: c.role is not Role.admin and says_only_command(m, *ADMIN_COMMANDS),
)
async def refuse_non_admin(msg: Incoming, ctx: Context) -> str:
    return NOT_AN_ADMIN


@router.message(command(*ADMIN_COMMANDS), lambda m, c: m.conversation.is_group)
async def ask_for_private(msg: Incoming, ctx: Context) -> str:
    return USE_PRIVATE


@router.message(in_private, has_role(Role.admin), command("工单"))
async def list_open_tickets(msg: Incoming, ctx: Context) -> str:
    tickets = ctx.store.open_tickets()
    if not tickets:
        return NO_OPEN
    return OPEN_LIST.format(n=len(tickets), lines="\n".join(ticket_line(t, ctx) for t in tickets))


@router.message(in_private, has_role(Role.admin), command("派单"))
async def assign_ticket(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "派单")
    number = ticket_number(args[0]) if args else None
    if len(args) < 2 or number is None:
        return USAGE
    ticket = ctx.store.ticket(number)
    if ticket is None:
        return NO_TICKET.format(id=args[0])
    if not ticket.is_open:
        return CLOSED.format(id=ticket.id)
    target = find_worker(ctx, " ".join(args[1:]))
    if target is None:
        return UNKNOWN_WORKER.format(name=" ".join(args[1:]))
    return await reassign(ticket, target, ctx, msg.sender.id, "admin")
