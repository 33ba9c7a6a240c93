"""Never silent on a report: plain reports get tickets, and a message about power at a
home that nothing reads confidently gets one short question. End to end, with the
shipped model and rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.fault_reports import ASK_REPORT, NOT_A_REPORT
from tests.conftest import GROUP, LI, to_group, to_person

BINJIANG = "滨江壹号电力服务群"
VAGUE = "我家那个电闸好奇怪"  # power, a home, and no clear fault


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("5栋电没了", GROUP),
        ("3栋2单元501跳阐了", GROUP),
        ("滨江1号2座停电了，有人知道什么原因吗", BINJIANG),
    ],
)
async def test_plain_reports_open_a_ticket(bot, text: str, group: str) -> None:
    sent = await bot.say(text, sender="r1", name="张阿姨", group=group)
    [reply] = to_group(sent, group)
    assert "工单号 1" in reply.text
    assert bot.store.ticket(1).text == text


@pytest.mark.parametrize("text", ["家里的电突然没有了", "空开一直往下掉"])
async def test_a_report_without_its_building_is_asked_for_it(bot, text: str) -> None:
    [reply] = to_group(await bot.say(text, sender="r1", group=GROUP), GROUP)
    assert "几栋几单元几号" in reply.text
    sent = await bot.say("6栋1单元302", sender="r1", group=GROUP)
    assert "工单号 1" in to_group(sent, GROUP)[0].text


async def test_a_bedridden_grandmother_in_the_heat_is_urgent(bot) -> None:
    await bot.say("3栋1单元402停电了，奶奶卧床不起，屋里三十多度", sender="r1", group=GROUP)
    assert bot.store.ticket(1).urgent


async def test_a_possible_report_is_asked_about_and_reported_on_yes(bot) -> None:
    [ask] = to_group(await bot.say(VAGUE, sender="r1", name="张阿姨", group=GROUP), GROUP)
    assert ask.text == ASK_REPORT and ask.mention_ids == ["r1"]
    assert bot.store.open_tickets() == []

    sent = await bot.say("报修", sender="r1", name="张阿姨", group=GROUP)
    [reply] = to_group(sent, GROUP)
    assert "几栋几单元几号" in reply.text, "the report goes on as any report: its address"
    sent = await bot.say("3栋2单元501", sender="r1", name="张阿姨", group=GROUP)
    assert "工单号 1" in to_group(sent, GROUP)[0].text
    ticket = bot.store.ticket(1)
    assert VAGUE in ticket.text and ticket.building == "3"
    assert to_person(sent, LI), "the worker gets the dispatch"


async def test_no_to_the_question_opens_nothing(bot) -> None:
    await bot.say(VAGUE, sender="r1", group=GROUP)
    [reply] = to_group(await bot.say("不是", sender="r1", group=GROUP), GROUP)
    assert reply.text == NOT_A_REPORT
    assert bot.store.open_tickets() == []
    # A later 报修 has nothing to confirm: it is read as any message.
    sent = await bot.say("是", sender="r1", group=GROUP)
    assert all(NOT_A_REPORT != o.text for o in to_group(sent, GROUP))
    assert bot.store.open_tickets() == []


async def test_only_the_asker_answers_and_only_while_the_question_stands(bot) -> None:
    await bot.say(VAGUE, sender="r1", group=GROUP)
    await bot.say("报修", sender="r2", group=GROUP)  # a neighbour's word confirms nothing
    assert bot.store.open_tickets() == []
    bot.clock.advance(timedelta(minutes=bot.app.config.service.address_wait_minutes + 1))
    await bot.app.tick()
    await bot.say("报修", sender="r1", group=GROUP)
    assert bot.store.open_tickets() == []


async def test_messages_the_readers_disagree_on_are_kept_for_labelling(bot) -> None:
    await bot.say(VAGUE, sender="r1", group=GROUP)
    await bot.say("谢谢师傅", sender="r2", group=GROUP)
    [kept] = bot.store.unsure_messages()
    assert (kept.text, kept.reason, kept.group_topic) == (VAGUE, "asked whether to report", GROUP)
