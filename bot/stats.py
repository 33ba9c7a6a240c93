"""The station's service figures, from the tickets, their events and the complaints.

For a time range (reports first made in it), per community, team and worker, and for the
whole station: reports (every report, joined ones too) and incidents (the tickets that
carried the work); median and 90th-percentile minutes from the first report to accept,
to arrive and to restore (the worker's 完成); the share that arrived within the arrival
promise and was restored within the restoration target; the reopen rate; ratings;
complaints, and per 1,000 households where the config gives a community's households.

Plain SQL reads and arithmetic; used by the admin API, the CSV export, 统计 and 日报.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.config import Config
from bot.sql import Sql

STATION = "全所"
COUNTY = "全县"  # the row of every station together, when figures cover several


@dataclass
class Figures:
    """One row of figures: a community, a team, a worker, or the whole station."""

    by: str  # community / team / worker / station
    key: str
    reports: int = 0
    incidents: int = 0
    accept_median: float | None = None
    accept_p90: float | None = None
    arrive_median: float | None = None
    arrive_p90: float | None = None
    restore_median: float | None = None
    restore_p90: float | None = None
    arrived_in_time: float | None = None  # share of those that arrived
    restored_in_time: float | None = None
    reopen_rate: float | None = None
    rating: float | None = None
    ratings: int = 0
    complaints: int = 0
    complaints_per_1000: float | None = None
    _times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _in_time: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _rated: list[int] = field(default_factory=list, repr=False)
    _reopened: int = field(default=0, repr=False)
    _done: int = field(default=0, repr=False)

    def public(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if not k.startswith("_")}


def percentile(values: list[float], share: float) -> float | None:
    """The median for 0.5 (the mean of the middle two of an even count), else the
    nearest-rank percentile; None of nothing."""
    if not values:
        return None
    ordered = sorted(values)
    if share == 0.5:
        return round(statistics.median(ordered), 1)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _promised(t: Any, began: str, config: Config) -> datetime | None:
    """The arrival first promised: the first report plus the promise for its place (a later
    apology's new time, or a reopen's, does not move it)."""
    minutes = t["arrival_minutes"] or config.service.arrival_for(config.community(t["community"]))
    return _at(began) + timedelta(minutes=minutes) if minutes else None


def _minutes(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return round(delta.total_seconds() / 60, 1)


def _among(stations: Sequence[str]) -> str:
    return "station in ({})".format(", ".join("?" for _ in stations))


def figures(
    sql: Sql, config: Config, start: datetime, end: datetime, stations: Sequence[str]
) -> list[Figures]:
    """Figures for reports first made in [start, end) at `stations`. One station: the
    station first, then each community, team and worker that has any. Several (the
    county's view): all of them together (全县), then each station by its id."""
    county = len(stations) > 1
    rows = sql.all(
        "select * from tickets where coalesce(first_reported_at, created_at) >= ? "
        f"and coalesce(first_reported_at, created_at) < ? and {_among(stations)}",
        [start.isoformat(), end.isoformat(), *stations],
    )
    firsts: dict[int, dict[str, str]] = defaultdict(dict)
    reopened: set[int] = set()
    ids = [r["id"] for r in rows]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        marks = ", ".join("?" for _ in part)
        for e in sql.all(
            f"select ticket_id, action, at from ticket_events where ticket_id in ({marks}) "
            "order by at, id",
            part,
        ):
            firsts[e["ticket_id"]].setdefault(e["action"], e["at"])
            if e["action"] == "reopened":
                reopened.add(e["ticket_id"])
    table: dict[tuple[str, str], Figures] = {}
    # An incident's clock starts at its first report, whichever ticket leads it now.
    began_at: dict[int, str] = {}
    for t in rows:
        lead_id = t["incident_id"] or t["id"]
        first = t["first_reported_at"] or t["created_at"]
        if lead_id not in began_at or first < began_at[lead_id]:
            began_at[lead_id] = first

    def rows_for(t: Any) -> list[Figures]:
        if county:
            keys = [("county", COUNTY), ("station", t["station"])]
            return [table.setdefault(k, Figures(*k)) for k in keys]
        keys = [("station", STATION)]
        if t["community"]:
            keys.append(("community", t["community"]))
        if t["team"]:
            keys.append(("team", t["team"]))
        if t["worker_id"]:
            keys.append(("worker", t["worker_id"]))
        return [table.setdefault(k, Figures(*k)) for k in keys]

    for t in rows:
        targets = rows_for(t)
        lead = t["incident_id"] is None and t["state"] != "joined"
        began = began_at.get(t["id"]) or t["first_reported_at"] or t["created_at"]
        events = firsts.get(t["id"], {})
        promise = _promised(t, began, config)
        for f in targets:
            f.reports += 1
            if t["rating"]:  # every reporter's rating, joined reports' too
                f._rated.append(int(t["rating"]))
            if not lead:
                continue
            f.incidents += 1
            for name, action in (
                ("accept", "accepted"),
                ("arrive", "arrived"),
                ("restore", "done"),
            ):
                minutes = _minutes(began, events.get(action))
                if minutes is not None:
                    f._times[name].append(minutes)
            if events.get("arrived") and promise is not None:
                f._in_time["arrive"].append(_at(events["arrived"]) <= promise)
            if events.get("done") and t["restore_due_at"]:
                f._in_time["restore"].append(_at(events["done"]) <= _at(t["restore_due_at"]))
            if events.get("done"):
                f._done += 1
                f._reopened += t["id"] in reopened
    _complaints(sql, config, start, end, table, stations)
    for f in table.values():
        _finish(f, config)
    order = {"county": -1, "station": 0, "community": 1, "team": 2, "worker": 3}
    return sorted(table.values(), key=lambda f: (order[f.by], f.key))


def _complaints(
    sql: Sql,
    config: Config,
    start: datetime,
    end: datetime,
    table: dict[tuple[str, str], Figures],
    stations: Sequence[str],
) -> None:
    """Each complaint counts for the station, and for the community, team and worker of the
    complainer's latest ticket (or, with none, the community of the group it was made in);
    in the county's view, for the county and its station."""
    for c in sql.all(
        "select conversation, sender_id, station from complaints where at >= ? and at < ? "
        f"and {_among(stations)}",
        [start.isoformat(), end.isoformat(), *stations],
    ):
        if len(stations) > 1:
            for key in (("county", COUNTY), ("station", c["station"])):
                table.setdefault(key, Figures(*key)).complaints += 1
            continue
        keys = [("station", STATION)]
        ticket = sql.one(
            "select community, team, worker_id from tickets where reporter_id = ? "
            "and station = ? order by id desc limit 1",
            [c["sender_id"], c["station"]],
        )
        label = c["conversation"] or ""  # group:<topic> or dm:<id> (Conversation.label)
        group = config.group(label.removeprefix("group:")) if label.startswith("group:") else None
        community = (ticket["community"] if ticket else None) or (
            group.community if group else None
        )
        if community:
            keys.append(("community", community))
        known = config.community(community)
        team = (ticket["team"] if ticket else None) or (known.team if known else None)
        if team:
            keys.append(("team", team))
        if ticket and ticket["worker_id"]:
            keys.append(("worker", ticket["worker_id"]))
        for key in keys:
            table.setdefault(key, Figures(*key)).complaints += 1


def _finish(f: Figures, config: Config) -> None:
    for name in ("accept", "arrive", "restore"):
        values = f._times.get(name, [])
        setattr(f, f"{name}_median", percentile(values, 0.5))
        setattr(f, f"{name}_p90", percentile(values, 0.9))
    for name, attr in (("arrive", "arrived_in_time"), ("restore", "restored_in_time")):
        marks = f._in_time.get(name, [])
        setattr(f, attr, round(sum(marks) / len(marks), 3) if marks else None)
    f.reopen_rate = round(f._reopened / f._done, 3) if f._done else None
    f.ratings = len(f._rated)
    f.rating = round(sum(f._rated) / len(f._rated), 2) if f._rated else None
    households = None
    if f.by == "community":
        community = config.community(f.key)
        households = community.households if community else None
    elif f.by == "station" and f.key in (STATION, config.station.id):  # not another's
        counted = [c.households for c in config.communities if c.households]
        households = sum(counted) if counted else None
    if households:
        f.complaints_per_1000 = round(f.complaints * 1000 / households, 2)


CSV_FIELDS = [k for k in Figures.__dataclass_fields__ if not k.startswith("_")]


def questions(
    sql: Sql, start: datetime, end: datetime, stations: Sequence[str], top: int = 10
) -> dict[str, Any]:
    """FAQ questions answered vs handed to a person, and the most asked unanswered ones."""
    args = [start.isoformat(), end.isoformat(), *stations]
    counts = {
        r["outcome"]: r["n"]
        for r in sql.all(
            f"select outcome, count(*) as n from questions where at >= ? and at < ? "
            f"and {_among(stations)} group by outcome",
            args,
        )
    }
    unanswered = sql.all(
        "select text, count(*) as n from questions where at >= ? and at < ? "
        f"and {_among(stations)} and outcome = 'handed' group by text order by n desc, text "
        "limit ?",
        [*args, top],
    )
    return {
        "answered": counts.get("answered", 0),
        "handed_over": counts.get("handed", 0),
        "top_unanswered": [{"text": r["text"], "times": r["n"]} for r in unanswered],
    }
