"""A county of three stations on one PostgreSQL database, each `powerbot run` on its own
WeChat account (its own fake puppet service, whose message ids are the same "msg-1",
"msg-2", … as the others'), and a standby for one of them. Its active process is killed
with SIGKILL mid-storm: the standby serves within 10 s, and at every station every
recorded report is answered, nothing queued is left unsent, nothing is doubled beyond
the sends in flight, and no station's rows hold another's messages."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.app import LANES
from tests.fake_puppet import FakePuppetService
from tests.storm_harness import Books, BotProcess, Run, make_storm, station_toml, world_for

STATIONS = ("baihua", "xinan", "dongling")
BEFORE, AFTER = 60, 40
TAKEOVER_SECONDS = 10
RECORD_WITHIN = (
    2.0  # a message said longer ago than this before the kill was recorded (a loaded machine lags)
)


async def test_three_stations_on_one_store_and_a_standby_taking_over(tmp_path: Path, pg_databases):
    url = pg_databases.create()
    runs: dict[str, Run] = {}
    said_at: dict[str, float] = {}
    standby = None
    try:
        for n, station in enumerate(STATIONS):
            storm = make_storm(31 + n, BEFORE + AFTER)
            service = await FakePuppetService(world_for(storm)).start()
            config = tmp_path / f"{station}.toml"
            config.write_text(station_toml(40, url, service.endpoint, station), encoding="utf-8")
            bot = BotProcess(config, service.endpoint, service.token, tmp_path / f"{station}.log")
            runs[station] = Run(service, bot, Books(url, station))
            runs[station].storm = storm  # type: ignore[attr-defined]
            bot.start()
        for run in runs.values():
            await run.logged_in(1)
        first = runs[STATIONS[0]]
        standby = BotProcess(
            first.bot.config,
            first.service.endpoint,
            first.service.token,
            tmp_path / "standby.log",
            args=("--standby",),
        )
        standby.start()
        await asyncio.sleep(1.5)
        assert first.service.streams_opened == 1, "the standby waits"
        for i in range(BEFORE):
            for run in runs.values():
                said_at[run.say(run.storm[i])] = time.monotonic()  # type: ignore[attr-defined]
            if i % 10 == 0:
                await asyncio.sleep(0.02)
        killed = time.monotonic()
        first.bot.kill()
        await first.logged_in(2)
        took = time.monotonic() - killed
        for i in range(BEFORE, BEFORE + AFTER):
            for run in runs.values():
                run.say(run.storm[i])  # type: ignore[attr-defined]
        for run in runs.values():
            await run.until(run.books.settled, timeout=90)
    finally:
        if standby is not None:
            await standby.astop()
        for run in runs.values():
            await run.bot.astop()
            await run.service.stop()

    assert took < TAKEOVER_SECONDS, f"took over in {took:.1f} s"
    assert Books(url).stations() == set(STATIONS)
    for station, run in runs.items():
        said = set(run.said)
        recorded = run.books.recorded()
        assert recorded - said <= {i for i in recorded if i.startswith("sent-")}, station
        lost = said - recorded
        if station != STATIONS[0]:
            assert not lost, f"{station} was never down"
        for message_id in lost:  # only what was on the wire when the active one died
            assert killed - said_at[message_id] < RECORD_WITHIN, (station, message_id)
        reports = {i for i in recorded & said if run.said[i].kind == "report"}
        assert reports and reports <= run.books.answered(), station
        received, queued = run.received(), run.books.outbox()
        assert sum(max(0, queued[k] - received[k]) for k in queued) == 0, station
        doubled = sum(max(0, received[k] - queued[k]) for k in received)
        assert doubled <= (LANES if station == STATIONS[0] else 0), (station, doubled)
