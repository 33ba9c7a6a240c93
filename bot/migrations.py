"""The schema, as versioned sqlite-utils migrations: the only place it changes.

Add a new step at the end; never edit a step that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("powerbot")


@migrations()
def m001_core(db: Database) -> None:
    db["messages"].create(
        {
            "id": str,
            "conversation": str,
            "sender_id": str,
            "received_at": str,
            "handled_at": str,
            "payload": str,
        },
        pk="id",
    )
    db["messages"].create_index(["handled_at"])
    db["tickets"].create(
        {
            "id": int,
            "source_message_id": str,
            "community": str,
            "building": str,
            "unit": str,
            "room": str,
            "fault_type": str,
            "urgent": int,
            "team": str,
            "reporter_id": str,
            "reporter_name": str,
            "group_id": str,
            "group_topic": str,
            "text": str,
            "state": str,
            "worker_id": str,
            "created_at": str,
            "due_at": str,
            "updated_at": str,
            "note": str,
        },
        pk="id",
        not_null={"state", "created_at", "text"},
    )
    db["tickets"].create_index(["source_message_id"], unique=True)
    db["tickets"].create_index(["state"])
    db["tickets"].create_index(["reporter_id"])
    db["tickets"].create_index(["worker_id"])
    db["ticket_events"].create(
        {
            "id": int,
            "ticket_id": int,
            "at": str,
            "actor_id": str,
            "actor_role": str,
            "action": str,
            "detail": str,
        },
        pk="id",
        foreign_keys=[("ticket_id", "tickets", "id")],
    )
    db["ticket_events"].create_index(["ticket_id"])
    db["outbox"].create(
        {
            "id": int,
            "created_at": str,
            "conversation": str,
            "text": str,
            "mentions": str,
            "sent_at": str,
            "attempts": int,
            "last_error": str,
        },
        pk="id",
        defaults={"attempts": 0},
    )
    db["outbox"].create_index(["sent_at"])
    db["workers"].create(
        {
            "id": str,
            "name": str,
            "team": str,
            "leader": int,
            "on_duty": int,
            "position": int,
            "last_assigned_at": str,
        },
        pk="id",
    )
    db["pending_reports"].create(
        {
            "id": int,
            "group_id": str,
            "sender_id": str,
            "message_id": str,
            "payload": str,
            "understanding": str,
            "created_at": str,
            "expires_at": str,
        },
        pk="id",
    )
    db["pending_reports"].create_index(["group_id", "sender_id"], unique=True)
    db["complaints"].create(
        {
            "id": int,
            "message_id": str,
            "at": str,
            "sender_id": str,
            "sender_name": str,
            "conversation": str,
            "text": str,
        },
        pk="id",
    )
    db["complaints"].create_index(["message_id"], unique=True)


@migrations()
def m002_outbox_retry(db: Database) -> None:
    """Failed sends wait before the next try, and give up after many, so one bad
    message cannot hold up the rest."""
    db["outbox"].add_column("next_attempt_at", str)
    db["outbox"].add_column("given_up_at", str)


@migrations()
def m003_unsure(db: Database) -> None:
    """Messages the readers disagreed on, kept for an admin to label into the corpus."""
    db["unsure"].create(
        {
            "id": int,
            "message_id": str,
            "at": str,
            "conversation": str,
            "group_topic": str,
            "text": str,
            "guess": str,
            "reason": str,
            "labelled_at": str,
        },
        pk="id",
    )
    db["unsure"].create_index(["message_id"], unique=True)
    db["unsure"].create_index(["labelled_at"])


@migrations()
def m004_pending_confirms(db: Database) -> None:
    """A message that may be a report: the bot asked, and waits for 报修 (or not)."""
    db["pending_confirms"].create(
        {
            "id": int,
            "conversation_id": str,
            "sender_id": str,
            "message_id": str,
            "payload": str,
            "expires_at": str,
        },
        pk="id",
    )
    db["pending_confirms"].create_index(["conversation_id", "sender_id"], unique=True)


@migrations()
def m005_inbox(db: Database) -> None:
    """The inbox: a message's id is recorded when it arrives, its payload when fetched,
    and handling reads from here; the seen-messages table it replaces is moved in.
    Outbox rows name the message that caused them."""
    db.execute(
        "create table inbox (seq integer primary key autoincrement, id text not null unique, "
        "received_at text not null, conversation text, payload text, handled_at text, "
        "outcome text)"
    )
    db.execute("create index inbox_waiting on inbox (seq) where handled_at is null")
    db.execute("create index inbox_handled on inbox (handled_at)")
    db.execute(
        "insert into inbox (id, received_at, conversation, payload, handled_at) "
        "select id, received_at, conversation, payload, handled_at from messages order by rowid"
    )
    db["messages"].drop()
    db["outbox"].add_column("cause", str)
    db.execute(
        "create index outbox_unsent on outbox (id) where sent_at is null and given_up_at is null"
    )


@migrations()
def m006_incidents_and_timers(db: Database) -> None:
    """Reports of one outage join one incident (its lead ticket); the commitment clock,
    the follow-up and every other clock are rows of one timers table; the outbox sends
    the urgent first."""
    for column, kind in (
        ("incident_id", int),  # the lead ticket of the incident this report joined
        ("first_reported_at", str),  # the promise counts from the first report
        ("restore_due_at", str),
        ("rating", int),
        ("followup", str),  # restored / rating: the question the reporter was asked
        ("closed_at", str),
        ("outcome", str),  # confirmed / unconfirmed / merged
        ("nudged_at", str),  # the worker was nudged once for this ticket
        ("acked_at", str),  # a joined report's reporter was told the outage is known
        ("arrival_minutes", int),  # the length of the arrival promise for its place
    ):
        db["tickets"].add_column(column, kind)
    db["tickets"].create_index(["incident_id"])
    db["tickets"].create_index(["community", "state"])
    db.execute(  # autoincrement: a cancelled timer's id is never given to a new one
        "create table timers (id integer primary key autoincrement, kind text not null, "
        "ref text not null, due_at text not null, fired_at text, payload text)"
    )
    db.execute("create index timers_due on timers (due_at) where fired_at is null")
    db.execute("create index timers_ref on timers (kind, ref)")
    db["outbox"].add_column("priority", int, not_null_default=1)
    db.execute(
        "create index outbox_next on outbox (priority, id) "
        "where sent_at is null and given_up_at is null"
    )


@migrations()
def m007_awaiting(db: Database) -> None:
    """What the bot offered one person in one chat and may be asked for next: the rest of
    an FAQ answer (详细), the next page of a list (更多), a hand-over to confirm (确认)."""
    db.execute(
        "create table awaiting (conversation_id text not null, sender_id text not null, "
        "kind text not null, value text not null, until text not null, "
        "primary key (conversation_id, sender_id, kind))"
    )


@migrations()
def m008_outages(db: Database) -> None:
    """Outages the station announces: planned work, and faults declared as outages."""
    db.execute(
        "create table outages (id integer primary key autoincrement, kind text not null, "
        "communities text not null, places text not null default '', start_at text not null, "
        "end_at text not null, reason text not null, contact text not null default '', "
        "state text not null, created_by text not null, created_at text not null, "
        "ticket_id integer, cancelled_at text, restored_at text, asked integer not null "
        "default 0, announced_at text)"
    )
    db.execute("create index outages_state on outages (state, start_at)")


@migrations()
def m009_announcements(db: Database) -> None:
    """Announcements admins schedule to chosen groups, once or on a repeat."""
    db.execute(
        "create table announcements (id integer primary key autoincrement, groups text not "
        "null, text text not null, next_at text not null, repeat text not null default '', "
        "state text not null, created_by text not null, created_at text not null, "
        "sent integer not null default 0)"
    )


@migrations()
def m010_questions(db: Database) -> None:
    """Questions residents asked the FAQ: answered (which entry) or handed to a person."""
    db.execute(
        "create table questions (id integer primary key autoincrement, at text not null, "
        "outcome text not null, faq_id text, text text not null)"
    )
    db.execute("create index questions_at on questions (at)")


def apply(db: Database) -> None:
    migrations.apply(db)
