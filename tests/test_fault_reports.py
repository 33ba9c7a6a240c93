"""The repair loop from the resident's side: report, ask for the address, progress, complaints."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import (
    ADMIN,
    CHEN,
    GROUP,
    LI,
    TOWN_GROUP,
    VILLAGE_GROUP,
    WANG,
    to_group,
    to_person,
)


async def test_report_with_address_opens_ticket_and_dispatches(bot):
    sent = await bot.say("3栋2单元501停电了", sender="r1", name="张阿姨", group=GROUP)

    [reply] = to_group(sent, GROUP)
    assert reply.mention_ids == ["r1"]
    assert "工单号 1" in reply.text
    assert "幸福花园 3栋2单元501室" in reply.text
    assert "45 分钟" in reply.text and "10:45" in reply.text
    [dispatch] = to_person(sent, LI)
    for part in ("#1", "3栋2单元501室", "张阿姨", "3栋2单元501停电了", "接单 1"):
        assert part in dispatch.text
    ticket = bot.store.ticket(1)
    assert (ticket.community, ticket.building, ticket.unit, ticket.room) == (
        "幸福花园",
        "3",
        "2",
        "501",
    )
    assert ticket.state == "assigned" and ticket.worker_id == LI
    assert ticket.reporter_id == "r1" and ticket.group_topic == GROUP
    assert [e.action for e in bot.store.ticket_events(1)] == ["opened", "assigned"]


async def test_village_report_promises_the_village_arrival_time(bot):
    sent = await bot.say("5组12号屋企冇电", sender="r2", name="陈伯", group=VILLAGE_GROUP)

    [reply] = to_group(sent, VILLAGE_GROUP)
    assert "90 分钟" in reply.text and "11:30" in reply.text
    assert "东岭村 5组12号" in reply.text
    assert to_person(sent, "wxid_chen"), "the rural team's worker gets the dispatch"


async def test_report_without_address_asks_for_it_once(bot):
    sent = await bot.say("我家跳闸了合不上", sender="r1", name="张阿姨", group=GROUP)

    [ask] = to_group(sent, GROUP)
    assert "几栋几单元几号" in ask.text
    assert bot.store.open_tickets() == []

    sent = await bot.say("7栋1单元302", sender="r1", name="张阿姨", group=GROUP)
    [reply] = to_group(sent, GROUP)
    assert "工单号 1" in reply.text and "7栋1单元302室" in reply.text
    ticket = bot.store.ticket(1)
    assert ticket.fault_type == "trip" and ticket.building == "7"
    assert "我家跳闸了合不上" in ticket.text and "7栋1单元302" in ticket.text


async def test_a_neighbour_answering_for_the_only_waiting_report_completes_it(bot):
    await bot.say("我家跳闸了合不上", sender="r1", name="张阿姨", group=GROUP)
    sent = await bot.say("7栋1单元302", sender="r9", name="邻居", group=GROUP)

    [ticket] = bot.store.open_tickets()
    assert ticket.reporter_id == "r1" and ticket.building == "7" and ticket.room == "302"
    [reply] = to_group(sent, GROUP)
    assert reply.mention_ids == ["r1"] and "工单号 1" in reply.text


async def test_a_bare_address_is_not_guessed_when_two_reports_wait(bot):
    await bot.say("我家跳闸了合不上", sender="r1", name="张阿姨", group=GROUP)
    await bot.say("我家没电了", sender="r2", name="李叔", group=GROUP)
    await bot.say("7栋1单元302", sender="r9", name="邻居", group=GROUP)

    assert bot.store.open_tickets() == []


async def test_address_after_the_wait_is_not_taken_and_the_report_is_still_recorded(bot):
    await bot.say("我家跳闸了合不上", sender="r1", name="张阿姨", group=GROUP)
    bot.clock.advance(timedelta(minutes=11))
    await bot.app.tick()

    [ticket] = bot.store.open_tickets()
    assert ticket.fault_type == "trip" and ticket.building is None
    reply = to_group(bot.gw.sent, GROUP)[-1]
    assert reply.mention_ids == ["r1"] and "工单号 1" in reply.text


async def test_hazard_is_urgent_with_safety_advice_even_without_building(bot):
    sent = await bot.say("电线掉地上了还在冒火花!", sender="r3", name="小王", group=GROUP)

    [reply] = to_group(sent, GROUP)
    assert "远离" in reply.text and "119" not in reply.text and "工单号 1" in reply.text
    ticket = bot.store.ticket(1)
    assert ticket.urgent and ticket.fault_type == "hazard"
    assert "紧急" in to_person(sent, LI)[0].text


async def test_round_robin_spreads_tickets_over_on_duty_workers(bot):
    await bot.say("3栋停电了", sender="r1", group=GROUP)
    await bot.say("5栋停电了", sender="r2", group=GROUP)
    await bot.say("8栋停电了", sender="r3", group=GROUP)

    owners = [bot.store.ticket(i).worker_id for i in (1, 2, 3)]
    assert owners == [LI, WANG, LI]


async def test_progress_query_lists_the_residents_open_tickets(bot):
    await bot.say("3栋2单元501停电了", sender="r1", name="张阿姨", group=GROUP)
    await bot.say("接单 1", sender=LI)

    sent = await bot.say("我报的修到哪了", sender="r1", name="张阿姨", group=GROUP)
    [reply] = to_group(sent, GROUP)
    assert "工单 1" in reply.text and "李明师傅" in reply.text and "接单" in reply.text


async def test_progress_query_without_tickets_says_how_to_report(bot):
    sent = await bot.say("我报的修到哪了", sender="r5", group=GROUP)
    assert "没有查到" in to_group(sent, GROUP)[0].text


async def test_report_in_town_group_without_community_goes_to_admins(bot):
    sent = await bot.say("我们这条街停电了", sender="r1", group=TOWN_GROUP)

    assert "哪个小区或村" in to_group(sent, TOWN_GROUP)[0].text
    sent = await bot.say("金域华庭6栋", sender="r1", group=TOWN_GROUP)
    ticket = bot.store.ticket(1)
    assert ticket.community == "金域华庭" and ticket.team == "urban"
    assert to_person(sent, LI)


async def test_complaint_is_recorded_and_admins_told(bot):
    sent = await bot.say("打95598一直没人接 我要投诉", sender="r1", name="张阿姨", group=GROUP)

    assert "已记录" in to_group(sent, GROUP)[0].text
    [notice] = to_person(sent, ADMIN)
    assert "张阿姨" in notice.text and "投诉" in notice.text
    assert bot.store.count("complaints") == 1


async def test_neighbours_chatting_get_no_reply(bot):
    for text in ("今晚吃什么", "哈哈哈", "谢谢师傅"):
        assert await bot.say(text, sender="r1", group=GROUP) == []


async def test_hazard_place_given_afterwards_is_added_to_the_same_ticket(bot):
    first = await bot.say("电线杆倒了 电线还在冒火花", sender="r3", name="小王", group=GROUP)
    assert "具体位置" in to_group(first, GROUP)[0].text

    sent = await bot.say("在12栋旁边", sender="r3", name="小王", group=GROUP)
    assert "已把位置补充到工单 1" in to_group(sent, GROUP)[0].text
    assert "12栋" in to_person(sent, LI)[0].text
    assert bot.store.count("tickets") == 1 and bot.store.ticket(1).building == "12"
    assert bot.store.ticket_events(1)[-1].action == "address"


async def test_life_support_report_is_urgent_with_advice(bot):
    sent = await bot.say("9栋停电了 家里老人用着制氧机", sender="r4", group=GROUP)
    assert "制氧机" in to_group(sent, GROUP)[0].text or "备用电源" in to_group(sent, GROUP)[0].text
    assert bot.store.ticket(1).urgent


async def test_a_second_report_while_waiting_for_an_address_opens_the_first_as_it_stands(bot):
    await bot.say("我家跳闸了合不上", sender="r1", name="张阿姨", group=GROUP)
    sent = await bot.say("外面电线也在冒火花了", sender="r1", name="张阿姨", group=GROUP)

    assert {t.fault_type for t in bot.store.open_tickets()} == {"trip", "hazard"}
    assert any("工单号 1" in o.text for o in to_group(sent, GROUP))


async def test_another_fault_with_its_own_place_is_not_taken_as_the_hazards_address(bot):
    await bot.say("电线掉地上了还在冒火花!", sender="r3", group=GROUP)
    await bot.say("12栋2单元302家里也停电了", sender="r3", group=GROUP)

    hazard, outage = bot.store.open_tickets()
    assert hazard.fault_type == "hazard" and hazard.building is None
    assert outage.fault_type in ("household_outage", "area_outage") and outage.room == "302"


async def test_a_hazard_in_the_town_group_goes_to_the_rural_team_and_follows_its_place(bot):
    sent = await bot.say("电线掉地上了还在冒火花!", sender="r3", name="小王", group=TOWN_GROUP)
    assert bot.store.ticket(1).team == "rural" and bot.store.ticket(1).worker_id == CHEN
    assert "哪个村" in to_group(sent, TOWN_GROUP)[0].text

    sent = await bot.say("在金域华庭6栋旁边", sender="r3", name="小王", group=TOWN_GROUP)
    ticket = bot.store.ticket(1)
    assert (ticket.community, ticket.team, ticket.worker_id) == ("金域华庭", "urban", LI)
    assert "【新工单 #1】" in to_person(sent, LI)[0].text
    assert "不用去了" in to_person(sent, CHEN)[0].text


async def test_a_group_progress_query_lists_only_that_groups_reports(bot):
    await bot.say("幸福花园9栋3单元902停电了", sender="r7")
    sent = await bot.say("我报的修到哪了", sender="r7", group=GROUP)
    assert "902" not in to_group(sent, GROUP)[0].text
    sent = await bot.say("我报的修到哪了", sender="r7")
    assert "902" in sent[0].text


async def test_a_workers_note_with_a_phone_number_is_masked_in_the_group(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say("完成 1 已回访 电话13812345678", sender=LI)

    [done] = to_group(sent, GROUP)
    assert "13812345678" not in done.text and "138****5678" in done.text
