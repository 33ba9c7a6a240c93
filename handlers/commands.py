"""Every chat command: its word, how it is written, what it does, who may use it.

The one table that both the help (帮助, by role) and the command handlers read: a
command is listed for exactly the roles that may use it, and the handlers in
handlers/dispatch.py and handlers/admin.py take their words from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Incoming
from bot.router import Context, Filter, Role


@dataclass(frozen=True)
class Command:
    word: str
    usage: str  # as written, with an example
    does: str  # what it does, as its user reads it
    roles: frozenset[Role]


_WORKER = frozenset({Role.worker})
_ADMIN = frozenset({Role.admin})

COMMANDS = (
    Command("接单", "接单 12", "接下 12 号工单", _WORKER),
    Command("到达", "到达 12", "到达现场", _WORKER),
    Command("完成", "完成 12 换了保险", "修好了，写上处理情况", _WORKER),
    Command("转单", "转单 12 王师傅", "转给其他师傅（姓名、某师傅或微信号）", _WORKER),
    Command("我的工单", "我的工单", "自己未完成的工单（危险和超时在前）", _WORKER),
    Command("上班", "上班", "开始接新工单，并接手等着派的", _WORKER),
    Command("下班", "下班", "不再接新工单", _WORKER),
    Command("工单", "工单", "所有未完成的工单（危险、紧急、超时在前）", _ADMIN),
    Command("派单", "派单 12 王师傅", "把工单派给某位师傅", _ADMIN),
    Command("合并", "合并 12 15", "把 15 号并入 12 号（同一次停电）", _ADMIN),
    Command("拆分", "拆分 15", "把 15 号拆出来单独派单", _ADMIN),
    Command("投诉", "投诉", "最近的投诉和投诉人的工单", _ADMIN),
    Command(
        "停电通知",
        "停电通知 幸福花园 1-5栋 12月5日 08:00-12:00 线路检修",
        "发计划停电通知（确认后发到各群，会提前提醒）",
        _ADMIN,
    ),
    Command("停电列表", "停电列表", "还没结束的停电", _ADMIN),
    Command("延期", "延期 3 12月6日 08:00-12:00", "改停电时间并通知各群", _ADMIN),
    Command("取消停电", "取消停电 3", "取消停电并通知各群", _ADMIN),
    Command(
        "停电",
        "停电 12 预计18:00恢复 原因 线路故障",
        "宣布工单的故障停电，通知各群",
        _ADMIN | _WORKER,
    ),
    Command("复电", "复电 3", "恢复供电，通知各群", _ADMIN | _WORKER),
    Command(
        "公告",
        "公告 全部 每月5日 09:00 内容",
        "安排公告（现在、某天、每天、每周一、每月5日）",
        _ADMIN,
    ),
    Command("公告列表", "公告列表", "安排好的公告", _ADMIN),
    Command("取消公告", "取消公告 3", "取消一条公告", _ADMIN),
    Command("统计", "统计", "今天和本月的报修、到场、投诉数字", _ADMIN),
    Command("日报", "日报", "昨天的情况（每天早上也自动发）", _ADMIN),
)
# Not listed in help: the answers to the bot's own questions (更多 after a long list,
# 确认 after a hand-over that needs it).
MORE = "更多"
CONFIRM = "确认"


def words(role: Role) -> tuple[str, ...]:
    return tuple(c.word for c in COMMANDS if role in c.roles)


def only_for(role: Role) -> tuple[str, ...]:
    """The words of commands only this role has."""
    return tuple(c.word for c in COMMANDS if c.roles == {role})


def roles_of(sender_id: str, ctx: Context) -> set[Role]:
    """Every staff role a person holds (a station head may also be a worker)."""
    roles = set()
    if ctx.config.admin(sender_id) is not None:
        roles.add(Role.admin)
    if ctx.config.worker(sender_id) is not None:
        roles.add(Role.worker)
    return roles


def acts_as(role: Role) -> Filter:
    """The sender holds `role` (an admin who is also a worker acts as both)."""

    def check(msg: Incoming, ctx: Context) -> bool:
        return role in roles_of(msg.sender.id, ctx)

    check.__name__ = f"acts_as({role})"
    return check


def is_staff(msg: Incoming, ctx: Context) -> bool:
    return bool(roles_of(msg.sender.id, ctx))


def help_lines(roles: set[Role]) -> str:
    """「usage」does, a line per command these roles may use."""
    return "\n".join(f"· {c.usage}：{c.does}" for c in COMMANDS if c.roles & roles)
