"""The station head's page in a real headless Chromium (Debian's package; `.ci/run`
installs it when missing): sign in with the token, see the seeded late ticket at the top,
reassign it from the page, and check the new worker got the dispatch DM. With
POWERBOT_SCREENSHOT=<file.png> it also saves what the page looked like."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from bot.api import start_api
from tests.browser import Browser, find_chromium
from tests.conftest import GROUP, LI, WANG, to_person

TOKEN = "page-token-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_sign_in_see_the_late_ticket_first_and_reassign_it(bot, tmp_path: Path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium here: .ci/run installs Debian's chromium package")
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    bot.clock.advance(timedelta(minutes=50))  # ticket 1 is past its promise
    await bot.say("9栋2单元101家里跳闸了", sender="r2", group=GROUP)
    await bot.say("我要投诉，你们服务太差了", sender="r2", group=GROUP)
    holder = bot.store.ticket(1).worker_id
    target, name = (WANG, "王强") if holder != WANG else (LI, "李明")

    port = _free_port()
    runner = await start_api(bot.app, port, environ={"POWERBOT_ADMIN_TOKEN": TOKEN})
    browser = await Browser(chromium, tmp_path / "profile").start()
    try:
        await browser.goto(f"http://127.0.0.1:{port}/")
        assert await browser.evaluate("document.body.innerText.includes('管理员登录')")
        await browser.evaluate(
            f"document.getElementById('token').value = {TOKEN!r}; "
            "document.querySelector('form').submit(); true"
        )
        first = await browser.until(
            "(() => { const r = document.querySelector('#queue tbody tr[data-id]');"
            " return r && {id: r.dataset.id, late: r.classList.contains('late')}; })()"
        )
        assert first == {"id": "1", "late": True}
        assert await browser.evaluate("document.cookie") == ""  # HttpOnly: not for scripts
        if path := os.environ.get("POWERBOT_SCREENSHOT"):
            await browser.until("document.querySelectorAll('.bar').length > 0")
            await browser.screenshot(Path(path))
        before = len(bot.gw.sent)
        await browser.evaluate(
            f"window.prompt = () => {name!r}; "
            "document.querySelector('button[data-assign=\"1\"]').click(); true"
        )
        await browser.until("document.getElementById('note').textContent.includes('已改派 #1')")
        assert bot.store.ticket(1).worker_id == target
        assert any("新工单 #1" in o.text for o in to_person(bot.gw.sent[before:], target))
    finally:
        await browser.close()
        await runner.cleanup()


async def test_the_county_token_picks_a_station_on_the_page(
    base_config, shared_services, pg_databases, clock, tmp_path: Path
):
    from bot.config import Station
    from tests.conftest import start_bot

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium here: .ci/run installs Debian's chromium package")
    url = pg_databases.create()
    xinan_config = base_config.model_copy(update={"station": Station(id="xinan", name="新安")})
    baihua = await start_bot(base_config, shared_services, url, clock)
    xinan = await start_bot(xinan_config, shared_services, url, clock)
    await xinan.say("5栋2单元301停电了", sender="r2", group=GROUP)
    port = _free_port()
    env = {"POWERBOT_ADMIN_TOKEN": TOKEN, "POWERBOT_COUNTY_TOKEN": "county-" + TOKEN}
    runner = await start_api(baihua.app, port, environ=env)
    browser = await Browser(chromium, tmp_path / "profile").start()
    try:
        await browser.goto(f"http://127.0.0.1:{port}/")
        await browser.evaluate(
            f"document.getElementById('token').value = {'county-' + TOKEN!r}; "
            "document.querySelector('form').submit(); true"
        )
        options = await browser.until(
            "(() => { const s = document.getElementById('station');"
            " return !s.hidden && [...s.options].map((o) => o.value); })()"
        )
        assert options == ["baihua", "xinan"]
        assert await browser.until(
            "document.querySelector('#queue tbody').innerText.includes('没有未完成的工单')"
        )
        await browser.evaluate(
            "const s = document.getElementById('station'); s.value = 'xinan';"
            " s.dispatchEvent(new Event('change')); true"
        )
        row = await browser.until(
            "(() => { const r = document.querySelector('#queue tbody tr[data-id]');"
            " return r && {text: r.innerText, button: !!r.querySelector('button')}; })()"
        )
        assert "5栋2单元301" in row["text"] and row["button"] is False, "changes: its own bot"
        assert await browser.evaluate("location.search") == "?station=xinan"
    finally:
        await browser.close()
        await runner.cleanup()
        for bot in (baihua, xinan):
            await bot.app.stop()
        pg_databases.drop(url)
