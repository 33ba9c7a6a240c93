"""Bad input never crashes the bot or half-writes the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Kind
from tests.conftest import ADMIN, GROUP, LI, to_group, to_person


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "👍", "。。。", "\n\t"])
async def test_empty_or_emoji_only_in_a_group_is_quiet(bot, text):
    assert await bot.say(text, sender="r1", group=GROUP) == []
    assert bot.store.count("tickets") == 0


@pytest.mark.parametrize("text", ["", "😀😀😀"])
async def test_empty_or_emoji_only_in_private_gets_a_greeting(bot, text):
    [reply] = await bot.say(text, sender="stranger")
    assert "有什么可以帮您" in reply.text


async def test_ten_thousand_characters_are_handled(bot):
    text = "3栋2单元501停电了" + "啊" * 10_000
    sent = await bot.say(text, sender="r1", group=GROUP)
    assert "工单号 1" in to_group(sent, GROUP)[0].text
    assert len(to_person(sent, LI)[0].text) < 500
    assert len(bot.store.ticket(1).text) <= 2000


async def test_huge_chatter_is_quiet(bot):
    assert await bot.say("哈" * 10_000, sender="r1", group=GROUP) == []


async def test_voice_in_private_asks_for_text(bot):
    [reply] = await bot.say("", sender="stranger", kind=Kind.voice)
    assert "文字" in reply.text


async def test_unknown_group_is_quiet_and_answers_when_mentioned(bot):
    assert await bot.say("3栋停电了", sender="r1", group="隔壁村闲聊群") == []
    [reply] = await bot.say("3栋停电了", sender="r1", group="隔壁村闲聊群", mentioned=True)
    assert "还没有开通" in reply.text
    assert bot.store.count("tickets") == 0


async def test_unknown_person_in_private_gets_a_hand_over(bot):
    sent = await bot.say("你好 在吗", sender="wxid_stranger", name="路人")
    [reply] = sent  # a greeting is answered, and nobody is paged for it
    assert reply.conversation.id == "wxid_stranger" and "您好" in reply.text
    sent = await bot.say("你们供电所几点下班", sender="wxid_stranger", name="路人")
    [reply] = [o for o in sent if o.conversation.id == "wxid_stranger"]
    assert "95598" in reply.text
    assert "路人" in to_person(sent, ADMIN)[0].text


async def test_rate_limit_holds_replies_but_never_drops_a_report(bot):
    for i in range(20):
        await bot.say(f"哈哈 是啊 {i}", sender="flood", group=GROUP)  # chatter draws no reply
    for i in range(1, 26):
        await bot.say(f"{i}栋停电了", sender="flood", group=GROUP)
    bot.clock.advance(timedelta(minutes=2))  # past the send governor's minute
    await bot.app.tick()

    answered = to_group(bot.gw.sent, GROUP)
    assert len(answered) == 21, "20 replies, then one notice that replies are held"
    assert "报修照常登记" in answered[20].text
    assert bot.store.count("tickets") == 25, "every report is still recorded"
    assert len(to_person(bot.gw.sent, LI)) + len(to_person(bot.gw.sent, "wxid_wang")) == 25


async def test_text_that_cannot_be_stored_is_logged_not_raised(bot):
    assert await bot.say("\ud83d停电了", sender="r1", group=GROUP) == []
    assert bot.store.count("tickets") == 0
