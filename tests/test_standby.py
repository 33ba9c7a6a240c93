"""An active `powerbot run` and a `--standby` for the same station on one PostgreSQL
database, against the fake puppet service: the standby stays off WeChat while the active
one lives; kill -9 of the active one mid-storm, and the standby is serving within 10 s;
every recorded report is answered, nothing queued is left unsent, and only the sends in
flight at the kill can be doubled. The same on SQLite, where the lock is a file's."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.app import LANES
from tests.fake_puppet import FakePuppetService
from tests.storm_harness import Books, BotProcess, Run, make_storm, station_toml, world_for

BEFORE, AFTER = 120, 80  # messages said before the kill, and after the standby took over
TAKEOVER_SECONDS = 10
RECORD_WITHIN = (
    2.0  # a message said longer ago than this before the kill was recorded (a loaded machine lags)
)


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
async def test_the_standby_takes_over_within_10_s_of_a_kill_9(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    if engine == "postgresql":
        db: Path | str = request.getfixturevalue("pg_databases").create()
    else:
        db = tmp_path / "bot.db"
    storm = make_storm(23, BEFORE + AFTER)
    service = await FakePuppetService(world_for(storm)).start()
    config = tmp_path / "station.toml"
    config.write_text(station_toml(40, db, service.endpoint), encoding="utf-8")
    active = BotProcess(config, service.endpoint, service.token, tmp_path / "active.log")
    standby = BotProcess(
        config, service.endpoint, service.token, tmp_path / "standby.log", args=("--standby",)
    )
    books = Books(db)
    run = Run(service, active, books)
    said_at: dict[str, float] = {}
    try:
        active.start()
        await run.logged_in(1)
        standby.start()
        await asyncio.sleep(2.0)  # long enough to have logged in, had it not waited
        assert service.streams_opened == 1, "the standby stays off WeChat while the active lives"
        assert standby.process is not None and standby.process.poll() is None
        for n, s in enumerate(storm[:BEFORE], 1):
            said_at[run.say(s)] = time.monotonic()
            if n % 10 == 0:
                await asyncio.sleep(0.02)
        killed = time.monotonic()
        active.kill()
        await run.logged_in(2)
        took = time.monotonic() - killed
        after = {run.say(s) for s in storm[BEFORE:]}
        said_at.update(dict.fromkeys(after, time.monotonic()))
        everything = set(run.said)
        await run.until(books.settled, timeout=60)
    finally:
        await standby.astop()
        await active.astop()
        await service.stop()

    assert took < TAKEOVER_SECONDS, f"took over in {took:.1f} s"
    recorded, handled = books.recorded(), books.handled()
    assert recorded <= handled, "every message recorded was handled"
    lost = everything - recorded
    for message_id in lost:  # only what was on the wire when the active one died
        assert 0 <= killed - said_at[message_id] < RECORD_WITHIN, message_id
    assert after <= recorded, "once it serves, the standby records everything"
    reports = {i for i in recorded & everything if run.said[i].kind == "report"}
    assert reports and reports <= books.answered(), "every recorded report was answered"
    received, queued = run.received(), books.outbox()
    doubled = sum(max(0, received[key] - queued[key]) for key in received)
    assert doubled <= LANES, f"{doubled} sends doubled"
    missing = sum(max(0, queued[key] - received[key]) for key in queued)
    assert missing == 0, "everything queued was sent"
    print(f"{engine}: took over in {took:.2f} s, lost on the wire {len(lost)}, doubled {doubled}")
