"""Hazards first: who hears of a danger, the advice that fits it, and where it goes
when nobody said which village."""

from __future__ import annotations

import pytest

from bot.router import URGENT
from tests.conftest import ADMIN, CHEN, GROUP, LI, TOWN_GROUP, WANG, to_group, to_person

JOINT_VILLAGES = "东岭新塘村民用电群"


async def test_a_hazard_reaches_every_on_duty_worker_of_the_team_and_the_leader(bot):
    sent = await bot.say("12栋门口电线掉地上了", sender="r1", group=GROUP)
    ticket = bot.store.ticket(1)
    assert ticket.urgent and ticket.fault_type == "hazard"
    assert "【新工单 #1】" in to_person(sent, ticket.worker_id)[0].text
    other = WANG if ticket.worker_id == LI else LI
    assert "【紧急 #1】" in to_person(sent, other)[0].text
    assert not to_person(sent, CHEN), "not the other team"
    rows = bot.store.sql.all("select conversation, priority from outbox")
    assert {r["priority"] for r in rows} == {URGENT}, "everything about a danger goes first"


@pytest.mark.parametrize(
    ("text", "has", "lacks"),
    [
        ("12栋电线掉地上了还在冒火花", "10米", "119"),
        ("12栋电表箱着火了！", "119", "120"),
        ("12栋有人触电了！倒在地上", "120", "119"),
    ],
)
async def test_the_advice_fits_the_danger(bot, text, has, lacks):
    [reply] = to_group(await bot.say(text, sender="r1", group=GROUP), GROUP)
    assert has in reply.text and lacks not in reply.text and "工单号 1" in reply.text


async def test_someone_shocked_tells_the_admins_at_once(bot):
    sent = await bot.say("12栋有人触电了！", sender="r1", name="小王", group=GROUP)
    [alert] = to_person(sent, ADMIN)
    assert "【有人触电 #1】" in alert.text and "12栋" in alert.text


async def test_a_gas_smell_is_not_electrical(bot):
    [reply] = to_group(await bot.say("楼道里好大煤气味", sender="r1", group=GROUP), GROUP)
    assert "燃气公司" in reply.text and "不要开关电灯" in reply.text
    assert bot.store.count("tickets") == 0


async def test_a_hazard_in_the_joint_village_group_goes_to_the_rural_team(bot):
    sent = await bot.say("路边电线杆倒了，电线掉在地上", sender="r1", group=JOINT_VILLAGES)
    ticket = bot.store.ticket(1)
    assert ticket.team == "rural" and ticket.worker_id == CHEN and ticket.community is None
    [reply] = to_group(sent, JOINT_VILLAGES)
    assert "哪个村" in reply.text and "10米" in reply.text
    sent = await bot.say("东岭村3组村口", sender="r1", group=JOINT_VILLAGES)
    assert bot.store.ticket(1).community == "东岭村"
    assert "东岭村" in to_person(sent, CHEN)[0].text


async def test_an_ordinary_report_in_the_joint_village_group_is_asked_in_village_words(bot):
    [reply] = to_group(await bot.say("屋企冇电", sender="r1", group=JOINT_VILLAGES), JOINT_VILLAGES)
    assert "哪个村、几组几号" in reply.text


async def test_a_hazard_in_the_town_group_asks_for_the_village(bot):
    [reply] = to_group(await bot.say("电线掉地上了！", sender="r1", group=TOWN_GROUP), TOWN_GROUP)
    assert "哪个村" in reply.text and bot.store.ticket(1).team == "rural"


@pytest.mark.parametrize(
    "text",
    [
        "9栋2单元801停电了，家里老人用着制氧机",
        "9栋停电了 我爸在家做透析",
        "9栋3单元停电了，奶奶卧床，屋里三十多度",
    ],
)
async def test_life_support_and_the_vulnerable_are_urgent(bot, text):
    await bot.say(text, sender="r1", group=GROUP)
    assert bot.store.ticket(1).urgent


async def test_the_on_duty_leader_hears_of_a_danger_once(bot):
    await bot.say("3栋停电了", sender="r9", group=GROUP)  # to LI; the hazard goes to WANG
    sent = await bot.say("12栋门口电线掉地上了", sender="r1", group=GROUP)
    assert bot.store.ticket(2).worker_id == WANG
    assert len(to_person(sent, LI)) == 1


async def test_a_neighbour_giving_a_dangers_place_adds_it(bot):
    await bot.say("电线掉地上了", sender="r1", group=GROUP)
    sent = await bot.say("6栋2单元301", sender="r2", group=GROUP)
    assert bot.store.ticket(1).building == "6"
    assert not [o for o in to_person(sent, LI) if "催单" in o.text]
    assert "6栋" in to_person(sent, LI)[0].text
