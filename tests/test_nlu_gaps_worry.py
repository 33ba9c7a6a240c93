"""Where feedback goes (hotline, not a complaint), asking on someone's behalf, a worry
about a future outage, a meme cry and other dues next to a real outage, a worker's
promised return, a bare 有 that names someone, a supply too small for the load, and
a known pole asked about in the next clause."""

from __future__ import annotations

import pytest

from handlers.nlu.faq import FaqMatcher
from handlers.nlu.kb import load_kb
from tests.conftest import PROJECT
from tests.nlu_station import ESTATE_GROUP, VILLAGE_GROUP, WITH_FAQ, intent, make_understander

U = make_understander()


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    return FaqMatcher(load_kb(PROJECT / "kb"))


def read(text: str, group: str = ESTATE_GROUP):
    return U.understand(text, group)


# 1. Where or to whom feedback goes is the hotline question; a grievance stays a complaint.
@pytest.mark.parametrize(
    "text", ["电费账单我有疑问想反映，应该找谁？", "想反馈问题去哪里反馈比较快"]
)
def test_asking_where_to_give_feedback_is_a_question(text: str) -> None:
    assert intent(text, WITH_FAQ) == "faq"


@pytest.mark.parametrize(
    "text", ["抢修的人态度好差，我要反映，找谁都冇用", "拖了三天还没修好，我要反映"]
)
def test_feedback_that_states_the_grievance_is_a_complaint(text: str) -> None:
    assert intent(text) == "complaint"


def test_feedback_to_whom_is_answered_by_the_hotline(matcher: FaqMatcher) -> None:
    m = matcher.match("客服热线多少号？对供电有意见的话向谁反映？")
    assert m is not None and m.id == "hotline"


# 2. 帮X问 frames the question: the person is not its subject.
def test_asking_for_grandpa_about_autodebit_is_autodebit(matcher: FaqMatcher) -> None:
    m = matcher.match("替爷爷问下：银行自动扣电费那张卡不用了，代扣想改到另一张卡怎么弄？")
    assert m is not None and m.id == "pay-autodebit"


def test_paying_for_the_elderly_still_pulls_its_entry(matcher: FaqMatcher) -> None:
    m = matcher.match("帮阿婆交电费 她没有智能手机 可以去哪交")
    assert m is not None and m.id == "pay-elderly"


# 3. A worry about a future outage is no outage now.
@pytest.mark.parametrize(
    "text", ["余额在哪里看啊 好担心到时突然停电", "电费剩多少怎么查 就怕有一天冇电"]
)
def test_a_worry_about_some_day_is_no_report(text: str) -> None:
    assert intent(text, WITH_FAQ) == "faq"


@pytest.mark.parametrize("text", ["怕是停电了吧 灯全灭了", "又没电了 我好怕黑"])
def test_an_outage_now_with_fear_words_is_still_a_report(text: str) -> None:
    assert intent(text) == "fault_report"


# 4. A meme cry and homework not handed in do not hide a real outage.
def test_a_real_outage_with_chatter_and_homework_is_a_report() -> None:
    u = read("救命🤣 又停电了 网也断了 整座楼都黑晒 8座 论文还没交啊")
    assert (u.intent.value, u.fault_type.value, u.urgent) == ("fault_report", "area_outage", False)
    assert u.address.building == "8"


def test_unpaid_power_bill_still_means_arrears() -> None:
    assert intent("冇交电费被停电了 交完几耐来电", WITH_FAQ) == "faq"


def test_a_cry_for_help_with_a_life_at_stake_stays_urgent() -> None:
    assert read("救命啊 停电了 我爸用着制氧机").urgent


# 5. A worker who said they would come again, and when: progress.
@pytest.mark.parametrize(
    "text",
    ["上周来换表的工人讲过今日会再过来，几时到啊", "前天来看线路的电工说还要来一次 什么时候来"],
)
def test_a_promised_return_visit_is_progress(text: str) -> None:
    assert intent(text) == "progress_query"


@pytest.mark.parametrize("text", ["我老公说今天还要来一趟，几点到", "天气预报说台风还会来，几点到"])
def test_someone_else_coming_is_no_progress(text: str) -> None:
    assert intent(text) != "progress_query"


# 6. 楼上有位老人 names someone upstairs; it does not say upstairs has power.
def test_someone_upstairs_does_not_make_a_building_outage_one_home() -> None:
    u = read("我们6栋整栋都停电两个钟了，对面有个阿伯在家用呼吸机，快点处理")
    assert (u.fault_type.value, u.urgent) == ("area_outage", True)


@pytest.mark.parametrize("text", ["我家冇电，隔壁有，点解", "对门有啊 就我家停电了"])
def test_a_bare_have_at_the_clause_end_still_contrasts(text: str) -> None:
    assert read(text).fault_type.value == "household_outage"


# 7. A supply too small for the load asks about capacity, not a voltage fault.
def test_capacity_too_small_is_the_capacity_question(matcher: FaqMatcher) -> None:
    text = "厂里想加大容量 功率不够带不动新机器 要带什么材料"
    assert intent(text, WITH_FAQ) == "faq"
    m = matcher.match(text)
    assert m is not None and m.id == "capacity-increase"


def test_an_appliance_that_will_not_start_is_still_voltage() -> None:
    assert read("空调带不动 电压好低").fault_type.value == "voltage"


# 8. A known pole asked about in the next clause is progress; a new one a hazard.
@pytest.mark.parametrize(
    "text", ["龙塘那根被车撞斜的电杆，扶起来了没有？", "嗰条吹断咗嘅电线，接好未"]
)
def test_a_known_fault_asked_in_the_next_clause_is_progress(text: str) -> None:
    assert intent(text, group=VILLAGE_GROUP) == "progress_query"


@pytest.mark.parametrize(
    "text",
    [
        "村口有根电线杆被撞歪了，修好了没有？",
        "那根撞歪的电线杆现在冒火花了，修好没有",
        "那根电杆又被撞歪了，快来修",
    ],
)
def test_a_pole_said_now_stays_an_urgent_hazard(text: str) -> None:
    u = read(text, VILLAGE_GROUP)
    assert (u.intent.value, u.fault_type.value, u.urgent) == ("fault_report", "hazard", True)
