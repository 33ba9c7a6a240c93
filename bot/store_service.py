"""The service records of the store: tickets and their events, workers on duty, reports
waiting for an address or a yes, complaints, and messages kept for labelling.

A part of `bot.store.Store` (it holds `self.sql`); plain SQL on the hot path. Every
change of a ticket's state also writes a ticket event (who, what, when).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot.messages import Incoming
from bot.records import (
    OPEN_STATES,
    NewTicket,
    Outage,
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
    """Every query names the station: one store may hold a county's stations, and each
    sees only its own rows (`self.station`)."""

    sql: Sql
    station: str

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
                created_at=iso(new.created_at),
                due_at=iso(new.due_at),
                first_reported_at=iso(new.first_reported_at or new.created_at),
                restore_due_at=iso(new.restore_due_at),
                updated_at=iso(new.created_at),
                urgent=int(new.urgent),
            )
            row["station"] = self.station
            ticket_id = self.sql.insert("tickets", row)
            action = "joined" if new.incident_id else "opened"
            self._event(ticket_id, new.created_at, new.reporter_id, actor_role, action, new.text)
        return Ticket.model_validate({**row, "id": ticket_id}), True

    def _set(self, table: str, key: Any, changes: dict[str, Any], pk: str = "id") -> None:
        """Update one row of this station's (a time is stored as ISO 8601 text in UTC)."""
        sets = ", ".join(f"{c} = ?" for c in changes)
        values = [
            iso(v.astimezone(UTC)) if isinstance(v, datetime) else v for v in changes.values()
        ]
        self.sql.run(
            f"update {table} set {sets} where {pk} = ? and station = ?",
            [*values, key, self.station],
        )

    def ticket_for_message(self, message_id: str) -> Ticket | None:
        return self._ticket_where("source_message_id = ?", [message_id])

    def amend_address(
        self, ticket_id: int, address: dict[str, str | None], at: datetime, actor_id: str
    ) -> Ticket:
        """The reporter told us more about where: keep what they add, log it."""
        with self.sql.together():
            self._set("tickets", ticket_id, {**address, "updated_at": iso(at)})
            detail = json.dumps(address, ensure_ascii=False)
            self._event(ticket_id, at, actor_id, "resident", "address", detail)
        return self.ticket(ticket_id)  # type: ignore[return-value]

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._ticket_where("id = ?", [ticket_id])

    def move_ticket(
        self,
        ticket_id: int,
        state: str,
        at: datetime,
        actor_id: str | None,
        role: str,
        action: str,
        detail: str | None = None,
        **changes: Any,
    ) -> Ticket:
        """A ticket's state changes (the caller checked the move is allowed): the new
        state, any other fields, and the event saying who did what, together."""
        with self.sql.together():
            self._set("tickets", ticket_id, {"state": state, "updated_at": iso(at), **changes})
            self._event(ticket_id, at, actor_id, role, action, detail)
        return self.ticket(ticket_id)  # type: ignore[return-value]

    def set_ticket(
        self,
        ticket_id: int,
        at: datetime,
        actor_id: str | None,
        role: str,
        action: str,
        detail: str | None = None,
        **changes: Any,
    ) -> Ticket:
        """Fields of a ticket change without a change of state (a rating, a nudge): an
        event still says who and what (`detail`, or the changes)."""
        with self.sql.together():
            values = {
                k: iso(v.astimezone(UTC)) if isinstance(v, datetime) else v
                for k, v in changes.items()
            }
            self._set("tickets", ticket_id, {**values, "updated_at": iso(at)})
            detail = detail or json.dumps(values, ensure_ascii=False, default=str)
            self._event(ticket_id, at, actor_id, role, action, detail)
        return self.ticket(ticket_id)  # type: ignore[return-value]

    def last_event_at(self, ticket_id: int, action: str) -> datetime | None:
        at = self.sql.value(
            "select max(at) from ticket_events where ticket_id = ? and action = ? and station = ?",
            [ticket_id, action, self.station],
        )
        return datetime.fromisoformat(at) if at else None

    def note_assigned(self, worker_id: str, at: datetime) -> None:
        """Round robin: the worker was given a ticket now."""
        self._set("workers", worker_id, {"last_assigned_at": iso(at)})

    def open_tickets(self) -> list[Ticket]:
        return self._tickets_where(_OPEN, [])

    def tickets_of_worker(self, worker_id: str) -> list[Ticket]:
        return self._tickets_where(f"worker_id = ? and {_OPEN}", [worker_id])

    def open_tickets_of_reporter(self, reporter_id: str) -> list[Ticket]:
        return self._tickets_where(f"reporter_id = ? and {_OPEN}", [reporter_id])

    def members(self, lead_id: int) -> list[Ticket]:
        """The reports that joined an incident, oldest first."""
        return self._tickets_where("incident_id = ?", [lead_id])

    def incident_lead(
        self,
        community: str,
        building: str | None,
        faults: tuple[str, ...],
        since: datetime,
        exact: bool = False,
    ) -> Ticket | None:
        """An open incident of the same outage: same community, the same building (or,
        unless `exact`, one of them building-wide unknown), a fault of the same family,
        with a worker on it or a report of it since `since`."""
        kinds = ", ".join("?" * len(faults))
        place = (
            "building = ?"
            if exact
            else "(building is null or cast(? as text) is null or building = ?)"
        )
        return self._ticket_where(
            f"incident_id is null and state in ('open', 'assigned', 'accepted', 'arrived') "
            f"and community = ? and fault_type in ({kinds}) and {place} "
            "and (state in ('accepted', 'arrived') or created_at >= ? or exists ("
            "select 1 from tickets m where m.incident_id = tickets.id and m.created_at >= ?))",
            [
                community,
                *faults,
                *([building] if exact else [building, building]),
                iso(since),
                iso(since),
            ],  # fmt: skip
        )

    def unacknowledged(self, group_id: str) -> list[Ticket]:
        """Joined reports of a group whose reporters were not told yet that it is known."""
        return self._tickets_where(
            f"group_id = ? and incident_id is not null and acked_at is null and {_OPEN}",
            [group_id],
        )

    def waiting_tickets(self, team: str) -> list[Ticket]:
        """Leads of the team no worker has: waiting for someone on duty."""
        return self._tickets_where("team = ? and state = 'open' and incident_id is null", [team])

    def done_tickets_of_reporter(
        self, reporter_id: str, group_id: str | None, since: datetime
    ) -> list[Ticket]:
        return self._tickets_where(
            "reporter_id = ? and group_id is not distinct from ? and state in ('done', 'closed') "
            "and updated_at >= ?",
            [reporter_id, group_id, iso(since)],
        )

    def asked_ticket(self, reporter_id: str, group_id: str | None) -> Ticket | None:
        """The reporter's ticket whose follow-up question (恢复了吗, 打分) awaits an answer."""
        asked = self._tickets_where(
            "reporter_id = ? and group_id is not distinct from ? and followup is not null",
            [reporter_id, group_id],
        )
        return asked[-1] if asked else None

    def tickets_lacking_place(self, group_id: str) -> list[Ticket]:
        """Open tickets of a group that never got their address."""
        return self._tickets_where(
            f"group_id = ? and {_OPEN} and (community is null or (building is null and "
            "fault_type in ('household_outage', 'trip', 'meter', 'hazard')))",
            [group_id],
        )

    def ticket_events(self, ticket_id: int) -> list[TicketEvent]:
        rows = self.sql.all(
            "select * from ticket_events where ticket_id = ? and station = ? order by id",
            [ticket_id, self.station],
        )
        return [TicketEvent.model_validate(r) for r in rows]

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
            "insert into ticket_events (ticket_id, at, actor_id, actor_role, action, detail, "
            "station) values (?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, iso(at), actor_id, role, action, detail, self.station),
        )

    def _ticket_where(self, where: str, args: list[Any]) -> Ticket | None:
        row = self.sql.one(
            f"select * from tickets where station = ? and {where} order by id limit 1",
            [self.station, *args],
        )
        return Ticket.model_validate(row) if row else None

    def _tickets_where(self, where: str, args: list[Any]) -> list[Ticket]:
        rows = self.sql.all(
            f"select * from tickets where station = ? and {where} order by id",
            [self.station, *args],
        )
        return [Ticket.model_validate(r) for r in rows]

    # Workers on duty and round-robin dispatch.
    def sync_workers(self, workers: list[Any]) -> None:
        """Add configured workers (on duty at first start); keep the duty state of known
        ones; a worker no longer in the config gets no more tickets."""
        with self.sql.together():
            ids = [w.id for w in workers]
            gone = "id not in ({})".format(", ".join("?" * len(ids))) if ids else "1 = 1"
            self.sql.run(
                f"update workers set on_duty = 0 where station = ? and {gone}", [self.station, *ids]
            )
            for position, w in enumerate(workers):
                row = {
                    "name": w.name,
                    "team": w.team,
                    "leader": int(w.leader),
                    "position": position,
                }
                if self.sql.value(
                    "select 1 from workers where id = ? and station = ?", [w.id, self.station]
                ):
                    self._set("workers", w.id, row)
                else:
                    new = {"id": w.id, **row, "on_duty": 1, "last_assigned_at": None}
                    self.sql.insert("workers", {**new, "station": self.station}, pk=None)

    def set_on_duty(self, worker_id: str, on_duty: bool) -> None:
        self._set("workers", worker_id, {"on_duty": int(on_duty)})

    def is_on_duty(self, worker_id: str) -> bool:
        return bool(
            self.sql.value(
                "select on_duty from workers where id = ? and station = ?",
                [worker_id, self.station],
            )
        )

    def on_duty_workers(self, team: str) -> list[str]:
        return [
            r["id"]
            for r in self.sql.all(
                "select id from workers where team = ? and station = ? and on_duty = 1 "
                "order by position",
                [team, self.station],
            )
        ]

    def next_worker(self, team: str) -> str | None:
        """The on-duty worker of a team who was assigned least recently (round robin)."""
        return self.sql.value(
            "select id from workers where team = ? and station = ? and on_duty = 1 order by "
            "last_assigned_at is not null, last_assigned_at, position limit 1",
            [team, self.station],
        )

    # Addresses we asked for and are waiting on.
    def hold_report(self, msg: Incoming, understanding: dict, expires_at: datetime) -> int:
        """The report waits for its address (one per person and group); its id."""
        with self.sql.together():
            self.sql.run(
                "delete from pending_reports where group_id = ? and sender_id = ? and station = ?",
                [msg.conversation.id, msg.sender.id, self.station],
            )
            return self.sql.insert(
                "pending_reports",
                {
                    "group_id": msg.conversation.id,
                    "sender_id": msg.sender.id,
                    "message_id": msg.id,
                    "payload": msg.model_dump_json(),
                    "understanding": json.dumps(understanding, ensure_ascii=False),
                    "created_at": iso(msg.time),
                    "expires_at": iso(expires_at),
                    "station": self.station,
                },
            )

    def pending_report(self, group_id: str, sender_id: str) -> PendingReport | None:
        row = self.sql.one(
            "select * from pending_reports where group_id = ? and sender_id = ? and station = ?",
            [group_id, sender_id, self.station],
        )
        return self._pending(row) if row else None

    def pending_reports_in(self, group_id: str) -> list[PendingReport]:
        rows = self.sql.all(
            "select * from pending_reports where group_id = ? and station = ? order by id",
            [group_id, self.station],
        )
        return [self._pending(r) for r in rows]

    def pending_by_id(self, pending_id: int) -> PendingReport | None:
        row = self.sql.one(
            "select * from pending_reports where id = ? and station = ?", [pending_id, self.station]
        )
        return self._pending(row) if row else None

    def drop_pending(self, pending_id: int) -> None:
        self.sql.run(
            "delete from pending_reports where id = ? and station = ?", [pending_id, self.station]
        )

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
    # Questions the FAQ answered or handed to a person (the figures).
    def log_question(
        self, at: datetime, outcome: str, text: str, faq_id: str | None = None
    ) -> None:
        self.sql.run(
            "insert into questions (at, outcome, faq_id, text, station) values (?, ?, ?, ?, ?)",
            [iso(at.astimezone(UTC)), outcome, faq_id, text[:200], self.station],
        )

    # Outages (handlers/outages.py).
    def add_outage(self, row: dict[str, Any]) -> Outage:
        row = {
            **row,
            "communities": json.dumps(row["communities"], ensure_ascii=False),
            "station": self.station,
        }
        for key in ("start_at", "end_at", "created_at"):
            row[key] = iso(row[key].astimezone(UTC))
        outage_id = self.sql.insert("outages", row)
        outage = self.outage(outage_id)
        assert outage is not None
        return outage

    def outage(self, outage_id: int) -> Outage | None:
        row = self.sql.one(
            "select * from outages where id = ? and station = ?", [outage_id, self.station]
        )
        return _outage(row) if row else None

    def outages(self, states: tuple[str, ...] = ("scheduled",)) -> list[Outage]:
        marks = ", ".join("?" for _ in states)
        rows = self.sql.all(
            f"select * from outages where station = ? and state in ({marks}) order by start_at, id",
            [self.station, *states],
        )
        return [_outage(r) for r in rows]

    def update_outage(self, outage_id: int, **changes: Any) -> Outage:
        self._set("outages", outage_id, changes)
        outage = self.outage(outage_id)
        assert outage is not None
        return outage

    def count_outage_question(self, outage_id: int) -> None:
        self.sql.run(
            "update outages set asked = asked + 1 where id = ? and station = ?",
            [outage_id, self.station],
        )

    # Announcements (handlers/announcements.py).
    def add_announcement(self, row: dict[str, Any]) -> int:
        return self.sql.insert("announcements", {**row, "station": self.station})

    def announcement(self, announcement_id: int) -> dict[str, Any] | None:
        return self.sql.one(
            "select * from announcements where id = ? and station = ?",
            [announcement_id, self.station],
        )

    def active_announcements(self) -> list[dict[str, Any]]:
        return self.sql.all(
            "select * from announcements where state = 'active' and station = ? order by id",
            [self.station],
        )

    def set_announcement(self, announcement_id: int, sent: int = 0, **changes: Any) -> None:
        """Change an announcement's fields; `sent` more sends counted."""
        sets = "".join(f"{c} = ?, " for c in changes)
        self.sql.run(
            f"update announcements set {sets}sent = sent + ? where id = ? and station = ?",
            [*changes.values(), sent, announcement_id, self.station],
        )

    # What was offered to one person in one chat (详细, 更多, 确认), until it lapses.
    def offer(self, msg: Incoming, kind: str, value: Any, until: datetime) -> None:
        """Remember what `msg`'s sender may ask for next. One thing to 确认 at a time: a
        new one replaces any other (the last one shown is the one confirmed)."""
        if kind.startswith("confirm"):
            self.sql.run(
                "delete from awaiting where conversation_id = ? and sender_id = ? "
                "and kind like 'confirm%' and station = ?",
                [msg.conversation.id, msg.sender.id, self.station],
            )
        self.sql.run(
            "insert into awaiting (station, conversation_id, sender_id, kind, value, until) "
            "values (?, ?, ?, ?, ?, ?) on conflict (station, conversation_id, sender_id, kind) "
            "do update set value = excluded.value, until = excluded.until",
            [
                self.station,
                msg.conversation.id,
                msg.sender.id,
                kind,
                json.dumps(value),
                iso(until),
            ],  # fmt: skip
        )

    def offered(self, msg: Incoming, kind: str, now: datetime) -> Any | None:
        value = self.sql.value(
            "select value from awaiting where conversation_id = ? and sender_id = ? "
            "and kind = ? and until > ? and station = ?",
            [msg.conversation.id, msg.sender.id, kind, iso(now), self.station],
        )
        return json.loads(value) if value is not None else None

    def take_offers(self, kind: str) -> list[tuple[str, str, Any]]:
        """(conversation id, sender id, value) of everyone offered `kind`; forgotten."""
        rows = self.sql.all(
            "select conversation_id, sender_id, value from awaiting where kind = ? and station = ?",
            [kind, self.station],
        )
        self.sql.run("delete from awaiting where kind = ? and station = ?", [kind, self.station])
        return [(r["conversation_id"], r["sender_id"], json.loads(r["value"])) for r in rows]

    def withdraw_confirms(self, msg: Incoming) -> int:
        return self.sql.run(
            "delete from awaiting where conversation_id = ? and sender_id = ? "
            "and kind like 'confirm%' and station = ?",
            [msg.conversation.id, msg.sender.id, self.station],
        ).rowcount

    def withdraw(self, msg: Incoming, kind: str) -> None:
        self.sql.run(
            "delete from awaiting where conversation_id = ? and sender_id = ? and kind = ? "
            "and station = ?",
            [msg.conversation.id, msg.sender.id, kind, self.station],
        )

    def hold_confirm(self, msg: Incoming, expires_at: datetime) -> None:
        """Remember the message asked about (one per person and chat: the newest)."""
        key = [msg.conversation.id, msg.sender.id, self.station]
        with self.sql.together():
            self.sql.run(
                "delete from pending_confirms where conversation_id = ? and sender_id = ? "
                "and station = ?",
                key,
            )
            self.sql.insert(
                "pending_confirms",
                {
                    "conversation_id": msg.conversation.id,
                    "sender_id": msg.sender.id,
                    "message_id": msg.id,
                    "payload": msg.model_dump_json(),
                    "expires_at": iso(expires_at),
                    "station": self.station,
                },
            )

    def pending_confirm(
        self, conversation_id: str, sender_id: str, now: datetime
    ) -> Incoming | None:
        """The message asked about, while the answer is still awaited."""
        payload = self.sql.value(
            "select payload from pending_confirms where conversation_id = ? and sender_id = ? "
            "and expires_at > ? and station = ?",
            [conversation_id, sender_id, iso(now), self.station],
        )
        return Incoming.model_validate_json(payload) if payload else None

    def drop_confirm(self, conversation_id: str, sender_id: str) -> None:
        self.sql.run(
            "delete from pending_confirms where conversation_id = ? and sender_id = ? "
            "and station = ?",
            [conversation_id, sender_id, self.station],
        )

    def drop_expired_confirms(self, now: datetime) -> None:
        self.sql.run(
            "delete from pending_confirms where expires_at <= ? and station = ?",
            [iso(now), self.station],
        )

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
                "station": self.station,
            },
            ignore=True,
        )
        return self.sql.value(
            "select id from complaints where message_id = ? and station = ?", [msg.id, self.station]
        )

    def newest_complaint(
        self, sender_id: str, conversation: str, since: datetime
    ) -> dict[str, Any] | None:
        return self.sql.one(
            "select * from complaints where sender_id = ? and conversation = ? and at >= ? "
            "and station = ? order by id desc limit 1",
            [sender_id, conversation, iso(since), self.station],
        )

    def add_to_complaint(self, complaint_id: int, text: str) -> None:
        self.sql.run(
            "update complaints set text = text || ? where id = ? and station = ?",
            ["\n" + text, complaint_id, self.station],
        )

    def complaints(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest complaints, each with the ids of its sender's tickets."""
        rows = self.sql.all(
            "select * from complaints where station = ? order by id desc limit ?",
            [self.station, limit],
        )
        for row in rows:
            row["tickets"] = [
                r["id"]
                for r in self.sql.all(
                    "select id from tickets where reporter_id = ? and station = ? order by id",
                    [row["sender_id"], self.station],
                )
            ]
        return rows

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
                "station": self.station,
            },
            ignore=True,
        )
        self.sql.run(  # the newest by rank: ids are shared by every station of a store
            "delete from unsure where station = ? and id not in (select id from unsure "
            "where station = ? order by id desc limit ?)",
            [self.station, self.station, UNSURE_KEPT],
        )

    def unsure_messages(self, limit: int = 50, labelled: bool = False) -> list[UnsureMessage]:
        where = "" if labelled else "and labelled_at is null"
        rows = self.sql.all(
            f"select * from unsure where station = ? {where} order by id desc limit ?",
            [self.station, limit],
        )
        return [UnsureMessage.model_validate({**r, "guess": json.loads(r["guess"])}) for r in rows]

    def unsure_message(self, unsure_id: int) -> UnsureMessage | None:
        row = self.sql.one(
            "select * from unsure where id = ? and station = ?", [unsure_id, self.station]
        )
        return (
            UnsureMessage.model_validate({**row, "guess": json.loads(row["guess"])})
            if row
            else None
        )

    def mark_labelled(self, unsure_id: int, now: datetime) -> None:
        self._set("unsure", unsure_id, {"labelled_at": iso(now)})


def _outage(row: Any) -> Outage:
    data = dict(row)
    data["communities"] = json.loads(data["communities"])
    return Outage.model_validate(data)
