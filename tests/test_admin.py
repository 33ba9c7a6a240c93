"""Admins' queue and manual dispatch, and what everyone else may not do."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, GROUP, LI, WANG, to_group, to_person


async def test_admin_lists_open_tickets(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("5栋停电了", sender="r2", group=GROUP)
    await bot.say("完成 2 好了", sender=WANG)

    sent = await bot.say("工单", sender=ADMIN)
    text = to_person(sent, ADMIN)[0].text
    assert "1 张" in text and "#1" in text and "#2" not in text


async def test_admin_assigns_a_ticket_and_the_old_worker_is_told(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)

    sent = await bot.say("派单 1 王强", sender=ADMIN)
    assert "已转给王强师傅" in to_person(sent, ADMIN)[0].text
    assert "【新工单 #1】" in to_person(sent, WANG)[0].text
    assert "不用再去" in to_person(sent, LI)[0].text
    assert "王强师傅" in to_group(sent, GROUP)[0].text
    event = bot.store.ticket_events(1)[-1]
    assert (event.action, event.actor_id, event.actor_role) == ("assigned", ADMIN, "admin")


async def test_resident_cannot_use_worker_or_admin_commands(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)

    for text in ("接单 1", "派单 1 王强", "完成 1"):
        sent = await bot.say(text, sender="r1")
        assert "只有" in sent[0].text, text
    # 工单 from a resident asks after their own repair, not the station's queue
    sent = await bot.say("工单", sender="r1")
    assert "您的报修进度" in sent[0].text and "工单 1" in sent[0].text
    assert bot.store.ticket(1).state == "assigned" and bot.store.ticket(1).worker_id == LI
    sent = await bot.say("接单 1", sender="r1", group=GROUP)
    assert "只有" in sent[0].text


async def test_worker_cannot_use_admin_commands(bot):
    sent = await bot.say("工单", sender=LI)
    assert "管理员" in sent[0].text and "我的工单" in sent[0].text


async def test_help_depends_on_the_role(bot):
    assert "报修" in (await bot.say("帮助", sender="r1", group=GROUP))[0].text
    assert "接单 12" in (await bot.say("帮助", sender=LI))[0].text
    assert "派单 12" in (await bot.say("帮助", sender=ADMIN))[0].text


async def test_assigning_to_the_current_worker_changes_nothing(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say("派单 1 李明", sender=ADMIN)
    assert "不用转" in sent[0].text and len(sent) == 1


@pytest.mark.parametrize("text", ["工单1什么时候到", "工单 1 怎么还没人来", "到达1栋了吗"])
async def test_a_residents_question_naming_a_ticket_is_not_refused_as_a_command(bot, text):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say(text, sender="r1", group=GROUP)
    assert all("只有" not in o.text for o in sent)


async def test_a_first_manual_dispatch_tells_the_resident_it_is_arranged(bot):
    await bot.say("下班", sender=LI)
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)

    sent = await bot.say("派单 1 李明", sender=ADMIN)
    assert "现在没上班" in sent[0].text and "确认" in sent[0].text  # off duty: asked first
    assert bot.store.ticket(1).worker_id is None
    sent = await bot.say("确认", sender=ADMIN)
    assert "已安排李明师傅处理" in to_group(sent, GROUP)[0].text
