"""Outage notices: planned work and faults declared as outages, told to the right groups
before residents have to ask, and questions answered from what is known.

Admins (privately; the words are in handlers/commands.py):
停电通知 幸福花园 1-5栋 12月5日 08:00-12:00 线路检修   the bot echoes the notice; 确认 sends it
停电列表                 the outages announced and not over
延期 3 12月6日 08:00-12:00 / 取消停电 3 / 复电 3      change, cancel, power is back
停电 12 预计18:00恢复 原因 10kV线路故障               ticket 12's fault is an outage (also the
                                                    worker on it; again with a new time)

A planned outage is posted to every group of its communities (and the town-wide groups)
when it is made, again at 18:00 the day before and one hour before it starts; at its end
the admin who made it is asked to confirm power is back (复电). The CLI (`powerbot outage`)
makes, cancels and restores outages with the same checks; what it does is announced by the
running bot (or at its next start) through the timers table. A report of no power, or an
outage question, for a place and day an outage covers is answered with that outage and
counted against it, not made a ticket (a life depending on power still is one).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.messages import Conversation, Incoming, Mention
from bot.records import Outage, Timer
from bot.router import NORMAL, Context, Role, Router, command, command_args, in_private
from handlers.commands import CONFIRM, acts_as, is_staff
from handlers.common import says, ticket_number, understand
from handlers.nlu.dates import Span, has_range, read_day, read_span, when_parts, whole_day
from handlers.nlu.models import FaultType, Intent
from handlers.tickets import lead_of

router = Router(name=__name__)

# What residents read.
NOTICE = (
    "【停电通知】因{reason}，{when}，{where}停电。请提前安排好用电，来电后会在群里通知。{contact}"
)
UNPLANNED = (
    "【故障停电】{where}因{reason}停电，抢修人员正在处理，预计{end}恢复供电。来电后会在群里通知。"
)
EXTENDED = "【停电延长】{where}的停电预计延长到{end}恢复供电。给大家带来不便，敬请谅解。"
UNPLANNED_NEW_TIME = (
    "【恢复时间更新】{where}的故障停电，预计恢复时间改为{end}。抢修人员正在处理，请耐心等待。"
)
REMIND_DAY = "【停电提醒】明天{when}，{where}因{reason}停电，请提前做好准备。"
REMIND_HOUR = "【停电提醒】一小时后（{start}起），{where}因{reason}停电，请提前做好准备。"
CHANGED = "【停电时间调整】{where}原定{old}的停电，改为{when}。给大家带来不便，敬请谅解。"
CANCELLED = "【取消停电】{where}原定{when}的停电取消，正常供电。"
RESTORED = "【恢复供电】{where}已恢复供电。如果家里还是没电，请先看看总闸，再在群里报修。"
CONTACT = "联系人：{contact}。"
KNOWN_NOW = "您那里现在是{what}：{reason}，预计{end}恢复供电，来电后会在群里通知，不用另外报修。"
KNOWN_NOW_LATE = "您那里现在是{what}：{reason}，原定{end}恢复，正在抓紧处理，来电后会在群里通知。"
KNOWN_HOME = "恢复供电时我会再提醒您；到时如果您家还是没电，请回复「还是没电」，我马上登记报修。"
AFTER_RESTORE = "已经恢复供电了。您家如果还是没电，请回复「还是没电」并说一下地址，我马上登记报修。"
PLANNED_ON = "{day}{where}有计划停电：{when}，原因：{reason}。"
NONE_ON = "{day}{where}没有收到计划停电通知。计划停电会提前在本群发布，也可在南网在线App查询，或拨打{hotline}。"
NO_NOTICE = (
    "目前群里没有收到计划停电通知。计划停电会提前在本群发布，也可在南网在线App或"
    "「南方电网95598」公众号查询，或拨打{hotline}。"
)
WHAT = {"planned": "计划停电", "unplanned": "故障停电"}

# What admins (and the worker on an incident) read.
ECHO = "将发到：{groups}\n——\n{notice}\n——\n{warnings}确认发布请回复「确认」。"
TOO_SOON = "注意：离停电不到{days}天，计划检修承诺提前{days}天通知（临时检修至少提前24小时）。\n"
TOO_LATE = "注意：离停电不到24小时，来不及按承诺通知，请尽量电话告知受影响的住户。\n"
POSTED = "已发布停电通知 #{id}，发到 {n} 个群；前一天{hour}:00和开始前1小时会再提醒。"
POSTED_UNPLANNED = "已在 {n} 个群发布故障停电 #{id}，预计{end}恢复。来电后请回复「复电 {id}」。"
UPDATED_UNPLANNED = "已把故障停电 #{id} 的预计恢复时间改为{end}，并通知了 {n} 个群。"
ASK_RESTORED = "停电 #{id}（{where}）原定 {end} 结束。恢复供电了吗？恢复了请回复「复电 {id}」；要延长请回复「延期 {id} 新的时间」。"
DONE_CHANGED = "已把停电 #{id} 改为{when}，并通知了 {n} 个群。"
DONE_EXTENDED = "已把停电 #{id} 延长到{end}，并通知了 {n} 个群。"
PAST_END = "新的结束时间 {end} 已经过了，请核对。"
NOT_STARTED = "停电 #{id} 还没开始（{start}）。要取消请发「取消停电 {id}」。"
DONE_CANCELLED = "已取消停电 #{id}，并通知了 {n} 个群。"
DONE_RESTORED = "已发布 #{id} 恢复供电的通知（{n} 个群）。"
LIST = "未结束的停电 {n} 个：\n{lines}"
LIST_LINE = "#{id} {what} {where} {when}｜{reason}｜已答复 {asked} 次"
LIST_NONE = "目前没有未结束的停电。"
NO_OUTAGE = "没有找到停电 #{id}（或已经取消、恢复）。"
USAGE_NOTICE = "请这样写：停电通知 幸福花园 1-5栋 12月5日 08:00-12:00 线路检修"
USAGE_DECLARE = "请这样写：停电 12 预计18:00恢复 原因 10kV线路故障"
USAGE_CHANGE = "请这样写：延期 3 12月6日 08:00-12:00"
NO_PLACE = "没找到小区或村的名字（{known}）。" + USAGE_NOTICE
NO_DAY = "没看出是哪一天（如「12月5日」「明天」「下周三」）。"
NO_TIME = "没看出几点到几点（如「08:00-12:00」「8点到12点」）。"
PAST = "停电开始时间 {start} 已经过了，请核对日期。"
NO_REASON = "请写上停电原因（如 线路检修、设备改造）。"
NOT_YOURS = "工单 #{id} 不是您负责的，请联系管理员宣布停电。"
NO_TICKET = "没有找到工单 {id}。"
NOTHING_TO_CONFIRM = "没有等您确认的事。"
WITHDRAWN = "好的，已取消，什么都没有发。"
CANCEL_WHICH = "要取消停电请发「取消停电 N」，取消公告请发「取消公告 N」。"
OFFER_KEPT = timedelta(minutes=30)
OVERDUE_GRACE = timedelta(hours=2)  # past its end this long, an outage answers no report
STALE = timedelta(hours=3)  # a reminder this late (the bot was down) is not sent
ASK_AHEAD = timedelta(days=30)  # a question with no day: outages this far ahead

_UNIT = r"(?:栋|幢|座|号楼|组|队|村民小组)"
_PLACES = re.compile(
    rf"^第?(?:\d+\s*{_UNIT}?\s*[-~至到、,，]\s*)*\d+\s*{_UNIT}(?:\d+单元)?$|^全部$|^全村$|^全小区$"
)
_CONTACT = re.compile(r"^(?:联系人|联系电话|联系)[:：]?(.+)$")
_WEEKDAY_NOTE = re.compile(r"[（(]?(?:周|星期|礼拜)[一二三四五六日天][）)]?")
_EXPECTED = re.compile(r"预计(.+?)(?:恢复|来电|复电)")
_REASON = re.compile(r"原因[:：]?\s*(.+)$")


@dataclass
class Plan:
    """An outage as asked for, before it is made."""

    kind: str
    communities: list[str]
    places: str
    start: datetime
    end: datetime
    reason: str
    contact: str = ""
    ticket_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        data = dict(data)
        data["start"] = datetime.fromisoformat(data["start"])
        data["end"] = datetime.fromisoformat(data["end"])
        return cls(**data)


# -- reading and checking --------------------------------------------------------------


def community_names(config: Config) -> dict[str, str]:
    """Every name and alias -> the community's name, longest first."""
    names = {}
    for c in config.communities:
        for name in (c.name, *c.aliases):
            names[name] = c.name
    return dict(sorted(names.items(), key=lambda kv: -len(kv[0])))


def named_communities(text: str, config: Config) -> list[str]:
    found: list[str] = []
    for name, community in community_names(config).items():
        if name in text and community not in found:
            found.append(community)
            text = text.replace(name, " ")
    return found


def read_notice(text: str, now: datetime, config: Config) -> Plan | str:
    """停电通知 幸福花园 1-5栋 12月5日 08:00-12:00 线路检修 [联系人 …] as a plan, or what is
    missing. Words are told apart whole: a place (1-5栋, 1栋、3栋, 3组), a day, a time, a
    contact; the rest is the reason (更换5号杆 stays a reason)."""
    zone = ZoneInfo(config.bot.timezone)
    local = now.astimezone(zone)
    rest = " ".join(command_args(text, "停电通知") or [])
    rest = _WEEKDAY_NOTE.sub("", rest)  # 12月12日（周六）, as the echo writes it
    rest = re.sub(r"\s*([-~～—–至到])\s*(?=[0-9０-９])", r"\1", rest)  # 8:00 - 12:00
    rest = re.sub(r"联系人\s+", "联系人", rest)  # 联系人 张工 138…
    communities = named_communities(rest, config)
    if not communities:
        known = "、".join(c.name for c in config.communities[:4])
        return NO_PLACE.format(known=known)
    places, contact, reason, days, times = [], "", [], [], []
    names = community_names(config)
    for token in re.split(r"\s+", rest):
        bare = token
        for name in names:
            bare = bare.replace(name, "")
        if not bare:
            continue
        when = when_parts(bare)
        if _PLACES.match(bare):
            places.append(bare)
        elif m := _CONTACT.match(bare):
            contact = m.group(1)
        elif contact and not reason and when is None:
            contact = f"{contact} {bare}"  # 联系人 张工 13800000000
        elif when is not None:
            days.append(when[0])
            times.append(when[1])
        else:
            reason.append(bare)
    day = read_day(" ".join(days), local)
    if day is None:
        return NO_DAY + USAGE_NOTICE
    span = read_span(" ".join(times), day, zone)
    if span is None or not has_range(" ".join(times)):
        return NO_TIME + USAGE_NOTICE
    if not reason:
        return NO_REASON
    return Plan(
        "planned", communities, "、".join(places), span.start, span.end, " ".join(reason), contact
    )


def check(plan: Plan, now: datetime, config: Config) -> tuple[list[str], list[str]]:
    """(problems, warnings) of a plan: the same for the chat command, the CLI and the API."""
    problems, warnings = [], []
    unknown = [c for c in plan.communities if config.community(c) is None]
    if unknown or not plan.communities:
        problems.append(f"不认识的小区或村：{'、'.join(unknown) or '（没写）'}")
    if plan.end <= plan.start:
        problems.append("结束时间要晚于开始时间。")
    if not plan.reason.strip():
        problems.append(NO_REASON)
    if plan.kind == "planned" and plan.start <= now:
        problems.append(PAST.format(start=_when(plan.start, plan.start, config)))
    elif plan.kind == "planned":
        ahead = plan.start - now
        if ahead < timedelta(hours=24):
            warnings.append(TOO_LATE)
        elif ahead < timedelta(days=config.service.outage_notice_days):
            warnings.append(TOO_SOON.format(days=config.service.outage_notice_days))
    return problems, warnings


# -- words ---------------------------------------------------------------------------------

_WEEK = "一二三四五六日"


def _when(start: datetime, end: datetime, config: Config) -> str:
    zone = ZoneInfo(config.bot.timezone)
    a, b = start.astimezone(zone), end.astimezone(zone)
    day = f"{a.month}月{a.day}日（周{_WEEK[a.weekday()]}）"
    if a.date() == b.date() or (b - a <= timedelta(hours=24) and b.hour == 0 and b.minute == 0):
        return f"{day}{a:%H:%M}-{b:%H:%M}"
    return f"{day}{a:%H:%M} 至 {b.month}月{b.day}日 {b:%H:%M}"


def _clock(when: datetime, ctx_now: datetime, config: Config) -> str:
    zone = ZoneInfo(config.bot.timezone)
    local, today = when.astimezone(zone), ctx_now.astimezone(zone).date()
    if local.date() == today:
        return f"今天{local:%H:%M}"
    if local.date() == today + timedelta(days=1):
        return f"明天{local:%H:%M}"
    return f"{local.month}月{local.day}日{local:%H:%M}"


def where(outage: Outage | Plan) -> str:
    return "、".join(outage.communities) + (f"（{outage.places}）" if outage.places else "")


def notice(outage: Outage | Plan, config: Config, now: datetime) -> str:
    if outage.kind == "unplanned":
        end = _clock(_end(outage), now, config)
        return UNPLANNED.format(where=where(outage), reason=outage.reason, end=end)
    contact = CONTACT.format(contact=outage.contact) if outage.contact else ""
    return NOTICE.format(
        reason=outage.reason,
        when=_when(_start(outage), _end(outage), config),
        where=where(outage),
        contact=contact,
    ).strip()


def _start(o: Outage | Plan) -> datetime:
    return o.start_at if isinstance(o, Outage) else o.start


def _end(o: Outage | Plan) -> datetime:
    return o.end_at if isinstance(o, Outage) else o.end


def groups_of(communities: list[str], config: Config) -> list[str]:
    """The group topics that hear about these communities: theirs, joint ones that cover
    them, and the town-wide groups (of no community)."""
    topics = []
    for g in config.groups:
        covers = g.community in communities or set(g.communities) & set(communities)
        town = g.community is None and not g.communities
        if covers or town:
            topics.append(g.topic)
    return topics


async def tell_groups(outage: Outage | Plan, text: str, ctx: Context) -> int:
    topics = groups_of(outage.communities, ctx.config)
    for topic in topics:
        await ctx.tell(Conversation.group(topic), text, priority=NORMAL)
    return len(topics)


# -- making and changing ---------------------------------------------------------------


def make(plan: Plan, store: Any, now: datetime, created_by: str, config: Config) -> Outage:
    """The outage on disk with its clocks; announced by its "notice" timer (at once)."""
    outage = store.add_outage(
        {
            "kind": plan.kind,
            "communities": plan.communities,
            "places": plan.places,
            "start_at": plan.start,
            "end_at": plan.end,
            "reason": plan.reason,
            "contact": plan.contact,
            "state": "scheduled",
            "created_by": created_by,
            "created_at": now,
            "ticket_id": plan.ticket_id,
        }
    )
    store.add_timer("outage", outage.id, now, {"do": "notice"})
    schedule(outage, store, now, config)
    return outage


def schedule(outage: Outage, store: Any, now: datetime, config: Config) -> None:
    """The reminders (planned) and the end check, from now on."""
    store.cancel_timers("outage_clock", outage.id)
    zone = ZoneInfo(config.bot.timezone)
    if outage.kind == "planned":
        start = outage.start_at.astimezone(zone)
        hour = config.service.outage_reminder_hour
        evening = (start - timedelta(days=1)).replace(hour=hour, minute=0, second=0)
        for due, do in ((evening, "remind_day"), (start - timedelta(hours=1), "remind_hour")):
            if due > now and due < start:
                store.add_timer("outage_clock", outage.id, due, {"do": do})
    store.add_timer("outage_clock", outage.id, max(outage.end_at, now), {"do": "end"})


async def announce(outage: Outage, ctx: Context) -> int:
    n = await tell_groups(outage, notice(outage, ctx.config, ctx.now()), ctx)
    ctx.store.update_outage(outage.id, announced_at=ctx.now())
    return n


@router.timer("outage")
async def outage_changed(timer: Timer, ctx: Context) -> None:
    """A change made outside a chat (the CLI), told to the groups by the running bot."""
    outage = ctx.store.outage(int(timer.ref))
    if outage is None:
        return
    do = timer.payload.get("do")
    if do == "notice" and outage.state == "scheduled" and outage.announced_at is None:
        await announce(outage, ctx)
    elif do == "cancelled" and outage.state == "cancelled":
        when = _when(outage.start_at, outage.end_at, ctx.config)
        await tell_groups(outage, CANCELLED.format(where=where(outage), when=when), ctx)
    elif do == "restored" and outage.state == "restored":
        await told_restored(outage, ctx)


@router.timer("outage_clock")
async def outage_clock(timer: Timer, ctx: Context) -> None:
    outage = ctx.store.outage(int(timer.ref))
    if outage is None or outage.state != "scheduled":
        return
    do = timer.payload.get("do")
    words = {
        "where": where(outage),
        "reason": outage.reason,
        "when": _when(outage.start_at, outage.end_at, ctx.config).split("）", 1)[-1],
        "start": _clock(outage.start_at, ctx.now(), ctx.config),
    }
    late = ctx.now() - timer.due_at
    if do in ("remind_day", "remind_hour") and (ctx.now() >= outage.start_at or late > STALE):
        return  # the bot was down: a reminder for the past, or this stale, reads wrong
    if do == "remind_day":
        await tell_groups(outage, REMIND_DAY.format(**words), ctx)
    elif do == "remind_hour":
        await tell_groups(outage, REMIND_HOUR.format(**words), ctx)
    elif do == "end":
        end = _clock(outage.end_at, ctx.now(), ctx.config)
        ask = ASK_RESTORED.format(id=outage.id, where=where(outage), end=end)
        creator = outage.created_by
        if ctx.config.admin(creator) is not None or ctx.config.worker(creator) is not None:
            await ctx.tell_person(creator, ask)
        else:  # made by the CLI
            await ctx.tell_admins(ask)


async def told_restored(outage: Outage, ctx: Context) -> int:
    """Power is back: the groups hear it, and each home that reported no power during the
    outage is asked, by name, to say if theirs still has none (then it is a report)."""
    n = await tell_groups(outage, RESTORED.format(where=where(outage)), ctx)
    for chat_id, sender_id, asked in ctx.store.take_offers(f"after_outage:{outage.id}"):
        if asked.get("group"):
            mention = Mention(id=sender_id, name=asked.get("name", ""))
            await ctx.tell(Conversation.group(chat_id), AFTER_RESTORE, mention)
        else:
            await ctx.tell(Conversation.private(chat_id), AFTER_RESTORE)
    return n


def restore(outage: Outage, store: Any, now: datetime) -> Outage:
    store.cancel_timers("outage_clock", outage.id)
    return store.update_outage(outage.id, state="restored", restored_at=now)


def cancel(outage: Outage, store: Any, now: datetime) -> Outage:
    store.cancel_timers("outage_clock", outage.id)
    return store.update_outage(outage.id, state="cancelled", cancelled_at=now)


# -- admins' commands ------------------------------------------------------------------


@router.message(in_private, acts_as(Role.admin), command("停电通知"))
async def propose_notice(msg: Incoming, ctx: Context) -> str:
    if not command_args(msg.text, "停电通知"):
        return await list_outages(msg, ctx)
    plan = read_notice(msg.text, ctx.now(), ctx.config)
    if isinstance(plan, str):
        return plan
    problems, warnings = check(plan, ctx.now(), ctx.config)
    if problems:
        return "\n".join(problems)
    ctx.store.offer(msg, "confirm_outage", plan.to_json(), ctx.now() + OFFER_KEPT)
    groups = "、".join(groups_of(plan.communities, ctx.config)) or "（没有配置的群）"
    return ECHO.format(
        groups=groups, notice=notice(plan, ctx.config, ctx.now()), warnings="".join(warnings)
    )


@router.message(in_private, is_staff, command(CONFIRM))
async def confirm(msg: Incoming, ctx: Context) -> str:
    """确认 of an outage notice (a hand-over's 确认 is handlers.dispatch's)."""
    held = ctx.store.offered(msg, "confirm_outage", ctx.now())
    if held is None:
        return NOTHING_TO_CONFIRM
    ctx.store.withdraw(msg, "confirm_outage")
    plan = Plan.from_json(held)
    problems, _ = check(plan, ctx.now(), ctx.config)
    if problems:
        return "\n".join(problems)
    outage = make(plan, ctx.store, ctx.now(), msg.sender.id, ctx.config)
    ctx.store.cancel_timers("outage", outage.id)  # announced here and now
    n = await announce(outage, ctx)
    return POSTED.format(id=outage.id, n=n, hour=ctx.config.service.outage_reminder_hour)


@router.message(in_private, is_staff, command("停电列表"))
async def list_outages(msg: Incoming, ctx: Context) -> str:
    outages = ctx.store.outages()
    if not outages:
        return LIST_NONE
    lines = [
        LIST_LINE.format(
            id=o.id,
            what=WHAT[o.kind],
            where=where(o),
            when=_when(o.start_at, o.end_at, ctx.config),
            reason=o.reason,
            asked=o.asked,
        )
        for o in outages
    ]
    return LIST.format(n=len(lines), lines="\n".join(lines))


def _scheduled(args: list[str] | None, ctx: Context) -> Outage | str:
    number = ticket_number(args[0]) if args else None
    outage = ctx.store.outage(number) if number is not None else None
    if outage is None or outage.state != "scheduled":
        return NO_OUTAGE.format(id=number if number is not None else "？")
    return outage


@router.message(in_private, is_staff, command("取消"))
async def withdraw(msg: Incoming, ctx: Context) -> str:
    """取消 after an echo: nothing is sent. 取消 N names nothing: say which."""
    if command_args(msg.text, "取消"):
        return CANCEL_WHICH
    return WITHDRAWN if ctx.store.withdraw_confirms(msg) else NOTHING_TO_CONFIRM


@router.message(in_private, acts_as(Role.admin), command("取消停电"))
async def cancel_outage(msg: Incoming, ctx: Context) -> str:
    outage = _scheduled(command_args(msg.text, "取消停电"), ctx)
    if isinstance(outage, str):
        return outage
    outage = cancel(outage, ctx.store, ctx.now())
    when = _when(outage.start_at, outage.end_at, ctx.config)
    n = await tell_groups(outage, CANCELLED.format(where=where(outage), when=when), ctx)
    return DONE_CANCELLED.format(id=outage.id, n=n)


@router.message(in_private, acts_as(Role.admin), command("延期"))
async def move_outage(msg: Incoming, ctx: Context) -> str:
    """延期 N <day> <hours>: before it starts, new times (one time keeps the length); under
    way, a new end (延期 1 14:00 means it ends at 14:00)."""
    args = command_args(msg.text, "延期") or []
    outage = _scheduled(args, ctx)
    if isinstance(outage, str):
        return outage
    zone = ZoneInfo(ctx.config.bot.timezone)
    rest = " ".join(args[1:])
    local = ctx.now().astimezone(zone)
    started = outage.start_at <= ctx.now()
    anchor = outage.end_at if started else outage.start_at
    day = read_day(rest, local) or anchor.astimezone(zone).date()
    span = read_span(rest, day, zone)
    if span is None:
        return NO_TIME + USAGE_CHANGE
    if started:
        end = span.end if has_range(rest) else span.start
        if end <= ctx.now():
            return PAST_END.format(end=_clock(end, ctx.now(), ctx.config))
        outage = ctx.store.update_outage(outage.id, end_at=end)
        schedule(outage, ctx.store, ctx.now(), ctx.config)
        new_end = _clock(end, ctx.now(), ctx.config)
        n = await tell_groups(outage, EXTENDED.format(where=where(outage), end=new_end), ctx)
        return DONE_EXTENDED.format(id=outage.id, end=new_end, n=n)
    start = span.start
    end = span.end if has_range(rest) else start + (outage.end_at - outage.start_at)
    plan = Plan(outage.kind, outage.communities, outage.places, start, end, outage.reason)
    problems, _ = check(plan, ctx.now(), ctx.config)
    if problems:
        return "\n".join(problems)
    old = _when(outage.start_at, outage.end_at, ctx.config)
    outage = ctx.store.update_outage(outage.id, start_at=start, end_at=end)
    schedule(outage, ctx.store, ctx.now(), ctx.config)
    when = _when(outage.start_at, outage.end_at, ctx.config)
    n = await tell_groups(outage, CHANGED.format(where=where(outage), old=old, when=when), ctx)
    return DONE_CHANGED.format(id=outage.id, when=when, n=n)


def _may_restore(msg: Incoming, outage: Outage, ctx: Context) -> bool:
    if ctx.config.admin(msg.sender.id) is not None:
        return True
    ticket = ctx.store.ticket(outage.ticket_id) if outage.ticket_id else None
    return ticket is not None and lead_of(ticket, ctx).worker_id == msg.sender.id


@router.message(in_private, is_staff, command("复电", "提前恢复"))
async def restore_outage(msg: Incoming, ctx: Context) -> str:
    outage = _scheduled(command_args(msg.text, "复电", "提前恢复"), ctx)
    if isinstance(outage, str):
        return outage
    if not _may_restore(msg, outage, ctx):
        return NOT_YOURS.format(id=outage.ticket_id or outage.id)
    if outage.start_at > ctx.now():
        return NOT_STARTED.format(
            id=outage.id, start=_clock(outage.start_at, ctx.now(), ctx.config)
        )
    outage = restore(outage, ctx.store, ctx.now())
    n = await told_restored(outage, ctx)
    return DONE_RESTORED.format(id=outage.id, n=n)


@router.message(in_private, is_staff, command("停电"))
async def declare_outage(msg: Incoming, ctx: Context) -> str:
    """停电 12 预计18:00恢复 原因 10kV线路故障: ticket 12's fault is an outage."""
    args = command_args(msg.text, "停电") or []
    number = ticket_number(args[0]) if args else None
    if number is None:
        return USAGE_DECLARE
    ticket = ctx.store.ticket(number)
    if ticket is None:
        return NO_TICKET.format(id=number)
    lead = lead_of(ticket, ctx)
    if ctx.config.admin(msg.sender.id) is None and lead.worker_id != msg.sender.id:
        return NOT_YOURS.format(id=lead.id)
    rest = " ".join(args[1:])
    zone = ZoneInfo(ctx.config.bot.timezone)
    local = ctx.now().astimezone(zone)
    expected = _EXPECTED.search(rest)
    end = None
    if expected:
        day = read_day(expected.group(1), local) or local.date()
        span = read_span(expected.group(1), day, zone)
        end = span.start if span else None
        if end is not None and end <= ctx.now():
            end += timedelta(days=1)  # 预计01:00恢复, said at 22:00
    if end is None:
        return (
            NO_TIME.replace("几点到几点（如「08:00-12:00」「8点到12点」）", "预计几点恢复")
            + USAGE_DECLARE
        )
    reason_m = _REASON.search(rest)
    existing = next(
        (o for o in ctx.store.outages() if o.ticket_id == lead.id and o.kind == "unplanned"), None
    )
    if reason_m:
        reason = reason_m.group(1).strip()
    else:
        reason = existing.reason if existing else "线路故障"
    if existing is not None:
        outage = ctx.store.update_outage(existing.id, end_at=end, reason=reason)
        schedule(outage, ctx.store, ctx.now(), ctx.config)
        text = UNPLANNED_NEW_TIME.format(
            where=where(outage), end=_clock(end, ctx.now(), ctx.config)
        )
        n = await tell_groups(outage, text, ctx)
        return UPDATED_UNPLANNED.format(id=outage.id, end=_clock(end, ctx.now(), ctx.config), n=n)
    places = f"{lead.building}栋" if lead.building else ""
    community = lead.community or ""
    if ctx.config.community(community) is None:
        return NO_PLACE.format(known="、".join(c.name for c in ctx.config.communities[:4]))
    kind = ctx.config.community(community).kind.value  # type: ignore[union-attr]
    if places and kind == "village":
        places = f"{lead.building}组"
    plan = Plan("unplanned", [community], places, ctx.now(), end, reason, ticket_id=lead.id)
    outage = make(plan, ctx.store, ctx.now(), msg.sender.id, ctx.config)
    ctx.store.cancel_timers("outage", outage.id)
    n = await announce(outage, ctx)
    return POSTED_UNPLANNED.format(id=outage.id, n=n, end=_clock(end, ctx.now(), ctx.config))


# -- answering from what is known --------------------------------------------------------

_PLACE_NUMBERS = re.compile(r"(\d+)\s*(?:[-~至到]\s*(\d+))?")


def covers(outage: Outage, community: str | None, building: str | None) -> bool:
    """Whether the outage is at this place (a community; a building, if it names some)."""
    if community not in outage.communities:
        return False
    if not outage.places:
        return True
    if not building or not building.isdigit():
        return False  # part of the community is out, and this one did not say where: ask

    wanted = int(building)
    for m in _PLACE_NUMBERS.finditer(outage.places):
        low = int(m.group(1))
        high = int(m.group(2)) if m.group(2) else low
        if low <= wanted <= high:
            return True
    return False


def _on_now(outage: Outage, ctx: Context) -> bool:
    """On now: started, not restored, not long past its end, and for a fault, its ticket
    still open (finished, it is over whatever the admin forgot to say)."""
    now = ctx.now()
    if outage.state != "scheduled" or outage.start_at > now:
        return False
    if now > outage.end_at + OVERDUE_GRACE:
        return False
    if outage.kind == "unplanned" and outage.ticket_id:
        ticket = ctx.store.ticket(outage.ticket_id)
        if ticket is None or not lead_of(ticket, ctx).is_open:
            return False
    return True


_TOWN = re.compile(r"全镇|镇上|镇里|全村|哪些地方|哪里|边度|边啲地方|哪几个")


def _asker_communities(msg: Incoming, ctx: Context) -> list[str]:
    named = named_communities(msg.text, ctx.config)
    if named:
        return named
    town = ctx.config.station.name.removesuffix("供电所")
    if _TOWN.search(msg.text) or (town and town in msg.text):
        return [c.name for c in ctx.config.communities]  # the whole station
    group = ctx.config.group(msg.conversation.topic) if msg.conversation.is_group else None
    if group is None:
        return []
    if group.community:
        return [group.community]
    return list(group.communities) or [c.name for c in ctx.config.communities]


def covering(
    community: str | None, building: str | None, fault_type: FaultType | None, ctx: Context
) -> Outage | None:
    """The outage on now that covers a report of no power at this place, if any."""
    if fault_type not in (FaultType.area_outage, FaultType.household_outage, None):
        return None
    return next(
        (o for o in ctx.store.outages() if _on_now(o, ctx) and covers(o, community, building)),
        None,
    )


def _covering_report(msg: Incoming, ctx: Context) -> Outage | None:
    u = understand(msg, ctx)
    if u.intent is not Intent.fault_report or u.urgent or says(msg, ctx, "GAS_SMELL"):
        return None
    address = u.address
    return covering(
        address.community if address else None,
        address.building if address else None,
        u.fault_type,
        ctx,
    )


def _known_words(outage: Outage, household: bool, asker: Incoming, ctx: Context) -> str:
    """What a reporter hears from an outage that is on; counted against it."""
    ctx.store.count_outage_question(outage.id)
    late = outage.end_at <= ctx.now()
    words = KNOWN_NOW_LATE if late else KNOWN_NOW
    text = words.format(
        what=WHAT[outage.kind],
        reason=outage.reason,
        end=_clock(outage.end_at, ctx.now(), ctx.config),
    )
    if household:
        # one home without power: asked again when power is back (told_restored)
        until = max(outage.end_at, ctx.now()) + timedelta(days=2)
        asked = {"name": asker.sender.name, "group": asker.conversation.is_group}
        ctx.store.offer(asker, f"after_outage:{outage.id}", asked, until)
        text += KNOWN_HOME
    return text


def answer_for_place(
    address: Any, fault_type: FaultType | None, asker: Incoming, ctx: Context
) -> str | None:
    """A report completed by its address (handlers.fault_reports): the outage's words if
    the place is inside one that is on, else None."""
    outage = covering(address.community, address.building, fault_type, ctx)
    if outage is None:
        return None
    return _known_words(outage, fault_type is FaultType.household_outage, asker, ctx)


@router.message(lambda m, c: _covering_report(m, c) is not None)
async def answer_from_outage(msg: Incoming, ctx: Context) -> str:
    """No power where an outage is on: the outage and its time, not a ticket."""
    outage = _covering_report(msg, ctx)
    assert outage is not None
    household = understand(msg, ctx).fault_type is FaultType.household_outage
    return _known_words(outage, household, msg, ctx)


@router.message(lambda m, c: understand(m, c).intent is Intent.outage_query)
async def answer_outage_query(msg: Incoming, ctx: Context) -> str:
    """明天我们村停电吗 / 下周三白花镇哪些地方停电: the outages of that day and place."""
    zone = ZoneInfo(ctx.config.bot.timezone)
    local = ctx.now().astimezone(zone)
    day = read_day(msg.text, local)
    span: Span = whole_day(day, zone) if day else Span(ctx.now(), ctx.now() + ASK_AHEAD)
    communities = _asker_communities(msg, ctx)
    found = [
        o
        for o in ctx.store.outages()
        if o.start_at < span.end
        and o.end_at > span.start
        and (not communities or set(o.communities) & set(communities))
        and (o.kind == "planned" or _on_now(o, ctx))
    ]
    day_words = _day_words(day, local.date()) if day else ""
    place = "、".join(communities) if communities and len(communities) <= 2 else ""
    if not found:
        if not day and not place:
            return NO_NOTICE.format(hotline=ctx.config.station.hotline)
        return NONE_ON.format(day=day_words, where=place, hotline=ctx.config.station.hotline)
    lines = []
    for o in found[:5]:
        ctx.store.count_outage_question(o.id)
        if o.kind == "unplanned":
            lines.append(notice(o, ctx.config, ctx.now()))
        else:
            lines.append(
                PLANNED_ON.format(
                    day="",
                    where=where(o),
                    when=_when(o.start_at, o.end_at, ctx.config),
                    reason=o.reason,
                )
            )
    return "\n".join(lines)


def _day_words(day: Any, today: Any) -> str:
    delta = (day - today).days
    return {0: "今天", 1: "明天", 2: "后天"}.get(delta, f"{day.month}月{day.day}日")
