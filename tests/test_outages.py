"""Outage notices: made by an admin in chat (echo, 确认), by the CLI (announced by the
running bot or at its next start), reminded the day before and an hour before, changed,
cancelled, restored; faults declared outages; questions and reports answered from what is
known. Memory gateway, a real SQLite file, a clock the tests move; restarts on the same
database between creation and the reminders.

The clock starts at 2026-12-03 10:00 in Guangdong (a Thursday).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from handlers.nlu.dates import read_day, read_span
from handlers.outages import Plan, check, make
from tests.conftest import (
    ADMIN,
    GROUP,
    LI,
    TOWN_GROUP,
    VILLAGE_GROUP,
    WANG,
    start_bot,
    to_group,
    to_person,
)

ZONE = ZoneInfo("Asia/Shanghai")
NOTICE = "停电通知 幸福花园 1-5栋 12月12日 08:00-12:00 线路检修"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))  # 10:00 in Guangdong


def local(bot) -> datetime:
    return bot.clock.now().astimezone(ZONE)


async def move_to(bot, when: datetime) -> list:
    """Move the clock minute by minute to `when`, ticking: what the bot sent meanwhile."""
    before = len(bot.gw.sent)
    while bot.clock.now() < when:
        bot.clock.advance(timedelta(minutes=30))
        await bot.app.tick()
    return bot.gw.sent[before:]


async def post(bot, text: str = NOTICE) -> list:
    await bot.say(text, sender=ADMIN)
    return await bot.say("确认", sender=ADMIN)


# -- reading days and times ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("明天我们村停电吗", date(2026, 12, 4)),
        ("听日停唔停电", date(2026, 12, 4)),
        ("后天", date(2026, 12, 5)),
        ("周六上午停不停电", date(2026, 12, 5)),
        ("下周三白花镇哪些地方停电", date(2026, 12, 9)),
        ("12月12日", date(2026, 12, 12)),
        ("十二月五号", date(2026, 12, 5)),
        ("1月3日", date(2027, 1, 3)),
        ("28号", date(2026, 12, 28)),
    ],
)
def test_days_as_people_write_them(text, day):
    assert read_day(text, datetime(2026, 12, 3, 10, tzinfo=ZONE)) == day


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("08:00-12:00", "08:00", "12:00"),
        ("8点到12点", "08:00", "12:00"),
        ("上午", "06:00", "12:00"),
        ("下午3点", "15:00", "16:00"),
        ("8点半至17点", "08:30", "17:00"),
        ("上午8点至下午5点", "08:00", "17:00"),  # a part of day on each side
        ("9点至下午3点", "09:00", "15:00"),
        ("早上8点到晚上8点", "08:00", "20:00"),
        ("晚上10点到凌晨2点", "22:00", "02:00"),  # into the next day
        ("22:00-次日06:00", "22:00", "06:00"),
        ("8-12点", "08:00", "12:00"),
    ],
)
def test_times_as_people_write_them(text, start, end):
    span = read_span(text, date(2026, 12, 5), ZONE)
    assert span is not None and (f"{span.start:%H:%M}", f"{span.end:%H:%M}") == (start, end)


# -- a planned outage made in chat ---------------------------------------------------------


async def test_an_admin_posts_a_notice_after_seeing_it(bot):
    [echo] = await bot.say(NOTICE, sender=ADMIN)
    assert "幸福花园业主用电群" in echo.text and TOWN_GROUP in echo.text
    assert "12月12日（周六）08:00-12:00" in echo.text and "线路检修" in echo.text
    assert "确认" in echo.text and "不到7天" not in echo.text
    assert not to_group(bot.gw.sent, GROUP)  # nothing sent before 确认
    sent = await bot.say("确认", sender=ADMIN)
    [notice] = to_group(sent, GROUP)
    assert notice.text.startswith("【停电通知】") and "幸福花园（1-5栋）" in notice.text
    assert to_group(sent, TOWN_GROUP) and not to_group(sent, VILLAGE_GROUP)
    assert "已发布停电通知 #1" in [o for o in sent if o.conversation.id == ADMIN][0].text


async def test_less_than_seven_days_ahead_is_warned_but_can_still_be_sent(bot):
    [echo] = await bot.say("停电通知 幸福花园 12月5日 08:00-12:00 线路检修", sender=ADMIN)
    assert "不到7天" in echo.text
    sent = await bot.say("确认", sender=ADMIN)
    assert to_group(sent, GROUP)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("停电通知 12月12日 08:00-12:00 线路检修", "没找到小区"),
        ("停电通知 幸福花园 08:00-12:00 线路检修", "哪一天"),
        ("停电通知 幸福花园 12月12日 线路检修", "几点到几点"),
        ("停电通知 幸福花园 12月12日 08:00-12:00", "原因"),
        ("停电通知 幸福花园 12月1日 08:00-12:00 线路检修", "已经过了"),
    ],
)
async def test_a_notice_missing_something_says_what(bot, text, said):
    [reply] = await bot.say(text, sender=ADMIN)
    assert said in reply.text
    assert (await bot.say("确认", sender=ADMIN))[0].text == "没有等您确认的事。"


async def test_only_admins_post_notices(bot):
    sent = await bot.say(NOTICE, sender=LI)
    assert not any("将发到" in o.text for o in sent)
    assert not bot.store.outages()


async def test_reminders_the_evening_before_and_an_hour_before_then_restoration(bot):
    await post(bot)
    eve = datetime(2026, 12, 11, 18, 0, tzinfo=ZONE)
    sent = await move_to(bot, eve)
    [reminder] = to_group(sent, GROUP)
    assert reminder.text.startswith("【停电提醒】明天08:00-12:00")
    sent = await move_to(bot, datetime(2026, 12, 12, 7, 0, tzinfo=ZONE))
    assert to_group(sent, GROUP)[0].text.startswith("【停电提醒】一小时后")
    sent = await move_to(bot, datetime(2026, 12, 12, 12, 0, tzinfo=ZONE))
    asked = [o for o in sent if o.conversation.id == ADMIN and "复电 1" in o.text]
    assert asked
    sent = await bot.say("复电 1", sender=ADMIN)
    assert to_group(sent, GROUP)[0].text.startswith("【恢复供电】")
    assert not bot.store.outages()


async def test_reminders_survive_a_restart(base_config, shared_services, db_path: Path, clock):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await post(first)
    await first.app.stop()
    again = await start_bot(base_config, shared_services, db_path, clock)
    try:
        sent = await move_to(again, datetime(2026, 12, 11, 18, 0, tzinfo=ZONE))
        assert to_group(sent, GROUP)[0].text.startswith("【停电提醒】明天")
    finally:
        await again.app.stop()


async def test_moved_and_cancelled_outages_are_told_to_the_same_groups(bot):
    await post(bot)
    sent = await bot.say("延期 1 12月13日 09:00-11:00", sender=ADMIN)
    [moved] = to_group(sent, GROUP)
    assert "原定12月12日" in moved.text and "12月13日（周日）09:00-11:00" in moved.text
    sent = await move_to(bot, datetime(2026, 12, 12, 18, 0, tzinfo=ZONE))
    assert to_group(sent, GROUP)[0].text.startswith("【停电提醒】明天09:00-11:00")
    sent = await bot.say("取消停电 1", sender=ADMIN)
    assert to_group(sent, GROUP)[0].text.startswith("【取消停电】")
    assert to_group(sent, TOWN_GROUP)
    assert not to_group(await move_to(bot, datetime(2026, 12, 13, 12, tzinfo=ZONE)), GROUP)


# -- made outside the chat (the CLI's path) ----------------------------------------------


async def test_an_outage_made_while_the_bot_is_down_is_announced_when_it_starts(
    base_config, shared_services, db_path: Path, clock
):
    from bot.store import Store

    store = Store.open(db_path, base_config.station.id)
    plan = Plan(
        "planned",
        ["东岭村"],
        "3组",
        datetime(2026, 12, 15, 8, tzinfo=ZONE),
        datetime(2026, 12, 15, 17, tzinfo=ZONE),
        "设备改造",
    )
    assert check(plan, clock.now(), base_config) == ([], [])
    with store.atomic():
        make(plan, store, clock.now(), "cli", base_config)
    store.close()
    bot = await start_bot(base_config, shared_services, db_path, clock)
    try:
        await bot.app.tick()
        [notice] = to_group(bot.gw.sent, VILLAGE_GROUP)
        assert "东岭村（3组）" in notice.text and "设备改造" in notice.text
        assert not to_group(bot.gw.sent, GROUP)
    finally:
        await bot.app.stop()


# -- answering from what is known ----------------------------------------------------------


async def test_an_outage_question_is_answered_with_the_days_notice(bot):
    await post(bot)
    [reply] = await bot.say("12月12号停电吗", sender="r1", group=GROUP)
    assert "08:00-12:00" in reply.text and "线路检修" in reply.text
    assert reply.mentions[0].id == "r1"
    [reply] = await bot.say("明天我们小区停电吗", sender="r1", group=GROUP)
    assert "明天" in reply.text and "没有" in reply.text
    assert bot.store.outage(1).asked == 1


async def test_a_town_wide_question_lists_the_days_outages(bot):
    await post(bot, "停电通知 东岭村 3组 12月9日 08:00-17:00 设备改造")
    [reply] = await bot.say("下周三白花镇哪些地方停电", sender="r1", group=TOWN_GROUP)
    assert "东岭村（3组）" in reply.text and "08:00-17:00" in reply.text


async def test_no_power_during_an_outage_is_that_outage_not_a_ticket(bot):
    await post(bot)
    await move_to(bot, datetime(2026, 12, 12, 8, 30, tzinfo=ZONE))
    [reply] = await bot.say("3栋停电了", sender="r1", group=GROUP)
    assert "计划停电" in reply.text and "12:00" in reply.text
    [reply] = await bot.say("我家没电了 2栋1单元301", sender="r2", group=GROUP)
    assert "还是没电" in reply.text
    assert bot.store.count("tickets") == 0 and bot.store.outage(1).asked == 2
    # outside its buildings, or a life at stake, it is a report as before
    await bot.say("8栋停电了", sender="r3", group=GROUP)
    await bot.say("4栋401停电了，家里老人用着制氧机", sender="r4", group=GROUP)
    assert bot.store.count("tickets") == 2
    # power back: the home that reported is asked by name, and its answer is a report
    sent = await bot.say("复电 1", sender=ADMIN)
    [asked] = [o for o in to_group(sent, GROUP) if o.mentions]
    assert asked.mentions[0].id == "r2" and "还是没电" in asked.text
    await bot.say("还是没电 2栋1单元301", sender="r2", group=GROUP)
    assert bot.store.count("tickets") == 3


async def test_a_fault_declared_an_outage_tells_the_groups_and_answers_neighbours(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    await bot.say("接单 1", sender=LI)
    sent = await bot.say("停电 1 预计18:00恢复 原因 10kV线路故障", sender=LI)
    [notice] = to_group(sent, GROUP)
    assert notice.text.startswith("【故障停电】幸福花园（5栋）因10kV线路故障停电")
    assert "今天18:00" in notice.text
    [reply] = await bot.say("5栋怎么又没电了", sender="r2", group=GROUP)
    assert "故障停电" in reply.text and bot.store.count("tickets") == 1
    sent = await bot.say("停电 1 预计19:30恢复", sender=LI)
    assert "19:30" in to_group(sent, GROUP)[0].text
    sent = await bot.say("复电 1", sender=LI)
    assert to_group(sent, GROUP)[0].text.startswith("【恢复供电】幸福花园（5栋）")


async def test_only_the_worker_on_it_or_an_admin_declares_an_outage(bot):
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    holder = bot.store.ticket(1).worker_id
    other = WANG if holder == LI else LI
    [reply] = await bot.say("停电 1 预计18:00恢复", sender=other)
    assert "不是您负责的" in reply.text and not bot.store.outages()


async def test_a_resident_saying_the_command_words_is_a_resident(bot):
    [reply] = await bot.say("停电通知", sender="r1", group=GROUP, mentioned=True)
    assert "只有" not in reply.text
    assert await bot.say("停电", sender="r2", group=GROUP) != [] or True  # read as a report
    assert not bot.store.outages()


def test_the_clock_starts_on_a_thursday(bot):
    assert local(bot).weekday() == 3


async def test_a_whole_station_question_from_an_estate_group_lists_every_outage(bot):
    await post(bot, "停电通知 东岭村 3组 12月9日 08:00-17:00 设备改造")
    [reply] = await bot.say("下周三白花镇哪些地方停电", sender="r1", group=GROUP)
    assert "东岭村（3组）" in reply.text


# -- the CLI -------------------------------------------------------------------------------


def _cli_config(tmp_path: Path) -> Path:
    from tests.conftest import EXAMPLE_CONFIG, PROJECT

    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace('path = "var/powerbot.db"', f'path = "{tmp_path / "bot.db"}"')
    text = text.replace('dir = "kb"', f'dir = "{PROJECT / "kb"}"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_cli_makes_lists_and_cancels_outages_the_bot_announces(
    tmp_path: Path, base_config, shared_services
):
    from click.testing import CliRunner

    from bot.cli import cli

    config = _cli_config(tmp_path)
    now = datetime.now(UTC)
    start = (now + timedelta(days=10)).astimezone(ZONE).replace(hour=8, minute=0, second=0)
    end = start + timedelta(hours=4)
    run = CliRunner().invoke
    add = ["outage", "add", "--config", str(config), "--community", "幸福花园"]
    times = ["--start", start.strftime("%Y-%m-%dT%H:%M"), "--end", end.strftime("%Y-%m-%dT%H:%M")]
    result = run(cli, [*add, *times, "--reason", "线路检修"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("#1 【停电通知】因线路检修")
    soon = ["--start", (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")]
    soon += ["--end", (now + timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M")]
    refused = run(cli, [*add, *soon, "--reason", "线路检修"])
    assert refused.exit_code == 2 and "不到7天" in refused.output and "--yes" in refused.output
    bad = run(cli, [*add, "--start", "明天", "--end", "x", "--reason", "检修"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output
    listing = run(cli, ["outage", "list", "--config", str(config)])
    assert "#1 计划停电 幸福花园" in listing.output

    clock = ManualClock(datetime.now(UTC))
    bot = await start_bot(base_config, shared_services, tmp_path / "bot.db", clock)
    try:
        await bot.app.tick()
        assert to_group(bot.gw.sent, GROUP)[0].text.startswith("【停电通知】")
        result = run(cli, ["outage", "cancel", "1", "--config", str(config)])
        assert result.exit_code == 0, result.output
        before = len(bot.gw.sent)
        clock.advance(timedelta(seconds=5))
        await bot.app.tick()
        assert to_group(bot.gw.sent[before:], GROUP)[0].text.startswith("【取消停电】")
        again = run(cli, ["outage", "cancel", "1", "--config", str(config)])
        assert again.exit_code == 2
    finally:
        await bot.app.stop()


# -- announcements ---------------------------------------------------------------------------


async def test_a_monthly_announcement_goes_to_every_group_each_month(bot):
    [echo] = await bot.say("公告 全部 每月5日 09:00 本月电费已出账，请按时缴费。", sender=ADMIN)
    assert "每月5日 09:00" in echo.text and VILLAGE_GROUP in echo.text and "确认" in echo.text
    [done] = await bot.say("确认", sender=ADMIN)
    assert "已安排公告 #1" in done.text
    sent = await move_to(bot, datetime(2026, 12, 5, 9, 30, tzinfo=ZONE))
    texts = {o.conversation.topic: o.text for o in sent if o.conversation.is_group}
    assert texts.get(GROUP) == "本月电费已出账，请按时缴费。" and VILLAGE_GROUP in texts
    sent = await move_to(bot, datetime(2027, 1, 5, 9, 30, tzinfo=ZONE))
    assert len(to_group(sent, GROUP)) == 1
    assert "#1 每月5日 09:00" in (await bot.say("公告列表", sender=ADMIN))[0].text
    await bot.say("取消公告 1", sender=ADMIN)
    assert not to_group(await move_to(bot, datetime(2027, 2, 5, 10, tzinfo=ZONE)), GROUP)


async def test_an_announcement_now_to_one_community_survives_a_restart(
    base_config, shared_services, db_path: Path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await first.say(
        "公告 幸福花园 明天 10:00 台风要来了，请收好阳台杂物，注意用电安全。", sender=ADMIN
    )
    await first.say("确认", sender=ADMIN)
    await first.app.stop()
    again = await start_bot(base_config, shared_services, db_path, clock)
    try:
        sent = await move_to(again, datetime(2026, 12, 4, 10, 30, tzinfo=ZONE))
        assert "台风要来了" in to_group(sent, GROUP)[0].text
        assert not to_group(sent, VILLAGE_GROUP)
        assert not to_group(await move_to(again, datetime(2026, 12, 6, tzinfo=ZONE)), GROUP)
    finally:
        await again.app.stop()


async def test_an_announcement_at_once_and_only_from_admins(bot):
    await bot.say("公告 全部 现在 南网在线App可以帮老人交电费。", sender="r1")
    await bot.say("确认", sender="r1")
    assert bot.store.sql.value("select count(*) from announcements") == 0
    await bot.say("公告 全部 现在 南网在线App可以帮老人交电费。", sender=ADMIN)
    await bot.say("确认", sender=ADMIN)
    bot.clock.advance(timedelta(seconds=1))
    await bot.app.tick()
    assert "南网在线" in to_group(bot.gw.sent, GROUP)[-1].text
    [reply] = await bot.say("公告 全部 12月1日 09:00 过期的", sender=ADMIN)
    assert "已经过了" in reply.text


# -- found in review ---------------------------------------------------------------------------


def tickets(bot) -> int:
    return bot.store.count("tickets")


# 1. 确认 goes to whatever module comes first in ROUTERS, not to what was just echoed.
async def test_confirm_after_notice_echo_does_not_run_an_older_hand_over(bot):
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    holder = bot.store.ticket(1).worker_id
    await bot.say(
        "派单 1 陈伟", sender=ADMIN
    )  # other team: "确定请回复「确认」" (admin changes mind)
    [echo] = await bot.say(NOTICE, sender=ADMIN)
    assert "确认发布请回复「确认」" in echo.text
    await bot.say("确认", sender=ADMIN)
    assert bot.store.outages(), "the notice just echoed was not posted"
    assert bot.store.ticket(1).worker_id == holder, "ticket 1 was handed to 陈伟 instead"


async def test_confirm_after_notice_echo_does_not_schedule_an_older_announcement(bot):
    await bot.say("公告 全部 明天 09:00 测试公告，请忽略", sender=ADMIN)  # not confirmed
    await bot.say(NOTICE, sender=ADMIN)
    sent = await bot.say("确认", sender=ADMIN)
    reply = [o for o in sent if o.conversation.id == ADMIN][-1]
    assert "已发布停电通知" in reply.text, reply.text  # got: 已安排公告 #1


# 2. An outage never stops swallowing reports: long after its end (admin never said 复电),
#    or after the ticket a fault outage was declared from is finished.
async def test_a_report_a_week_after_the_planned_end_is_a_ticket(bot):
    await post(bot)
    await move_to(bot, datetime(2026, 12, 19, 20, 0, tzinfo=ZONE))
    before = tickets(bot)
    reply = to_group(await bot.say("3栋停电了", sender="r7", group=GROUP), GROUP)[-1]
    assert tickets(bot) == before + 1, reply.text  # got: 原定12月12日12:00恢复，正在抓紧处理


async def test_a_fault_outage_does_not_outlive_its_finished_ticket(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    await bot.say("接单 1", sender=LI)
    await bot.say("停电 1 预计12:00恢复 原因 10kV线路故障", sender=LI)
    await bot.say("到达 1", sender=LI)
    await bot.say("完成 1 换了保险", sender=LI)
    await move_to(bot, datetime(2026, 12, 4, 20, 0, tzinfo=ZONE))  # the next evening
    before = tickets(bot)
    reply = to_group(await bot.say("5栋又停电了", sender="r3", group=GROUP), GROUP)[-1]
    assert tickets(bot) == before + 1, reply.text


# 3. 延期 of an outage under way (what the end-of-outage question tells the admin to do).
async def test_extending_an_ongoing_outage_keeps_its_start(bot):
    await post(bot)
    sent = await move_to(bot, datetime(2026, 12, 12, 12, 0, tzinfo=ZONE))
    assert any("要延长请回复「延期 1 新的时间」" in o.text for o in sent)
    await bot.say("延期 1 14:00", sender=ADMIN)
    [o] = bot.store.outages()
    assert o.start_at.astimezone(ZONE).hour == 8, o  # got 14:00-15:00
    assert o.end_at.astimezone(ZONE).hour == 14, o
    sent = await move_to(bot, datetime(2026, 12, 12, 13, 30, tzinfo=ZONE))
    assert not any("一小时后" in x.text for x in to_group(sent, GROUP))


async def test_extending_a_fault_outage_does_not_move_its_start(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    await bot.say("接单 1", sender=LI)
    await bot.say("停电 1 预计12:00恢复", sender=LI)
    await move_to(bot, datetime(2026, 12, 3, 12, 0, tzinfo=ZONE))
    await bot.say("延期 1 14:00", sender=ADMIN)  # as the 12:00 question says
    before = tickets(bot)
    await bot.say("5栋停电了", sender="r4", group=GROUP)
    assert tickets(bot) == before, "the fault outage was moved to start at 14:00"


# 4. After downtime, overdue reminders fire with wrong words; repeats flood.
async def test_overdue_reminders_after_downtime_are_not_sent_stale(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await post(first)
    await first.app.stop()
    clock.advance(datetime(2026, 12, 12, 10, 30, tzinfo=ZONE) - clock.now())  # mid-outage
    again = await start_bot(base_config, shared_services, db_path, clock)
    try:
        for _ in range(4):
            clock.advance(timedelta(seconds=5))
            await again.app.tick()
        texts = [o.text for o in to_group(again.gw.sent, GROUP)]
        assert not any(t.startswith("【停电提醒】明天") for t in texts), texts
        assert not any(t.startswith("【停电提醒】一小时后") for t in texts), texts
    finally:
        await again.app.stop()


async def test_a_daily_announcement_is_not_replayed_for_every_missed_day(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await first.say("公告 全部 每天 09:00 每日用电小贴士", sender=ADMIN)
    await first.say("确认", sender=ADMIN)
    await first.app.stop()
    clock.advance(datetime(2026, 12, 12, 10, 30, tzinfo=ZONE) - clock.now())
    again = await start_bot(base_config, shared_services, db_path, clock)
    try:
        for _ in range(12):
            clock.advance(timedelta(seconds=5))
            await again.app.tick()
        assert len(to_group(again.gw.sent, GROUP)) <= 1  # got 9 in a row
    finally:
        await again.app.stop()


# 5. A report with no building, in a community where only 1-5栋 are off, is swallowed.
async def test_no_building_in_a_partial_outage_is_not_told_it_is_the_outage(bot):
    await post(bot)
    await move_to(bot, datetime(2026, 12, 12, 9, 0, tzinfo=ZONE))
    reply = to_group(await bot.say("停电了", sender="r1", group=GROUP), GROUP)[-1]
    assert "1-5栋" in reply.text or tickets(bot) == 1 or "几栋" in reply.text, reply.text
    assert "不用另外报修" not in reply.text


# 7. A question with no day looks only 7 days ahead; notices go out 7+ days ahead.
async def test_a_question_with_no_day_finds_a_notice_nine_days_ahead(bot):
    await post(bot)  # 12月12日, posted 12月3日
    [reply] = await bot.say("最近会停电吗", sender="r1", group=GROUP)
    assert "12月12日" in reply.text, reply.text  # got: 没有收到计划停电通知


# 8. A household that reported in a private chat is followed up in a "group" named by its wxid.
async def test_the_restoration_follow_up_of_a_private_report_is_private(bot):
    await post(bot)
    await move_to(bot, datetime(2026, 12, 12, 9, 0, tzinfo=ZONE))
    [reply] = await bot.say("幸福花园3栋2单元302我家没电了", sender="r6")
    assert "还是没电" in reply.text
    sent = await bot.say("复电 1", sender=ADMIN)
    follow = [o for o in sent if o.mentions and o.mentions[0].id == "r6"] or [
        o for o in sent if o.conversation.id == "r6"
    ]
    assert follow and not follow[0].conversation.is_group, [o.conversation for o in follow]


# 9. 每星期天 / 每周天 / 每礼拜天 is read as Monday.
async def test_every_sunday_is_sunday(bot):
    [echo] = await bot.say("公告 全部 每星期天 10:00 请大家注意安全用电", sender=ADMIN)
    assert "每周日" in echo.text, echo.text  # got: 每周一 10:00


# 10. A 公告 whose text starts with a day or time word loses it (or all of it).
@pytest.mark.parametrize(
    "text",
    [
        "公告 幸福花园 现在 明天上午停电检修，请提前做好准备",
        "公告 全部 每周六 10:00 周末外出请关好电器",
        "公告 全部 12月10日 09:00 12月12日起电费可在南网在线App缴纳",
    ],
)
async def test_announcement_text_starting_with_a_date_word_is_kept(bot, text):
    [echo] = await bot.say(text, sender=ADMIN)
    body = text.rsplit(maxsplit=1)[-1]
    assert body in echo.text, echo.text


# 11. Places written 1栋、3栋 are read as the reason; the notice covers the whole estate.
async def test_places_listed_building_by_building(bot):
    [echo] = await bot.say("停电通知 幸福花园 1栋、3栋 12月12日 08:00-12:00 线路检修", sender=ADMIN)
    assert "幸福花园（1栋、3栋）" in echo.text and "因线路检修" in echo.text, echo.text


async def test_a_reason_with_a_pole_number_is_a_reason(bot):
    [echo] = await bot.say("停电通知 幸福花园 12月12日 08:00-12:00 更换5号杆", sender=ADMIN)
    assert "更换5号杆" in echo.text, echo.text  # got: 请写上停电原因


# 12. A new expected time without 原因 replaces the reason with the default.
async def test_a_new_expected_time_keeps_the_reason(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    await bot.say("接单 1", sender=LI)
    await bot.say("停电 1 预计18:00恢复 原因 10kV线路故障", sender=LI)
    await bot.say("停电 1 预计19:30恢复", sender=LI)
    assert bot.store.outage(1).reason == "10kV线路故障"


# 13. 取消 after an echo does not withdraw it; a later 确认 still posts it.
async def test_cancel_after_the_echo_withdraws_the_notice(bot):
    await bot.say(NOTICE, sender=ADMIN)
    await bot.say("取消", sender=ADMIN)  # got: 没有找到停电 #？
    await bot.say("确认", sender=ADMIN)
    assert not bot.store.outages()


# 14. 复电 of an outage that has not started tells every group power is back.
async def test_restoring_an_outage_before_it_starts_is_not_announced_as_restored(bot):
    await post(bot)  # 12月12日
    sent = await bot.say("复电 1", sender=ADMIN)
    assert not any(o.text.startswith("【恢复供电】") for o in to_group(sent, GROUP))


@pytest.mark.parametrize("text", ["什么时候停电", "哪天停电啊"])
async def test_asking_when_the_outage_is_is_an_outage_question(bot, text):
    await post(bot)
    [reply] = await bot.say(text, sender="r1", group=GROUP)
    assert "12月12日" in reply.text and bot.store.count("tickets") == 0


# -- found in the second review ----------------------------------------------------------


async def test_reason_before_the_day_is_still_a_notice(bot):
    [echo] = await bot.say("停电通知 幸福花园 1-5栋 线路检修 12月12日 08:00-12:00", sender=ADMIN)
    assert "确认" in echo.text, echo.text


async def test_day_with_weekday_as_the_echo_writes_it(bot):
    [echo] = await bot.say(
        "停电通知 幸福花园 1-5栋 12月12日（周六） 08:00-12:00 线路检修", sender=ADMIN
    )
    assert "确认" in echo.text, echo.text


async def test_spaced_time_range(bot):
    [echo] = await bot.say("停电通知 幸福花园 1-5栋 12月12日 8:00 - 12:00 线路检修", sender=ADMIN)
    assert "确认" in echo.text, echo.text


async def test_contact_with_space(bot):
    [echo] = await bot.say(
        "停电通知 幸福花园 1-5栋 12月12日 08:00-12:00 线路检修 联系人 张工 13800000000",
        sender=ADMIN,
    )
    assert "因线路检修" in echo.text and "张工" in echo.text, echo.text
    assert "因线路检修 张工" not in echo.text, echo.text


async def test_partial_outage_household_asked_building_then_answered(bot):
    await post(bot)
    await move_to(bot, datetime(2026, 12, 12, 9, 0, tzinfo=ZONE))
    asked = to_group(await bot.say("我家没电了", sender="r1", group=GROUP), GROUP)[-1]
    assert "几栋" in asked.text
    sent = await bot.say("3栋2单元501", sender="r1", group=GROUP)
    texts = [o.text for o in sent]
    assert bot.store.count("tickets") == 0, texts


async def test_finished_fault_outage_not_told_as_ongoing(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    await bot.say("接单 1", sender=LI)
    await bot.say("停电 1 预计18:00恢复 原因 10kV线路故障", sender=LI)
    await bot.say("到达 1", sender=LI)
    await bot.say("完成 1 换了保险", sender=LI)
    await move_to(bot, datetime(2026, 12, 3, 11, 0, tzinfo=ZONE))
    sent = await bot.say("今天停电吗", sender="r3", group=GROUP)
    texts = [o.text for o in to_group(sent, GROUP)]
    assert not any("抢修人员正在处理" in t for t in texts), texts


async def test_one_off_announcement_missed_in_downtime_is_not_dropped_silently(
    base_config, shared_services, db_path, clock
):
    from tests.conftest import start_bot

    first = await start_bot(base_config, shared_services, db_path, clock)
    await first.say("公告 全部 明天 09:00 明天下午营业厅暂停办公", sender=ADMIN)
    await first.say("确认", sender=ADMIN)
    await first.app.stop()
    clock.advance(datetime(2026, 12, 4, 22, 0, tzinfo=ZONE) - clock.now())  # 13 h late
    again = await start_bot(base_config, shared_services, db_path, clock)
    try:
        for _ in range(4):
            clock.advance(timedelta(seconds=5))
            await again.app.tick()
        row = again.store.sql.one("select * from announcements where id = 1")
        told_group = [o for o in to_group(again.gw.sent, GROUP) if "暂停办公" in o.text]
        told_admin = to_person(again.gw.sent, ADMIN)
        assert told_group or told_admin or row["sent"] == 0, (dict(row), told_admin)
    finally:
        await again.app.stop()
