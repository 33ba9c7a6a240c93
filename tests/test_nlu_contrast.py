"""Messages that say one thing by denying or contrasting another: power only by
contrast with the neighbours, a trip denied, the present denied, arrears doubted,
someone else's place, a fault already reported, and notices posted to everyone."""

from __future__ import annotations

import pytest

from tests.nlu_station import ESTATE_GROUP, TOWN_GROUP, VILLAGE_GROUP, WITH_FAQ, U, reading, where


@pytest.mark.parametrize(
    "text",
    [
        "楼上楼下都有电，就我屋企冇，5栋302",
        "隔篱屋企啲灯着晒，得我哋间屋黑麻麻",
        "别人家都好好的，我家却没有电 6-1-702",
        "隔壁亮着灯，我这边黑的",
    ],
)
def test_power_only_at_the_neighbours_is_a_household_outage(text: str) -> None:
    assert reading(text) == ("fault_report", "household_outage")


def test_the_contrast_keeps_the_address() -> None:
    assert where("对面那户有电，我冇，7-3-1102") == ("碧水湾", "7", "3", "1102")


@pytest.mark.parametrize("text", ["邻居有电，我没有交电费的习惯", "对面有电啊，你问问他"])
def test_a_neighbour_having_power_alone_reports_nothing(text: str) -> None:
    assert reading(text)[0] != "fault_report"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("全村停电，唔系跳掣，个掣好好地", "area_outage"),
        ("空开没跳，但整栋都冇电，9栋", "area_outage"),
        ("家里没电，不是跳闸那种，总闸推着的", "household_outage"),
    ],
)
def test_a_trip_denied_is_no_trip(text: str, kind: str) -> None:
    assert reading(text) == ("fault_report", kind)


@pytest.mark.parametrize(
    "text", ["电闸成日落，一煲水就落，4栋", "个掣又弹咗", "总掣一开冷气就弹闸", "屋企漏保成日弹"]
)
def test_cantonese_breaker_words_are_a_trip(text: str) -> None:
    assert reading(text) == ("fault_report", "trip")


def test_a_cantonese_trip_in_a_village_keeps_group_and_house() -> None:
    assert where("个掣又弹咗，三组8号", VILLAGE_GROUP) == ("龙塘村", "3", None, "8")


@pytest.mark.parametrize("text", ["弹簧床坏了", "琴行几点开门"])
def test_other_words_with_the_trip_characters_are_no_trip(text: str) -> None:
    assert reading(text)[1] is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("电费上个月已经交过，屋企空开老是跳，C座", "trip"),
        ("屋企冇电，应该冇欠费啊，7栋501", "household_outage"),
        ("家里突然没电了，难道是欠费？每个月都扣款的", "household_outage"),
        ("明明交咗电费，个闸仲系跳", "trip"),
    ],
)
def test_a_fault_with_arrears_doubted_is_still_a_report(text: str, kind: str) -> None:
    assert reading(text) == ("fault_report", kind)


@pytest.mark.parametrize("text", ["欠费停电了交完多久来电", "电费交了还没来电"])
def test_a_cut_for_the_speakers_own_arrears_stays_the_faq(text: str) -> None:
    assert reading(text)[0] != "fault_report"


@pytest.mark.parametrize(
    "text", ["唔系而家冇电，想问听日会唔会停电", "不是说今天停电，下个礼拜有没有停电安排？"]
)
def test_the_present_denied_leaves_a_planned_outage_query(text: str) -> None:
    assert reading(text) == ("outage_query", None)


def test_an_outage_now_with_a_question_about_tomorrow_is_a_report() -> None:
    assert reading("现在停电了，明天会来电吗")[0] == "fault_report"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("我住海景1号，帮我爸报个障，佢住碧水湾5栋201，冇晒电", ("碧水湾", "5", None, "201")),
        ("我家在2栋，替我外婆反映一下，她住8栋，家里跳闸合不上", (None, "8", None, None)),
        ("我唔系荔园嘅，我住碧水湾3座，停晒电", ("碧水湾", "3", None, None)),
        ("3栋201冇电，其他家都有电", (None, "3", None, "201")),
    ],
)
def test_the_place_meant_is_the_one_with_the_fault(text: str, want: tuple) -> None:
    assert where(text, TOWN_GROUP) == want


@pytest.mark.parametrize(
    "text",
    [
        "上午报的电线着火那个，处理了吗",
        "维修师傅到了村委没有？",
        "头先打咗95598，佢哋话派人嚟，通常要等几耐",
        "已经打过电话报修，还要等多久？",
    ],
)
def test_asking_after_a_fault_already_reported_is_progress(text: str) -> None:
    assert reading(text) == ("progress_query", None)


@pytest.mark.parametrize(
    "text",
    ["刚才报的那根电线又冒烟了", "刚才电线冒烟了，有人去看了吗", "刚刚报了电线掉地上"],
)
def test_a_hazard_told_again_or_now_stays_an_urgent_report(text: str) -> None:
    u = U.understand(text, ESTATE_GROUP)
    assert (u.intent.value, u.fault_type.value if u.fault_type else None, u.urgent) == (
        "fault_report",
        "hazard",
        True,
    )


@pytest.mark.parametrize(
    "text", ["换电表要不要收钱？", "师傅上门检查收唔收费", "电表箱到屋里那段线算谁的"]
)
def test_who_pays_or_who_repairs_is_a_faq_question(text: str) -> None:
    assert reading(text)[0] != "fault_report"
    assert intent_with_faq(text) == "faq"


def intent_with_faq(text: str) -> str:
    return WITH_FAQ.understand(text, ESTATE_GROUP).intent.value


@pytest.mark.parametrize(
    "text",
    [
        "前天停电停了一晚，通知都冇，你们怎么搞的",
        "而家有电返喇，但系冇通知，冰箱啲肉都臭晒，要你们赔",
        "抄表的乱抄度数，我要投诉",
        "你哋点做嘢嘅，上次停电都唔讲声",
    ],
)
def test_grievances_about_a_past_outage_or_staff_are_complaints(text: str) -> None:
    assert reading(text) == ("complaint", None)


@pytest.mark.parametrize(
    "text", ["温馨提示：本周六上午小区水泵房检修，暂停供水", "各位业主，明天电梯年检暂停运行"]
)
def test_work_announced_to_everyone_is_other(text: str) -> None:
    assert reading(text) == ("other", None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("@所有人 3栋电梯坏了冒烟", "hazard"), ("各位，电梯保养完又坏了，用不了吗？", "other")],
)
def test_a_fault_or_a_question_among_notice_words_is_still_read(text: str, kind: str) -> None:
    assert reading(text)[1] == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("停车场充电站充唔到，冇电，6栋地库", "other"),
        ("电梯停了，整栋都冇电", "area_outage"),
        ("路灯不亮，停电了", "area_outage"),
    ],
)
def test_a_bare_no_power_beside_shared_equipment_is_the_equipments(text: str, kind: str) -> None:
    assert reading(text) == ("fault_report", kind)


@pytest.mark.parametrize(
    "text", ["刚刚有人报了吗？这边电线冒烟", "上午报咗修，而家配电箱仲冒紧烟，有冇人理？"]
)
def test_a_hazard_beside_a_question_about_a_report_stays_urgent(text: str) -> None:
    u = U.understand(text, ESTATE_GROUP)
    assert (u.intent.value, u.urgent) == ("fault_report", True)
