"""`powerbot db copy`: move a station's store from one place to another, typically its
SQLite file onto the county's PostgreSQL (or back, or between two databases).

    powerbot db copy --from sqlite:///var/powerbot.db --to postgresql://powerbot@db/county

Both ends are migrated first, so they have the same tables. Everything is copied in one
transaction on the destination (all or nothing), from one consistent read of the source.
The station's bot must be stopped: a SQLite source whose lead lock is held is refused.

Numbers: into an empty destination every id is kept, so ticket #12 stays #12. Into one
that already holds other stations, each table's copied ids move up to a round number at
least 1000 above anything given out there (10000, 20000, …), taken from its counter
first so that other stations' bots may keep running; references between rows (a
ticket's events, an incident's reports, an outage's ticket, a timer's row, an outbox
row's timer) move with them, and the note printed says by how much. Words that quote a
number (an unsent reply's text, a merge's event detail) are left as written.

The station's bot must be stopped, and stays stopped: its lead lock is held by the copy
until it has committed.

Not copied: what the bot offered someone in the last minutes (详细, 更多, 确认 — the
`awaiting` table); such offers lapse within minutes, and the person asks again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.lead import LOCK_CLASS
from bot.sql import Sql, StoreError, is_postgres, sqlite_path

# Parents before children (ticket_events and outages name tickets).
TABLES = (
    "workers", "tickets", "ticket_events", "outages", "announcements", "timers",
    "pending_reports", "pending_confirms", "complaints", "unsure", "questions", "inbox",
    "outbox",
)  # fmt: skip
KEYS = {"inbox": "seq"}  # the integer key the database gives out, where it is not `id`
NO_KEY = ("workers",)
# Timers name the row they are about in `ref`, as text: which table, by kind.
TIMER_REFS = {
    "missed": "tickets", "followup": "tickets", "accept": "tickets", "restore": "tickets",
    "warn": "tickets", "announcement": "announcements", "outage": "outages",
    "outage_clock": "outages", "address": "pending_reports",
}  # fmt: skip
ROUND = 10_000
log = logging.getLogger(__name__)
BATCH = 1000


@dataclass
class Copied:
    stations: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    shifts: dict[str, int] = field(default_factory=dict)  # table -> how far its ids moved

    @property
    def shift(self) -> int:
        return self.shifts.get("tickets", 0)

    def lines(self) -> list[str]:
        out = [f"stations: {', '.join(self.stations)}"]
        out += [f"  {table}: {n}" for table, n in self.rows.items()]
        if self.shift:
            out.append(
                f"ticket numbers moved up by {self.shift} (the destination held other "
                f"stations): ticket #12 is now #{12 + self.shift}"
            )
        moved = [f"{t} +{n}" for t, n in self.shifts.items() if n and t != "tickets"]
        if moved:
            out.append("other ids moved up: " + ", ".join(moved))
        return out


def copy_store(source: str | Path, dest: str | Path, station: str | None = None) -> Copied:
    """Copy a station's rows from `source` to `dest`: a SQLite source's rows are all one
    station's (`station` names them, else the id they carry); from PostgreSQL, `station`'s
    rows, or every station's when None."""
    from bot.store import open_sql, where

    if str(source) == str(dest):
        raise StoreError("--from and --to are the same store")
    if not is_postgres(source) and not Path(sqlite_path(source)).exists():
        raise StoreError(f"{where(source)}: no such file")
    src = open_sql(source)
    try:
        dst = open_sql(dest)
    except StoreError:
        src.close()
        raise
    try:
        return _copy(src, dst, station, source, dest)
    finally:
        src.close()
        dst.close()


def _stations_in(sql: Sql) -> list[str]:
    return sorted(
        {r["station"] for t in TABLES for r in sql.all(f"select distinct station from {t}")}
    )


def _hold_leads(source: str | Path, stations: list[str]) -> list[Any]:
    """The lead locks of the copied stations, held until the copy is done: a bot running
    on the source is refused, and none can start there meanwhile."""
    from bot.lead import Lead
    from bot.store import where

    held: list[Any] = []
    for station in stations if is_postgres(source) else [""]:
        lead = Lead.of(source, station)
        if not lead.try_take():
            lead.release()
            for other in held:
                other.release()
            who = f"station {station!r}'s bot" if station else "its bot"
            raise StoreError(f"{where(source)}: {who} is running; stop it first (systemctl stop …)")
        held.append(lead)
    return held


def _copy(src: Sql, dst: Sql, station: str | None, source: str | Path, dest: str | Path) -> Copied:
    from bot.store import where

    src_name, dst_name = where(source), where(dest)
    found = _stations_in(src)
    if src.dialect == "sqlite":  # one station's file, whatever ids its rows carry
        named = [s for s in found if s]
        if station is None and len(named) != 1:
            raise StoreError(
                f"{src_name}: its rows carry no station id (or several): say which station "
                "it is with --station"
            )
        stations, label, where_station = [station or named[0]], station or named[0], None
    else:
        if station is None and "" in found:
            raise StoreError(
                f"{src_name} has rows without a station id, which cannot be told apart; "
                "copy them from the SQLite file they came from"
            )
        stations = [station] if station else [s for s in found if s]
        label, where_station = None, station
    if not stations:
        raise StoreError(f"{src_name} holds no rows to copy")
    if dst.dialect == "sqlite":
        if len(stations) > 1:
            raise StoreError(
                f"{dst_name}: a SQLite file holds one station: say which with --station"
            )
        if any(s for s in _stations_in(dst)):
            raise StoreError(f"{dst_name} is not empty: copy into a new file")
    taken = [s for s in stations if dst.value("select 1 from tickets where station = ? union "
                                              "select 1 from inbox where station = ? limit 1",
                                              [s, s])]  # fmt: skip
    if taken:
        raise StoreError(f"{dst_name} already holds station {', '.join(taken)}; not copied twice")
    leads = _hold_leads(source, stations)
    try:
        return _copy_held(src, dst, stations, label, where_station, src_name)
    except StoreError:
        raise
    except Exception as e:  # a database error mid-copy: said plainly, all rolled back
        raise StoreError(f"copy failed, nothing copied: {e}") from e
    finally:
        for lead in leads:
            lead.release()


def _copy_held(
    src: Sql,
    dst: Sql,
    stations: list[str],
    label: str | None,
    where_station: str | None,
    src_name: str,
) -> Copied:
    # one consistent read of the source
    src.run("begin isolation level repeatable read" if src.dialect == "postgresql" else "begin")
    try:
        copied = Copied(stations)
        with dst.atomic():
            if dst.dialect == "postgresql":  # one copy at a time into a store
                dst.run("set local lock_timeout = '5min'")
                dst.run(f"select pg_advisory_xact_lock({LOCK_CLASS}, 0)")
            for table in TABLES:
                if table not in NO_KEY:
                    copied.shifts[table] = _reserve(src, dst, table, where_station)
            for table in TABLES:
                copied.rows[table] = _copy_table(
                    src, dst, table, where_station, label, copied.shifts
                )
        if not any(copied.rows.values()):
            raise StoreError(f"{src_name}: nothing to copy for {', '.join(stations)}")
        return copied
    finally:
        try:
            src.run("rollback")
        except Exception:  # noqa: BLE001 - a source gone away: the error that did it is raised
            log.warning("the source's read could not be closed", exc_info=True)


def _reserve(src: Sql, dst: Sql, table: str, station: str | None) -> int:
    """How far this table's copied ids move (0 into an empty table; else to a round number
    at least 1000 above anything given out), and on PostgreSQL the ids they land on taken
    from the table's counter first, so other stations' bots, writing meanwhile, are given
    ids above them."""
    key = KEYS.get(table, "id")
    top = dst.value(f"select coalesce(max({key}), 0) from {table}") or 0
    sequence = f"pg_get_serial_sequence('{table}', '{key}')"
    if dst.dialect == "postgresql":
        given = dst.value(
            f"select case when is_called then last_value else 0 end from {_seq_name(dst, table, key)}"
        )
        top = max(top, given or 0)
    shift = 0 if top == 0 else -(-(top + 1000) // ROUND) * ROUND
    where, args = ("", []) if station is None else ("where station = ?", [station])
    highest = src.value(f"select coalesce(max({key}), 0) from {table} {where}", args) or 0
    if dst.dialect == "postgresql" and highest:
        dst.run(f"select setval({sequence}, greatest(?, (select last_value from "
                f"{_seq_name(dst, table, key)})), true)", [shift + highest])  # fmt: skip
    return shift


def _seq_name(dst: Sql, table: str, key: str) -> str:
    return dst.value(f"select pg_get_serial_sequence('{table}', '{key}')")


def _rows(src: Sql, table: str, station: str | None) -> Iterator[dict[str, Any]]:
    where, args = ("", []) if station is None else ("where station = ?", [station])
    if table in NO_KEY:  # a station's configured workers: few, and read whole
        yield from src.all(f"select * from {table} {where} order by station, id", args)
        return
    key = KEYS.get(table, "id")
    last: Any = None
    while True:  # in pages by key: a big inbox never sits in memory whole
        page_where = where
        page_args = list(args)
        if last is not None:
            page_where = (where + " and " if where else "where ") + f"{key} > ?"
            page_args.append(last)
        rows = src.all(
            f"select * from {table} {page_where} order by {key} limit {BATCH}", page_args
        )
        if not rows:
            return
        yield from rows
        last = rows[-1][key]


def _copy_table(
    src: Sql,
    dst: Sql,
    table: str,
    station: str | None,
    label: str | None,
    shifts: dict[str, int],
) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _rows(src, table, station):
        if label is not None:
            row["station"] = label
        _move(table, row, shifts)
        batch.append(row)
        if len(batch) >= BATCH:
            count += _insert(dst, table, batch)
            batch = []
    if batch:
        count += _insert(dst, table, batch)
    return count


def _move(table: str, row: dict[str, Any], shifts: dict[str, int]) -> None:
    """Every id in the row moved by its table's shift, and every reference by the shift
    of the table it names."""
    if table not in NO_KEY:
        row[KEYS.get(table, "id")] += shifts.get(table, 0)
    for column in ("ticket_id", "incident_id"):
        if row.get(column) is not None:
            row[column] += shifts.get("tickets", 0)
    if table == "timers" and row["kind"] in TIMER_REFS and str(row["ref"]).isdigit():
        row["ref"] = str(int(row["ref"]) + shifts.get(TIMER_REFS[row["kind"]], 0))
    cause = row.get("cause") if table == "outbox" else None
    if cause and cause.startswith("timer:") and cause[6:].isdigit():
        row["cause"] = f"timer:{int(cause[6:]) + shifts.get('timers', 0)}"


def _insert(dst: Sql, table: str, rows: list[dict[str, Any]]) -> int:
    columns = list(rows[0])
    marks = ", ".join("?" for _ in columns)
    sql = f"insert into {table} ({', '.join(columns)}) values ({marks})"
    try:
        dst.many(sql, [tuple(r[c] for c in columns) for r in rows])
    except Exception as e:  # which table, which rows: the copy is rolled back whole
        first = rows[0].get(KEYS.get(table, "id"))
        raise StoreError(f"copying {table} (rows from {first}) failed: {e}") from e
    return len(rows)
