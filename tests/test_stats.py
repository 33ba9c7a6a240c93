"""The service figures against hand-computed values for reports with known times
(memory gateway, a real SQLite file, a clock the test moves)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.stats import STATION, figures, percentile
from tests.conftest import ADMIN, GROUP, LI, WANG


def test_the_median_is_the_middle_and_the_p90_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([5, 20], 0.5) == 12.5 and percentile([5, 20], 0.9) == 20
    assert percentile([5, 20, 7], 0.5) == 7
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9


async def at(bot, minutes: int) -> None:
    """Move the clock to 10:00 + `minutes` (Guangdong) and run what is due."""
    target = datetime(2026, 11, 26, 2, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    bot.clock.advance(target - bot.clock.now())
    await bot.app.tick()


async def test_figures_for_two_repairs_with_known_times(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)  # 10:00, promise 10:45
    await at(bot, 5)
    await bot.say("接单 1", sender=LI)
    await at(bot, 10)
    await bot.say("8栋1单元302跳闸了合不上", sender="r2", group=GROUP)  # 10:10, due 10:55
    await at(bot, 30)
    await bot.say("到达 1", sender=LI)
    await bot.say("接单 2", sender=LI)  # 20 min after its report
    await at(bot, 60)
    await bot.say("完成 1 换了保险", sender=LI)
    await bot.say("1", sender="r1", group=GROUP)
    await bot.say("5", sender="r1", group=GROUP)
    await at(bot, 80)
    await bot.say("到达 2", sender=LI)  # 70 min: after its promise
    await at(bot, 120)
    await bot.say("完成 2 线路老化，已更换", sender=LI)
    await bot.say("投诉 师傅来得太慢了", sender="r2", group=GROUP)

    start = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    rows = {
        (f.by, f.key): f
        for f in figures(
            bot.store.sql, bot.app.config, start, start + timedelta(days=1), [bot.store.station]
        )
    }
    station = rows[("station", STATION)]
    assert (station.reports, station.incidents) == (2, 2)
    assert (station.accept_median, station.accept_p90) == (12.5, 20.0)
    assert (station.arrive_median, station.arrive_p90) == (50.0, 70.0)
    assert (station.restore_median, station.restore_p90) == (85.0, 110.0)
    assert station.arrived_in_time == 0.5 and station.restored_in_time == 1.0
    assert station.reopen_rate == 0.0 and (station.rating, station.ratings) == (5.0, 1)
    community = rows[("community", "幸福花园")]
    assert community.complaints == 1 and community.complaints_per_1000 == round(1000 / 1200, 2)
    assert rows[("worker", LI)].incidents == 2 and rows[("team", "urban")].reports == 2
    assert ADMIN not in {k for _, k in rows}


async def test_the_station_head_asks_for_figures_and_gets_a_daily_summary(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)  # 10:00
    [reply] = await bot.say("统计", sender=ADMIN)
    assert reply.text.startswith("今天 报修 1 件（1 起）") and "本月 报修 1 件" in reply.text
    assert "转人工" in reply.text
    await bot.app.tick()
    sent = []
    for _ in range(24):  # to 10:00 the next day: the summary came at 08:00
        before = len(bot.gw.sent)
        bot.clock.advance(timedelta(hours=1))
        await bot.app.tick()
        sent += bot.gw.sent[before:]
    summaries = [o for o in sent if o.text.startswith("【日报") and o.conversation.id == ADMIN]
    assert len(summaries) == 1 and "昨天 报修 1 件" in summaries[0].text
    assert "超时" in summaries[0].text
    [asked] = await bot.say("日报", sender=ADMIN)
    assert asked.text == summaries[0].text or asked.text.startswith("【日报")
    assert "只有" in (await bot.say("统计", sender=LI))[0].text
