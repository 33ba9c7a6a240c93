"""One outage, one incident: floods of reports, repeats and urging, merge and split."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ADMIN, GROUP, LI, TOWN_GROUP, WANG, to_group, to_person

FLOOD = [
    "12栋停电了",
    "12栋也没电了",
    "我们12栋整栋楼都停电了",
    "12栋3单元1501停电了！！快来！",
    "12栋2单元802也没电",
    "12栋停电了，什么时候来电",
    "12栋1单元停电",
    "12栋没电了 电梯都停了",
    "12栋全黑了",
    "12栋3单元停电了",
    "12栋2单元1202没电了",
    "12栋冇电啊",
    "12栋这边停电了",
    "12栋停电，麻烦尽快",
    "12栋1单元301没电了",
    "12栋全部停电了",
    "12栋楼道灯都不亮了，停电了",
    "12栋停电半小时了",
    "12栋也停了",
    "12栋停电啦",
]


def dispatches(sent) -> list:
    return [o for o in sent if "【新工单" in o.text]


async def test_twenty_reports_of_one_outage_make_one_incident_and_few_group_messages(bot):
    for n, text in enumerate(FLOOD, 1):
        await bot.say(text, sender=f"r{n}", name=f"住户{n}", group=GROUP)
        bot.clock.advance(timedelta(seconds=15))
        await bot.app.tick()
    bot.clock.advance(timedelta(minutes=2))
    await bot.app.tick()

    tickets = [bot.store.ticket(i) for i in range(1, 21)]
    assert tickets[0].incident_id is None and tickets[0].state == "assigned"
    assert all(t.incident_id == 1 and t.state == "joined" for t in tickets[1:])
    assert len(dispatches(bot.gw.sent)) == 1, "one dispatch for the outage"
    told = to_group(bot.gw.sent, GROUP)
    assert len(told) <= 8, [o.text for o in told]
    mentioned = {m for o in told for m in o.mention_ids}
    assert mentioned == {f"r{n}" for n in range(1, 21)}, "every reporter heard it is known"
    assert all("工单 1" in o.text for o in told[1:]), "later reporters hear its number"

    sent = await bot.say("接单 1", sender=LI)
    [step] = to_group(sent, GROUP)
    assert set(step.mention_ids) == {f"r{n}" for n in range(1, 21)}
    sent = await bot.say("完成 1 进线电缆接头烧了，已更换", sender=LI)
    [done] = to_group(sent, GROUP)
    assert len(done.mention_ids) == 20 and "进线电缆接头烧了，已更换" in done.text
    assert {bot.store.ticket(i).state for i in range(1, 21)} == {"done"}


async def test_a_later_reporter_hears_the_number_state_and_time(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("接单 1", sender=LI)
    bot.clock.advance(timedelta(minutes=5))
    [reply] = to_group(await bot.say("12栋也没电了", sender="r2", group=GROUP), GROUP)
    assert "工单 1" in reply.text and "李明师傅已接单" in reply.text and "10:45" in reply.text
    assert reply.mention_ids == ["r2"]


async def test_one_resident_repeating_25_times_gets_one_ticket_and_one_nudge(bot):
    for _ in range(25):
        await bot.say("12栋3单元1501停电了！！快来！", sender="r1", name="张姐", group=GROUP)
    assert bot.store.count("tickets") == 1
    assert len(dispatches(bot.gw.sent)) == 1
    nudges = [o for o in to_person(bot.gw.sent, LI) if "【催单" in o.text]
    assert len(nudges) == 1
    assert len(to_group(bot.gw.sent, GROUP)) == 2, "the report, one repeat; then quiet a while"

    bot.clock.advance(timedelta(minutes=11))
    sent = await bot.say("12栋3单元1501停电了！！快来！", sender="r1", name="张姐", group=GROUP)
    assert "工单 1" in to_group(sent, GROUP)[0].text and not to_person(sent, LI)


async def test_urging_adds_to_the_ticket_and_nudges_the_worker_once(bot):
    await bot.say("12栋3单元1501停电了", sender="r1", group=GROUP)
    sent = await bot.say("快点来啊", sender="r1", group=GROUP)
    assert "已提醒师傅" in to_group(sent, GROUP)[0].text
    assert "【催单 #1】" in to_person(sent, LI)[0].text
    bot.clock.advance(timedelta(minutes=15))
    sent = await bot.say("怎么还没来", sender="r1", group=GROUP)
    assert to_group(sent, GROUP) and not to_person(sent, LI), "nudged once only"
    assert bot.store.count("tickets") == 1
    assert [e.action for e in bot.store.ticket_events(1)].count("repeated") == 2


async def test_urging_without_a_ticket_is_not_taken_for_anything(bot):
    assert await bot.say("快点来啊", sender="r1", group=GROUP) == []
    assert bot.store.count("tickets") == 0


async def test_a_one_home_fault_in_a_building_that_is_out_stays_its_own(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("我家跳闸了合不上，12栋2单元301", sender="r2", group=GROUP)
    assert bot.store.ticket(2).incident_id is None and bot.store.ticket(2).fault_type == "trip"
    assert len(dispatches(bot.gw.sent)) == 2


async def test_another_building_or_a_later_outage_is_another_incident(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("15栋停电了", sender="r2", group=GROUP)
    bot.clock.advance(timedelta(minutes=61))
    await bot.say("12栋又停电了", sender="r3", group=GROUP)
    assert [bot.store.ticket(i).incident_id for i in (1, 2, 3)] == [None, None, None]


async def test_an_outage_of_the_whole_community_gathers_its_buildings(bot):
    await bot.say("整个小区都停电了", sender="r1", group=GROUP)
    await bot.say("12栋也停电了", sender="r2", group=GROUP)
    await bot.say("5栋没电了", sender="r3", group=GROUP)
    assert [bot.store.ticket(i).incident_id for i in (2, 3)] == [1, 1]


async def test_reporters_in_two_groups_are_each_told_in_their_own(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("幸福花园12栋停电了", sender="r2", group=TOWN_GROUP)
    assert bot.store.ticket(2).incident_id == 1
    sent = await bot.say("完成 1 好了", sender=LI)
    assert to_group(sent, GROUP)[0].mention_ids == ["r1"]
    assert to_group(sent, TOWN_GROUP)[0].mention_ids == ["r2"]


async def test_merge_joins_two_incidents_and_split_takes_one_out(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("15栋停电了", sender="r2", group=GROUP)  # the same cable, the admin knows
    assert bot.store.ticket(2).worker_id == WANG

    sent = await bot.say("合并 1 2", sender=ADMIN)
    assert "已把工单 #2 并入 #1" in to_person(sent, ADMIN)[0].text
    assert "并入 #1" in to_person(sent, WANG)[0].text, "the other worker is told to stand down"
    assert bot.store.ticket(2).incident_id == 1 and bot.store.ticket(2).state == "joined"
    assert bot.store.ticket_events(2)[-1].actor_role == "admin"
    sent = await bot.say("接单 1", sender=LI)
    assert to_group(sent, GROUP)[0].mention_ids == ["r1", "r2"]

    sent = await bot.say("拆分 2", sender=ADMIN)
    assert "单独处理" in to_person(sent, ADMIN)[0].text
    ticket = bot.store.ticket(2)
    assert ticket.incident_id is None and ticket.state == "assigned"
    assert dispatches(sent), "dispatched on its own again"


async def test_merge_and_split_are_for_admins_only(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("15栋停电了", sender="r2", group=GROUP)
    sent = await bot.say("合并 1 2", sender="r1")
    assert "管理员" in sent[0].text and bot.store.ticket(2).incident_id is None


async def test_two_dangers_at_different_places_are_two_tickets(bot):
    await bot.say("12栋门口电线掉地上了", sender="r1", group=GROUP)
    sent = await bot.say("小区门口变压器着火了！", sender="r2", group=GROUP)
    assert bot.store.ticket(2).incident_id is None and dispatches(sent)
    assert "119" in to_group(sent, GROUP)[0].text


async def test_one_danger_at_one_place_reported_twice_is_one(bot):
    await bot.say("12栋门口电线掉地上了", sender="r1", group=GROUP)
    await bot.say("12栋楼下有条电线断了掉在地上", sender="r2", group=GROUP)
    assert bot.store.ticket(2).incident_id == 1


async def test_a_life_at_stake_in_a_later_report_makes_the_incident_urgent(bot):
    await bot.say("3栋停电了", sender="r9", group=GROUP)  # to LI; the next lead goes to WANG
    await bot.say("5栋停电了", sender="r1", group=GROUP)
    sent = await bot.say("5栋2单元301停电了，家里老人用着制氧机", sender="r2", group=GROUP)
    assert bot.store.ticket(3).incident_id == 2 and bot.store.ticket(2).urgent
    assert "制氧机" in to_person(sent, WANG)[0].text, "the worker hears why"
    assert "【紧急 #2】" in to_person(sent, LI)[0].text, "the leader is alerted"
    assert "备用电源" in to_group(sent, GROUP)[0].text


async def test_a_trip_and_then_the_whole_building_out_are_two_things(bot):
    await bot.say("我家跳闸了合不上，12栋2单元301", sender="r1", group=GROUP)
    await bot.say("现在整栋楼都停电了，12栋全黑了", sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 2
    assert bot.store.ticket(2).fault_type == "area_outage"


async def test_an_outage_being_worked_on_keeps_gathering_its_reports(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("到达 1", sender=LI)
    bot.clock.advance(timedelta(minutes=90))
    sent = await bot.say("12栋还是停电", sender="r2", group=GROUP)
    assert bot.store.ticket(2).incident_id == 1 and not dispatches(sent)


async def test_urging_a_ticket_nobody_has_pages_the_leaders_once(bot):
    await bot.say("下班", sender=LI)
    await bot.say("下班", sender=WANG)
    await bot.say("12栋3单元1501停电了", sender="r1", group=GROUP)
    sent = await bot.say("快点来啊", sender="r1", group=GROUP)
    assert "【待派单 #1】" in to_person(sent, ADMIN)[0].text
    assert "已催负责人" in to_group(sent, GROUP)[0].text
    bot.clock.advance(timedelta(minutes=15))
    sent = await bot.say("快点来啊", sender="r1", group=GROUP)
    assert not to_person(sent, ADMIN)
