"""The repair loop from the worker's side: accept, arrive, finish, hand over, duty."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import CHEN, GROUP, LI, VILLAGE_GROUP, WANG, start_bot, to_group, to_person


async def report(bot, text: str = "3栋2单元501停电了", sender: str = "r1", group: str = GROUP):
    return await bot.say(text, sender=sender, name="张阿姨", group=group)


async def test_worker_steps_are_stored_and_the_reporter_told_each_time(bot):
    await report(bot)

    sent = await bot.say("接单 1", sender=LI, name="李明")
    assert "已接单 #1" in to_person(sent, LI)[0].text
    [told] = to_group(sent, GROUP)
    assert told.mention_ids == ["r1"] and "李明师傅已接单" in told.text

    sent = await bot.say("到达 1", sender=LI)
    assert "已到现场" in to_group(sent, GROUP)[0].text

    sent = await bot.say("完成 1 换了进户保险", sender=LI)
    assert "已完成" in to_person(sent, LI)[0].text
    [done] = to_group(sent, GROUP)
    assert done.mention_ids == ["r1"] and "换了进户保险" in done.text

    ticket = bot.store.ticket(1)
    assert ticket.state == "done" and ticket.note == "换了进户保险"
    actions = [(e.action, e.actor_id) for e in bot.store.ticket_events(1)]
    assert actions == [
        ("opened", "r1"),
        ("assigned", None),
        ("accepted", LI),
        ("arrived", LI),
        ("done", LI),
    ]


async def test_command_forms_with_full_width_digits_and_no_space(bot):
    await report(bot)
    sent = await bot.say("接单１", sender=LI)
    assert "已接单 #1" in to_person(sent, LI)[0].text


async def test_hand_over_sends_the_ticket_to_the_other_worker(bot):
    await report(bot)

    sent = await bot.say("转单 1 王强", sender=LI)
    assert "已转给王强师傅" in to_person(sent, LI)[0].text
    assert "【新工单 #1】" in to_person(sent, WANG)[0].text
    assert bot.store.ticket(1).worker_id == WANG
    refused = await bot.say("接单 1", sender=LI)
    assert "不是派给您的" in to_person(refused, LI)[0].text
    sent = await bot.say("接单 1", sender=WANG)
    assert bot.store.ticket(1).state == "accepted"


async def test_worker_of_another_team_cannot_take_a_ticket_unless_handed_it(bot):
    await report(bot)

    sent = await bot.say("接单 1", sender=CHEN)
    assert "不是派给您的" in to_person(sent, CHEN)[0].text
    assert bot.store.ticket(1).state == "assigned"

    sent = await bot.say("转单 1 陈伟", sender=LI)
    assert "属于农村抢修一班" in sent[0].text and "确认" in sent[0].text  # another team: asked
    await bot.say("确认", sender=LI)
    sent = await bot.say("接单 1", sender=CHEN)
    assert bot.store.ticket(1).state == "accepted" and bot.store.ticket(1).worker_id == CHEN


async def test_unassigned_ticket_of_another_team_is_refused(bot):
    await bot.say("下班", sender=CHEN)
    await report(bot, "5组12号屋企冇电", group=VILLAGE_GROUP)
    assert bot.store.ticket(1).worker_id is None

    sent = await bot.say("接单 1", sender=LI)
    assert "其他班组" in to_person(sent, LI)[0].text
    sent = await bot.say("接单 1", sender=CHEN)
    assert bot.store.ticket(1).worker_id == CHEN


async def test_off_duty_workers_get_no_tickets_and_nobody_on_duty_tells_admins(bot):
    await bot.say("下班", sender=LI)
    await report(bot, "3栋停电了", sender="r1")
    assert bot.store.ticket(1).worker_id == WANG

    await bot.say("下班", sender=WANG)
    sent = await report(bot, "5栋停电了", sender="r2")
    assert bot.store.ticket(2).state == "open"
    assert "没有值班师傅" in to_person(sent, "wxid_admin")[0].text
    told = to_group(sent, GROUP)[0].text
    assert "已通知值班负责人" in told and "前到达" not in told  # no promise nobody can keep

    sent = await bot.say("上班", sender=LI)
    assert any("【新工单 #2】" in m.text for m in to_person(sent, LI))  # the waiting ticket
    assert bot.store.ticket(2).worker_id == LI
    assert "已安排李明师傅处理" in to_group(sent, GROUP)[0].text
    await report(bot, "6栋停电了", sender="r3")
    assert bot.store.ticket(3).worker_id == LI


async def test_my_tickets_lists_open_ones(bot):
    await report(bot, "3栋停电了", sender="r1")
    await report(bot, "5栋停电了", sender="r2")
    await report(bot, "6栋停电了", sender="r3")

    sent = await bot.say("我的工单", sender=LI)
    text = to_person(sent, LI)[0].text
    assert "#1" in text and "#3" in text and "#2" not in text


async def test_unknown_ticket_and_bad_forms_get_a_hint(bot):
    assert "没有找到工单 99" in (await bot.say("接单 99", sender=LI))[0].text
    assert "接单 12" in (await bot.say("接单 abc", sender=LI))[0].text
    assert "转单 12 师傅姓名" in (await bot.say("转单", sender=LI))[0].text


async def test_done_ticket_cannot_be_worked_again(bot):
    await report(bot)
    await bot.say("完成 1 好了", sender=LI)
    assert "已经完成" in (await bot.say("接单 1", sender=LI))[0].text


async def test_worker_commands_in_a_group_are_sent_to_private(bot):
    await report(bot)
    sent = await bot.say("接单 1", sender=LI, group=GROUP)
    assert "私聊" in sent[0].text and bot.store.ticket(1).state == "assigned"


async def test_arriving_on_an_untaken_ticket_of_your_team_asks_you_to_take_it_first(bot):
    await bot.say("下班", sender=LI)
    await bot.say("下班", sender=WANG)
    await report(bot)

    sent = await bot.say("到达 1", sender=LI)
    assert "请先回复「接单 1」" in to_person(sent, LI)[0].text
    assert bot.store.ticket(1).state == "open"


async def test_arriving_straight_after_dispatch_records_the_accept_step(bot):
    await report(bot)
    await bot.say("到达 1", sender=LI)
    await bot.say("完成 1 好了", sender=LI)

    actions = [e.action for e in bot.store.ticket_events(1)]
    assert actions == ["opened", "assigned", "accepted", "arrived", "done"]


@pytest.mark.parametrize("number", ["99999999999999999999999", "፩", "１２abc"])
async def test_odd_ticket_numbers_get_a_hint_not_an_apology(bot, number):
    [reply] = await bot.say(f"接单 {number}", sender=LI)
    assert "抱歉" not in reply.text


async def test_a_worker_removed_from_the_config_gets_no_more_tickets(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await first.app.stop()
    fewer = base_config.model_copy(
        update={"workers": [w for w in base_config.workers if w.id != LI]}
    )
    second = await start_bot(fewer, shared_services, db_path, clock)
    try:
        await second.say("3栋停电了", sender="r1", group=GROUP)
        assert second.store.ticket(1).worker_id == WANG
    finally:
        await second.app.stop()


async def test_a_due_time_on_another_day_says_which_day(bot):
    await report(bot)
    bot.clock.advance(timedelta(days=1))
    sent = await bot.say("我的工单", sender=LI)
    assert "限 11月26日 10:45 已超时" in sent[0].text


async def test_a_leader_moving_a_workers_ticket_is_recorded_as_the_leader(bot):
    await report(bot, "3栋停电了", sender="r1")
    await report(bot, "5栋停电了", sender="r2")
    assert bot.store.ticket(2).worker_id == WANG
    await bot.say("转单 2 李明", sender=LI)
    event = bot.store.ticket_events(2)[-1]
    assert (event.action, event.actor_id, event.actor_role) == ("assigned", LI, "leader")
