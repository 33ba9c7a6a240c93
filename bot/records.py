"""The records the store hands out: tickets, their events, outbox items, workers' duty,
and reports waiting for an address. Plain pydantic models, no database code."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.messages import Conversation, Incoming, Outgoing

OPEN_STATES = ("open", "assigned", "accepted", "arrived", "joined")


class NewTicket(BaseModel):
    """A ticket as a report opens it."""

    source_message_id: str
    community: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    fault_type: str | None = None
    urgent: bool = False
    team: str | None = None
    reporter_id: str
    reporter_name: str = ""
    group_id: str | None = None
    group_topic: str | None = None
    text: str
    created_at: datetime
    due_at: datetime | None = None
    state: str = "open"
    incident_id: int | None = None  # joined this incident (its lead ticket) at once
    first_reported_at: datetime | None = None  # the promise counts from here
    restore_due_at: datetime | None = None
    arrival_minutes: int | None = None  # the length of the arrival promise for its place


class Ticket(NewTicket):
    """A stored ticket: where it stands and who has it. A report that joined an incident
    has `incident_id`, the lead ticket's id, and follows the lead."""

    id: int
    worker_id: str | None = None
    updated_at: datetime | None = None
    note: str | None = None
    rating: int | None = None
    followup: str | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    nudged_at: datetime | None = None
    acked_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def lead_id(self) -> int:
        """The ticket that carries the work: this one, or the incident's lead."""
        return self.incident_id or self.id

    @property
    def group(self) -> Conversation | None:
        if self.group_id is None:
            return None
        return Conversation.group(self.group_id, self.group_topic)


class TicketEvent(BaseModel):
    ticket_id: int
    at: datetime
    actor_id: str | None
    actor_role: str | None
    action: str
    detail: str | None = None


class OutboxItem(BaseModel):
    id: int
    out: Outgoing
    attempts: int
    next_attempt_at: datetime | None = None
    cause: str | None = None  # the message whose handling queued it
    priority: int = 1  # 0 urgent (hazards, dispatch), 1 replies, 2 answers and notices

    def due(self, now: datetime) -> bool:
        return self.next_attempt_at is None or self.next_attempt_at <= now


class Timer(BaseModel):
    """A clock: at `due_at`, the job registered for `kind` runs for `ref`."""

    id: int
    kind: str
    ref: str
    due_at: datetime
    payload: dict = {}


class PendingReport(BaseModel):
    id: int
    message: Incoming
    understanding: dict
    created_at: datetime
    expires_at: datetime


class UnsureMessage(BaseModel):
    """A message the readers disagreed on, as `powerbot unsure` lists it."""

    id: int
    message_id: str
    at: datetime
    conversation: str
    group_topic: str | None = None
    text: str
    guess: dict
    reason: str
    labelled_at: datetime | None = None


class Outage(BaseModel):
    """An outage the station announces (handlers/outages.py)."""

    id: int
    kind: str  # planned / unplanned
    communities: list[str]
    places: str = ""  # 1-5栋, 3组: part of the communities; "" for all of them
    start_at: datetime
    end_at: datetime  # the planned end, or the expected restoration
    reason: str
    contact: str = ""
    state: str  # scheduled / cancelled / restored
    created_by: str
    created_at: datetime
    ticket_id: int | None = None
    cancelled_at: datetime | None = None
    restored_at: datetime | None = None
    asked: int = 0  # questions and reports answered from it
    announced_at: datetime | None = None
