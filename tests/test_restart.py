"""Nothing lost, nothing doubled: restarts, repeated deliveries, crashes mid-way, send failures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Kind
from bot.store_service import iso
from tests.conftest import GROUP, LI, start_bot, to_group, to_person


async def test_restart_halfway_through_a_ticket_continues_the_loop(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    await first.say("3栋2单元501停电了", sender="r1", name="张阿姨", group=GROUP)
    await first.say("接单 1", sender=LI)
    await first.app.stop()

    second = await start_bot(base_config, shared_services, db_path, clock)
    try:
        assert second.gw.sent == [], "nothing is sent again at start"
        sent = await second.say("到达 1", sender=LI)
        assert "已到现场" in to_group(sent, GROUP)[0].text
        await second.say("完成 1 换了保险", sender=LI)
        assert [t.id for t in second.store.open_tickets()] == []
        assert second.store.count("tickets") == 1
        assert [e.action for e in second.store.ticket_events(1)] == [
            "opened",
            "assigned",
            "accepted",
            "arrived",
            "done",
        ]
        assert len(second.gw.sent) == 4  # two steps, each: the worker and the group
    finally:
        await second.app.stop()


async def test_same_message_id_twice_makes_one_ticket(bot):
    first = await bot.say("3栋停电了", sender="r1", group=GROUP, message_id="wx-1")
    again = await bot.say("3栋停电了", sender="r1", group=GROUP, message_id="wx-1")

    assert first and again == []
    assert bot.store.count("tickets") == 1


async def test_handler_crash_rolls_back_and_apologises(bot, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.store, "move_ticket", broken)
    sent = await bot.say("3栋停电了", sender="r1", group=GROUP)

    [reply] = sent
    assert "抱歉" in reply.text and reply.mention_ids == ["r1"]
    assert bot.store.count("tickets") == 0, "the half-made ticket is rolled back"
    assert bot.store.unsent() == []


async def test_message_recorded_but_not_handled_is_replayed_at_start(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    msg = first.gw.message("3栋停电了", sender="r1", group=GROUP, message_id="wx-crash")
    first.store.record_arrivals([(msg.id, clock.now())], [(msg.id, msg)], clock.now())
    await first.app.stop()  # the crash came right after the message was recorded

    second = await start_bot(base_config, shared_services, db_path, clock)
    try:
        assert second.store.count("tickets") == 1
        assert to_group(second.gw.sent, GROUP) and to_person(second.gw.sent, LI)
        assert await second.say("3栋停电了", sender="r1", group=GROUP, message_id="wx-crash") == []
    finally:
        await second.app.stop()


async def test_an_id_recorded_before_its_payload_is_fetched_again_at_start(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    msg = first.gw.message("3栋停电了", sender="r1", group=GROUP, message_id="wx-early")
    first.store.record_arrivals([(msg.id, clock.now())], [], clock.now())
    await first.app.stop()  # the crash came before the payload was fetched

    second = await start_bot(base_config, shared_services, db_path, clock, known=[msg])
    try:
        assert second.gw.fetched == ["wx-early"]
        assert second.store.count("tickets") == 1
        assert to_group(second.gw.sent, GROUP) and to_person(second.gw.sent, LI)
    finally:
        await second.app.stop()


async def test_an_id_that_cannot_be_fetched_again_is_dropped_not_retried_forever(
    base_config, shared_services, db_path, clock
):
    first = await start_bot(base_config, shared_services, db_path, clock)
    first.store.record_arrivals([("wx-gone", clock.now())], [], clock.now())
    await first.app.stop()

    second = await start_bot(base_config, shared_services, db_path, clock)
    try:
        assert second.store.unfetched_messages() == []
        assert second.store.waiting_count() == 0
    finally:
        await second.app.stop()


async def test_failed_sends_stay_in_the_outbox_and_go_out_later(bot):
    bot.gw.fail_sends = True
    assert await bot.say("3栋停电了", sender="r1", group=GROUP) == []
    assert bot.store.count("tickets") == 1
    assert len(bot.store.unsent()) == 2

    bot.gw.fail_sends = False
    bot.clock.advance(timedelta(seconds=2))
    await bot.app.tick()
    assert bot.store.unsent() == []
    assert to_group(bot.gw.sent, GROUP) and to_person(bot.gw.sent, LI)


@pytest.mark.parametrize("kind", [Kind.image, Kind.voice])
async def test_pictures_and_voice_in_a_group_are_quiet_unless_the_bot_is_mentioned(bot, kind):
    assert await bot.say("", sender="r1", group=GROUP, kind=kind) == []
    sent = await bot.say("", sender="r1", group=GROUP, kind=kind, mentioned=True)
    assert "文字" in sent[0].text


async def test_a_send_that_keeps_failing_is_retried_with_waits_then_given_up(bot):
    bot.gw.fail_sends = True
    await bot.say("3栋停电了", sender="r1", group=GROUP)
    [first, second] = bot.store.unsent()
    assert first.attempts == 1 and not first.due(bot.clock.now())

    await bot.app.tick()  # not due yet: no new try
    assert bot.store.unsent()[0].attempts == 1
    for _ in range(60):
        bot.clock.advance(timedelta(minutes=5))
        await bot.app.tick()
    # (the ticket's clocks have queued more meanwhile; these two have been given up)
    rows = [
        bot.store.sql.one("select * from outbox where id = ?", [item.id])
        for item in (first, second)
    ]
    assert all(r["given_up_at"] and r["sent_at"] is None for r in rows)


async def test_messages_to_one_chat_keep_their_order_after_a_failure(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    bot.gw.fail_sends = True
    await bot.say("接单 1", sender=LI)
    bot.gw.fail_sends = False
    await bot.say("到达 1", sender=LI)
    assert len(to_person(bot.gw.sent, LI)) == 1, "the reply to 到达 waits behind the failed one"

    bot.clock.advance(timedelta(seconds=5))
    await bot.app.tick()
    to_li = [o.text for o in to_person(bot.gw.sent, LI)]
    assert to_li[1].startswith("已接单") and to_li[2].startswith("已记录到达")


async def test_a_chat_waiting_to_retry_does_not_hold_up_the_others_however_much_piles_up(bot):
    from bot.messages import Conversation, Outgoing

    stuck = Conversation.group("群-机器人已被移出")
    now = bot.clock.now()
    first = bot.store.enqueue(Outgoing(conversation=stuck, text="通知"), now)
    item = next(i for i in bot.store.unsent() if i.id == first)
    bot.store.mark_send_failed(item, "not in the room", now)  # tried again in 2 s
    for n in range(30):
        bot.store.enqueue(Outgoing(conversation=stuck, text=f"通知 {n}"), now)
    other = bot.store.enqueue(Outgoing(conversation=Conversation.private("r9"), text="好的"), now)
    assert [i.id for i in bot.store.unsent(10, now)] == [other], "the stuck chat left out whole"
    assert other not in [i.id for i in bot.store.unsent(10)], "read blindly, 10 fill up first"
    later = now + timedelta(seconds=3)
    assert [i.id for i in bot.store.unsent(10, later)][0] == first, "then its turn comes again"


class PowerCut(BaseException):
    """Stands for the process dying: not an error any handler could catch."""


async def test_crash_mid_handling_is_replayed_at_start_without_doubling(
    base_config, shared_services, db_path, clock, monkeypatch
):
    first = await start_bot(base_config, shared_services, db_path, clock)

    def die(*args, **kwargs):
        raise PowerCut

    monkeypatch.setattr(first.store, "move_ticket", die)
    with pytest.raises(PowerCut):
        await first.say("3栋停电了", sender="r1", group=GROUP, message_id="wx-9")
    assert first.store.count("tickets") == 0 and first.store.unsent() == []
    monkeypatch.undo()
    await first.app.stop()

    second = await start_bot(base_config, shared_services, db_path, clock)
    try:
        assert second.store.count("tickets") == 1
        assert len(to_group(second.gw.sent, GROUP)) == 1 and len(to_person(second.gw.sent, LI)) == 1
        assert await second.say("3栋停电了", sender="r1", group=GROUP, message_id="wx-9") == []
        assert second.store.count("tickets") == 1
    finally:
        await second.app.stop()


async def test_handled_messages_and_sent_replies_are_pruned_after_thirty_days(bot):
    await bot.say("3栋停电了", sender="r1", group=GROUP, message_id="wx-old")
    bot.clock.advance(timedelta(days=31))
    await bot.say("谢谢", sender="r1", group=GROUP, message_id="wx-new")
    await bot.app.tick()
    assert bot.store.sql.value("select count(*) from inbox where id = 'wx-old'") == 0
    assert bot.store.sql.value("select count(*) from inbox where id = 'wx-new'") == 1
    cutoff = iso(bot.clock.now() - timedelta(days=30))
    old = "select count(*) from outbox where created_at < ?"
    assert bot.store.sql.value(old, [cutoff]) == 0, "old replies went too"
    assert bot.store.sql.value("select count(*) from outbox") > 0, "the new ones stay"
    assert bot.store.count("tickets") == 1, "tickets are records, never pruned"
