"""Intent precedence: fault now > complaint > progress; hypothetical and arrears
questions go to the FAQ; planned outages are outage queries."""

from __future__ import annotations

import pytest

from tests.nlu_station import ESTATE_GROUP, VILLAGE_GROUP, WITH_FAQ, U, intent, make_understander


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
    u.set_faq(make_understander("pay-methods").faq)
    assert u.understand("电费怎么交", ESTATE_GROUP).faq_id == "pay-methods"


def test_set_faq_accepts_an_object_with_match() -> None:
    class Matcher:
        def match(self, text: str):
            return make_understander("hotline").faq(text)

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


@pytest.mark.parametrize(
    "text",
    [
        "倒咗嘅电杆扶返起身未",
        "你哋搞掂咗未 我可唔可以开返总掣",
        "变压器嗰边处理完了吗",
        "那根断线驳好未啊",
        "村尾嗰棵树锯走咗未",
        "之前说的那个电箱换完了没有",
        "维修进展怎么样了",
        "我屋企嗰单修成点呀",
        "抢修车到咗边",
        "电工师傅出门了没",
        "师傅到哪栋了",
        "师傅是否已经在路上",
        "有没有人在处理啊",
        "师傅出咗门未呀",
    ],
)
def test_asking_how_a_repair_is_going_is_progress(text: str) -> None:
    assert intent(text, WITH_FAQ) == "progress_query"


def test_a_hazard_still_going_on_while_asking_about_the_repair_is_a_report() -> None:
    assert intent("电线断咗修好了没 仲喺度冒火花") == "fault_report"


def test_fixed_and_out_again_is_a_report() -> None:
    assert intent("修好没几耐又停电") == "fault_report"


@pytest.mark.parametrize(
    "text",
    [
        "你哋啲人收钱唔做嘢 黑心",
        "约好上午来 又放鸽子",
        "个客服讲嘢好串 黑口黑面",
        "收咁多钱 坑人啊",
        "师傅讲听日嚟 结果等咗成日都冇影",
        "供电局真系吸血",
        "维修师傅成身酒气 冇素质",
        "师傅说下午来 结果一直没来",
        "这是什么破服务",
        "工程车乱停 塞住消防通道",
    ],
)
def test_complaints_in_other_words(text: str) -> None:
    assert intent(text, WITH_FAQ) == "complaint"


def test_a_fault_now_with_an_insult_is_still_a_report() -> None:
    assert intent("屋企冇电 打电话话嚟又唔嚟 放飞机") == "fault_report"


def test_complaining_about_the_property_company_is_not_ours() -> None:
    assert intent("物业乱收管理费 抢钱", WITH_FAQ) == "other"


def test_asking_whether_a_fee_is_overcharged_is_a_question() -> None:
    assert intent("为什么电费多收了违约金", WITH_FAQ) == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "检修停电的通知喺边个公众号睇",
        "停电公告一般在什么地方公布",
        "停电通知会发在哪里",
        "怎么才能收到停电通知",
        "有没有停电通知的公众号",
        "计划停电一般会提前通知吗",
        "停电预告点睇",
        "停电通知系咪会喺呢个群发",
    ],
)
def test_where_notices_are_published_is_a_question(text: str) -> None:
    assert intent(text, WITH_FAQ) == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "听晚会唔会停电 想知道要唔要买冰",
        "周六停电吗 我要提前准备",
        "后日8栋断唔断电",
        "听说下周二检修 停几耐",
    ],
)
def test_whether_an_outage_is_planned_is_an_outage_query(text: str) -> None:
    assert intent(text, WITH_FAQ) == "outage_query"


@pytest.mark.parametrize(
    "text",
    ["报障需要准备什么资料", "报修的时候要说清楚什么", "报修需要什么手续", "报修后一般多久有人来"],
)
def test_how_to_report_is_a_question_not_a_report_made(text: str) -> None:
    assert intent(text, WITH_FAQ) == "faq"


def test_a_report_made_earlier_is_still_progress() -> None:
    assert intent("上午报修的 要提供什么资料先有人嚟", WITH_FAQ) == "progress_query"


@pytest.mark.parametrize(
    "text",
    [
        "明日台风 大家早啲返屋企",
        "暴雨黄色预警 大家出入注意安全",
        "雷雨天气 请大家拔掉电器插头",
        "记得交电费啊 大家",
        "今日好大风",
    ],
)
def test_reminders_and_remarks_to_the_group_are_not_faq_questions(text: str) -> None:
    u = WITH_FAQ.understand(text, ESTATE_GROUP)
    assert (u.intent, u.faq_id) == ("other", None)


@pytest.mark.parametrize("text", ["明天8栋停电 大家记得储水", "停电通知已经贴喺大堂 大家睇下"])
def test_a_planned_outage_told_to_the_group_is_not_a_query(text: str) -> None:
    assert intent(text, WITH_FAQ) == "other"


@pytest.mark.parametrize(
    "text",
    [
        "打风的时候要拔插头吗",
        "营业厅周六开唔开门",
        "电费点交",
        "我昨日交咗电费 仲显示欠费",
        "这个月电费比上个月多了一倍",
        "麻烦告诉我户号喺边度",
    ],
)
def test_questions_asks_and_own_account_statements_still_reach_the_faq(text: str) -> None:
    assert intent(text, WITH_FAQ) == "faq"


def test_seeing_nothing_in_an_outage_is_no_question_about_notices() -> None:
    assert intent("停电 乜都睇唔到 好黑") == "fault_report"
