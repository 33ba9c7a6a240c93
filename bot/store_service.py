"""The service records of the store: tickets and their events, workers on duty, reports
waiting for an address or a yes, complaints, and messages kept for labelling.

A part of `bot.store.Store` (it holds `self.sql`); plain SQL on the hot path. Every
change of a ticket's state also writes a ticket event (who, what, when).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from bot.messages import Incoming
from bot.records import (
    OPEN_STATES,
    NewTicket,
    PendingReport,
    Ticket,
    TicketEvent,
    UnsureMessage,
)
from bot.sql import Sql

log = logging.getLogger(__name__)

UNSURE_KEPT = 2000  # messages waiting for a label: the newest are kept
_OPEN = "state in ({})".format(", ".join(f"'{s}'" for s in OPEN_STATES))


def iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


class ServiceRecords:
    sql: Sql

    def atomic(self) -> Any:
        """A transaction, or a savepoint inside one: all inside happens or none of it."""
        return self.sql.atomic()

    # Tickets.
    def open_ticket(self, new: NewTicket, actor_role: str = "resident") -> tuple[Ticket, bool]:
        """Store a ticket once per source message; returns (ticket, created)."""
        existing = self.ticket_for_message(new.source_message_id)
        if existing is not None:
            return existing, False
        with self.sql.together():
            row = new.model_dump()
            row.update(
                state="open",
                created_at=iso(new.created_at),
                due_at=iso(new.due_at),
                updated_at=iso(new.created_at),
                urgent=int(new.urgent),
            )
            ticket_id = self.sql.insert("tickets", row)
            self._event(ticket_id, new.created_at, new.reporter_id, actor_role, "opened", new.text)
        return Ticket.model_validate({**row, "id": ticket_id}), True

    def ticket_for_message(self, message_id: str) -> Ticket | None:
        return self._ticket_where("source_message_id = ?", [message_id])

    def amend_address(
        self, ticket_id: int, address: dict[str, str | None], at: datetime, actor_id: str
    ) -> Ticket:
        """The reporter told us more about where: keep what they add, log it."""
        with self.sql.together():
            self.sql.update("tickets", ticket_id, {**address, "updated_at": iso(at)})
            detail = json.dumps(address, ensure_ascii=False)
            self._event(ticket_id, at, actor_id, "resident", "address", detail)
        return self.ticket(ticket_id)  # type: ignore[return-value]

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._ticket_where("id = ?", [ticket_id])

    def assign_ticket(
        self, ticket_id: int, worker_id: str, at: datetime, actor_id: str | None, role: str
    ) -> Ticket:
        with self.sql.together():
            self._set_state(ticket_id, "assigned", at, worker_id=worker_id)
            self.sql.update("workers", worker_id, {"last_assigned_at": iso(at)})
            self._event(ticket_id, at, actor_id, role, "assigned", worker_id)
        return self.ticket(ticket_id)  # type: ignore[return-value]

    def accept_ticket(self, ticket_id: int, worker_id: str, at: datetime) -> Ticket:
        return self._step(ticket_id, "accepted", worker_id, at, owner=worker_id)

    def arrive_ticket(self, ticket_id: int, worker_id: str, at: datetime) -> Ticket:
        return self._step(ticket_id, "arrived", worker_id, at)

    def complete_ticket(self, ticket_id: int, worker_id: str, at: datetime, note: str) -> Ticket:
        return self._step(ticket_id, "done", worker_id, at, note=note or None)

    def open_tickets(self) -> list[Ticket]:
        return self._tickets_where(_OPEN, [])

    def tickets_of_worker(self, worker_id: str) -> list[Ticket]:
        return self._tickets_where(f"worker_id = ? and {_OPEN}", [worker_id])

    def open_tickets_of_reporter(self, reporter_id: str) -> list[Ticket]:
        return self._tickets_where(f"reporter_id = ? and {_OPEN}", [reporter_id])

    def ticket_events(self, ticket_id: int) -> list[TicketEvent]:
        rows = self.sql.all(
            "select * from ticket_events where ticket_id = ? order by id", [ticket_id]
        )
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
        with self.sql.together():
            self._set_state(ticket_id, state, at, **extra)
            self._event(ticket_id, at, actor, "worker", state, extra.get("note"))
        return self.ticket(ticket_id)  # type: ignore[return-value]

    def _set_state(self, ticket_id: int, state: str, at: datetime, **extra: Any) -> None:
        self.sql.update("tickets", ticket_id, {"state": state, "updated_at": iso(at), **extra})

    def _event(
        self,
        ticket_id: int,
        at: datetime,
        actor_id: str | None,
        role: str,
        action: str,
        detail: str | None = None,
    ) -> None:
        log.debug("ticket %s %s by %s (%s)", ticket_id, action, actor_id or "system", role)
        self.sql.run(
            "insert into ticket_events (ticket_id, at, actor_id, actor_role, action, detail) "
            "values (?, ?, ?, ?, ?, ?)",
            (ticket_id, iso(at), actor_id, role, action, detail),
        )

    def _ticket_where(self, where: str, args: list[Any]) -> Ticket | None:
        row = self.sql.one(f"select * from tickets where {where} order by id limit 1", args)
        return Ticket.model_validate(row) if row else None

    def _tickets_where(self, where: str, args: list[Any]) -> list[Ticket]:
        rows = self.sql.all(f"select * from tickets where {where} order by id", args)
        return [Ticket.model_validate(r) for r in rows]

    # Workers on duty and round-robin dispatch.
    def sync_workers(self, workers: list[Any]) -> None:
        """Add configured workers (on duty at first start); keep the duty state of known
        ones; a worker no longer in the config gets no more tickets."""
        with self.sql.together():
            ids = [w.id for w in workers]
            gone = "id not in ({})".format(", ".join("?" * len(ids))) if ids else "1 = 1"
            self.sql.run(f"update workers set on_duty = 0 where {gone}", ids)
            for position, w in enumerate(workers):
                row = {
                    "name": w.name,
                    "team": w.team,
                    "leader": int(w.leader),
                    "position": position,
                }
                if self.sql.value("select 1 from workers where id = ?", [w.id]):
                    self.sql.update("workers", w.id, row)
                else:
                    self.sql.insert(
                        "workers", {"id": w.id, **row, "on_duty": 1, "last_assigned_at": None}
                    )

    def set_on_duty(self, worker_id: str, on_duty: bool) -> None:
        self.sql.update("workers", worker_id, {"on_duty": int(on_duty)})

    def next_worker(self, team: str) -> str | None:
        """The on-duty worker of a team who was assigned least recently (round robin)."""
        return self.sql.value(
            "select id from workers where team = ? and on_duty = 1 order by "
            "last_assigned_at is not null, last_assigned_at, position limit 1",
            [team],
        )

    # Addresses we asked for and are waiting on.
    def hold_report(self, msg: Incoming, understanding: dict, expires_at: datetime) -> None:
        with self.sql.together():
            self.sql.run(
                "delete from pending_reports where group_id = ? and sender_id = ?",
                [msg.conversation.id, msg.sender.id],
            )
            self.sql.insert(
                "pending_reports",
                {
                    "group_id": msg.conversation.id,
                    "sender_id": msg.sender.id,
                    "message_id": msg.id,
                    "payload": msg.model_dump_json(),
                    "understanding": json.dumps(understanding, ensure_ascii=False),
                    "created_at": iso(msg.time),
                    "expires_at": iso(expires_at),
                },
            )

    def pending_report(self, group_id: str, sender_id: str) -> PendingReport | None:
        row = self.sql.one(
            "select * from pending_reports where group_id = ? and sender_id = ?",
            [group_id, sender_id],
        )
        return self._pending(row) if row else None

    def expired_reports(self, now: datetime) -> list[PendingReport]:
        rows = self.sql.all(
            "select * from pending_reports where expires_at <= ? order by id", [iso(now)]
        )
        return [self._pending(r) for r in rows]

    def drop_pending(self, pending_id: int) -> None:
        self.sql.run("delete from pending_reports where id = ?", [pending_id])

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
        with self.sql.together():
            self.sql.run(
                "delete from pending_confirms where conversation_id = ? and sender_id = ?", key
            )
            self.sql.insert(
                "pending_confirms",
                {
                    "conversation_id": msg.conversation.id,
                    "sender_id": msg.sender.id,
                    "message_id": msg.id,
                    "payload": msg.model_dump_json(),
                    "expires_at": iso(expires_at),
                },
            )

    def pending_confirm(
        self, conversation_id: str, sender_id: str, now: datetime
    ) -> Incoming | None:
        """The message asked about, while the answer is still awaited."""
        payload = self.sql.value(
            "select payload from pending_confirms where conversation_id = ? and sender_id = ? "
            "and expires_at > ?",
            [conversation_id, sender_id, iso(now)],
        )
        return Incoming.model_validate_json(payload) if payload else None

    def drop_confirm(self, conversation_id: str, sender_id: str) -> None:
        self.sql.run(
            "delete from pending_confirms where conversation_id = ? and sender_id = ?",
            [conversation_id, sender_id],
        )

    def drop_expired_confirms(self, now: datetime) -> None:
        self.sql.run("delete from pending_confirms where expires_at <= ?", [iso(now)])

    # Complaints: every one recorded.
    def record_complaint(self, msg: Incoming) -> int:
        self.sql.insert(
            "complaints",
            {
                "message_id": msg.id,
                "at": iso(msg.time),
                "sender_id": msg.sender.id,
                "sender_name": msg.sender.name,
                "conversation": msg.conversation.label(),
                "text": msg.text,
            },
            ignore=True,
        )
        return self.sql.value("select id from complaints where message_id = ?", [msg.id])

    # Messages the readers were unsure of: an admin labels them into the corpus.
    def record_unsure(self, msg: Incoming, guess: dict, reason: str) -> None:
        """Keep one (the newest UNSURE_KEPT; older ones go, labelled or not)."""
        self.sql.insert(
            "unsure",
            {
                "message_id": msg.id,
                "at": iso(msg.time),
                "conversation": msg.conversation.label(),
                "group_topic": msg.conversation.topic if msg.conversation.is_group else None,
                "text": msg.text[:2000],
                "guess": json.dumps(guess, ensure_ascii=False),
                "reason": reason,
                "labelled_at": None,
            },
            ignore=True,
        )
        self.sql.run(
            "delete from unsure where id <= (select max(id) from unsure) - ?", [UNSURE_KEPT]
        )

    def unsure_messages(self, limit: int = 50, labelled: bool = False) -> list[UnsureMessage]:
        where = "" if labelled else "where labelled_at is null"
        rows = self.sql.all(f"select * from unsure {where} order by id desc limit ?", [limit])
        return [UnsureMessage.model_validate({**r, "guess": json.loads(r["guess"])}) for r in rows]

    def unsure_message(self, unsure_id: int) -> UnsureMessage | None:
        row = self.sql.one("select * from unsure where id = ?", [unsure_id])
        return (
            UnsureMessage.model_validate({**row, "guess": json.loads(row["guess"])})
            if row
            else None
        )

    def mark_labelled(self, unsure_id: int, now: datetime) -> None:
        self.sql.update("unsure", unsure_id, {"labelled_at": iso(now)})
