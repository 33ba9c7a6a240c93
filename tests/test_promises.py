"""The commitment clock: acceptance, the 80% warning, a missed promise, restoration,
nobody on duty, and where the promise counts from. Timers are rows of the timers
table, fired by the tick through the same transaction path as messages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import (
    ADMIN,
    CHEN,
    GROUP,
    LI,
    VILLAGE_GROUP,
    WANG,
    start_bot,
    to_group,
    to_person,
)


async def wait(bot, minutes: int) -> list:
    """Let `minutes` pass a minute at a time, ticking; what was sent meanwhile."""
    before = len(bot.gw.sent)
    for _ in range(minutes):
        bot.clock.advance(timedelta(minutes=1))
        await bot.app.tick()
    return bot.gw.sent[before:]


async def test_not_accepted_in_ten_minutes_goes_to_the_next_worker_and_the_leader(bot):
    await bot.say("下班", sender=LI)  # the leader is off duty; he still hears
    await bot.say("上班", sender=LI)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    assert bot.store.ticket(1).worker_id == LI

    assert not [o for o in await wait(bot, 9) if "超时" in o.text]
    sent = await wait(bot, 1)
    assert bot.store.ticket(1).worker_id == WANG
    assert "【新工单 #1】" in to_person(sent, WANG)[0].text
    assert (
        "【超时未接 #1】" in to_person(sent, LI)[0].text
        and "已转给王强师傅" in to_person(sent, LI)[0].text
    )
    assert not to_person(sent, ADMIN), "an ordinary ticket: the leader is enough"
    events = bot.store.ticket_events(1)
    assert (events[-1].action, events[-1].actor_role) == ("assigned", "system")


async def test_when_every_worker_was_tried_the_admins_hear_and_it_does_not_bounce(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await wait(bot, 10)  # to WANG
    sent = await wait(bot, 10)
    assert bot.store.ticket(1).worker_id == WANG, "not bounced back to the first"
    assert "都派过了" in to_person(sent, ADMIN)[0].text


async def test_an_urgent_ticket_not_accepted_reaches_the_station_head(bot):
    await bot.say("5栋2单元301停电了，家里老人用着制氧机", sender="r1", group=GROUP)
    sent = await wait(bot, 10)
    assert "【超时未接 #1】" in to_person(sent, ADMIN)[0].text


async def test_the_life_support_alert_reaches_the_leader_at_dispatch(bot):
    await bot.say("3栋停电了", sender="r9", group=GROUP)  # to LI; the next goes to WANG
    sent = await bot.say("5栋2单元301停电了 家里有人用呼吸机", sender="r1", group=GROUP)
    assert bot.store.ticket(2).worker_id == WANG and bot.store.ticket(2).urgent
    assert "【紧急 #2】" in to_person(sent, LI)[0].text


async def test_at_80_percent_of_the_promise_worker_and_leader_are_warned(bot):
    await bot.say("3栋停电了", sender="r9", group=GROUP)
    await bot.say("5栋2单元301停电了", sender="r1", group=GROUP)  # WANG's
    await bot.say("接单 2", sender=WANG)
    sent = await wait(bot, 36)  # 80% of 45 minutes
    warnings = [o for o in sent if "【提醒 #2】" in o.text]
    assert {o.conversation.id for o in warnings} == {WANG, LI}


async def test_a_missed_promise_tells_the_admins_and_apologises_with_a_new_time(bot):
    await bot.say("3栋2单元501停电了", sender="r1", name="张阿姨", group=GROUP)
    await bot.say("接单 1", sender=LI)
    await wait(bot, 44)
    sent = await wait(bot, 1)
    assert "【超时 #1】" in to_person(sent, ADMIN)[0].text
    [sorry] = to_group(sent, GROUP)
    assert "非常抱歉" in sorry.text and "11:15" in sorry.text and sorry.mention_ids == ["r1"]
    assert bot.store.ticket(1).due_at == bot.clock.now() + timedelta(minutes=30)

    [progress] = to_group(await bot.say("我报的修到哪了", sender="r1", group=GROUP), GROUP)
    assert "11:15" in progress.text

    sent = await wait(bot, 31)  # missed again: the admins hear, the group is not told twice
    assert to_person(sent, ADMIN) and not to_group(sent, GROUP)
    [progress] = to_group(await bot.say("我报的修到哪了", sender="r1", group=GROUP), GROUP)
    assert "已超过承诺时间" in progress.text, "progress tells the truth about a late ticket"


async def test_arriving_in_time_stops_the_clock(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("到达 1", sender=LI)
    sent = await wait(bot, 60)
    assert not [o for o in sent if "超时" in o.text or "提醒" in o.text or "抱歉" in o.text]


async def test_a_missed_restoration_target_tells_the_admins(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("到达 1", sender=LI)
    sent = await wait(bot, 4 * 60)
    assert "【未复电 #1】" in to_person(sent, ADMIN)[-1].text


async def test_with_nobody_on_duty_there_is_no_promise_and_leaders_are_paged(bot):
    await bot.say("下班", sender=LI)
    await bot.say("下班", sender=WANG)
    sent = await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    [reply] = to_group(sent, GROUP)
    assert "已通知值班负责人" in reply.text and "承诺" not in reply.text
    assert "【待派单 #1】" in to_person(sent, ADMIN)[0].text
    assert "【待派单 #1】" in to_person(sent, LI)[0].text, "the leader, though off duty"

    sent = await bot.say("上班", sender=WANG)
    assert "【新工单 #1】" in "".join(o.text for o in to_person(sent, WANG))
    assert "已安排王强师傅处理" in to_group(sent, GROUP)[0].text


async def test_the_promise_counts_from_the_first_report_not_from_the_address(bot):
    await bot.say("我家跳闸了合不上", sender="r1", group=GROUP)  # 10:00
    bot.clock.advance(timedelta(minutes=8))
    [reply] = to_group(await bot.say("7栋1单元302", sender="r1", group=GROUP), GROUP)
    assert "10:45 前" in reply.text and "37 分钟" not in reply.text
    ticket = bot.store.ticket(1)
    assert ticket.due_at - ticket.first_reported_at == timedelta(minutes=45)


@pytest.mark.parametrize(
    ("group", "text", "minutes"),
    [
        (GROUP, "3栋停电了", 45),
        (VILLAGE_GROUP, "5组12号停电了", 90),
        (None, "新塘村3组8号停电了", 120),
    ],
)
async def test_the_promise_fits_the_community(bot, group, text, minutes):
    await bot.say(text, sender="r1", group=group)
    ticket = bot.store.ticket(1)
    assert ticket.due_at - ticket.first_reported_at == timedelta(minutes=minutes)


async def test_a_village_ticket_goes_to_the_village_team(bot):
    sent = await bot.say("5组12号停电了", sender="r1", group=VILLAGE_GROUP)
    assert bot.store.ticket(1).worker_id == CHEN and to_person(sent, CHEN)


async def test_clocks_survive_a_restart(base_config, shared_services, db_path, clock):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await first.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await first.app.stop()

    second = await start_bot(base_config, shared_services, db_path, clock)
    try:
        sent = await wait(second, 10)
        assert "【新工单 #1】" in to_person(sent, WANG)[0].text
    finally:
        await second.app.stop()


async def test_a_timer_that_fails_leaves_nothing_half_done_and_is_tried_again(bot, monkeypatch):
    import handlers.tickets as tickets

    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    outbox = bot.store.count("outbox")

    def broken(*args):
        raise OSError("disk on fire")

    monkeypatch.setattr(tickets, "dispatch_message", broken)
    await wait(bot, 10)  # the accept timer: it assigns, then fails writing the dispatch
    assert bot.store.ticket(1).worker_id == LI, "the reassignment was rolled back"
    assert bot.store.count("outbox") == outbox
    monkeypatch.undo()

    sent = await wait(bot, 1)  # a minute later it is tried again, and goes through
    assert bot.store.ticket(1).worker_id == WANG
    assert "【新工单 #1】" in to_person(sent, WANG)[0].text


async def test_a_timer_that_keeps_failing_is_given_up_after_three_tries(bot, monkeypatch):
    import handlers.tickets as tickets

    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)

    def broken(*args):
        raise OSError("disk on fire")

    monkeypatch.setattr(tickets, "dispatch_message", broken)
    await wait(bot, 15)
    unfired = "select count(*) from timers where fired_at is null and kind = 'accept'"
    assert bot.store.sql.value(unfired) == 0
    assert bot.store.ticket(1).worker_id == LI


async def test_nobody_on_duty_means_no_apology_and_no_time_until_someone_has_it(bot):
    await bot.say("下班", sender=LI)
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await wait(bot, 46)
    assert not to_group(sent, GROUP), "no promise was made: nothing to apologise for"
    [progress] = to_group(await bot.say("我报的修到哪了", sender="r1", group=GROUP), GROUP)
    assert "正在安排" in progress.text and "前到达" not in progress.text

    sent = await bot.say("上班", sender=LI)  # 10:46: the promise counts from now
    [told] = to_group(sent, GROUP)
    assert "已安排李明师傅处理，预计 11:31 前到达" in told.text
    sent = await wait(bot, 45)
    assert "11:31" in to_person(sent, ADMIN)[-1].text, "the clock runs from the hand-over"
