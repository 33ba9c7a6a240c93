"""A county on one PostgreSQL database: two stations' bots side by side (the same group
names, the same worker ids, the same message ids even) never see each other's tickets,
workers, outages or figures; the admin API shows a station token its own station and the
county token every station, all together or one by one; a county admin reads them in chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.api import Api
from bot.config import Admin, Config, Station
from tests.conftest import ADMIN, GROUP, LI, TOWN_GROUP, Bot, start_bot, to_person

STATION_TOKEN, COUNTY_TOKEN = "station-token", "county-token"


def _at(config: Config, station: str, name: str, county_admin: bool = False) -> Config:
    admins = [Admin(id=a.id, name=a.name, county=county_admin) for a in config.admins]
    return config.model_copy(
        update={"station": Station(id=station, name=name, hotline="95598"), "admins": admins}
    )


@pytest.fixture
async def county(base_config, shared_services, pg_databases, clock) -> AsyncIterator[list[Bot]]:
    url = pg_databases.create()
    baihua = await start_bot(_at(base_config, "baihua", "白花供电所"), shared_services, url, clock)
    xinan = await start_bot(
        _at(base_config, "xinan", "新安供电所", county_admin=True), shared_services, url, clock
    )
    yield [baihua, xinan]
    for bot in (baihua, xinan):
        await bot.app.stop()
    pg_databases.drop(url)


async def test_two_stations_on_one_database_never_see_each_others_tickets(county):
    baihua, xinan = county
    await baihua.say("3栋2单元501停电了", sender="r1", group=GROUP, message_id="wx-1")
    # The same message id at the other station (one WeChat message, two station accounts
    # in the group) is a message of its own there, not a repeat.
    await xinan.say("3栋2单元501停电了", sender="r1", group=GROUP, message_id="wx-1")
    await xinan.say("5栋停电了", sender="r2", group=GROUP)
    assert baihua.store.count("tickets") == 1 and xinan.store.count("tickets") == 2
    assert [t.id for t in baihua.store.open_tickets()] == [1]
    assert [t.id for t in xinan.store.open_tickets()] == [2, 3]
    # baihua's worker cannot finish xinan's #2 through baihua's bot
    sent = await baihua.say("完成 2 换了保险", sender=LI)
    assert "已完成" not in to_person(sent, LI)[0].text
    assert xinan.store.ticket(2).state != "done" and baihua.store.ticket(2) is None
    listed = to_person(await xinan.say("工单", sender=ADMIN), ADMIN)[0].text
    assert "2 张" in listed and "#2" in listed and "#3" in listed and "#1 " not in listed
    assert baihua.store.stations() == ["baihua", "xinan"]


async def test_workers_outages_and_waits_are_each_stations_own(county):
    baihua, xinan = county
    await baihua.say("下班", sender=LI)  # off duty at baihua only
    assert not baihua.store.is_on_duty(LI) and xinan.store.is_on_duty(LI)
    await baihua.say("我家停电了", sender="r9", group=TOWN_GROUP)  # no address: asked for one
    assert baihua.store.count("pending_reports") == 1
    assert xinan.store.count("pending_reports") == 0
    assert xinan.store.count("inbox") == 0 and baihua.store.count("inbox") == 2
    assert xinan.store.outages(("scheduled", "on")) == [] and xinan.store.count("outbox") == 0


@pytest.fixture
async def api(county) -> AsyncIterator[TestClient]:
    baihua, _ = county
    server = TestServer(Api(baihua.app, STATION_TOKEN, COUNTY_TOKEN).web_app())
    async with TestClient(server) as c:
        yield c


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_station_token_sees_its_station_and_the_county_token_every_one(county, api):
    baihua, xinan = county
    await baihua.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await xinan.say("5栋停电了", sender="r2", group=GROUP)
    await xinan.say("8栋停电了", sender="r3", group=GROUP)

    mine = await (await api.get("/api/tickets", headers=_auth(STATION_TOKEN))).json()
    assert {t["station"] for t in mine} == {"baihua"} and len(mine) == 1
    r = await api.get("/api/tickets?station=xinan", headers=_auth(STATION_TOKEN))
    assert r.status == 403 and (await r.json())["field"] == "station"
    other_id = (
        await (await api.get("/api/tickets?station=xinan", headers=_auth(COUNTY_TOKEN))).json()
    )[0]["id"]
    assert (await api.get(f"/api/tickets/{other_id}", headers=_auth(STATION_TOKEN))).status == 404

    every = await (await api.get("/api/tickets", headers=_auth(COUNTY_TOKEN))).json()
    assert sorted(t["station"] for t in every) == ["baihua", "xinan", "xinan"]
    one = await (await api.get("/api/tickets?station=xinan", headers=_auth(COUNTY_TOKEN))).json()
    assert [t["station"] for t in one] == ["xinan", "xinan"]
    r = await api.get(f"/api/tickets/{other_id}?station=xinan", headers=_auth(COUNTY_TOKEN))
    assert r.status == 200

    stations = await (await api.get("/api/stations", headers=_auth(COUNTY_TOKEN))).json()
    assert [(s["station"], s["open"], s["this_bot"]) for s in stations["stations"]] == [
        ("baihua", 1, True),
        ("xinan", 2, False),
    ]
    own = await (await api.get("/api/stations", headers=_auth(STATION_TOKEN))).json()
    assert [s["station"] for s in own["stations"]] == ["baihua"]


async def test_county_figures_add_up_the_stations_and_one_station_is_its_own(county, api):
    baihua, xinan = county
    await baihua.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await xinan.say("5栋停电了", sender="r2", group=GROUP)
    await xinan.say("8栋2单元302停电了", sender="r3", group=GROUP)
    start = (baihua.clock.now() - timedelta(hours=1)).isoformat()
    r = await api.get("/api/stats", params={"from": start}, headers=_auth(COUNTY_TOKEN))
    rows = {(f["by"], f["key"]): f for f in (await r.json())["rows"]}
    assert rows[("county", "全县")]["reports"] == 3
    assert (
        rows[("station", "baihua")]["reports"] == 1 and rows[("station", "xinan")]["reports"] == 2
    )
    r = await api.get("/api/stats", params={"from": start}, headers=_auth(STATION_TOKEN))
    rows = {(f["by"], f["key"]): f for f in (await r.json())["rows"]}
    assert rows[("station", "全所")]["reports"] == 1 and ("county", "全县") not in rows


async def test_changes_go_through_the_stations_own_bot(county, api):
    r = await api.post(
        "/api/tickets/1/assign?station=xinan",
        json={"worker": "王师傅"},
        headers=_auth(COUNTY_TOKEN),
    )
    assert r.status == 403 and "baihua" in (await r.json())["error"]


async def test_the_page_of_another_station_for_the_county_and_not_for_a_station(county, api):
    _, xinan = county
    await xinan.say("5栋停电了", sender="r2", group=GROUP)
    d = await (await api.get("/api/dashboard?station=xinan", headers=_auth(COUNTY_TOKEN))).json()
    assert d["station"] == "xinan" and d["home"] == "baihua" and len(d["queue"]) == 1
    assert d["stations"] == ["baihua", "xinan"]
    d = await (await api.get("/api/dashboard", headers=_auth(COUNTY_TOKEN))).json()
    assert d["station"] == "baihua" and d["queue"] == []
    r = await api.get("/api/dashboard?station=xinan", headers=_auth(STATION_TOKEN))
    assert r.status == 403


async def test_a_county_admin_reads_every_station_in_chat(county):
    baihua, xinan = county
    await baihua.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await xinan.say("5栋停电了", sender="r2", group=GROUP)
    county_view = to_person(await xinan.say("统计", sender=ADMIN), ADMIN)[0].text
    assert "全县 2 个供电所" in county_view and "baihua" in county_view
    station_view = to_person(await baihua.say("统计", sender=ADMIN), ADMIN)[0].text
    assert "全县" not in station_view


async def test_announcements_are_each_stations_own(county):
    baihua, xinan = county
    await baihua.say("公告 全部 每月5日 09:00 本月电费已出账，请按时缴费。", sender=ADMIN)
    await baihua.say("确认", sender=ADMIN)
    listed = to_person(await xinan.say("公告列表", sender=ADMIN), ADMIN)[0].text
    assert "电费已出账" not in listed
    await xinan.say("取消公告 1", sender=ADMIN)
    assert baihua.store.announcement(1)["state"] == "active"
    assert baihua.store.announcement(1)["station"] == "baihua"


def test_unsure_messages_are_kept_per_station_not_by_a_shared_counter(pg_databases, monkeypatch):
    from datetime import UTC, datetime

    from bot import store_service
    from bot.messages import Conversation, Incoming, Person
    from bot.store import Store

    monkeypatch.setattr(store_service, "UNSURE_KEPT", 5)
    url = pg_databases.create()
    quiet, busy = Store.open(url, "quiet"), Store.open(url, "busy")

    def unsure(store: Store, n: int) -> None:
        msg = Incoming(
            id=f"{store.station}-{n}",
            conversation=Conversation.group("g", "群"),
            sender=Person(id="r", name="r"),
            text="电表",
            time=datetime(2026, 11, 26, tzinfo=UTC),
        )
        store.record_unsure(msg, {}, "why")

    try:
        for n in range(3):
            unsure(quiet, n)
        for n in range(10):
            unsure(busy, n)
        unsure(quiet, 3)
        assert len(quiet.unsure_messages()) == 4, "a busy neighbour does not push them out"
        assert len(busy.unsure_messages()) == 5
    finally:
        quiet.close()
        busy.close()


async def test_the_county_view_of_a_store_with_one_station(bot):
    from bot.config import Admin

    admins = [Admin(id=a.id, name=a.name, county=True) for a in bot.app.config.admins]
    bot.app.config = bot.app.config.model_copy(update={"admins": admins})
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    text = to_person(await bot.say("统计", sender=ADMIN), ADMIN)[0].text
    assert "全县 1 个供电所" in text
    assert "全县今天 报修 1 件" in text and "baihua 报修 1 件" in text


def test_county_is_not_a_station_id(base_config):
    import pydantic

    with pytest.raises(pydantic.ValidationError, match="county"):
        Station(id="county")


async def test_incidents_and_outages_follow_the_station_filter(county, api):
    _, xinan = county
    await xinan.say("5栋停电了", sender="r2", group=GROUP)
    mine = await (await api.get("/api/incidents", headers=_auth(STATION_TOKEN))).json()
    assert mine == []
    theirs = await (
        await api.get("/api/incidents?station=xinan", headers=_auth(COUNTY_TOKEN))
    ).json()
    assert [i["station"] for i in theirs] == ["xinan"]
    r = await api.get("/api/outages?station=xinan", headers=_auth(STATION_TOKEN))
    assert r.status == 403
