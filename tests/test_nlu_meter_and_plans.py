"""Planned outages asked about (arranged, or moved to another day) and meter faults
told as a story: a top-up that brought no power, a card the meter will not read,
a meter running with nobody home. Each rule comes with near-misses that must not fire.
The sentences are written for these tests, not taken from the dev set."""

from __future__ import annotations

import pytest

from handlers.nlu.numerals import to_digits
from tests.nlu_station import ESTATE_GROUP, VILLAGE_GROUP, WITH_FAQ, reading, where


@pytest.mark.parametrize(
    "text",
    [
        "下周三我们村是不是安排了停电？要提前买蜡烛",
        "听日有冇安排停电啊，屋企要煲汤",
        "周末供电所有没有计划断电 老人要用制氧机",
    ],
)
def test_an_arranged_outage_asked_about_is_an_outage_query(text: str) -> None:
    assert reading(text) == ("outage_query", None)


@pytest.mark.parametrize("text", ["又停电了，孩子要写作业 3栋", "停电了，明早还要返工，快点来电啦"])
def test_an_outage_now_with_a_reason_stays_a_report(text: str) -> None:
    assert reading(text)[0] == "fault_report"


@pytest.mark.parametrize(
    "text",
    [
        "之前通知的检修停电推迟到几号了",
        "原本周五那次停电，延期了吗",
        "电网改造停电改期了没有",
        "检修顺延到哪一天",
    ],
)
def test_an_announced_outage_moved_to_another_day_is_an_outage_query(text: str) -> None:
    assert reading(text) == ("outage_query", None)


@pytest.mark.parametrize(
    "text", ["报修的师傅改到明天来？", "我的报装申请推迟到下周了吗", "厨房改造推迟到几号"]
)
def test_other_things_moved_are_no_outage_query(text: str) -> None:
    assert reading(text)[0] != "outage_query"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("买咗电半个钟，仲未有电 2栋1单元", (None, "2", "1", None)),
        ("卡表下午充值了，到而家都冇电 8栋602", (None, "8", None, "602")),
    ],
)
def test_a_top_up_with_no_power_now_is_a_meter_fault(text: str, want: tuple) -> None:
    assert reading(text) == ("fault_report", "meter")
    assert where(text)[1:] == want[1:]


@pytest.mark.parametrize("text", ["卡表充值以后通常要等多久才有电", "如果充了钱还是没电怎么办"])
def test_a_general_top_up_question_stays_the_faq(text: str) -> None:
    assert WITH_FAQ.understand(text, ESTATE_GROUP).intent.value == "faq"


@pytest.mark.parametrize(
    "text",
    ["IC卡插入电表读不出来，3栋1单元502", "购电卡充唔入，屋企就快冇电", "表卡放进去显示错误"],
)
def test_a_power_card_the_meter_will_not_take_is_a_meter_fault(text: str) -> None:
    assert reading(text) == ("fault_report", "meter")


@pytest.mark.parametrize("text", ["银行卡充不进去", "公交卡没反应", "电卡丢了去哪里补办"])
def test_other_cards_or_a_lost_card_are_no_meter_fault(text: str) -> None:
    assert reading(text)[0] != "fault_report"


def test_a_meter_running_with_nobody_home_is_a_meter_fault() -> None:
    text = "电表一日行咗十几度，屋企根本冇人住 廿一队"
    assert reading(text, VILLAGE_GROUP) == ("fault_report", "meter")
    assert where(text, VILLAGE_GROUP)[1] == "21"


@pytest.mark.parametrize("text", ["电表走了好多度，冇人理", "电表用了十年，没人换过"])
def test_nobody_who_should_act_is_no_empty_home(text: str) -> None:
    assert reading(text)[1] != "meter"


@pytest.mark.parametrize(
    ("span", "want"), [("廿", "20"), ("廿一", "21"), ("卅二", "32"), ("廿5", "25")]
)
def test_written_tens_shorthands_become_digits(span: str, want: str) -> None:
    assert to_digits(span) == want


def test_written_tens_in_an_address() -> None:
    assert where("卅栋停电了")[1] == "30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下个礼拜是不是要停两天电？", ("outage_query", None)),
        ("听讲月底会停半日电 真唔真㗎", ("outage_query", None)),
        ("我们这里停了一整晚电了 到现在还没来电", ("fault_report", "area_outage")),
        ("村尾停咗几个钟电 仲未返", ("fault_report", "area_outage")),
    ],
)
def test_a_length_said_inside_the_verb_still_names_the_outage(text: str, expected) -> None:
    assert reading(text) == expected


def test_neighbours_called_by_another_name_still_make_it_one_home() -> None:
    assert reading("屋企冇晒电，街坊个个都有电", VILLAGE_GROUP) == (
        "fault_report",
        "household_outage",
    )
    assert reading("我家停电了 邻舍都正常", VILLAGE_GROUP) == ("fault_report", "household_outage")


def test_a_charger_that_shows_no_power_is_shared_equipment() -> None:
    assert reading("小区门口的充电站扫码充不了，提示没电") == ("fault_report", "other")
    assert reading("充电桩坏了，整个小区都没电") == ("fault_report", "area_outage")
