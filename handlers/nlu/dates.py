"""Days and times as residents and admins write them, read against "now".

- A day: 今天/今日, 明天/明日/听日, 后天/後日, 大后天, 昨天/琴日; 周三/星期三/礼拜三/拜三
  (this week's, or the next one if it has passed), 下周三/下星期三 (next week's), 本周六/这周六;
  11月28日/11月28号/11.28/11-28/2026-11-28 (this year, or next year if it has passed
  by more than a month), 28号/28日 (this month, or next).
- A part of the day: 上午/早上 (06–12), 中午 (11–14), 下午 (12–18), 晚上/夜晚 (18–24),
  凌晨 (00–06); a time 8点/8点半/08:00/8:30, and a span 08:00-12:00, 8点到12点, 8-12点.
  下午3点 is 15:00.

`read_day(text, now)` gives the first day said (a date), `read_span(text, day)` the time
span said on it (start and end as aware datetimes in now's zone), both None when the text
says none. Chinese numerals (十二月五号, 下午三点) are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.nlu.numerals import to_digits

_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_NUM = r"[0-9零〇一二两三四五六七八九十]{1,3}"
_RELATIVE = (
    (re.compile(r"大后天|大後日"), 3),
    (re.compile(r"后天|後日|后日"), 2),
    (re.compile(r"明天|明日|听日|聽日|明早|明晚"), 1),
    (re.compile(r"今天|今日|今晚|今早|今朝|而家|现在|今个"), 0),
    (re.compile(r"昨天|昨日|琴日|寻日"), -1),
)
_WEEK = re.compile(
    r"(下下|下|本|这|這|今|上)?(?:个)?(?:周|星期|礼拜|禮拜|拜)([一二三四五六日天末])"
)
_FULL_DATE = re.compile(r"(20\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})[日号號]?")
_MONTH_DAY = re.compile(
    rf"({_NUM})\s*月\s*({_NUM})\s*[日号號]?|(?<![\d.])(\d{{1,2}})[./-](\d{{1,2}})(?![\d.:]|\s*[栋幢座号组队楼单])"
)
_DAY_ONLY = re.compile(rf"(?<![月\d])({_NUM})\s*[号號日](?!子)")
_CLOCK = rf"(?:(\d{{1,2}})[:：](\d{{2}})|({_NUM})\s*[点點时時](?:\s*(半|{_NUM})\s*分?)?)"
_PART = re.compile(
    r"凌晨|早上|早晨|上午|朝早|中午|下午|晏昼|下昼|傍晚|晚上|夜晚|夜里|夜间|今晚|明晚|晚"
)
_PARTS: dict[str, tuple[int, int]] = {
    "凌晨": (0, 6),
    "早上": (6, 12),
    "早晨": (6, 12),
    "朝早": (6, 12),
    "上午": (6, 12),
    "中午": (11, 14),
    "下午": (12, 18),
    "晏昼": (12, 18),
    "下昼": (12, 18),
    "傍晚": (17, 19),
    "晚上": (18, 24),
    "夜晚": (18, 24),
    "夜里": (18, 24),
    "夜间": (18, 24),
    "今晚": (18, 24),
    "明晚": (18, 24),
    "晚": (18, 24),
}
_PART_WORDS = "凌晨|早上|早晨|上午|朝早|中午|下午|晏昼|下昼|傍晚|晚上|夜晚|夜里|夜间|今晚|明晚|晚"
_SEP = r"\s*(?:-|—|–|~|～|至|到|到去)\s*(?:次日|第二天|翌日)?\s*"
# Each time with its own part of the day: 上午8点至下午5点, 晚上10点到凌晨2点.
_SPAN = re.compile(rf"(?:({_PART_WORDS})\s*)?{_CLOCK}{_SEP}(?:({_PART_WORDS})\s*)?{_CLOCK}")
# 8-12点: two hours sharing one 点.
_HOURS = re.compile(rf"(?:({_PART_WORDS})\s*)?({_NUM}){_SEP}({_NUM})\s*[点點时時]")
_ONE = re.compile(rf"(?:({_PART_WORDS})\s*)?{_CLOCK}")
# Whole tokens that are only a day, or only a time (for commands that mix them with text).
_DAY_TOKEN = re.compile(
    rf"(今天|今日|明天|明日|听日|后天|後日|大后天|(20\d\d[-/.年])?{_NUM}\s*[月/.-]\s*{_NUM}\s*[日号號]?"
    rf"|(下下|下|本|这|這)?(个)?(周|星期|礼拜)[一二三四五六日天])"
)
_TIME_TOKEN = re.compile(
    rf"(({_PART_WORDS})?{_CLOCK}({_SEP}({_PART_WORDS})?{_CLOCK})?|({_PART_WORDS})?{_NUM}{_SEP}{_NUM}\s*[点點时時]"
    rf"|{_PART_WORDS})"
)


def is_day_token(token: str) -> bool:
    return _DAY_TOKEN.fullmatch(token) is not None


def is_time_token(token: str) -> bool:
    return _TIME_TOKEN.fullmatch(token) is not None


def when_parts(token: str) -> tuple[str, str] | None:
    """A token that is a day, a time, or a day then a time (12月12日08:00-12:00): its
    (day, time) parts, either may be ""; None when it is anything else."""
    if is_day_token(token):
        return token, ""
    if is_time_token(token):
        return "", token
    m = _DAY_TOKEN.match(token)
    if m and is_time_token(token[m.end() :]):
        return token[: m.end()], token[m.end() :]
    return None


def _n(word: str | None) -> int | None:
    if not word:
        return None
    digits = to_digits(word)
    return int(digits) if digits is not None else None


def read_day(text: str, now: datetime) -> date | None:
    """The first day the text names, as a local date relative to `now`."""
    today = now.date()
    found: list[tuple[int, date]] = []
    for pattern, offset in _RELATIVE:
        for m in pattern.finditer(text):
            found.append((m.start(), today + timedelta(days=offset)))
    for m in _FULL_DATE.finditer(text):
        try:
            found.append((m.start(), date(int(m[1]), int(m[2]), int(m[3]))))
        except ValueError:
            pass
    for m in _MONTH_DAY.finditer(text):
        month, day = _n(m[1] or m[3]), _n(m[2] or m[4])
        if month and day and 1 <= month <= 12:
            when = _this_year(today, month, day)
            if when is not None:
                found.append((m.start(), when))
    for m in _WEEK.finditer(text):
        found.append((m.start(), _weekday(today, m[1] or "", m[2])))
    if not found:
        for m in _DAY_ONLY.finditer(text):
            day = _n(m[1])
            if day and 1 <= day <= 31:
                when = _this_month(today, day)
                if when is not None:
                    found.append((m.start(), when))
    return min(found)[1] if found else None


def _this_year(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        if when >= today - timedelta(days=31):
            return when
    return None


def _this_month(today: date, day: int) -> date | None:
    year, month = today.year, today.month
    for _ in range(2):
        try:
            when = date(year, month, day)
            if when >= today:
                return when
        except ValueError:
            pass
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday(today: date, which: str, name: str) -> date:
    target = _WEEKDAY[name]
    monday = today - timedelta(days=today.weekday())
    if which in ("下",):
        return monday + timedelta(days=7 + target)
    if which == "下下":
        return monday + timedelta(days=14 + target)
    if which == "上":
        return monday - timedelta(days=7 - target)
    when = monday + timedelta(days=target)
    if which in ("本", "这", "這", "今"):
        return when
    return when if when >= today else when + timedelta(days=7)  # 周六: the coming one


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime


def _clock(groups: tuple[str | None, ...], part: tuple[int, int] | None) -> time | None:
    hh, mm, ch, cm = groups
    hour = int(hh) if hh else _n(ch)
    minute = int(mm) if mm else (30 if cm == "半" else (_n(cm) or 0))
    if hour is None or hour > 24 or minute > 59:
        return None
    if part is not None and part[0] >= 12 and hour < 12:
        hour += 12  # 下午3点
    elif part is not None and part[0] == 0 and hour == 12:
        hour = 0  # 凌晨12点
    return time(0, 0) if hour == 24 else time(hour, minute)


def read_span(text: str, day: date, zone: object) -> Span | None:
    """The time span the text gives on `day`: 08:00-12:00, 8点到12点, 8-12点, 上午, 下午3点,
    上午8点至下午5点, 晚上10点到凌晨2点 (the next day), 22:00-次日06:00."""
    m = _SPAN.search(text)
    if m:
        g = m.groups()
        first_part = _PARTS.get(g[0] or "")
        second_part = _PARTS.get(g[5] or "") or first_part
        start = _clock(g[1:5], first_part)
        end = _clock(g[6:10], second_part)
        if start and end:
            if end <= start and end.hour < 12 and start.hour < 12 and not g[5] and not g[0]:
                end = time(end.hour + 12, end.minute)  # 8点到5点: until 17:00
            return _span(day, start, end, zone)
    m = _HOURS.search(text)
    if m:
        part = _PARTS.get(m.group(1) or "")
        start = _clock((None, None, m.group(2), None), part)
        end = _clock((None, None, m.group(3), None), part)
        if start and end:
            return _span(day, start, end, zone)
    m = _ONE.search(text)
    if m:
        part_m = _PART.search(text)
        part = _PARTS.get(m.group(1) or "") or (_PARTS[part_m.group(0)] if part_m else None)
        start = _clock(m.groups()[1:], part)
        if start:
            end_hour = min(start.hour + 1, 23)
            return _span(day, start, time(end_hour, start.minute), zone)
    part_m = _PART.search(text)
    if part_m is not None:
        part = _PARTS[part_m.group(0)]
        end = time(part[1] - 1, 59) if part[1] == 24 else time(part[1])
        return _span(day, time(part[0]), end, zone)
    return None


def has_range(text: str) -> bool:
    """The text gives a start and an end (08:00-12:00), not one time."""
    return _SPAN.search(text) is not None or _HOURS.search(text) is not None


def _span(day: date, start: time, end: time, zone: object) -> Span:
    begin = datetime.combine(day, start, tzinfo=zone)  # type: ignore[arg-type]
    finish = datetime.combine(day, end, tzinfo=zone)  # type: ignore[arg-type]
    if finish <= begin:
        finish += timedelta(days=1)
    return Span(begin, finish)


def whole_day(day: date, zone: object) -> Span:
    begin = datetime.combine(day, time(0), tzinfo=zone)  # type: ignore[arg-type]
    return Span(begin, begin + timedelta(days=1))
