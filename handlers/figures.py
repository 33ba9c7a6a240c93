"""The station head's figures in chat: 统计 (today and this month), 日报 (yesterday; also
sent to every admin each morning at [service] daily_summary_hour). A county admin
(`county = true` in [[admins]]) also reads, under 统计, the county's today and each
station's, from the shared store.

The figures are bot/stats.py's, the same as the admin API's.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.messages import Incoming
from bot.records import Timer
from bot.router import Context, Role, Router, command, in_private
from bot.stats import COUNTY, STATION, Figures, figures, questions
from handlers.commands import acts_as

router = Router(name=__name__)

# What admins read.
PERIOD = "{label} 报修 {reports} 件（{incidents} 起）｜到场中位 {arrive}｜按时到场 {on_time}｜复电中位 {restore}｜投诉 {complaints} 件"
FAQ = "问答 {answered} 条，转人工 {handed} 条"
DAILY = "【日报 {day}】\n{period}\n{faq}\n现在未完成 {open} 张，其中超时 {late} 张；进行中或计划的停电 {outages} 个。"
COUNTY_HEAD = "全县 {n} 个供电所："
NONE = "—"


def _minutes(value: float | None) -> str:
    return f"{value:.0f} 分钟" if value is not None else NONE


def _share(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else NONE


def _station(ctx: Context, start: datetime, end: datetime) -> Figures:
    rows = figures(ctx.store.sql, ctx.config, start, end, [ctx.store.station])
    return next((f for f in rows if f.by == "station"), Figures("station", STATION))


def _county(ctx: Context, start: datetime, end: datetime) -> list[str]:
    """Today across the county, then each station (by its id), from the shared store."""
    stations = ctx.store.stations() or [ctx.store.station]
    rows = {(f.by, f.key): f for f in figures(ctx.store.sql, ctx.config, start, end, stations)}
    if len(stations) == 1:  # one station's figures: its row is the county's too
        only = rows.get(("station", STATION), Figures("station", stations[0]))
        rows[("county", COUNTY)] = rows[("station", stations[0])] = only
    lines = [COUNTY_HEAD.format(n=len(stations))]
    lines.append(_period(f"{COUNTY}今天", rows.get(("county", COUNTY), Figures("county", COUNTY))))
    for station in stations:
        lines.append(_period(station, rows.get(("station", station), Figures("station", station))))
    return lines


def _period(label: str, f: Figures) -> str:
    return PERIOD.format(
        label=label,
        reports=f.reports,
        incidents=f.incidents,
        arrive=_minutes(f.arrive_median),
        on_time=_share(f.arrived_in_time),
        restore=_minutes(f.restore_median),
        complaints=f.complaints,
    )


def _local_midnight(ctx: Context, days_back: int = 0) -> datetime:
    zone = ZoneInfo(ctx.config.bot.timezone)
    today = ctx.now().astimezone(zone).date() - timedelta(days=days_back)
    return datetime.combine(today, time(0), tzinfo=zone).astimezone(UTC)


@router.message(in_private, acts_as(Role.admin), command("统计"))
async def show_figures(msg: Incoming, ctx: Context) -> str:
    now = ctx.now() + timedelta(seconds=1)  # what was reported this very moment counts
    today = _local_midnight(ctx)
    zone = ZoneInfo(ctx.config.bot.timezone)
    month = today.astimezone(zone).replace(day=1).astimezone(UTC)
    asked = questions(ctx.store.sql, month, now, [ctx.store.station])
    lines = [
        _period("今天", _station(ctx, today, now)),
        _period("本月", _station(ctx, month, now)),
        FAQ.format(answered=asked["answered"], handed=asked["handed_over"]),
    ]
    admin = ctx.config.admin(msg.sender.id)
    if admin is not None and admin.county:
        lines += _county(ctx, today, now)
    return "\n".join(lines)


def daily(ctx: Context) -> str:
    """Yesterday's figures and what is open now."""
    start, end = _local_midnight(ctx, 1), _local_midnight(ctx)
    day = start.astimezone(ZoneInfo(ctx.config.bot.timezone))
    asked = questions(ctx.store.sql, start, end, [ctx.store.station])
    open_tickets = [t for t in ctx.store.open_tickets() if t.incident_id is None]
    late = [
        t
        for t in open_tickets
        if t.due_at is not None and t.due_at < ctx.now() and t.state not in ("arrived", "done")
    ]
    return DAILY.format(
        day=f"{day.month}月{day.day}日",
        period=_period("昨天", _station(ctx, start, end)),
        faq=FAQ.format(answered=asked["answered"], handed=asked["handed_over"]),
        open=len(open_tickets),
        late=len(late),
        outages=len(ctx.store.outages()),
    )


@router.message(in_private, acts_as(Role.admin), command("日报"))
async def show_daily(msg: Incoming, ctx: Context) -> str:
    return daily(ctx)


def _next_summary(ctx: Context) -> datetime:
    zone = ZoneInfo(ctx.config.bot.timezone)
    local = ctx.now().astimezone(zone)
    hour = ctx.config.service.daily_summary_hour
    when = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return when if when > local else when + timedelta(days=1)


@router.tick()
async def keep_the_daily_summary_scheduled(ctx: Context) -> None:
    if ctx.config.admins and ctx.store.pending_timer("daily_summary", "station") is None:
        ctx.store.add_timer("daily_summary", "station", _next_summary(ctx))


@router.timer("daily_summary")
async def send_daily_summary(timer: Timer, ctx: Context) -> None:
    if ctx.now() - timer.due_at < timedelta(hours=6):  # not a day-old one after downtime
        await ctx.tell_admins(daily(ctx))
    ctx.store.add_timer("daily_summary", "station", _next_summary(ctx))
