"""`powerbot db copy`: move a station's store from one place to another, typically its
SQLite file onto the county's PostgreSQL (or back, or between two databases).

    powerbot db copy --from sqlite:///var/powerbot.db --to postgresql://powerbot@db/county

Both ends are migrated first, so they have the same tables. Everything is copied in one
transaction on the destination (all or nothing), from one consistent read of the source.
The station's bot must be stopped: a SQLite source whose lead lock is held is refused.

Numbers: into an empty destination every id is kept, so ticket #12 stays #12. Into one
that already holds other stations, every id of the copied rows moves up by one round
number above the destination's largest (10000, 20000, …), the same for every table, so
references between rows (a ticket's events, an incident's reports, an outage's ticket,
a timer's ticket or outage) stay right; the note printed says by how much.

Not copied: what the bot offered someone in the last minutes (详细, 更多, 确认 — the
`awaiting` table); such offers lapse within minutes, and the person asks again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.sql import Sql, StoreError, is_postgres

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
BATCH = 1000


@dataclass
class Copied:
    stations: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    shift: int = 0

    def lines(self) -> list[str]:
        out = [f"stations: {', '.join(self.stations)}"]
        out += [f"  {table}: {n}" for table, n in self.rows.items()]
        if self.shift:
            out.append(
                f"ids moved up by {self.shift} (the destination held other stations): "
                f"ticket #12 is now #{12 + self.shift}"
            )
        return out


def copy_store(source: str | Path, dest: str | Path, station: str | None = None) -> Copied:
    """Copy `station`'s rows (every station's, if None) from `source` to `dest`."""
    from bot.lead import Lead
    from bot.store import open_sql, where

    if str(source) == str(dest):
        raise StoreError("--from and --to are the same store")
    if not is_postgres(source):
        if not Path(_sqlite_file(source)).exists():
            raise StoreError(f"{where(source)}: no such file")
        lead = Lead.of(source, station or "")
        if not lead.try_take():
            raise StoreError(
                f"{where(source)}: its bot is running; stop it first (systemctl stop …)"
            )
        lead.release()
    src, dst = open_sql(source), open_sql(dest)
    try:
        return _copy(src, dst, station, where(source), where(dest))
    finally:
        src.close()
        dst.close()


def _sqlite_file(target: str | Path) -> str:
    from bot.sql import sqlite_path

    return sqlite_path(target)


def _copy(src: Sql, dst: Sql, station: str | None, src_name: str, dst_name: str) -> Copied:
    # one consistent read of the source
    src.run("begin isolation level repeatable read" if src.dialect == "postgresql" else "begin")
    try:
        found = sorted(
            {r["station"] for t in TABLES for r in src.all(f"select distinct station from {t}")}
        )
        if station is None:
            if "" in found:
                raise StoreError(
                    f"{src_name} has rows from before stations (no station id): say which "
                    "station they are with --station"
                )
            stations = found
        else:
            stations = [station]
        if not stations:
            raise StoreError(f"{src_name} holds no rows to copy")
        taken = [s for s in stations if dst.value("select 1 from tickets where station = ? union "
                                                  "select 1 from inbox where station = ? limit 1",
                                                  [s, s])]  # fmt: skip
        if taken:
            raise StoreError(
                f"{dst_name} already holds station {', '.join(taken)}; not copied twice"
            )
        shift = _shift(dst)
        copied = Copied(stations, shift=shift)
        with dst.atomic():
            for table in TABLES:
                copied.rows[table] = _copy_table(src, dst, table, station, shift)
            if dst.dialect == "postgresql":
                for table in TABLES:
                    if table not in NO_KEY:
                        key = KEYS.get(table, "id")
                        dst.run(
                            f"select setval(pg_get_serial_sequence('{table}', '{key}'), "
                            f"coalesce((select max({key}) from {table}), 0) + 1, false)"
                        )
        return copied
    finally:
        src.run("rollback")


def _shift(dst: Sql) -> int:
    """0 into an empty destination; else the round number above its largest id."""
    top = 0
    for table in TABLES:
        if table in NO_KEY:
            continue
        key = KEYS.get(table, "id")
        top = max(top, dst.value(f"select coalesce(max({key}), 0) from {table}") or 0)
    return 0 if top == 0 else (top // ROUND + 1) * ROUND


def _rows(src: Sql, table: str, station: str | None) -> Iterator[dict[str, Any]]:
    key = "id" if table in NO_KEY else KEYS.get(table, "id")
    where, args = ("", []) if station is None else ("where station in (?, '')", [station])
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


def _copy_table(src: Sql, dst: Sql, table: str, station: str | None, shift: int) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _rows(src, table, station):
        if station is not None:
            row["station"] = station
        if shift:
            _move(table, row, shift)
        batch.append(row)
        if len(batch) >= BATCH:
            count += _insert(dst, table, batch)
            batch = []
    if batch:
        count += _insert(dst, table, batch)
    return count


def _move(table: str, row: dict[str, Any], shift: int) -> None:
    """Every id in the row, and every reference to one, up by `shift`."""
    if table not in NO_KEY:
        key = KEYS.get(table, "id")
        row[key] += shift
    for column in ("ticket_id", "incident_id"):
        if row.get(column) is not None:
            row[column] += shift
    if table == "timers" and row["kind"] in TIMER_REFS and str(row["ref"]).isdigit():
        row["ref"] = str(int(row["ref"]) + shift)


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
