"""Every reply reads right on a phone: FAQ answers, small talk, names, commands, input.

Through the memory gateway on a real SQLite file, as residents, workers and the station
head would type; and a table test that renders every kb/ answer as a resident reads it.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.config import Config, Worker
from bot.messages import _INVISIBLE, Incoming, Kind, Outgoing, clean_text
from handlers.fault_reports import ASK_REPORT
from handlers.nlu.answers import MORE, SHORT_LIMIT, full_answer, short_answer
from handlers.nlu.kb import check_kb, load_kb
from handlers.smalltalk import OK
from tests.conftest import (
    ADMIN,
    GROUP,
    LI,
    PROJECT,
    VILLAGE_GROUP,
    WANG,
    start_bot,
    to_group,
    to_person,
)

KB = load_kb(PROJECT / "kb")
HELLO = "您好！我是供电小助手。报修请直接发地址和情况，如「3栋2单元501停电了」；电费、缴费的问题也可以直接问我。"
ADMINS_PAGED = "【待人工回复】"


def _admin_pages(sent: list[Outgoing]) -> list[Outgoing]:
    return [o for o in to_person(sent, ADMIN) if ADMINS_PAGED in o.text]


# -- FAQ answers: short first, 详细 for the rest, no broken sentence -----------------------


@pytest.mark.parametrize("entry_id", sorted(KB.entries))
@pytest.mark.parametrize("filled", [False, True], ids=["unfilled", "filled"])
def test_every_answer_reads_well_on_a_phone(entry_id: str, filled: bool):
    answer = KB.entries[entry_id].answer
    short = short_answer(answer, "95598", fill=filled)
    full = full_answer(answer, "95598", fill=filled)
    assert len(short.text.removesuffix(MORE).rstrip()) <= SHORT_LIMIT, short.text
    for shown in (short.text, full.text):
        assert "【" not in shown and "**" not in shown, shown
        assert "可拨打95598咨询" not in shown  # the old filler that broke sentences
        assert shown.count("请拨打95598咨询") <= 1  # the hotline offered once
        assert not re.search(r"见「[^」]+」(一条|那条)", shown)  # no entry titles
        for line in shown.splitlines():
            # no sentence left broken: no dangling lead-in, no empty clause
            assert not re.search(r"[，、：:]\s*[。；]", line), line
            assert line.strip() not in ("·", "：")
        if not filled:
            assert not re.search(r"[：:]$", shown.splitlines()[-1])
    assert short.more == bool(full.text.strip() != short.text.strip() and short.more)


def test_a_sentence_needing_an_unfilled_figure_is_left_out_and_the_hotline_offered_once():
    answer = (
        "交清后系统自动复电，一般【请管理员填写：复电时间】内来电。不用去营业厅。\n\n"
        "- 营业厅地址：【请管理员填写：营业厅地址，含门牌】\n- 带上户号。"
    )
    short = short_answer(answer, "95598")
    assert short.text == "不用去营业厅。\n具体的复电时间请拨打95598咨询。\n" + MORE
    full = full_answer(answer, "95598")
    assert full.text == (
        "不用去营业厅。\n\n· 带上户号。\n具体的复电时间、营业厅地址请拨打95598咨询。"
    )
    filled = short_answer(answer.replace("【请管理员填写：复电时间】", "2小时"), "95598")
    assert filled.text.startswith("交清后系统自动复电，一般2小时内来电。不用去营业厅。")


def test_a_lead_in_whose_list_is_all_unfilled_goes_with_it():
    answer = (
        "阶梯电价分三档。\n\n本地的档位：\n- 第一档：【请管理员填写：第一档】\n\n去南网在线查。"
    )
    assert full_answer(answer, "95598").text == (
        "阶梯电价分三档。\n\n去南网在线查。\n具体的第一档请拨打95598咨询。"
    )


def _kb_with(tmp_path: Path, answer: str) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir(parents=True)
    for name in ("synonyms.txt", "out-of-scope.txt"):
        (kb / name).write_text((PROJECT / "kb" / name).read_text(encoding="utf-8"), "utf-8")
    questions = ", ".join(f'"电费问题{i}怎么办"' for i in range(8))
    (kb / "x.md").write_text(
        f'+++\nid = "x"\ntitle = "测试"\nquestions = [{questions}]\n+++\n{answer}\n',
        encoding="utf-8",
    )
    return kb


def test_kb_check_fails_on_a_long_short_answer_and_a_title_reference(tmp_path: Path):
    problems, _ = check_kb(_kb_with(tmp_path, "电费" * 70 + "。\n\n其余。"))
    assert any("x.md:6:" in p and "more than 120" in p for p in problems), problems
    problems, _ = check_kb(_kb_with(tmp_path / "b", "欠费的请看「欠费停电」一条。"))
    assert any("refers to another entry" in p for p in problems), problems


def test_kb_check_shows_how_an_unfilled_answer_reads(tmp_path: Path):
    kb = _kb_with(tmp_path, "营业厅可以交电费。\n- 地址：【请管理员填写：营业厅地址】")
    problems, warnings = check_kb(kb)
    assert not problems
    [warned] = [w for w in warnings if "to fill in" in w]
    assert "营业厅可以交电费。 / 具体的营业厅地址请拨打95598咨询。" in warned


async def test_a_faq_answer_is_short_and_details_come_when_asked(bot):
    [reply] = await bot.say("营业厅周六上班吗", sender="r1", group=GROUP)
    assert len(reply.text) <= SHORT_LIMIT + len(MORE) + 1 and reply.text.endswith(MORE)
    assert "可拨打95598咨询" not in reply.text and "营业厅地址" in reply.text
    [details] = await bot.say("详细", sender="r1", group=GROUP)
    assert len(details.text) > len(reply.text) - len(MORE) and MORE not in details.text
    assert details.mentions[0].id == "r1"
    assert await bot.say("详细", sender="r1", group=GROUP) == []  # once; then chatter


async def test_details_are_for_the_one_who_asked_and_lapse(bot):
    await bot.say("阶梯电价怎么算", sender="r1", group=GROUP)
    assert await bot.say("详细", sender="r2", group=GROUP) == []  # not theirs
    bot.clock.advance(__import__("datetime").timedelta(minutes=31))
    assert await bot.say("详细", sender="r1", group=GROUP) == []


# -- small talk and the unknown ------------------------------------------------------------


async def test_greetings_get_a_short_hello_and_page_nobody(bot):
    sent = await bot.say("你好", sender="r1", group=GROUP, mentioned=True)
    assert len(sent) == 1 and "您好" in sent[0].text and len(sent[0].text) <= 80
    assert "95598" not in sent[0].text
    sent = await bot.say("在吗", sender="r2")
    assert len(sent) == 1 and "您好" in sent[0].text
    assert await bot.say("大家好", sender="r3", group=GROUP) == []  # not to the bot


async def test_thanks_are_welcome_when_said_to_the_bot_and_quiet_in_the_group(bot):
    assert await bot.say("谢谢", sender="r1", group=GROUP) == []
    sent = await bot.say("谢谢师傅", sender="r1", group=GROUP, mentioned=True)
    assert [o.text for o in sent] == ["不客气，有需要随时找我。"]
    assert not _admin_pages(sent)


@pytest.mark.parametrize("text", ["师傅早晨", "喂 有人在吗", "各位好呀", "小助手在不在？"])
async def test_greetings_in_many_words(bot, text):
    sent = await bot.say(text, sender="r1", group=GROUP, mentioned=True)
    assert [o.text for o in sent] == [HELLO]


@pytest.mark.parametrize("text", ["好的，谢谢阿姨", "👍谢谢你们", "收到 辛苦晒", "ok 麻烦你了"])
async def test_thanks_in_many_words_are_not_complaints(bot, text):
    sent = await bot.say(text, sender="r1", group=GROUP, mentioned=True)
    assert [o.text for o in sent] == ["不客气，有需要随时找我。"]
    assert bot.store.sql.value("select count(*) from complaints") == 0


@pytest.mark.parametrize(
    ("text", "who"),
    [("手机没信号了，打电话断断续续", "运营商"), ("3栋电梯门一直关不上", "物业")],
)
async def test_a_fault_with_no_word_of_power_is_referred_not_ticketed(bot, text, who):
    sent = await bot.say(text, sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 0 and who in to_group(sent, GROUP)[0].text


@pytest.mark.parametrize(
    "text",
    ["2栋燃气管好像漏了", "楼下一股煤气味好大", "屋企啲石油气味好重", "液化气瓶接口好似泄咗"],
)
async def test_a_gas_smell_comes_before_any_reading_as_a_power_fault(bot, text):
    sent = await bot.say(text, sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 0
    assert "开窗" in to_group(sent, GROUP)[0].text


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("明天天气怎么样", "天气预报"),
        ("小区垃圾几点收", "物业"),
        ("停水了找谁", "自来水公司"),
        ("家里宽带断了", "运营商"),
        ("今晚吃什么好", "用电"),
    ],
)
async def test_off_topic_gets_one_line_saying_who_handles_it(bot, text, who):
    sent = await bot.say(text, sender="r1", group=GROUP, mentioned=True)
    assert len(sent) == 1 and who in sent[0].text and "\n" not in sent[0].text
    assert not _admin_pages(sent)


async def test_a_broken_lift_goes_to_the_property_not_to_a_line_worker(bot):
    sent = await bot.say("电梯坏了找谁修", sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 0 and not to_person(sent, LI)
    assert "物业" in to_group(sent, GROUP)[0].text
    # with a word of power it is a report as before
    await bot.say("5栋停电了，电梯都停了", sender="r2", group=GROUP)
    assert bot.store.count("tickets") == 1


async def test_a_gas_smell_said_to_the_bot_gets_safety_advice(bot):
    [reply] = await bot.say("厨房煤气味很重怎么办", sender="r1", group=GROUP, mentioned=True)
    assert "开窗" in reply.text and "119" in reply.text


async def test_an_electricity_question_nobody_can_answer_still_goes_to_a_person(bot):
    sent = await bot.say("你们供电所几点下班", sender="r1", group=GROUP, mentioned=True)
    assert _admin_pages(sent)


# -- names ---------------------------------------------------------------------------------


@pytest.fixture
async def named_bot(base_config: Config, shared_services: dict, db_path: Path, clock):
    workers = [
        *base_config.workers,
        Worker(id="wxid_zhao", name="赵师傅", team="urban"),
        Worker(id="wxid_wang2", name="王刚", team="urban"),
    ]
    config = base_config.model_copy(update={"workers": workers})
    running = await start_bot(config, shared_services, db_path, clock)
    yield running
    await running.app.stop()


async def test_a_name_with_its_title_gets_no_second_one(named_bot):
    await named_bot.say("下班", sender=LI)
    await named_bot.say("下班", sender=WANG)
    await named_bot.say("下班", sender="wxid_wang2")
    await named_bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await named_bot.say("接单 1", sender="wxid_zhao")
    assert "赵师傅已接单" in to_group(sent, GROUP)[0].text
    assert all("师傅师傅" not in o.text for o in sent)


@pytest.mark.parametrize("said", ["赵师傅", "赵", "wxid_zhao"])
async def test_a_worker_is_found_by_name_surname_or_id(named_bot, said):
    await named_bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await named_bot.say(f"派单 1 {said}", sender=ADMIN)
    assert "已转给赵师傅" in to_person(sent, ADMIN)[0].text
    assert named_bot.store.ticket(1).worker_id == "wxid_zhao"


async def test_the_helps_own_example_works_and_an_ambiguous_surname_is_asked_back(named_bot):
    await named_bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    [asked] = await named_bot.say("派单 1 王师傅", sender=ADMIN)  # 王强 and 王刚
    assert "王强师傅" in asked.text and "王刚师傅" in asked.text and "全名" in asked.text
    sent = await named_bot.say("派单 1 王强师傅", sender=ADMIN)
    assert named_bot.store.ticket(1).worker_id == WANG, [o.text for o in sent]


async def test_the_example_config_serves_the_helps_example(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say("派单 1 王师傅", sender=ADMIN)
    assert "已转给王强师傅" in to_person(sent, ADMIN)[0].text


# -- commands by role ----------------------------------------------------------------------


async def test_each_roles_help_lists_exactly_what_it_can_do(bot):
    admin = (await bot.say("帮助", sender=ADMIN))[0].text
    worker = (await bot.say("帮助", sender=LI))[0].text
    resident = (await bot.say("帮助", sender="r1"))[0].text
    assert "派单 12" in admin and "接单 12" not in admin
    assert "接单 12" in worker and "派单" not in worker
    assert "接单" not in resident and "派单" not in resident and "报修" in resident


async def test_an_admin_sending_a_workers_command_is_told_the_admins_way(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    [reply] = await bot.say("接单 1", sender=ADMIN)
    assert "派单 1" in reply.text and "没看懂" not in reply.text


async def test_a_residents_done_in_the_group_is_passed_on_not_sent_private(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say("完成 1 我自己修好了", sender="r1", group=GROUP)
    assert "私聊" not in to_group(sent, GROUP)[0].text
    assert "我自己修好了" in to_person(sent, LI)[0].text


async def test_a_resident_asking_after_a_ticket_by_number_gets_its_progress(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    [reply] = await bot.say("工单1到哪了", sender="r1", group=GROUP, mentioned=True)
    assert "工单 1" in reply.text and "私聊" not in reply.text


async def test_handing_to_an_off_duty_worker_asks_first(bot):
    await bot.say("下班", sender=WANG)
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    [asked] = await bot.say("转单 1 王强", sender=LI)
    assert "没上班" in asked.text and "确认" in asked.text
    assert bot.store.ticket(1).worker_id == LI
    await bot.say("确认", sender=LI)
    assert bot.store.ticket(1).worker_id == WANG
    [nothing] = await bot.say("确认", sender=LI)
    assert "没有等您确认" in nothing.text


async def test_my_tickets_shows_ten_hazards_first_then_more(bot):
    for n in range(1, 25):
        await bot.say(f"{n}栋1单元101家里跳闸了", sender=f"r{n}", group=GROUP)
    await bot.say("25栋门口电线掉地上了", sender="r25", group=GROUP)
    for ticket in bot.store.open_tickets():
        if ticket.worker_id != LI:
            await bot.say(f"派单 {ticket.id} 李明", sender=ADMIN)
            await bot.say("确认", sender=ADMIN)
    total = len(bot.store.tickets_of_worker(LI))
    assert total >= 20
    [listing] = await bot.say("我的工单", sender=LI)
    lines = listing.text.splitlines()
    assert len([line for line in lines if line.lstrip("⚠️").startswith("#")]) == 10
    assert lines[1].startswith("⚠️") and "25栋" in lines[1]  # the hazard first
    assert f"还有 {total - 10} 张" in lines[-1] and len(listing.text) < 700
    [second] = await bot.say("更多", sender=LI)
    assert "#" in second.text and second.text.splitlines()[0] != lines[1]


# -- input hygiene -------------------------------------------------------------------------


def test_every_invisible_character_is_known():
    """Every Unicode control (but newline and tab) and format character is taken out,
    and nothing a phone shows."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf") and ch not in "\n\t\r":
            assert _INVISIBLE.match(ch), hex(code)
        elif _INVISIBLE.match(ch) and ch != "\r":  # \r becomes a newline before
            assert category == "Cn", hex(code)  # only unassigned neighbours of the ranges


def test_clean_text_keeps_what_is_seen():
    assert clean_text("5栋\u200b1单元\u200c302停\u200d电了\ufeff") == "5栋1单元302停电了"
    assert clean_text("a\r\nb\tc\x07") == "a\nb c"
    assert clean_text("@供电小助手\u2005停电了 👨\u200d🔧") == "@供电小助手\u2005停电了 👨🔧"


async def test_zero_width_characters_do_not_hide_a_report(bot):
    sent = await bot.say("5栋\u200b1单元\u200c302停\u200d电了", sender="r1", group=GROUP)
    ticket = bot.store.ticket(1)
    assert ticket is not None and (ticket.building, ticket.unit, ticket.room) == ("5", "1", "302")
    [dispatch] = [o for o in sent if "新工单" in o.text]
    assert not _INVISIBLE.search(dispatch.text)


async def test_bidi_and_control_characters_never_reach_a_worker(bot):
    sent = await bot.say("3栋2单元501停电了\u202e快来\x1b[31m", sender="r1", group=GROUP)
    [dispatch] = [o for o in sent if "新工单" in o.text]
    assert "\u202e" not in dispatch.text and "\x1b" not in dispatch.text
    stored = bot.store.sql.value("select payload from inbox")
    assert "\\u202e" not in stored and "\u202e" not in stored
    assert Incoming.model_validate_json(stored).text == "3栋2单元501停电了快来[31m"


@pytest.mark.parametrize("kind", [Kind.voice, Kind.image])
async def test_a_voice_or_picture_in_answer_to_where_asks_for_words(bot, kind):
    [asked] = await bot.say("我家停电了", sender="r1", group=GROUP)
    assert "几栋" in asked.text
    [reply] = await bot.say("[语音]", sender="r1", group=GROUP, kind=kind)
    assert "文字" in reply.text and "地址" in reply.text
    assert await bot.say("[语音]", sender="r2", group=GROUP, kind=kind) == []  # not asked


# -- found in review: dangers, waits and station business are never referred away --------

NOT_OURS_WORDS = "只能帮忙停电报修"
PAGED = "【待人工回复】"


# 1. A person trapped in a lift (LIFE_SUPPORT: 被困/困住/困喺) was an urgent ticket;
#    the referral handler now answers "call the property" and nobody at the station hears.
@pytest.mark.parametrize(
    "text",
    ["3栋电梯停了有人被困", "3栋电梯不动了，有老人被困在里面", "电梯停了困了人"],
)
async def test_someone_trapped_in_a_lift_still_reaches_the_station(bot, text):
    sent = await bot.say(text, sender="r1", group=GROUP)
    reached = bot.store.count("tickets") == 1 or any(not o.conversation.is_group for o in sent)
    assert reached, [o.text for o in sent]


async def test_cantonese_trapped_in_lift_is_not_told_we_only_do_power(bot):
    sent = await bot.say("部𨋢坏咗，有人困喺入面", sender="r1", group=VILLAGE_GROUP, mentioned=True)
    assert not any(NOT_OURS_WORDS in o.text for o in sent), [o.text for o in sent]


# 2. The answer to the bot's own "几栋几单元？" is hijacked by the referral handler when
#    it mentions a door, rubbish room, lift...: the outage report is lost.
@pytest.mark.parametrize(
    "answer", ["3栋2单元，门禁也打不开", "7栋，在垃圾房旁边那个单元", "9栋 电梯坏了困着人"]
)
async def test_the_address_asked_for_opens_the_ticket(bot, answer):
    [asked] = await bot.say("我家停电了", sender="r1", group=GROUP)
    assert "几栋" in asked.text
    sent = await bot.say(answer, sender="r1", group=GROUP)
    assert bot.store.count("tickets") == 1, [o.text for o in sent]


# 3. Not-ours catch-all: anything said to the bot without a "power" word is deflected,
#    including station business that used to reach a person.
@pytest.mark.parametrize(
    "text",
    [
        "我要换表",
        "表箱门坏了",
        "能不能派个师傅来看看",
        "转人工",
        "怎么联系你们所长",
        "什么时候能修好",
    ],
)
async def test_station_business_is_not_deflected_as_off_topic(bot, text):
    sent = await bot.say(text, sender="r1", group=GROUP, mentioned=True)
    assert not any(NOT_OURS_WORDS in o.text for o in sent), [o.text for o in sent]
    assert any(PAGED in o.text for o in to_person(sent, ADMIN)), [o.text for o in sent]


@pytest.mark.parametrize("text", ["鱼塘的增氧机停了，鱼要死了", "3组的水泵抽不上水", "冷库停了"])
async def test_village_equipment_stopping_is_not_off_topic(bot, text):
    sent = await bot.say(text, sender="r1", group=VILLAGE_GROUP, mentioned=True)
    assert not any(NOT_OURS_WORDS in o.text for o in sent), [o.text for o in sent]


async def test_a_reporter_asking_when_it_will_be_fixed_is_not_told_we_only_do_power(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    sent = await bot.say("谢谢师傅，什么时候能修好", sender="r1", group=GROUP, mentioned=True)
    assert sent and not any(NOT_OURS_WORDS in o.text for o in sent), [o.text for o in sent]


async def test_hello_then_question_in_private_is_not_deflected(bot):
    sent = await bot.say("你好，我想问一下", sender="r1")
    assert not any(NOT_OURS_WORDS in o.text for o in sent), [o.text for o in sent]


# 4. A stale 确认 hands over a ticket the worker no longer holds (no permission re-check).
async def test_a_stale_confirm_cannot_move_a_ticket_taken_away_meanwhile(bot):
    await bot.say("3栋2单元501停电了", sender="r1", group=GROUP)
    await bot.say("派单 1 王强", sender=ADMIN)
    assert bot.store.ticket(1).worker_id == WANG
    [asked] = await bot.say("转单 1 陈伟", sender=WANG)  # another team: asked to 确认
    assert "确认" in asked.text
    await bot.say("派单 1 李明", sender=ADMIN)  # the head gives it to 李明 meanwhile
    assert bot.store.ticket(1).worker_id == LI
    await bot.say("确认", sender=WANG)  # 王强 no longer holds it and is no leader
    assert bot.store.ticket(1).worker_id == LI


async def test_more_does_not_list_finished_tickets(bot):
    for n in range(1, 14):
        await bot.say(f"{n}栋1单元101家里跳闸了", sender=f"r{n}", group=GROUP)
    [listing] = await bot.say("我的工单", sender=LI)
    assert "更多" in listing.text
    shown = {line.split()[0] for line in listing.text.splitlines() if line.startswith("#")}
    for t in bot.store.tickets_of_worker(LI):
        if f"#{t.id}" not in shown:
            await bot.say(f"接单 {t.id}", sender=LI)
            await bot.say(f"完成 {t.id} 好了", sender=LI)
    [more] = await bot.say("更多", sender=LI)
    assert "已修好" not in more.text, more.text


async def test_staff_greeted_are_pointed_to_their_help(bot):
    [reply] = await bot.say("你好", sender=LI)
    assert "帮助" in reply.text and "报修请直接发地址" not in reply.text


@pytest.mark.parametrize("word", ["确认", "更多", "详细", "上班"])
async def test_a_residents_bare_bot_word_with_nothing_waiting_gets_the_hello(bot, word):
    [reply] = await bot.say(word, sender="r1")
    assert reply.text == HELLO


@pytest.mark.parametrize("text", ["好的 明白了", "收到啦", "ok"])
async def test_an_acknowledgement_said_to_the_bot_pages_nobody(bot, text):
    sent = await bot.say(text, sender="r1", group=GROUP, mentioned=True)
    assert [o.text for o in sent] == ["好的，有需要随时找我。"]


# -- a yes is a yes: 好的 / 嗯嗯 after 请问是要报修吗 ------------------------------------------

VAGUE = "我家那个电闸好奇怪"


async def test_private_haode_answers_ask_report(bot):
    [ask] = to_person(await bot.say(VAGUE, sender="r1"), "r1")
    assert ask.text == ASK_REPORT
    sent = await bot.say("好的", sender="r1")  # in fault_reports.YES
    texts = [o.text for o in to_person(sent, "r1")]
    assert OK not in texts, texts
    assert bot.store.open_tickets(), texts


async def test_group_mention_en_answers_ask_report(bot):
    [ask] = to_group(await bot.say(VAGUE, sender="r1", group=GROUP), GROUP)
    assert ask.text == ASK_REPORT
    sent = await bot.say("嗯嗯", sender="r1", group=GROUP, mentioned=True)
    texts = [o.text for o in to_group(sent, GROUP)]
    assert OK not in texts, texts
