"""The bot's memory on disk: a facade over one SQLite file (sqlite-utils).

Handlers call intention-named methods; none of them sees a table or SQL. Every
change of a ticket's state also writes a ticket event (who, what, when).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from bot import migrations
from bot.messages import Conversation, Incoming, Mention, Outgoing
from bot.records import (
    OPEN_STATES,
    NewTicket,
    OutboxItem,
    PendingReport,
    Ticket,
    TicketEvent,
    UnsureMessage,
)

log = logging.getLogger(__name__)

UNSURE_KEPT = 2000  # messages waiting for a label: the newest are kept
SEND_ATTEMPTS = 40  # about three hours of tries at the longest wait
MAX_SEND_WAIT_SECONDS = 300


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


class Store:
    """All reads and writes the bot makes. Open with `Store.open(path)`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        migrations.apply(db)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All writes inside happen together or not at all (nests as savepoints)."""
        with self.db.atomic():
            yield

    # Messages seen: dedupe and crash recovery.
    def record_message(self, msg: Incoming, now: datetime) -> bool:
        """Remember a message id; False if it was seen before."""
        try:
            self.db["messages"].insert(
                {
                    "id": msg.id,
                    "conversation": msg.conversation.label(),
                    "sender_id": msg.sender.id,
                    "received_at": _iso(now),
                    "handled_at": None,
                    "payload": msg.model_dump_json(),
                }
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def mark_handled(self, message_id: str, now: datetime) -> None:
        self.db["messages"].update(message_id, {"handled_at": _iso(now)})

    def unhandled_messages(self) -> list[Incoming]:
        rows = self.db["messages"].rows_where("handled_at is null", order_by="rowid")
        return [Incoming.model_validate_json(r["payload"]) for r in rows]

    # Tickets.
    def open_ticket(self, new: NewTicket, actor_role: str = "resident") -> tuple[Ticket, bool]:
        """Store a ticket once per source message; returns (ticket, created)."""
        existing = self._ticket_where("source_message_id = ?", [new.source_message_id])
        if existing is not None:
            return existing, False
        with self.atomic():
            row = new.model_dump()
            row.update(
                state="open",
                created_at=_iso(new.created_at),
                due_at=_iso(new.due_at),
                updated_at=_iso(new.created_at),
                urgent=int(new.urgent),
            )
            ticket_id = self.db["tickets"].insert(row).last_pk
            self._event(ticket_id, new.created_at, new.reporter_id, actor_role, "opened", new.text)
        return self.ticket(ticket_id), True

    def ticket_for_message(self, message_id: str) -> Ticket | None:
        return self._ticket_where("source_message_id = ?", [message_id])

    def amend_address(
        self, ticket_id: int, address: dict[str, str | None], at: datetime, actor_id: str
    ) -> Ticket:
        """The reporter told us more about where: keep what they add, log it."""
        with self.atomic():
            self.db["tickets"].update(ticket_id, {**address, "updated_at": _iso(at)})
            detail = json.dumps(address, ensure_ascii=False)
            self._event(ticket_id, at, actor_id, "resident", "address", detail)
        return self.ticket(ticket_id)

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._ticket_where("id = ?", [ticket_id])

    def assign_ticket(
        self, ticket_id: int, worker_id: str, at: datetime, actor_id: str | None, role: str
    ) -> Ticket:
        with self.atomic():
            self._set_state(ticket_id, "assigned", at, worker_id=worker_id)
            self.db["workers"].update(worker_id, {"last_assigned_at": _iso(at)})
            self._event(ticket_id, at, actor_id, role, "assigned", worker_id)
        return self.ticket(ticket_id)

    def accept_ticket(self, ticket_id: int, worker_id: str, at: datetime) -> Ticket:
        return self._step(ticket_id, "accepted", worker_id, at, owner=worker_id)

    def arrive_ticket(self, ticket_id: int, worker_id: str, at: datetime) -> Ticket:
        return self._step(ticket_id, "arrived", worker_id, at)

    def complete_ticket(self, ticket_id: int, worker_id: str, at: datetime, note: str) -> Ticket:
        return self._step(ticket_id, "done", worker_id, at, note=note or None)

    def open_tickets(self) -> list[Ticket]:
        return self._tickets_where(f"state in {OPEN_STATES!r}", [])

    def tickets_of_worker(self, worker_id: str) -> list[Ticket]:
        return self._tickets_where(f"worker_id = ? and state in {OPEN_STATES!r}", [worker_id])

    def open_tickets_of_reporter(self, reporter_id: str) -> list[Ticket]:
        return self._tickets_where(f"reporter_id = ? and state in {OPEN_STATES!r}", [reporter_id])

    def ticket_events(self, ticket_id: int) -> list[TicketEvent]:
        rows = self.db["ticket_events"].rows_where("ticket_id = ?", [ticket_id], order_by="id")
        return [TicketEvent.model_validate(r) for r in rows]

    def _step(
        self,
        ticket_id: int,
        state: str,
        actor: str,
        at: datetime,
        owner: str | None = None,
        **extra,
    ) -> Ticket:
        if owner is not None:
            extra["worker_id"] = owner
        with self.atomic():
            self._set_state(ticket_id, state, at, **extra)
            self._event(ticket_id, at, actor, "worker", state, extra.get("note"))
        return self.ticket(ticket_id)

    def _set_state(self, ticket_id: int, state: str, at: datetime, **extra) -> None:
        self.db["tickets"].update(ticket_id, {"state": state, "updated_at": _iso(at), **extra})

    def _event(self, ticket_id, at, actor_id, role, action, detail=None) -> None:
        log.info("ticket %s %s by %s (%s)", ticket_id, action, actor_id or "system", role)
        self.db["ticket_events"].insert(
            {
                "ticket_id": ticket_id,
                "at": _iso(at),
                "actor_id": actor_id,
                "actor_role": role,
                "action": action,
                "detail": detail,
            }
        )

    def _ticket_where(self, where: str, args: list) -> Ticket | None:
        found = self._tickets_where(where, args)
        return found[0] if found else None

    def _tickets_where(self, where: str, args: list) -> list[Ticket]:
        return [
            Ticket.model_validate(r)
            for r in self.db["tickets"].rows_where(where, args, order_by="id")
        ]

    # Workers on duty and round-robin dispatch.
    def sync_workers(self, workers: list) -> None:
        """Add configured workers (on duty at first start); keep the duty state of known
        ones; a worker no longer in the config gets no more tickets."""
        with self.atomic():
            ids = [w.id for w in workers]
            gone = "id not in ({})".format(", ".join("?" * len(ids))) if ids else "1 = 1"
            self.db.execute(f"update workers set on_duty = 0 where {gone}", ids)
            for position, w in enumerate(workers):
                row = {
                    "id": w.id,
                    "name": w.name,
                    "team": w.team,
                    "leader": int(w.leader),
                    "position": position,
                }
                if self.db["workers"].count_where("id = ?", [w.id]):
                    self.db["workers"].update(w.id, row)
                else:
                    self.db["workers"].insert({**row, "on_duty": 1, "last_assigned_at": None})

    def set_on_duty(self, worker_id: str, on_duty: bool) -> None:
        self.db["workers"].update(worker_id, {"on_duty": int(on_duty)})

    def next_worker(self, team: str) -> str | None:
        """The on-duty worker of a team who was assigned least recently (round robin)."""
        rows = self.db["workers"].rows_where(
            "team = ? and on_duty = 1",
            [team],
            order_by="last_assigned_at is not null, last_assigned_at, position",
            limit=1,
        )
        row = next(iter(rows), None)
        return row["id"] if row else None

    # Addresses we asked for and are waiting on.
    def hold_report(self, msg: Incoming, understanding: dict, expires_at: datetime) -> None:
        with self.atomic():
            self.db["pending_reports"].delete_where(
                "group_id = ? and sender_id = ?", [msg.conversation.id, msg.sender.id]
            )
            self.db["pending_reports"].insert(
                {
                    "group_id": msg.conversation.id,
                    "sender_id": msg.sender.id,
                    "message_id": msg.id,
                    "payload": msg.model_dump_json(),
                    "understanding": json.dumps(understanding, ensure_ascii=False),
                    "created_at": _iso(msg.time),
                    "expires_at": _iso(expires_at),
                }
            )

    def pending_report(self, group_id: str, sender_id: str) -> PendingReport | None:
        rows = self.db["pending_reports"].rows_where(
            "group_id = ? and sender_id = ?", [group_id, sender_id]
        )
        return next((self._pending(r) for r in rows), None)

    def expired_reports(self, now: datetime) -> list[PendingReport]:
        rows = self.db["pending_reports"].rows_where("expires_at <= ?", [_iso(now)], order_by="id")
        return [self._pending(r) for r in rows]

    def drop_pending(self, pending_id: int) -> None:
        self.db["pending_reports"].delete(pending_id)

    @staticmethod
    def _pending(row: dict) -> PendingReport:
        return PendingReport(
            id=row["id"],
            message=Incoming.model_validate_json(row["payload"]),
            understanding=json.loads(row["understanding"]),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )

    # Messages that may be reports: the bot asked whether to report, and waits.
    def hold_confirm(self, msg: Incoming, expires_at: datetime) -> None:
        """Remember the message asked about (one per person and chat: the newest)."""
        key = [msg.conversation.id, msg.sender.id]
        with self.atomic():
            self.db["pending_confirms"].delete_where("conversation_id = ? and sender_id = ?", key)
            self.db["pending_confirms"].insert(
                {
                    "conversation_id": msg.conversation.id,
                    "sender_id": msg.sender.id,
                    "message_id": msg.id,
                    "payload": msg.model_dump_json(),
                    "expires_at": _iso(expires_at),
                }
            )

    def pending_confirm(
        self, conversation_id: str, sender_id: str, now: datetime
    ) -> Incoming | None:
        """The message asked about, while the answer is still awaited."""
        rows = self.db["pending_confirms"].rows_where(
            "conversation_id = ? and sender_id = ? and expires_at > ?",
            [conversation_id, sender_id, _iso(now)],
        )
        row = next(iter(rows), None)
        return Incoming.model_validate_json(row["payload"]) if row else None

    def drop_confirm(self, conversation_id: str, sender_id: str) -> None:
        self.db["pending_confirms"].delete_where(
            "conversation_id = ? and sender_id = ?", [conversation_id, sender_id]
        )

    def drop_expired_confirms(self, now: datetime) -> None:
        self.db["pending_confirms"].delete_where("expires_at <= ?", [_iso(now)])

    # Complaints: every one recorded.
    def record_complaint(self, msg: Incoming) -> int:
        table = self.db["complaints"]
        table.insert(
            {
                "message_id": msg.id,
                "at": _iso(msg.time),
                "sender_id": msg.sender.id,
                "sender_name": msg.sender.name,
                "conversation": msg.conversation.label(),
                "text": msg.text,
            },
            ignore=True,
        )
        return next(table.rows_where("message_id = ?", [msg.id]))["id"]

    # Messages the readers were unsure of: an admin labels them into the corpus.
    def record_unsure(self, msg: Incoming, guess: dict, reason: str) -> None:
        """Keep one (the newest UNSURE_KEPT; older ones go, labelled or not)."""
        table = self.db["unsure"]
        table.insert(
            {
                "message_id": msg.id,
                "at": _iso(msg.time),
                "conversation": msg.conversation.label(),
                "group_topic": msg.conversation.topic if msg.conversation.is_group else None,
                "text": msg.text[:2000],
                "guess": json.dumps(guess, ensure_ascii=False),
                "reason": reason,
                "labelled_at": None,
            },
            ignore=True,
        )
        self.db.execute(
            "delete from unsure where id <= (select max(id) from unsure) - ?", [UNSURE_KEPT]
        )

    def unsure_messages(self, limit: int = 50, labelled: bool = False) -> list[UnsureMessage]:
        where = None if labelled else "labelled_at is null"
        rows = self.db["unsure"].rows_where(where, order_by="id desc", limit=limit)
        return [UnsureMessage.model_validate({**r, "guess": json.loads(r["guess"])}) for r in rows]

    def unsure_message(self, unsure_id: int) -> UnsureMessage | None:
        rows = list(self.db["unsure"].rows_where("id = ?", [unsure_id]))
        return (
            UnsureMessage.model_validate({**rows[0], "guess": json.loads(rows[0]["guess"])})
            if rows
            else None
        )

    def mark_labelled(self, unsure_id: int, now: datetime) -> None:
        self.db["unsure"].update(unsure_id, {"labelled_at": _iso(now)})

    # The outbox: every message the bot must send is here before it is sent.
    def enqueue(self, out: Outgoing, now: datetime) -> int:
        return (
            self.db["outbox"]
            .insert(
                {
                    "created_at": _iso(now),
                    "conversation": out.conversation.model_dump_json(),
                    "text": out.text,
                    "mentions": json.dumps(
                        [m.model_dump() for m in out.mentions], ensure_ascii=False
                    ),
                    "sent_at": None,
                    "attempts": 0,
                    "last_error": None,
                }
            )
            .last_pk
        )

    def unsent(self, limit: int = 500) -> list[OutboxItem]:
        """Messages still to send, oldest first (given-up ones are left out)."""
        where = "sent_at is null and given_up_at is null"
        rows = self.db["outbox"].rows_where(where, order_by="id", limit=limit)
        return [
            OutboxItem(
                id=r["id"],
                attempts=r["attempts"],
                next_attempt_at=r["next_attempt_at"],
                out=Outgoing(
                    conversation=Conversation.model_validate_json(r["conversation"]),
                    text=r["text"],
                    mentions=tuple(Mention(**m) for m in json.loads(r["mentions"])),
                ),
            )
            for r in rows
        ]

    def mark_sent(self, outbox_id: int, now: datetime) -> None:
        self.db["outbox"].update(outbox_id, {"sent_at": _iso(now)})

    def mark_send_failed(self, item: OutboxItem, error: str, now: datetime) -> bool:
        """Count a failed try and set the next; False once it is given up on."""
        attempts = item.attempts + 1
        give_up = attempts >= SEND_ATTEMPTS
        wait = timedelta(seconds=min(2**attempts, MAX_SEND_WAIT_SECONDS))
        self.db["outbox"].update(
            item.id,
            {
                "attempts": attempts,
                "last_error": error[:500],
                "next_attempt_at": _iso(now + wait),
                "given_up_at": _iso(now) if give_up else None,
            },
        )
        return not give_up
