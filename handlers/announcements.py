"""Announcements admins schedule to chosen groups: payment reminders, typhoon safety,
南网在线 how-to for the elderly; once, or on a repeat.

公告 全部 每月5日 09:00 本月电费已出账，请按时缴费…    echoed back; 确认 schedules it
公告 幸福花园 明天 10:00 …  /  公告 全部 现在 …           once (现在: at once)
公告列表 / 取消公告 3

Repeats: 每天, 每周一 (每星期一, 每礼拜一), 每月5日 (a month without that day: its last
day). Sent through the outbox and the send governor like everything else, at LOW
priority (after repairs and dangers); each send is a timer, so a restart loses none.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.messages import Conversation, Incoming
from bot.records import Timer
from bot.router import LOW, Context, Role, Router, command, command_args, in_private
from handlers.commands import CONFIRM, acts_as
from handlers.nlu.dates import is_day_token, is_time_token, read_day, read_span
from handlers.nlu.numerals import to_digits
from handlers.outages import groups_of, named_communities

router = Router(name=__name__)

# What admins read.
ECHO = "将发到：{groups}\n时间：{when}\n——\n{text}\n——\n确认请回复「确认」。"
SCHEDULED = "已安排公告 #{id}：{when}，发到 {n} 个群。"
LIST = "已安排的公告 {n} 条：\n{lines}"
LINE = "#{id} {when}｜{groups}｜{text}"
LIST_NONE = "目前没有安排的公告。"
CANCELLED = "已取消公告 #{id}。"
MISSED = "公告 #{id}（原定{when}）因机器人停机没有按时发出，已不再发送；需要的话请重新安排。"
NO_SUCH = "没有找到公告 #{id}（或已经发完、取消）。"
USAGE = "请这样写：公告 全部 每月5日 09:00 本月电费已出账，请按时缴费。"
NO_GROUPS = "没看出发到哪些群：写「全部」，或小区、村的名字。" + USAGE
NO_TEXT = "公告内容是空的。" + USAGE
PAST = "时间 {when} 已经过了，请核对。"
NOW = "现在"
DAILY, WEEKLY, MONTHLY = "每天", "每周{day}", "每月{day}日"
_WEEK = "一二三四五六日"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
STALE = timedelta(hours=12)  # a send missed this long ago (the bot was down) is skipped
OFFER_KEPT = timedelta(minutes=30)

_ALL = re.compile(r"^(全部|所有群|全部群|全镇|所有)$")
_REPEAT = re.compile(
    r"^(每天|每日)$|^每(?:周|星期|礼拜)([一二三四五六日天])$|^每月([0-9一二三四五六七八九十]{1,3})[日号]$"
)
_NOW = re.compile(r"^(现在|马上|立即|即刻)$")


def _parse(text: str, now: datetime, ctx: Context) -> dict[str, Any] | str:
    zone = ZoneInfo(ctx.config.bot.timezone)
    local = now.astimezone(zone)
    tokens = command_args(text, "公告") or []
    if not tokens:
        return USAGE
    scope, rest = tokens[0], tokens[1:]
    if _ALL.match(scope):
        groups = [g.topic for g in ctx.config.groups]
    else:
        communities = named_communities(scope, ctx.config)
        groups = groups_of(communities, ctx.config) if communities else []
        groups = groups or [g.topic for g in ctx.config.groups if g.topic == scope]
    if not groups:
        return NO_GROUPS
    repeat, day, clock, at_once, i = "", None, None, False, 0
    seen: set[str] = set()  # each of repeat / day / time / now at most once, then the text
    while i < len(rest):
        token = rest[i]
        m = _REPEAT.match(token)
        if m and "repeat" not in seen and "day" not in seen:
            seen.add("repeat")
            if m.group(1):
                repeat = "daily"
            elif m.group(2):
                repeat = f"weekly:{_WEEKDAY[m.group(2)]}"
            else:
                repeat = f"monthly:{to_digits(m.group(3))}"
        elif _NOW.match(token) and not seen:
            seen.add("now")
            at_once = True
        elif is_day_token(token) and not seen & {"day", "repeat", "now", "time"}:
            seen.add("day")
            day = read_day(token, local)
        elif is_time_token(token) and not seen & {"time", "now"}:
            seen.add("time")
            span = read_span(token, local.date(), zone)
            clock = span.start.timetz().replace(tzinfo=None) if span else None
        else:
            break
        i += 1
    # The words as written (command_args normalises width: ，would become ,).
    written = text.strip().removeprefix("公告").split()
    body = " ".join(written[len(written) - (len(rest) - i) :]).strip() if i < len(rest) else ""
    if not body:
        return NO_TEXT
    if at_once:
        first = now
    else:
        first = _next(repeat, day, clock or time(9, 0), local)
        if first is None:
            return USAGE
        if first <= now:
            return PAST.format(when=_when_words(repeat, first, ctx))
    return {"groups": groups, "text": body, "repeat": repeat, "next_at": first.isoformat()}


def _next(repeat: str, day: Any, clock: time, after: datetime) -> datetime | None:
    """The first time at or after `after` (local) this schedule sends."""
    zone = after.tzinfo
    if not repeat:
        when = datetime.combine(day or after.date(), clock, tzinfo=zone)
        if day is None and when <= after:
            when += timedelta(days=1)
        return when
    kind, _, arg = repeat.partition(":")
    for offset in range(0, 62):
        date_ = after.date() + timedelta(days=offset)
        if kind == "weekly" and date_.weekday() != int(arg):
            continue
        if kind == "monthly":
            last = calendar.monthrange(date_.year, date_.month)[1]
            if date_.day != min(int(arg), last):
                continue
        when = datetime.combine(date_, clock, tzinfo=zone)
        if when > after:
            return when
    return None


def _when_words(repeat: str, when: datetime, ctx: Context) -> str:
    local = when.astimezone(ZoneInfo(ctx.config.bot.timezone))
    clock = f"{local:%H:%M}"
    kind, _, arg = repeat.partition(":")
    if kind == "daily":
        return f"{DAILY} {clock}"
    if kind == "weekly":
        return f"{WEEKLY.format(day=_WEEK[int(arg)])} {clock}"
    if kind == "monthly":
        return f"{MONTHLY.format(day=arg)} {clock}"
    return f"{local.month}月{local.day}日 {clock}"


@router.message(in_private, acts_as(Role.admin), command("公告"))
async def propose(msg: Incoming, ctx: Context) -> str:
    plan = _parse(msg.text, ctx.now(), ctx)
    if isinstance(plan, str):
        return plan
    ctx.store.offer(msg, "confirm_announce", plan, ctx.now() + OFFER_KEPT)
    when = _when_words(plan["repeat"], datetime.fromisoformat(plan["next_at"]), ctx)
    return ECHO.format(groups="、".join(plan["groups"]), when=when, text=plan["text"])


@router.message(
    in_private,
    acts_as(Role.admin),
    command(CONFIRM),
    lambda m, c: c.store.offered(m, "confirm_announce", c.now()) is not None,
)
async def confirm(msg: Incoming, ctx: Context) -> str:
    plan = ctx.store.offered(msg, "confirm_announce", ctx.now())
    ctx.store.withdraw(msg, "confirm_announce")
    next_at = datetime.fromisoformat(plan["next_at"])
    announcement_id = ctx.store.add_announcement(
        {
            "groups": json.dumps(plan["groups"], ensure_ascii=False),
            "text": plan["text"],
            "next_at": next_at.astimezone(ctx.now().tzinfo).isoformat(),
            "repeat": plan["repeat"],
            "state": "active",
            "created_by": msg.sender.id,
            "created_at": ctx.now().isoformat(),
        }
    )
    ctx.store.add_timer("announcement", announcement_id, next_at)
    when = _when_words(plan["repeat"], next_at, ctx)
    return SCHEDULED.format(id=announcement_id, when=when, n=len(plan["groups"]))


@router.timer("announcement")
async def send(timer: Timer, ctx: Context) -> None:
    row = ctx.store.announcement(int(timer.ref))
    if row is None or row["state"] != "active":
        return
    stale = ctx.now() - timer.due_at > STALE  # the bot was down: not a day late
    if not stale:
        for topic in json.loads(row["groups"]):
            await ctx.tell(Conversation.group(topic), row["text"], priority=LOW)
    elif not row["repeat"]:  # a one-off missed: its author decides, it is not "sent"
        when = _when_words("", timer.due_at, ctx)
        await ctx.tell_person(row["created_by"], MISSED.format(id=row["id"], when=when))
        ctx.store.set_announcement(row["id"], state="missed")
        return
    zone = ZoneInfo(ctx.config.bot.timezone)
    nxt = None
    if row["repeat"]:
        due = timer.due_at.astimezone(zone)
        after = max(due, ctx.now().astimezone(zone))  # the next one to come, none replayed
        nxt = _next(row["repeat"], None, due.timetz().replace(tzinfo=None), after)
    sent = 0 if stale else 1
    if nxt is None:
        ctx.store.set_announcement(row["id"], sent, state="done")
        return
    ctx.store.set_announcement(
        row["id"], sent, next_at=nxt.astimezone(ctx.now().tzinfo).isoformat()
    )
    ctx.store.add_timer("announcement", row["id"], nxt)


@router.message(in_private, acts_as(Role.admin), command("公告列表"))
async def list_announcements(msg: Incoming, ctx: Context) -> str:
    rows = ctx.store.active_announcements()
    if not rows:
        return LIST_NONE
    lines = [
        LINE.format(
            id=r["id"],
            when=_when_words(r["repeat"], datetime.fromisoformat(r["next_at"]), ctx),
            groups="、".join(json.loads(r["groups"])),
            text=r["text"][:30],
        )
        for r in rows
    ]
    return LIST.format(n=len(lines), lines="\n".join(lines))


@router.message(in_private, acts_as(Role.admin), command("取消公告"))
async def cancel(msg: Incoming, ctx: Context) -> str:
    args = command_args(msg.text, "取消公告") or []
    number = int(args[0]) if args and args[0].isdigit() else None
    row = ctx.store.announcement(number or 0)
    if row is None or row["state"] != "active":
        return NO_SUCH.format(id=number if number is not None else "？")
    ctx.store.set_announcement(number, state="cancelled")  # type: ignore[arg-type]
    ctx.store.cancel_timers("announcement", number)  # type: ignore[arg-type]
    return CANCELLED.format(id=number)
