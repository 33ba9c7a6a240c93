"""The bot's memory: a facade over one SQLite file, or one PostgreSQL database shared
by a county's stations (`[storage] url`).

Handlers call intention-named methods; none of them sees a table or SQL. The schema
is `bot.migrations`, the same steps on both engines; queries are plain SQL (`bot.sql`)
that both speak. Every row carries its station and every query names it.

Two tables carry every message through: the **inbox**, where a message's id is
written as soon as the gateway sees it (its payload as soon as it is fetched), and
the **outbox**, where everything the bot must send is written before it is sent.
The service records (tickets, workers, waits, complaints) are in `bot.store_service`.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from bot import migrations
from bot.messages import Conversation, Incoming, Mention, Outgoing
from bot.records import OutboxItem, Timer
from bot.sql import PgSql, Sql, SqliteSql, StoreError, is_postgres, redact, sqlite_path
from bot.store_service import ServiceRecords, iso

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 40  # about three hours of tries at the longest wait
MAX_SEND_WAIT_SECONDS = 300
KEEP_DAYS = 30  # handled messages and sent replies are kept this long, then pruned
# An outbox row read for sending is this process's for this long (renewed on each pass,
# at least every tick): after a takeover the new process sends the old one's rows once
# the claims lapse, so an old process not yet stopped cannot send them too.
CLAIM_SECONDS = 30  # longer than one send may take (15 s), so a claim never lapses mid-send
DEFAULT_STATION = "main"


def _timer(row: dict) -> Timer:
    return Timer.model_validate({**row, "payload": json.loads(row["payload"] or "{}")})


def _storable(msg: Incoming) -> str | None:
    """The message as JSON, or None (logged) when it cannot be written (a lone surrogate)."""
    try:
        text = msg.model_dump_json()
        text.encode("utf-8")
    except (ValueError, UnicodeError) as e:
        log.warning("message %s cannot be stored, dropped: %s", msg.id, e)
        return None
    return text


def where(target: str | Path) -> str:
    """The store named for people: the SQLite file, or the URL without its password."""
    return redact(str(target)) if is_postgres(target) else sqlite_path(target)


def open_sql(target: str | Path) -> Sql:
    """A connection to the store at `target`, its schema brought up to date."""
    if is_postgres(target):
        sql: Sql = PgSql(str(target))
        try:
            migrations.apply_pg(sql.conn)
        except Exception as e:
            sql.close()
            raise StoreError(f"{where(target)}: migrating failed: {e}") from e
        return sql
    path = Path(sqlite_path(target))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        migrations.apply(db)
    except (OSError, sqlite3.DatabaseError) as e:
        raise StoreError(f"{path}: {e}") from e
    return SqliteSql(db.conn)


class Store(ServiceRecords):
    """All reads and writes the bot makes for one station. Open with `Store.open(target,
    station)`: a path (or sqlite:///path) or a postgresql:// URL."""

    def __init__(self, sql: Sql, station: str = DEFAULT_STATION, where: str = "") -> None:
        self.sql = sql
        self.station = station
        self.where = where  # the file or the URL (without its password), for messages
        # who claims outbox rows: this process, unique even across machines and restarts
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    @property
    def dialect(self) -> str:
        return self.sql.dialect

    @classmethod
    def open(cls, target: str | Path, station: str = DEFAULT_STATION) -> Store:
        """Open (making and migrating as needed) the store; StoreError says why not."""
        sql = open_sql(target)
        store = cls(sql, station, where(target))
        if sql.dialect == "sqlite":
            store._adopt()
        return store

    def _adopt(self) -> None:
        """A SQLite file is one station's: rows written before stations existed (or under
        another id) become this station's, so renaming the station loses nothing."""
        with self.atomic():
            for table in migrations.STATION_TABLES:
                self.sql.run(f"update {table} set station = ? where station <> ?",
                             [self.station, self.station])  # fmt: skip

    def close(self) -> None:
        self.sql.close()

    def for_station(self, station: str) -> Store:
        """The same connection seen as another station's (the county admin's reads)."""
        view = copy.copy(self)
        view.station = station
        return view

    def stations(self) -> list[str]:
        """Every station with rows here: its workers or its tickets."""
        rows = self.sql.all("select station from workers union select station from tickets")
        return sorted(r["station"] for r in rows if r["station"])

    def count(self, table: str) -> int:
        """How many rows of this station's a table holds."""
        return self.sql.value(f"select count(*) from {table} where station = ?", [self.station])

    # The inbox: every message the bot was given, from the moment it arrived.
    def record_arrivals(
        self,
        arrived: Iterable[tuple[str, datetime]],
        fetched: Iterable[tuple[str, Incoming | None]],
        now: datetime,
    ) -> None:
        """Message ids as they arrived (a repeat is ignored), and the payloads fetched
        since (None: not for the bot, or unreadable), in one transaction."""
        payloads, dropped = [], []
        for message_id, msg in fetched:
            stored = _storable(msg) if msg is not None else None
            if stored is None:
                dropped.append((iso(now), "dropped" if msg is None else "unstorable", message_id))
            else:
                payloads.append((stored, msg.conversation.label(), message_id))  # type: ignore[union-attr]
        st = self.station
        with self.atomic():
            self.sql.many(
                "insert into inbox (station, id, received_at) values (?, ?, ?) "
                "on conflict do nothing",
                [(st, message_id, iso(at)) for message_id, at in arrived],
            )
            self.sql.many(
                "update inbox set payload = ?, conversation = ? "
                "where station = ? and id = ? and payload is null and handled_at is null",
                [(p, c, st, i) for p, c, i in payloads],
            )
            self.sql.many(
                "update inbox set handled_at = ?, outcome = ? "
                "where station = ? and id = ? and handled_at is null",
                [(at, o, st, i) for at, o, i in dropped],
            )

    def ready_messages(self, limit: int) -> list[Incoming]:
        """Waiting messages in arrival order, up to the first whose payload is not here
        yet: it may belong to the same conversation as a later one. Inside a transaction
        on PostgreSQL they are this process's until it ends (`for update skip locked`):
        another process of the same station passes over them."""
        rows = self.sql.all(
            "select payload from inbox where station = ? and handled_at is null "
            "order by seq limit ? for update skip locked",
            [self.station, limit],
        )
        ready = []
        for row in rows:
            if row["payload"] is None:
                break
            ready.append(Incoming.model_validate_json(row["payload"]))
        return ready

    def unfetched_messages(self) -> list[str]:
        """Ids recorded whose payload never came (the bot stopped before fetching it)."""
        rows = self.sql.all(
            "select id from inbox where station = ? and handled_at is null and payload is null "
            "order by seq",
            [self.station],
        )
        return [r["id"] for r in rows]

    def mark_handled(self, message_id: str, now: datetime, outcome: str | None = None) -> None:
        self.sql.run(
            "update inbox set handled_at = ?, outcome = ? where station = ? and id = ?",
            [iso(now), outcome, self.station, message_id],
        )

    def is_handled(self, message_id: str) -> bool:
        return bool(
            self.sql.value(
                "select handled_at from inbox where station = ? and id = ?",
                [self.station, message_id],
            )
        )

    def waiting_count(self) -> int:
        return self.sql.value(
            "select count(*) from inbox where station = ? and handled_at is null", [self.station]
        )

    # The outbox: every message the bot must send is here before it is sent.
    def enqueue(
        self, out: Outgoing, now: datetime, cause: str | None = None, priority: int = 1
    ) -> int:
        return self.sql.insert(
            "outbox",
            {
                "created_at": iso(now),
                "conversation": out.conversation.model_dump_json(),
                "text": out.text,
                "mentions": json.dumps([m.model_dump() for m in out.mentions], ensure_ascii=False),
                "sent_at": None,
                "attempts": 0,
                "last_error": None,
                "cause": cause,
                "priority": priority,
                "station": self.station,
            },
        )

    def unsent(self, limit: int = 500, now: datetime | None = None) -> list[OutboxItem]:
        """Messages still to send, the most urgent first, then the oldest (given-up ones are
        left out). With `now`, a chat whose failed message waits to be tried again is left
        out whole (its later messages wait behind it): however many pile up there, they
        never fill the `limit` and hold up the other chats. On PostgreSQL the rows are
        claimed for this process for CLAIM_SECONDS (rows another process of the station
        claimed are passed over, `for update skip locked`)."""
        columns = "id, attempts, next_attempt_at, conversation, text, mentions, cause, priority"
        waiting = "station = ? and sent_at is null and given_up_at is null"
        held, held_args = "", []
        if now is not None:
            held = (
                f" and conversation not in (select conversation from outbox where {waiting} "
                "and next_attempt_at > ?)"
            )
            held_args = [self.station, iso(now)]
        if self.dialect == "sqlite":  # one process per file: nothing to claim from
            rows = self.sql.all(
                f"select {columns} from outbox where {waiting}{held} order by priority, id limit ?",
                [self.station, *held_args, limit],
            )
        else:
            wall = datetime.now(UTC)  # claims are between processes: the real clock
            rows = self.sql.all(
                f"update outbox set claimed_by = ?, claimed_until = ? where id in ("
                f"select id from outbox where {waiting}{held} and (claimed_by is null or "
                "claimed_by = ? or claimed_until < ?) order by priority, id limit ? "
                f"for update skip locked) returning {columns}",
                [
                    self.me,
                    iso(wall + timedelta(seconds=CLAIM_SECONDS)),
                    self.station,
                    *held_args,
                    self.me,
                    iso(wall),
                    limit,
                ],  # fmt: skip
            )
            rows.sort(key=lambda r: (r["priority"], r["id"]))

        return [
            OutboxItem(
                id=r["id"],
                attempts=r["attempts"],
                next_attempt_at=r["next_attempt_at"],
                cause=r["cause"],
                priority=r["priority"],
                out=Outgoing(
                    conversation=Conversation.model_validate_json(r["conversation"]),
                    text=r["text"],
                    mentions=tuple(Mention(**m) for m in json.loads(r["mentions"])),
                ),
            )
            for r in rows
        ]

    def mark_sent(self, outbox_ids: Iterable[int], now: datetime) -> None:
        """Sent: in one transaction, however many (a crash before it sends them again)."""
        with self.sql.together():
            self.sql.many(
                "update outbox set sent_at = ? where id = ?", [(iso(now), i) for i in outbox_ids]
            )

    def mark_send_failed(self, item: OutboxItem, error: str, now: datetime) -> bool:
        """Count a failed try and set the next; False once it is given up on."""
        attempts = item.attempts + 1
        give_up = attempts >= SEND_ATTEMPTS
        wait = timedelta(seconds=min(2**attempts, MAX_SEND_WAIT_SECONDS))
        self._set(
            "outbox",
            item.id,
            {
                "attempts": attempts,
                "last_error": error[:500],
                "next_attempt_at": iso(now + wait),
                "given_up_at": iso(now) if give_up else None,
            },
        )
        return not give_up

    # Timers: every clock of the service is a row here, fired through the App's tick.
    def add_timer(
        self, kind: str, ref: str | int, due_at: datetime, payload: dict | None = None
    ) -> int:
        return self.sql.insert(
            "timers",
            {
                "kind": kind,
                "ref": str(ref),
                "due_at": iso(due_at.astimezone(UTC)),  # compared as text: one offset
                "fired_at": None,
                "payload": json.dumps(payload or {}, ensure_ascii=False),
                "station": self.station,
            },
        )

    def cancel_timers(self, kind: str, ref: str | int) -> None:
        """Unfired timers of this kind for `ref` will not fire."""
        self.sql.run(
            "delete from timers where kind = ? and ref = ? and fired_at is null and station = ?",
            [kind, str(ref), self.station],
        )

    def pending_timer(self, kind: str, ref: str | int) -> Timer | None:
        row = self.sql.one(
            "select * from timers where kind = ? and ref = ? and fired_at is null "
            "and station = ? order by due_at limit 1",
            [kind, str(ref), self.station],
        )
        return _timer(row) if row else None

    def last_fired(self, kind: str, ref: str | int) -> datetime | None:
        value = self.sql.value(
            "select max(fired_at) from timers where kind = ? and ref = ? and station = ?",
            [kind, str(ref), self.station],
        )
        return datetime.fromisoformat(value) if value else None

    def due_timers(self, now: datetime, limit: int = 200) -> list[Timer]:
        rows = self.sql.all(
            "select * from timers where station = ? and fired_at is null and due_at <= ? "
            "order by due_at, id limit ?",
            [self.station, iso(now), limit],
        )
        return [_timer(r) for r in rows]

    def claim_timer(self, timer_id: int) -> bool:
        """Inside the transaction that fires it: whether this timer is still unfired and
        now ours (on PostgreSQL locked until the transaction ends; another process of the
        station that holds it, or fired it already, makes this False)."""
        return (
            self.sql.value(
                "select id from timers where id = ? and station = ? and fired_at is null "
                "for update skip locked",
                [timer_id, self.station],
            )
            is not None
        )

    def fire_timer(self, timer_id: int, now: datetime) -> None:
        self.sql.run("update timers set fired_at = ? where id = ?", [iso(now), timer_id])

    def retry_timer(self, timer: Timer, due_at: datetime) -> None:
        """A timer whose job failed fires again later, counting its tries in the payload."""
        payload = {**timer.payload, "tries": timer.payload.get("tries", 0) + 1}
        self.sql.run(
            "update timers set due_at = ?, payload = ? where id = ?",
            [iso(due_at), json.dumps(payload, ensure_ascii=False), timer.id],
        )

    def prune(self, now: datetime) -> None:
        """Forget handled messages and sent replies older than KEEP_DAYS (a bounded file)."""
        before = iso(now - timedelta(days=KEEP_DAYS))
        st = self.station
        with self.atomic():
            self.sql.run(
                "delete from inbox where station = ? and handled_at is not null and handled_at < ?",
                [st, before],
            )
            self.sql.run(
                "delete from outbox where station = ? and ((sent_at is not null and sent_at < ?) "
                "or (given_up_at is not null and given_up_at < ?))",
                [st, before, before],
            )
            self.sql.run(
                "delete from timers where station = ? and fired_at is not null and fired_at < ?",
                [st, before],
            )
