"""The knowledge base admins edit: the shipped kb/, and how a broken file is reported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from handlers.nlu.kb import KBError, check_kb, kb_fingerprint, load_kb
from tests.conftest import PROJECT, SHARED_EVAL

KB = PROJECT / "kb"

GOOD = """\
+++
id = "{id}"
title = "电费怎么交"
questions = [
    "电费怎么交",
    "交电费去哪里",
    "电费可以微信交吗",
    "电费点样俾",
    "支付宝能交电费吗",
    "营业厅能交电费吗",
    "电费在手机上怎么交",
    "银行可以交电费吗",
]
keywords = ["缴费方式"]
+++
可以在南网在线 App、微信、支付宝、银行或营业厅交。
"""


def write(dir: Path, name: str, text: str) -> Path:
    dir.mkdir(exist_ok=True)
    path = dir / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(dir: Path) -> list[str]:
    return check_kb(dir)[0]


# The entries the project ships (../shared/eval/faq_ids.md); kept here too so the
# suite runs without that folder, and checked against it when it is there.
REQUIRED_IDS = """
pay-methods pay-elderly pay-autodebit pay-failed bill-query balance-query usage-query
bill-high arrears-cutoff late-fee prepaid-meter tiered-pricing peak-valley invoice
account-number name-transfer new-connection capacity-increase meter-check report-fault-how
outage-notice-where repair-fee trip-selfcheck hotline business-hall ev-charger solar-pv
typhoon-safety
""".split()


def required_ids() -> list[str]:
    shared = SHARED_EVAL / "faq_ids.md"
    if not shared.exists():
        return REQUIRED_IDS
    table = shared.read_text(encoding="utf-8")
    ids = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.M)
    assert sorted(ids) == sorted(REQUIRED_IDS), "faq_ids.md changed: update REQUIRED_IDS"
    return ids


# -- the shipped knowledge base ------------------------------------------------


def test_shipped_kb_has_every_required_entry_with_eight_questions():
    kb = load_kb(KB)
    ids = required_ids()
    assert len(ids) == 28
    assert set(ids) <= set(kb.entries)
    for entry in kb.entries.values():
        assert len(entry.questions) >= 8, entry.id
        assert entry.answer.strip() and entry.title.strip()
        assert entry.path.stem == entry.id


def test_shipped_kb_checks_clean_without_collisions():
    problems, warnings = check_kb(KB)
    assert problems == []
    assert not [w for w in warnings if "collides" in w]


def test_answers_leave_local_figures_to_the_admin_and_name_the_real_channels():
    kb = load_kb(KB)
    assert "【请管理员填写" in kb.entries["business-hall"].answer
    assert "【请管理员填写" in kb.entries["tiered-pricing"].answer
    assert "95598" in kb.entries["hotline"].answer
    assert "南网在线" in kb.entries["pay-methods"].answer


@pytest.mark.skipif(not (SHARED_EVAL / "dev.jsonl").exists(), reason="no dev set here")
def test_example_questions_are_not_copied_from_the_dev_set():
    def squash(text: str) -> str:
        return re.sub(r"[\W_]+", "", text)

    lines = (SHARED_EVAL / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    dev = {squash(json.loads(line)["text"]) for line in lines if line.strip()}
    kb = load_kb(KB)
    copied = [q for e in kb.entries.values() for q in e.questions if squash(q) in dev]
    assert copied == []


def test_synonyms_turn_residents_words_into_standard_ones():
    kb = load_kb(KB)
    assert kb.normalize("屋企電錶喺邊度睇") == "家里电表哪里看"
    assert kb.normalize("交咗电钱冇到账") == "交了电费没到账"


# -- broken files: every problem names file and line ---------------------------


def test_a_file_without_a_header_is_reported_at_line_one(tmp_path):
    write(tmp_path, "a.md", "电费怎么交\n")
    assert problems_of(tmp_path) == [
        f"{tmp_path / 'a.md'}:1: must start with a +++ line opening the header"
    ]


def test_an_unclosed_header_is_reported(tmp_path):
    write(tmp_path, "a.md", '+++\nid = "a"\n')
    assert problems_of(tmp_path) == [
        f"{tmp_path / 'a.md'}:1: header not closed: add a +++ line after it"
    ]


def test_bad_toml_is_reported_at_its_line_in_the_file(tmp_path):
    text = GOOD.format(id="a").replace('title = "电费怎么交"', "title = 电费怎么交")
    write(tmp_path, "a.md", text)
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / 'a.md'}:3: header is not valid TOML")


def test_a_missing_id_is_reported(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a").replace('id = "a"\n', ""))
    assert problems_of(tmp_path) == [f"{tmp_path / 'a.md'}:1: missing 'id' in the header"]


def test_an_unknown_key_is_reported_at_its_line(tmp_path):
    text = GOOD.format(id="a").replace('keywords = ["缴费方式"]', 'keyword = ["缴费方式"]')
    write(tmp_path, "a.md", text)
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / 'a.md'}:14: unknown key 'keyword'")


def test_a_duplicate_id_names_both_files(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="same"))
    write(tmp_path, "b.md", GOOD.format(id="same"))
    assert problems_of(tmp_path) == [
        f"{tmp_path / 'b.md'}:2: duplicate id 'same' (also in {tmp_path / 'a.md'}:2)"
    ]


def test_an_empty_answer_is_reported_at_the_closing_line(tmp_path):
    text = GOOD.format(id="a").split("+++\n可以")[0] + "+++\n\n"
    write(tmp_path, "a.md", text)
    assert problems_of(tmp_path) == [
        f"{tmp_path / 'a.md'}:15: answer is empty: write the reply below this +++ line"
    ]


def test_too_few_questions_and_a_bad_id_are_both_reported(tmp_path):
    text = GOOD.format(id="Pay Methods").replace('    "银行可以交电费吗",\n', "")
    write(tmp_path, "a.md", text)
    problems = problems_of(tmp_path)
    assert problems[0] == (
        f"{tmp_path / 'a.md'}:2: id: use lower-case letters, digits and single dashes (pay-methods)"
    )
    assert problems[1] == f"{tmp_path / 'a.md'}:4: questions: write at least 8 example questions"


def test_load_kb_raises_with_all_problems(tmp_path):
    write(tmp_path, "a.md", "no header\n")
    write(tmp_path, "b.md", GOOD.format(id="b").replace('id = "b"\n', ""))
    with pytest.raises(KBError) as caught:
        load_kb(tmp_path)
    assert [p.split(":")[1] for p in caught.value.problems] == ["1", "1"]


def test_a_synonym_listed_twice_is_reported_with_both_lines(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a"))
    write(tmp_path, "synonyms.txt", "# 注释\n电费 = 电钱\n户号 = 用户编号 电钱\n")
    assert problems_of(tmp_path) == [
        f"{tmp_path / 'synonyms.txt'}:3: '电钱' is already listed on line 2"
    ]


def test_an_unknown_section_in_the_out_of_scope_file_is_reported(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a"))
    write(tmp_path, "out-of-scope.txt", "[out-of-scope]\n水费\n[不回答]\n燃气\n")
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / 'out-of-scope.txt'}:3: unknown section [不回答]")


def test_the_always_section_and_requires_also_are_read(tmp_path):
    entry = GOOD.format(id="a").replace("+++\n", '+++\nrequires_also = ["电"]\n', 1)
    write(tmp_path, "a.md", entry)
    write(tmp_path, "out-of-scope.txt", "[out-of-scope-always]\n招聘\n[power-words]\n电费\n")
    assert problems_of(tmp_path) == []
    kb = load_kb(tmp_path)
    assert kb.topics.out_of_scope_always == ["招聘"]
    assert kb.entries["a"].requires_also == ["电"]


# -- warnings -------------------------------------------------------------------


def test_the_same_question_in_two_entries_is_a_collision_warning(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a"))
    write(tmp_path, "b.md", GOOD.format(id="b").replace("电费点样俾", "電費點樣俾？"))
    problems, warnings = check_kb(tmp_path)
    assert problems == []
    collisions = [w for w in warnings if "collides" in w]
    assert len(collisions) == 8
    assert collisions[3].startswith(f"{tmp_path / 'b.md'}:8: question '電費點樣俾？' collides")
    assert f"in {tmp_path / 'a.md'}:8 (a)" in collisions[3]


def test_kb_fingerprint_changes_when_a_file_changes(tmp_path):
    path = write(tmp_path, "a.md", GOOD.format(id="a"))
    before = kb_fingerprint(tmp_path)
    path.write_text(GOOD.format(id="a") + "另外也可以去银行。\n", encoding="utf-8")
    assert kb_fingerprint(tmp_path) != before
    assert kb_fingerprint(tmp_path / "missing") == ()


# -- the commands -----------------------------------------------------------------


def test_kb_check_command_exits_1_and_prints_file_and_line(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a").replace('id = "a"\n', ""))
    result = CliRunner().invoke(cli, ["kb", "check", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{tmp_path / 'a.md'}:1: missing 'id' in the header" in result.output


def test_kb_check_command_passes_the_shipped_kb_with_warnings_marked(tmp_path):
    shutil.copytree(KB, tmp_path / "kb")
    result = CliRunner().invoke(cli, ["kb", "check", str(tmp_path / "kb")], catch_exceptions=False)
    assert result.exit_code == 0
    assert f"{tmp_path / 'kb' / 'business-hall.md'}:" in result.output
    assert "warning: 3 local figure(s)" in result.output


def test_ask_command_shows_entry_score_and_runners_up():
    result = CliRunner().invoke(cli, ["ask", "老人不会用手机怎么交电费"], catch_exceptions=False)
    assert result.exit_code == 0
    assert re.search(r"pay-elderly「.+」 score 0\.\d+", result.output)
    assert "runners-up" in result.output
    assert "南网在线" in result.output  # the answer itself


def test_ask_command_says_why_it_would_not_answer():
    result = CliRunner().invoke(cli, ["ask", "燃气费怎么交"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "out of scope: 燃气" in result.output


def test_nearly_the_same_question_in_two_entries_is_a_collision_warning(tmp_path):
    a = GOOD.format(id="a").replace('"电费怎么交",', '"请问营业厅星期六几点开门",')
    b = GOOD.format(id="b").replace('"电费怎么交",', '"请问营业厅星期六几点开门啊",')
    write(tmp_path, "a.md", a)
    write(tmp_path, "b.md", b)
    warnings = [w for w in check_kb(tmp_path)[1] if "collides" in w]
    assert f"{tmp_path / 'b.md'}:5: question '请问营业厅星期六几点开门啊' collides" in warnings[0]
