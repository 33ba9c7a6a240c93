"""The send governor: under the per-minute limits overall and per group, the urgent
first, nothing lost while held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.messages import Conversation
from bot.pacing import SendPace
from tests.conftest import GROUP, LI, start_bot, to_group, to_person

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
GROUP_A, GROUP_B = Conversation.group("甲群"), Conversation.group("乙群")
PERSON = Conversation.private("wxid_x")


def test_a_group_gets_at_most_its_share_a_minute():
    pace = SendPace(per_minute=100, per_group_per_minute=3)
    assert [pace.take(GROUP_A, T0) for _ in range(4)] == [True, True, True, False]
    assert pace.take(GROUP_B, T0), "another group has its own share"
    assert pace.take(PERSON, T0), "a private chat is only under the overall limit"
    assert not pace.take(GROUP_A, T0 + timedelta(seconds=59))
    assert pace.take(GROUP_A, T0 + timedelta(seconds=60))


def test_everything_together_stays_under_the_overall_limit():
    pace = SendPace(per_minute=5, per_group_per_minute=5)
    took = [pace.take(c, T0) for c in (GROUP_A, GROUP_B, PERSON, GROUP_A, GROUP_B, PERSON)]
    assert took == [True] * 5 + [False] and pace.held == 1


def test_a_failed_send_gives_its_place_back():
    pace = SendPace(per_minute=1, per_group_per_minute=1)
    assert pace.take(GROUP_A, T0)
    pace.give_back(GROUP_A)
    assert pace.take(GROUP_A, T0)


@pytest.fixture
async def slow_bot(base_config, shared_services, db_path, clock):
    limits = {"send_per_minute": 8, "send_per_group_per_minute": 3}
    config = base_config.model_copy(
        update={"gateway": base_config.gateway.model_copy(update=limits)}
    )
    bot = await start_bot(config, shared_services, db_path, clock)
    yield bot
    await bot.app.stop()


async def test_held_messages_go_out_later_the_urgent_first(slow_bot):
    bot = slow_bot
    for n in range(5):
        await bot.say("电费怎么交", sender=f"q{n}", group=GROUP)
    assert len(to_group(bot.gw.sent, GROUP)) == 3, "three a minute to a group"
    sent = await bot.say("12栋门口电线掉地上了", sender="r1", group=GROUP)
    assert to_person(sent, LI), "the dispatch is private: it goes at once"
    assert not to_group(sent, GROUP), "the group's minute is used up"

    bot.clock.advance(timedelta(seconds=61))
    await bot.app.tick()
    later = to_group(bot.gw.sent, GROUP)[3:]
    assert "10米" in later[0].text, "the safety advice before the answers waiting"
    assert len(later) == 3

    bot.clock.advance(timedelta(seconds=61))
    await bot.app.tick()
    assert len(to_group(bot.gw.sent, GROUP)) == 6 and bot.store.unsent() == []


async def test_sends_per_minute_never_pass_the_limits(slow_bot):
    bot = slow_bot
    for n in range(12):
        await bot.say(f"{n + 1}栋2单元501停电了", sender=f"r{n}", group=GROUP)
    for _ in range(10):
        bot.clock.advance(timedelta(seconds=20))
        await bot.app.tick()
    assert bot.store.unsent() == [], "held, never dropped"
    rows = bot.store.sql.all("select sent_at, conversation from outbox order by sent_at")
    times = [datetime.fromisoformat(r["sent_at"]) for r in rows]
    for i, start in enumerate(times):
        window = [
            r for t, r in zip(times[i:], rows[i:], strict=True) if t - start < timedelta(minutes=1)
        ]
        assert len(window) <= 8
        assert sum('"is_group":true' in r["conversation"].replace(" ", "") for r in window) <= 3
