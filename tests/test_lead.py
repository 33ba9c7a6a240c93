"""One process serves a station: its lead lock (an advisory lock on PostgreSQL, a file
lock beside SQLite), and, should two ever run at once, claims that keep them from doing
the same work: waiting messages, outbox rows and timers are each one process's
(`for update skip locked`)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import lead as lead_module
from bot.lead import Lead, LeadTaken
from bot.messages import Conversation, Incoming, Outgoing, Person
from bot.store import Store

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
def target(db_path: Path | str) -> Path | str:
    return db_path


async def test_one_process_holds_a_stations_lead_and_the_next_waits_for_it(target, monkeypatch):
    monkeypatch.setattr(lead_module, "POLL_SECONDS", 0.05)
    first, second = Lead.of(target, "baihua"), Lead.of(target, "baihua")
    await first.take(wait=False)
    assert first.still_held()
    with pytest.raises(LeadTaken, match="--standby"):
        await second.take(wait=False)
    other_station = Lead.of(target, "xinan")
    if isinstance(target, str):  # a shared store: another station has a lead of its own
        await other_station.take(wait=False)
        other_station.release()
    waiting = asyncio.create_task(second.take(wait=True))
    await asyncio.sleep(0.2)
    assert not waiting.done(), "the standby waits while the first holds it"
    first.release()
    await asyncio.wait_for(waiting, 5)
    assert second.held and second.still_held()
    second.release()


async def test_the_active_process_notices_when_its_session_is_cut(pg_databases, monkeypatch):
    import psycopg

    monkeypatch.setattr(lead_module, "CHECK_SECONDS", 0.05)
    url = pg_databases.create()
    held = Lead.of(url, "baihua")
    await held.take(wait=False)
    pid = held.conn.info.backend_pid
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (pid,))
    await asyncio.wait_for(held.watch(), 5)  # returns: the caller stops
    assert not held.held
    held.release()


def _message(n: int) -> Incoming:
    return Incoming(
        id=f"wx-{n}",
        conversation=Conversation.group("g1", "幸福花园业主用电群"),
        sender=Person(id=f"r{n}", name="居民"),
        text=f"{n}栋停电了",
        time=NOW,
    )


def test_two_processes_of_a_station_never_take_the_same_waiting_message(pg_databases):
    url = pg_databases.create()
    one, two = Store.open(url, "baihua"), Store.open(url, "baihua")
    try:
        msgs = [_message(n) for n in range(3)]
        one.record_arrivals([(m.id, NOW) for m in msgs], [(m.id, m) for m in msgs], NOW)
        with one.atomic():
            mine = one.ready_messages(2)
            with two.atomic():
                theirs = two.ready_messages(10)
        assert [m.id for m in mine] == ["wx-0", "wx-1"] and [m.id for m in theirs] == ["wx-2"]
    finally:
        one.close()
        two.close()


def test_outbox_rows_are_claimed_by_the_process_that_sends_them(pg_databases):
    url = pg_databases.create()
    one, two = Store.open(url, "baihua"), Store.open(url, "baihua")
    try:
        for n in range(3):
            one.enqueue(Outgoing(conversation=Conversation.private(f"r{n}"), text="好的"), NOW)
        assert [i.id for i in one.unsent()] == [1, 2, 3]
        assert two.unsent() == [], "claimed by the first for a minute"
        assert [i.id for i in one.unsent()] == [1, 2, 3], "its own claims it keeps seeing"
        # the first is gone (or not yet stopped: it may still send until its claims lapse)
        one.sql.run("update outbox set claimed_until = ?", [(NOW - timedelta(days=1)).isoformat()])
        assert [i.id for i in two.unsent()] == [1, 2, 3], "a lapsed claim is anyone's"
        assert one.unsent() == [], "and now the second's"
    finally:
        one.close()
        two.close()


def test_a_timer_fires_in_one_process_only(pg_databases):
    url = pg_databases.create()
    one, two = Store.open(url, "baihua"), Store.open(url, "baihua")
    try:
        timer_id = one.add_timer("daily_summary", "station", NOW)
        with one.atomic():
            assert one.claim_timer(timer_id)
            with two.atomic():
                assert not two.claim_timer(timer_id), "held by the first until it commits"
            one.fire_timer(timer_id, NOW)
        with two.atomic():
            assert not two.claim_timer(timer_id), "fired already"
        assert two.due_timers(NOW) == []
    finally:
        one.close()
        two.close()


def test_sqlite_claims_are_plain_reads(tmp_path):
    """One process per file: the same calls work, with nothing to skip."""
    store = Store.open(tmp_path / "bot.db", "baihua")
    try:
        msg = _message(1)
        store.record_arrivals([(msg.id, NOW)], [(msg.id, msg)], NOW)
        with store.atomic():
            assert [m.id for m in store.ready_messages(5)] == ["wx-1"]
        timer_id = store.add_timer("x", "1", NOW, {"a": 1})
        with store.atomic():
            assert store.claim_timer(timer_id)
        row = store.sql.one("select payload, station from timers where id = ?", [timer_id])
        assert json.loads(row["payload"]) == {"a": 1} and row["station"] == "baihua"
    finally:
        store.close()


async def test_a_process_whose_handling_stopped_lets_the_lock_go(target, monkeypatch):
    monkeypatch.setattr(lead_module, "CHECK_SECONDS", 0.05)
    held = Lead.of(target, "baihua")
    await held.take(wait=False)
    healthy = [True]
    watching = asyncio.create_task(held.watch(healthy=lambda: healthy[0]))
    await asyncio.sleep(0.2)
    assert not watching.done()
    healthy[0] = False  # e.g. its store connection broke and the handling loop ended
    await asyncio.wait_for(watching, 5)
    held.release()
    other = Lead.of(target, "baihua")
    await other.take(wait=False)
    other.release()
