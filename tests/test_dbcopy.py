"""`powerbot db copy`: a station that ran on SQLite moves onto the county's PostgreSQL
and back with every row as it was; the bot carries on there with the same ticket
numbers; a second station copied into the shared store has its ids moved up, its
references with them; and the copies that must not happen are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.dbcopy import TABLES, copy_store
from bot.sql import StoreError
from bot.store import Store, open_sql
from tests.conftest import ADMIN, GROUP, LI, TOWN_GROUP, start_bot, to_person

NOTICE = "停电通知 幸福花园 1-5栋 12月12日 08:00-12:00 线路检修"


async def _a_busy_station(config, services, db, clock) -> None:
    """A morning's work: reports (two of one outage), a repair done, a report waiting for
    its address (and its timer), an outage notice, a complaint, questions."""
    bot = await start_bot(config, services, db, clock)
    try:
        await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
        await bot.say("3栋停电了", sender="r2", group=GROUP)
        await bot.say("8栋电线掉地上了", sender="r3", group=GROUP)
        await bot.say("接单 1", sender=LI)
        await bot.say("到达 1", sender=LI)
        await bot.say("完成 1 换了保险", sender=LI)
        await bot.say("我家停电了", sender="r4", group=TOWN_GROUP)
        await bot.say(NOTICE, sender=ADMIN)
        await bot.say("确认", sender=ADMIN)
        await bot.say("你们太慢了，我要投诉", sender="r5", group=GROUP)
        await bot.say("电费怎么交", sender="r6", group=GROUP)
    finally:
        await bot.app.stop()


@pytest.fixture
async def first(base_config, shared_services, tmp_path, clock) -> Path:
    """A station's SQLite file after a busy morning, its bot stopped."""
    path = tmp_path / "station.db"
    await _a_busy_station(base_config, shared_services, path, clock)
    return path


def _everything(target: Path | str) -> dict[str, list[tuple]]:
    sql = open_sql(target)
    try:
        out = {}
        for table in TABLES:
            rows = sql.all(f"select * from {table}")
            out[table] = sorted(repr(sorted(r.items())) for r in rows)
        return out
    finally:
        sql.close()


async def test_a_station_moves_to_postgresql_and_back_row_for_row(
    first, base_config, shared_services, tmp_path, clock, pg_databases
):
    url = pg_databases.create()
    copied = copy_store(first, url)
    assert copied.stations == ["baihua"] and copied.shift == 0
    assert copied.rows["tickets"] == 3 and copied.rows["outages"] == 1 and copied.rows["timers"] > 0
    back = tmp_path / "back.db"
    copy_store(url, f"sqlite:///{back}")
    before = _everything(first)
    assert before["tickets"] and before["ticket_events"] and before["complaints"]
    assert before["pending_reports"] and before["questions"] and before["inbox"]
    assert _everything(url) == before
    assert _everything(back) == before


async def test_the_bot_carries_on_on_the_shared_store_with_the_same_numbers(
    first, base_config, shared_services, tmp_path, clock, pg_databases
):
    url = pg_databases.create()
    copy_store(first, url)
    bot = await start_bot(base_config, shared_services, url, clock)
    try:
        worker = bot.store.ticket(3).worker_id
        sent = await bot.say("接单 3", sender=worker)
        assert "已接单 #3" in to_person(sent, worker)[0].text
        await bot.say("9栋1单元101停电了", sender="r7", group=GROUP)
        assert max(t.id for t in bot.store.open_tickets()) == 4, "numbering goes on from 3"
    finally:
        await bot.app.stop()


async def test_a_second_station_copied_in_has_its_ids_moved_up_with_their_references(
    base_config, shared_services, tmp_path, clock, pg_databases
):
    url = pg_databases.create()
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    await _a_busy_station(base_config, shared_services, one, clock)
    xinan = base_config.model_copy(
        update={"station": base_config.station.model_copy(update={"id": "xinan"})}
    )
    await _a_busy_station(xinan, shared_services, two, clock)
    copy_store(one, url)
    copied = copy_store(two, url)
    assert copied.shift == 10_000
    store = Store.open(url, "xinan")
    try:
        assert sorted(t.id for t in store.open_tickets()) == [10_003]
        assert store.ticket(10_002).incident_id == 10_001, "the joined report still joins #1"
        assert [e.action for e in store.ticket_events(10_001)][-1] == "done"
        assert store.outages()[0].id == 10_001
        refs = {
            t["kind"]: t["ref"]
            for t in store.sql.all("select * from timers where station = 'xinan'")
        }
        assert refs["address"] == str(
            store.sql.value("select id from pending_reports where station = 'xinan'")
        )
        assert store.for_station("baihua").ticket(1).state == "done", "the first kept its numbers"
        new = store.sql.value(
            "insert into tickets (station, text, state, created_at) values ('xinan', 'x', 'open', 'now') returning id"
        )
        assert new > 10_003, "new numbers come after the copied ones"
    finally:
        store.close()


async def test_copies_that_must_not_happen_are_refused(
    first, base_config, shared_services, tmp_path, clock, pg_databases
):
    url = pg_databases.create()
    copy_store(first, url)
    with pytest.raises(StoreError, match="already holds station baihua"):
        copy_store(first, url)
    bot = await start_bot(base_config, shared_services, first, clock)
    try:  # the station's bot runs on the file: stop it first
        from bot.lead import Lead

        held = Lead.of(first, "baihua")
        await held.take(wait=False)
        with pytest.raises(StoreError, match="stop it first"):
            copy_store(first, pg_databases.create())
        held.release()
    finally:
        await bot.app.stop()
    old = open_sql(first)
    for table in TABLES:
        old.run(f"update {table} set station = ''")  # a file from before stations
    old.close()
    with pytest.raises(StoreError, match="--station"):
        copy_store(first, pg_databases.create())
    with pytest.raises(StoreError, match="no such file"):
        copy_store(tmp_path / "nothing.db", url)
    other = Store.open(url, "xinan")
    other.sync_workers(base_config.workers)  # a second station in the county store
    other.close()
    with pytest.raises(StoreError, match="one station"):  # a county into one SQLite file
        copy_store(url, tmp_path / "county.db")
    with pytest.raises(StoreError, match="running"):  # a county station whose bot runs
        from bot.lead import Lead

        held = Lead.of(url, "baihua")
        await held.take(wait=False)
        try:
            copy_store(url, tmp_path / "out.db", "baihua")
        finally:
            held.release()


async def test_a_file_whose_rows_carry_an_old_station_id_is_copied_whole(
    first, base_config, shared_services, tmp_path, clock, pg_databases
):
    old = open_sql(first)
    for table in TABLES:
        old.run(f"update {table} set station = 'main'")  # last opened under the default id
    old.close()
    url = pg_databases.create()
    copied = copy_store(first, url, "baihua")
    assert copied.rows["tickets"] == 3 and copied.stations == ["baihua"]
    store = Store.open(url, "baihua")
    try:
        assert store.count("tickets") == 3 and store.stations() == ["baihua"]
    finally:
        store.close()
    with pytest.raises(StoreError, match="nothing to copy"):
        copy_store(pg_databases.create(), tmp_path / "empty.db", "xinan")


async def test_the_commands(first, pg_databases):
    url = pg_databases.create()
    result = CliRunner().invoke(cli, ["db", "migrate", "--database-url", url])
    assert result.exit_code == 0 and "database ready" in result.output
    result = CliRunner().invoke(cli, ["db", "copy", "--from", f"sqlite:///{first}", "--to", url])
    assert result.exit_code == 0, result.output
    assert "tickets: 3" in result.output and "stations: baihua" in result.output
    result = CliRunner().invoke(cli, ["db", "copy", "--from", f"sqlite:///{first}", "--to", url])
    assert result.exit_code == 2 and "already holds" in result.output
    bad = "postgresql://nobody@127.0.0.1:1/none"
    result = CliRunner().invoke(cli, ["db", "migrate", "--database-url", bad])
    assert result.exit_code == 2 and "cannot connect" in result.output


async def test_a_whole_county_is_copied_with_workers_both_stations_share(
    base_config, shared_services, tmp_path, clock, pg_databases
):
    county = pg_databases.create()
    for station in ("baihua", "xinan"):
        config = base_config.model_copy(
            update={"station": base_config.station.model_copy(update={"id": station})}
        )
        path = tmp_path / f"{station}.db"
        await _a_busy_station(config, shared_services, path, clock)
        copy_store(path, county)
    again = pg_databases.create()
    copied = copy_store(county, again)
    assert copied.stations == ["baihua", "xinan"]
    assert copied.rows["workers"] == 2 * len(base_config.workers), "same ids, two stations"
    assert _everything(again) == _everything(county)
