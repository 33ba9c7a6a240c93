"""What the FAQ must not answer although it shares a word with an entry, and the
in-scope questions next to it that it must still answer.

The questions here are written for these tests: they are neither example
questions in kb/ nor lines of the dev set.
"""

from __future__ import annotations

import re

import pytest

from handlers.nlu.faq import FaqMatcher
from handlers.nlu.kb import load_kb
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    return FaqMatcher(load_kb(PROJECT / "kb"))


# Each family residents ask about in these groups, next to the entry it brushes against.
OUTSIDE = {
    "energy saving": [
        "冰箱冷藏调到几档最省电",
        "夏天有什么省电小窍门 电费实在太贵",
        "风扇和空调哪个更耗电",
        "热水器要不要一直开着 会不会好费电",
        "冷气开几度最慳电",
    ],
    "private electricians and wiring": [
        "边个有相熟嘅电工介绍下 屋企要驳多几个插座",
        "新屋装修电线布线找哪家装修公司好",
        "厨房想加插座 有没有电工可以推荐",
        "阳台想走线装个灯 认识电工的说一声",
    ],
    "jobs": [
        "供电所今年还招聘吗",
        "想去供电局上班 要什么条件",
        "你们那里缺不缺人 我会电工",
        "南方电网社招一般几月份",
    ],
    "weather forecasts": [
        "台风几号登陆 我们这边会不会打到",
        "今晚会不会落雨 衣服要不要收",
        "下个台风什么时候到",
        "听说有台风要来 大概几时到",
    ],
    "shopping": [
        "买热水器哪个牌子质量好",
        "电暖器哪款比较安全 有没有推荐",
        "插排在哪里有卖 要买好点的",
    ],
    "other utilities": [
        "楼上水管爆了找谁",
        "燃气灶打不着火怎么办",
        "家里wifi断网了打哪个电话",
        "物业费为什么涨了",
    ],
}

INSIDE = [
    ("usage-query", "这两个月用了多少度电 手机上能看到吗"),
    ("repair-fee", "家里插座烧了 你们来修要不要收钱"),
    ("repair-fee", "表箱后面那段线坏了算谁的 谁出钱修"),
    ("hotline", "对供电服务有些意见 想反馈给你们 有什么渠道"),
    ("hotline", "供电所的联系电话是多少"),
    ("typhoon-safety", "台风要来了 家里的电要注意什么"),
    ("typhoon-safety", "落大雨屋企入水 总掣要唔要拉"),
    ("tiered-pricing", "阶梯电价第二档从多少度开始"),
]


@pytest.mark.parametrize(
    "text", [t for texts in OUTSIDE.values() for t in texts], ids=lambda t: t[:12]
)
def test_a_question_outside_the_kb_that_shares_a_word_is_not_answered(matcher, text):
    assert matcher.match(text) is None, matcher.explain(text).reason


@pytest.mark.parametrize(("faq_id", "text"), INSIDE, ids=[t[:12] for _, t in INSIDE])
def test_the_in_scope_question_next_to_it_is_still_answered(matcher, faq_id, text):
    found = matcher.match(text)
    assert found is not None and found.id == faq_id, matcher.explain(text).reason


def test_the_station_named_in_a_job_question_does_not_lift_the_stop(matcher):
    assert matcher.explain("供电所招不招学徒").reason.startswith("out of scope")
    assert matcher.match("供电所的电费在哪里交") is not None


def test_a_forecast_question_about_a_typhoon_names_the_missing_safety_word(matcher):
    reason = matcher.explain("台风几时会到我们镇").reason
    assert reason.startswith("typhoon-safety requires one of: 电")


def test_a_fee_question_about_repairs_needs_a_word_about_money_or_duty(matcher):
    assert matcher.match("家里插座松了") is None
    found = matcher.match("家里插座松了 供电所上门换收不收费")
    assert found is not None and found.id == "repair-fee"


def test_a_suggestion_with_no_power_word_is_still_in_domain(matcher):
    found = matcher.match("有几点改进意见想提给你们 不是投诉 从哪里提交")
    assert found is not None and found.id == "hotline"


def test_an_entry_sharing_only_everyday_words_does_not_answer(matcher):
    # 有没有人知道 is filler and 哪里 is in many entries' examples; nothing here is about paying.
    assert matcher.match("有没有人知道哪里有修单车的 电动的也行") is None


def test_does_anyone_know_and_buying_old_appliances_carry_no_entry(matcher):
    # A second-hand trade is not in the KB; "does anyone know" asks nothing by itself.
    assert matcher.match("边个知道边度收旧电器 想卖部旧雪柜") is None
    assert matcher.match("有人知道哪里回收旧热水器吗") is None
    found = matcher.match("有冇人知电费可以喺边度交")
    assert found is not None and found.id == "pay-methods"


def test_paid_but_the_balance_did_not_move_is_a_failed_payment(matcher):
    found = matcher.match("前晚支付宝充咗100蚊 查余额冇变 点解")
    assert found is not None and found.id == "pay-failed"
    found = matcher.match("电费余额点样查")
    assert found is not None and found.id == "balance-query"


def test_the_questions_here_are_not_example_questions_in_kb():
    def squash(text: str) -> str:
        return re.sub(r"[\W_]+", "", text)

    kb = load_kb(PROJECT / "kb")
    examples = {squash(q) for e in kb.entries.values() for q in e.questions}
    ours = [t for texts in OUTSIDE.values() for t in texts] + [t for _, t in INSIDE]
    assert [t for t in ours if squash(t) in examples] == []
