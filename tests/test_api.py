"""The admin HTTP API over real HTTP on 127.0.0.1 (aiohttp's test server), in front of the
bot on a real SQLite file with the memory gateway: every route, the token, bad bodies, and
writes that tell residents and workers as the chat commands do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.api import OPEN_PATHS, ROUTES, Api, start_api
from tests.conftest import GROUP, LI, WANG, to_group, to_person

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def client(bot) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(Api(bot.app, TOKEN).web_app())) as c:
        yield c


async def test_healthz_is_open_and_says_what_runs(client):
    r = await client.get("/healthz")
    body = await r.json()
    assert r.status == 200 and body["database"] is True and body["kb_entries"] >= 20
    assert body["outbox_backlog"] == 0 and body["connected"] is True


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
async def test_every_other_route_needs_the_token(client, headers):
    for method, path, _, _ in ROUTES:
        if path in OPEN_PATHS:
            continue
        r = await client.request(method, path.replace("{id}", "1"), headers=headers)
        assert r.status == 401, (method, path)


async def test_tickets_are_listed_filtered_and_shown_with_their_history(bot, client):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("8栋电线掉地上了", sender="r2", group=GROUP)
    r = await client.get("/api/tickets", headers=AUTH)
    assert [t["id"] for t in await r.json()] == [1, 2]
    r = await client.get("/api/tickets?urgent=1", headers=AUTH)
    assert [t["id"] for t in await r.json()] == [2]
    r = await client.get("/api/tickets/1", headers=AUTH)
    body = await r.json()
    assert body["community"] == "幸福花园" and [e["action"] for e in body["events"]][:2] == [
        "opened",
        "assigned",
    ]
    assert (await client.get("/api/tickets/99", headers=AUTH)).status == 404
    assert (await client.get("/api/tickets/x", headers=AUTH)).status == 400
    r = await client.get("/api/tickets.csv", headers=AUTH)
    text = await r.text()
    assert r.content_type == "text/csv" and text.lstrip("\ufeff").startswith("id,")


async def test_assigning_over_http_tells_the_worker_and_the_resident(bot, client):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    holder = bot.store.ticket(1).worker_id
    other = WANG if holder == LI else LI
    before = len(bot.gw.sent)
    name = "王师傅" if other == WANG else "李明"
    r = await client.post("/api/tickets/1/assign", json={"worker": name}, headers=AUTH)
    assert r.status == 200 and (await r.json())["worker_id"] == other
    sent = bot.gw.sent[before:]
    assert any("新工单 #1" in o.text for o in to_person(sent, other))
    assert to_group(sent, GROUP)
    r = await client.post("/api/tickets/1/assign", json={"worker": ""}, headers=AUTH)
    assert r.status == 400 and (await r.json())["field"] == "worker"
    r = await client.post("/api/tickets/1/assign", data="not json", headers=AUTH)
    assert r.status == 400


async def test_outages_over_http_use_the_chat_commands_checks(bot, client):
    start = bot.clock.now() + timedelta(days=10)
    body = {
        "communities": ["幸福花园"],
        "places": "1-5栋",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=4)).isoformat(),
        "reason": "线路检修",
    }
    before = len(bot.gw.sent)
    r = await client.post("/api/outages", json=body, headers=AUTH)
    assert r.status == 201, await r.text()
    assert to_group(bot.gw.sent[before:], GROUP)[0].text.startswith("【停电通知】")
    soon = {**body, "start": (bot.clock.now() + timedelta(days=2)).isoformat()}
    soon["end"] = (bot.clock.now() + timedelta(days=2, hours=2)).isoformat()
    r = await client.post("/api/outages", json=soon, headers=AUTH)
    assert r.status == 409 and "7" in (await r.json())["error"]
    r = await client.post("/api/outages", json={**body, "reason": ""}, headers=AUTH)
    assert r.status == 400 and (await r.json())["field"] == "reason"
    r = await client.post("/api/outages", json={**body, "communities": ["火星"]}, headers=AUTH)
    assert r.status == 400
    assert [o["id"] for o in await (await client.get("/api/outages", headers=AUTH)).json()] == [1]
    r = await client.post("/api/outages/1/restore", headers=AUTH)
    assert r.status == 409  # not started
    before = len(bot.gw.sent)
    r = await client.post("/api/outages/1/cancel", headers=AUTH)
    assert r.status == 200 and to_group(bot.gw.sent[before:], GROUP)[0].text.startswith(
        "【取消停电】"
    )
    assert (await client.post("/api/outages/1/cancel", headers=AUTH)).status == 404


async def test_kb_check_and_reload(client):
    r = await client.post("/api/kb/check", headers=AUTH)
    assert (await r.json())["problems"] == []
    r = await client.post("/api/kb/reload", headers=AUTH)
    assert (await r.json())["entries"] >= 20


async def test_stats_and_their_csv(bot, client):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    day = bot.clock.now().date().isoformat()
    r = await client.get(f"/api/stats?from={day}T00:00&to={day}T23:59", headers=AUTH)
    rows = (await r.json())["rows"]
    assert rows[0]["by"] == "station" and rows[0]["reports"] == 1
    await bot.say("电费怎么交", sender="r2", group=GROUP)
    await bot.say("你们供电所几点下班", sender="r3", group=GROUP, mentioned=True)
    await bot.say("你们供电所几点下班", sender="r4", group=GROUP, mentioned=True)
    r = await client.get(f"/api/stats?from={day}T00:00&to={day}T23:59", headers=AUTH)
    faq = (await r.json())["faq"]
    assert (faq["answered"], faq["handed_over"]) == (1, 2)
    assert faq["top_unanswered"] == [{"text": "你们供电所几点下班", "times": 2}]
    assert (await client.get("/api/stats?from=yesterday", headers=AUTH)).status == 400
    r = await client.get("/api/stats.csv", headers=AUTH)
    assert (await r.text()).lstrip("\ufeff").startswith("by,key,reports")


async def test_openapi_describes_every_route(client):
    spec = await (await client.get("/api/openapi.json", headers=AUTH)).json()
    for method, path, _, body in ROUTES:
        op = spec["paths"][path][method.lower()]
        assert op["summary"]
        assert ("requestBody" in op) == (body is not None or path == "/login")


async def test_no_token_no_api(bot):
    assert await start_api(bot.app, port=0, environ={}) is None


async def test_the_api_serves_on_loopback_with_a_token(bot):
    runner = await start_api(bot.app, port=18765, environ={"POWERBOT_ADMIN_TOKEN": TOKEN})
    try:
        import aiohttp

        async with aiohttp.ClientSession() as s:
            async with s.get("http://127.0.0.1:18765/api/outages", headers=AUTH) as r:
                assert r.status == 200
    finally:
        await runner.cleanup()


async def test_the_page_signs_in_once_with_a_cookie_and_changes_need_csrf(bot, client):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    page = await (await client.get("/")).text()
    assert "管理员登录" in page and "未完成的工单" not in page
    r = await client.post("/login", data={"token": "wrong"}, allow_redirects=False)
    assert r.status == 401
    r = await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    assert r.status == 303
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = await (await client.get("/")).text()
    assert (
        "未完成的工单" in page
        and "cdn" not in page.lower()
        and "http" not in page.split("<script>")[1]
    )
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    data = await (await client.get("/api/dashboard")).json()  # the cookie is enough to read
    assert data["queue"][0]["id"] == 1
    r = await client.post("/api/tickets/1/assign", json={"worker": "王强"})
    assert r.status == 403  # a change from the page needs the CSRF token
    r = await client.post(
        "/api/tickets/1/assign", json={"worker": "王强"}, headers={"X-CSRF-Token": csrf}
    )
    assert r.status == 200


async def test_the_queue_puts_late_and_urgent_first(bot, client):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    bot.clock.advance(timedelta(minutes=50))  # ticket 1 is now late
    await bot.say("9栋2单元101家里跳闸了", sender="r2", group=GROUP)
    await bot.say("5栋门口电线掉地上了", sender="r3", group=GROUP)
    data = await (await client.get("/api/dashboard", headers=AUTH)).json()
    assert [q["id"] for q in data["queue"]][:2] == [1, 3]
    assert data["queue"][0]["late"] and data["queue"][1]["urgent"]


async def test_incidents_merge_and_split_over_http(bot, client):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("12栋1单元101停电了", sender="r2", group=GROUP)
    incidents = await (await client.get("/api/incidents", headers=AUTH)).json()
    assert [i["id"] for i in incidents] == [1, 2]
    r = await client.post("/api/tickets/1/merge", json={"other": 2}, headers=AUTH)
    assert r.status == 200 and (await r.json())["reports"] == [1, 2]
    assert [i["id"] for i in await (await client.get("/api/incidents", headers=AUTH)).json()] == [1]
    r = await client.post("/api/tickets/1/merge", json={"other": "x"}, headers=AUTH)
    assert r.status == 400 and (await r.json())["field"] == "other"
    assert (await client.post("/api/tickets/1/split", headers=AUTH)).status == 409
    r = await client.post("/api/tickets/2/split", headers=AUTH)
    assert r.status == 200 and (await r.json())["state"] in ("assigned", "open")
