"""After 完成: is power back, a rating, reopening, closing unconfirmed; late and shared
addresses; complaints."""

from __future__ import annotations

from datetime import timedelta

from bot.router import URGENT
from tests.conftest import ADMIN, GROUP, LI, to_group, to_person


async def done(bot, text: str = "3栋2单元501停电了", sender: str = "r1") -> None:
    await bot.say(text, sender=sender, name="张阿姨", group=GROUP)
    await bot.say("完成 1 换了保险", sender=LI)


async def test_the_reporter_is_asked_and_answers_then_rates(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say("完成 1 换了保险", sender=LI)
    [asked] = to_group(sent, GROUP)
    assert "换了保险" in asked.text and "回复 1 已恢复，2 还没有" in asked.text

    [reply] = to_group(await bot.say("1", sender="r1", group=GROUP), GROUP)
    assert "打个分" in reply.text
    ticket = bot.store.ticket(1)
    assert (ticket.state, ticket.outcome) == ("closed", "confirmed")

    [thanks] = to_group(await bot.say("5", sender="r1", group=GROUP), GROUP)
    assert "评分" in thanks.text and bot.store.ticket(1).rating == 5
    assert await bot.say("5", sender="r1", group=GROUP) == [], "asked once, answered once"


async def test_someone_else_answering_1_changes_nothing(bot):
    await done(bot)
    assert await bot.say("1", sender="r9", group=GROUP) == []
    assert bot.store.ticket(1).state == "done"


async def test_answer_2_reopens_the_same_ticket_to_the_same_worker_first(bot):
    await done(bot)
    sent = await bot.say("2", sender="r1", group=GROUP)
    assert "重新交给李明师傅" in to_group(sent, GROUP)[0].text
    assert "【返修 #1】" in to_person(sent, LI)[0].text
    ticket = bot.store.ticket(1)
    assert (ticket.state, ticket.worker_id) == ("assigned", LI)
    assert bot.store.count("tickets") == 1
    rows = bot.store.sql.all("select text, priority from outbox where text like '【返修%'")
    assert rows[0]["priority"] == URGENT
    assert bot.store.ticket_events(1)[-1].action == "reopened"
    assert bot.store.ticket_events(1)[-1].actor_role == "resident"


async def test_still_no_power_or_out_again_within_48_hours_reopens(bot):
    await done(bot)
    bot.clock.advance(timedelta(hours=3))
    sent = await bot.say("还是没电啊", sender="r1", group=GROUP)
    assert "工单 1" in to_group(sent, GROUP)[0].text and to_person(sent, LI)
    await bot.say("完成 1 换了进线", sender=LI)
    await bot.say("1", sender="r1", group=GROUP)
    bot.clock.advance(timedelta(hours=20))
    sent = await bot.say("又停了", sender="r1", group=GROUP)
    assert "重新交给" in to_group(sent, GROUP)[0].text
    assert bot.store.count("tickets") == 1


async def test_after_48_hours_it_is_a_new_report(bot):
    await done(bot)
    bot.clock.advance(timedelta(hours=49))
    await bot.app.tick()
    await bot.say("3栋2单元501又停电了", sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 2


async def test_no_answer_in_a_day_closes_it_unconfirmed(bot):
    await done(bot)
    bot.clock.advance(timedelta(hours=24, minutes=1))
    await bot.app.tick()
    ticket = bot.store.ticket(1)
    assert (ticket.state, ticket.outcome, ticket.followup) == ("closed", "unconfirmed", None)


async def test_a_reopened_incident_tells_all_its_reporters_again(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("12栋也停电了", sender="r2", group=GROUP)
    await bot.say("完成 1 好了", sender=LI)
    await bot.say("2", sender="r2", group=GROUP)
    assert bot.store.ticket(1).state == "assigned" and bot.store.ticket(2).state == "joined"
    sent = await bot.say("完成 1 这次真好了", sender=LI)
    assert set(to_group(sent, GROUP)[0].mention_ids) == {"r1", "r2"}


async def test_an_address_after_the_wait_is_added_to_the_ticket(bot):
    await bot.say("我家跳闸了合不上", sender="r1", name="张阿姨", group=GROUP)
    bot.clock.advance(timedelta(minutes=11))
    await bot.app.tick()
    assert bot.store.ticket(1).building is None
    sent = await bot.say("7栋1单元302", sender="r1", name="张阿姨", group=GROUP)
    assert "已把位置补充到工单 1" in to_group(sent, GROUP)[0].text
    assert (bot.store.ticket(1).building, bot.store.ticket(1).room) == ("7", "302")
    assert "7栋1单元302" in to_person(sent, bot.store.ticket(1).worker_id)[0].text


async def test_a_vague_report_then_a_precise_one_is_one_ticket(bot):
    await bot.say("我家停电了", sender="r1", group=GROUP)
    await bot.say("我家跳闸了合不上，6栋2单元301", sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 1
    ticket = bot.store.ticket(1)
    assert (ticket.fault_type, ticket.building, ticket.room) == ("trip", "6", "301")


async def test_complaints_are_listed_for_admins_with_the_reporters_tickets(bot):
    await bot.say("3栋2单元501停电了", sender="r1", name="张阿姨", group=GROUP)
    await bot.say("等了三个钟都没人来，我要投诉", sender="r1", name="张阿姨", group=GROUP)
    await bot.say("你们服务太差了 投诉", sender="r2", name="李叔", group=GROUP)

    [listing] = to_person(await bot.say("投诉", sender=ADMIN), ADMIN)
    lines = listing.text.splitlines()
    assert "李叔" in lines[1] and "工单" not in lines[1]
    assert "张阿姨" in lines[2] and "工单 #1" in lines[2]
    [asked] = await bot.say("投诉", sender="r1")  # a resident's word: what about?
    assert "遇到了什么问题" in asked.text
    [asked] = to_group(await bot.say("我要投诉", sender="r1", group=GROUP), GROUP)
    assert "遇到了什么问题" in asked.text


async def test_a_neighbour_saying_it_again_after_a_reopen_goes_back_into_it(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("12栋也停电了", sender="r2", group=GROUP)
    await bot.say("完成 1 换了保险", sender=LI)
    await bot.say("1", sender="r2", group=GROUP)
    sent = await bot.say("2", sender="r1", group=GROUP)
    assert set(to_group(sent, GROUP)[0].mention_ids) == {"r1"}, "r2 said theirs is back"
    [reply] = to_group(await bot.say("又停了", sender="r2", group=GROUP), GROUP)
    assert "已重新交给李明师傅" in reply.text
    assert bot.store.ticket(2).state == "joined"
    sent = await bot.say("完成 1 这回好了", sender=LI)
    assert set(to_group(sent, GROUP)[0].mention_ids) == {"r1", "r2"}


async def test_every_reporter_is_closed_after_a_day_though_one_answered(bot):
    await bot.say("12栋停电了", sender="r1", group=GROUP)
    await bot.say("12栋也停电了", sender="r2", group=GROUP)
    await bot.say("完成 1 换了保险", sender=LI)
    await bot.say("1", sender="r1", group=GROUP)
    bot.clock.advance(timedelta(hours=25))
    await bot.app.tick()
    assert (bot.store.ticket(2).state, bot.store.ticket(2).outcome) == ("closed", "unconfirmed")
    bot.clock.advance(timedelta(days=5))
    assert await bot.say("2", sender="r2", group=GROUP) == []
    assert bot.store.ticket(1).state == "closed"


async def test_the_report_again_with_the_place_adds_it_to_the_ticket(bot):
    await bot.say("我家跳闸了合不上", sender="r1", group=GROUP)
    bot.clock.advance(timedelta(minutes=11))
    await bot.app.tick()
    sent = await bot.say("我家跳闸了合不上，6栋2单元301", sender="r1", group=GROUP)
    assert "已把位置补充到工单 1" in to_group(sent, GROUP)[0].text
    assert (bot.store.ticket(1).building, bot.store.ticket(1).room) == ("6", "301")
    assert not [o for o in to_person(sent, LI) if "催单" in o.text]


async def test_a_bare_complaint_then_what_it_is_about_is_recorded_and_relayed(bot):
    [asked] = to_group(await bot.say("我要投诉", sender="r1", group=GROUP), GROUP)
    assert "遇到了什么问题" in asked.text
    sent = await bot.say("昨天下午等了三个小时都没人来修", sender="r1", group=GROUP)
    assert "已记录" in to_group(sent, GROUP)[0].text
    assert "三个小时" in to_person(sent, ADMIN)[0].text
    [listing] = to_person(await bot.say("投诉", sender=ADMIN), ADMIN)
    assert "我要投诉" in listing.text and "三个小时" in listing.text
