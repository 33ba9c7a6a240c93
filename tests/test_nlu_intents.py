"""Intent precedence: fault now > complaint > progress; hypothetical and arrears
questions go to the FAQ; planned outages are outage queries."""

from __future__ import annotations

import pytest

from tests.nlu_station import ESTATE_GROUP, VILLAGE_GROUP, make_understander

U = make_understander()
WITH_FAQ = make_understander("some-entry")


def intent(text: str, u=U, group: str = ESTATE_GROUP) -> str:
    return u.understand(text, group).intent.value


@pytest.mark.parametrize(
    "text",
    [
        "要是家里跳闸了 可以自己先检查什么",
        "万一电线断了掉在路上应该怎么做",
        "空开经常跳一般是什么原因",
        "欠费被停了 交钱后几耐有电",
        "电费交了还没来电",
        "卡表充值以后一般要等多久才来电",
        "停电通知一般在哪里可以看到",
    ],
)
def test_hypothetical_general_and_arrears_questions_go_to_the_faq(text: str) -> None:
    assert intent(text, WITH_FAQ) == "faq"
    assert intent(text, U) == "other"  # the matcher declined: hand over, never guess


@pytest.mark.parametrize(
    "text",
    [
        "下周三龙塘村停电吗",
        "听说明晚要停电 停到几点",
        "听日会唔会停电",
        "国庆放假有没有计划停电",
        "贴了停电通知 是全栋都停吗",
    ],
)
def test_planned_outages_are_outage_queries(text: str) -> None:
    assert intent(text, WITH_FAQ) == "outage_query"


def test_planned_outage_words_do_not_hide_an_outage_now() -> None:
    assert intent("明明没有通知 怎么突然停电了") == "fault_report"


@pytest.mark.parametrize(
    "text",
    [
        "昨晚报的修到现在没人来",
        "师傅出发了吗",
        "我下午报咗跳闸 有冇人跟进",
        "维修的几点到",
        "断掉的电线修好了没",
    ],
)
def test_questions_about_a_reported_repair_are_progress_queries(text: str) -> None:
    assert intent(text) == "progress_query"


@pytest.mark.parametrize(
    "text",
    [
        "报修三天都没人理 我要投诉",
        "接线员态度差到极点",
        "上礼拜停电一整天也不通知 太过分",
        "95598打了一上午都打不通",
    ],
)
def test_complaints_beat_progress(text: str) -> None:
    assert intent(text) == "complaint"


def test_a_fault_now_beats_a_complaint() -> None:
    assert intent("又停电了 你们效率太低了 我要投诉") == "fault_report"


def test_asking_how_to_complain_is_a_faq_question() -> None:
    assert intent("投诉电话是多少", WITH_FAQ) == "faq"


@pytest.mark.parametrize(
    "text", ["【转发】明日计划停电通知：8栋停电", "[转发] 台风来了注意电线安全 电线断了不要靠近"]
)
def test_forwarded_notices_are_other(text: str) -> None:
    u = WITH_FAQ.understand(text, ESTATE_GROUP)
    assert (u.intent, u.faq_id, u.address) == ("other", None, None)


@pytest.mark.parametrize("text", ["收到 谢谢师傅", "来电了 辛苦晒", "👍"])
def test_thanks_and_chatter_are_never_answered_from_the_faq(text: str) -> None:
    assert WITH_FAQ.understand(text, ESTATE_GROUP).faq_id is None


def test_a_matched_question_carries_its_faq_id_and_score() -> None:
    u = WITH_FAQ.understand("电费怎么交", ESTATE_GROUP)
    assert (u.intent, u.faq_id, u.faq_score, u.address) == ("faq", "some-entry", 0.9, None)


def test_set_faq_swaps_the_matcher() -> None:
    u = make_understander()
    assert u.understand("电费怎么交", ESTATE_GROUP).intent == "other"
    u.set_faq(make_understander("pay-methods")._faq)
    assert u.understand("电费怎么交", ESTATE_GROUP).faq_id == "pay-methods"


def test_set_faq_accepts_an_object_with_match() -> None:
    class Matcher:
        def match(self, text: str):
            return make_understander("hotline")._faq(text)

    u = make_understander()
    u.set_faq(Matcher())
    assert u.understand("客服电话几多号", VILLAGE_GROUP).faq_id == "hotline"


def test_non_fault_intents_have_no_fault_fields() -> None:
    u = U.understand("报修两个钟了 师傅几时到", ESTATE_GROUP)
    assert (u.fault_type, u.urgent, u.address) == (None, False, None)


def test_time_words_in_another_clause_do_not_make_a_report_a_query() -> None:
    assert intent("5栋停电 明天还要上班怎么办") == "fault_report"


def test_a_past_outage_is_no_report_but_an_old_one_mentioned_is() -> None:
    assert intent("上个礼拜停电冰箱坏了") == "other"
    assert intent("停电 以前从来没试过这样") == "fault_report"


def test_power_back_is_not_a_report() -> None:
    assert intent("刚才停了一阵 而家有电了 多谢") == "other"
    assert intent("家里没有电了 邻居有电") == "fault_report"


def test_outages_again_and_again_are_a_complaint() -> None:
    assert intent("这个月经常停电 还让不让人活") == "complaint"


def test_cantonese_whole_day_is_not_a_habit() -> None:
    assert intent("听讲星期六要检修 成日停电") == "outage_query"


@pytest.mark.parametrize(
    "text",
    [
        "供电所的服务越来越差",
        "那个师傅好凶",
        "我要向上级反映你们的问题",
        "修了三次还是坏 你们到底会不会修",
    ],
)
def test_complaints_about_service_or_staff_without_the_word_complain(text: str) -> None:
    assert intent(text) == "complaint"


def test_a_job_number_is_not_the_12345_hotline() -> None:
    assert intent("单号1234567 进度如何") == "progress_query"


def test_when_will_the_worker_arrive_is_progress() -> None:
    assert intent("抢修师傅大概几点能到") == "progress_query"


@pytest.mark.parametrize(
    "text",
    [
        "明天几点倒垃圾",
        "公交车几点到",
        "有人知道快递站在哪吗",
        "手机充电器坏了 有人借一个吗",
        "冰箱不制冷 找哪个师傅修",
        "谁家的猫跑出来了",
    ],
)
def test_neighbours_chatter_is_other(text: str) -> None:
    assert intent(text) == "other"


@pytest.mark.parametrize(
    "text", ["【停电通知】因线路检修 8栋明日停电", "转：雷雨天注意用电安全", "转自公众号：电费新规"]
)
def test_posted_and_forwarded_notices_are_other(text: str) -> None:
    assert intent(text, WITH_FAQ) == "other"


def test_when_will_it_be_fixed_alone_is_progress() -> None:
    assert intent("什么时候修好啊 等了好久") == "progress_query"


def test_how_to_report_an_outage_is_a_question_unless_a_home_or_place_is_named() -> None:
    assert intent("停电了要怎么报修", WITH_FAQ) == "faq"
    assert intent("我家停电了 怎么报修", WITH_FAQ) == "fault_report"
    assert intent("3栋停电了 找谁修", WITH_FAQ) == "fault_report"


def test_where_to_see_notices_is_a_question_not_an_outage_query() -> None:
    assert intent("停电通知在哪看", WITH_FAQ) == "faq"


def test_it_happening_again_after_a_report_is_a_new_fault() -> None:
    assert intent("上午报的跳闸 现在又跳了") == "fault_report"
    assert intent("上午报的跳闸 有人跟进吗") == "progress_query"
