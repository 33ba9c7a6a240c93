"""kb/words: the rules' word lists load, expand and report problems as file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import DEFAULT_KB_DIR
from handlers.nlu.rules import REQUIRED, Rules, check_words
from handlers.nlu.words import WordsError, load_words, read_words


def write(folder: Path, name: str, text: str) -> Path:
    (folder / "words").mkdir(parents=True, exist_ok=True)
    path = folder / "words" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_word_lists_have_no_problems() -> None:
    assert check_words(DEFAULT_KB_DIR) == []


def test_a_reference_puts_in_every_line_of_the_list(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "[SWITCH]\n闸\n掣\n\n[TRIP]\n{SWITCH}跳\n跳闸\n")
    words = load_words(tmp_path)
    assert words.items("TRIP") == ["(?:(?:闸)|(?:掣))跳", "跳闸"]
    assert words.pattern("TRIP").search("个掣跳咗")
    assert not words.pattern("TRIP").search("开关坏了")


def test_lists_of_one_file_are_seen_from_another(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "[G]\n[^，。]\n")
    write(tmp_path, "b.txt", "[WIRE_DOWN]\n电线{G}{0,4}掉\n")
    assert load_words(tmp_path).pattern("WIRE_DOWN").search("电线啱啱掉")


def test_a_broken_pattern_names_its_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "# 注释\n[TRIP]\n跳闸\n(合不上\n")
    assert read_words(tmp_path)[1] == [
        f"{path}:4: not a valid pattern: missing ), unterminated subpattern at position 0"
    ]


def test_an_unknown_list_and_a_loop_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "[A]\n{B}\n[B]\n{A}x\n[C]\n{NOPE}\n")
    problems = read_words(tmp_path)[1]
    assert f"{path}:6: unknown list {{NOPE}}" in problems
    assert any(p.startswith(f"{path}:2: {{A}} refers back to itself") for p in problems)


def test_missing_empty_and_misnamed_lists_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "[EMPTY]\n\n[trip]\n跳闸\n[TRIP]\n跳闸\n[TRIP]\n合不上\n")
    problems = read_words(tmp_path, required=["TRIP", "HAZARD"])[1]
    assert f"{path}:1: list [EMPTY] is empty" in problems
    assert f"{path}:3: a list's name is capital letters, digits and _: [TRIP]" in problems
    assert f"{path}:4: put each line under a list name, e.g. [TRIP]" in problems
    assert any(p.startswith(f"{path}:7: list [TRIP] is defined twice") for p in problems)
    assert f"{tmp_path / 'words'}:0: list [HAZARD] is missing; the rules need it" in problems


def test_a_station_adds_a_word_and_the_rules_read_it(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_KB_DIR / "words", tmp_path / "words")
    shutil.copy(DEFAULT_KB_DIR / "synonyms.txt", tmp_path / "synonyms.txt")
    before = Rules.load(tmp_path)
    assert before.intents.read("屋企个掣飞咗").fault_type is None
    with (tmp_path / "words" / "faults.txt").open("a", encoding="utf-8") as f:
        f.write("\n[TRIP_LOCAL]\n掣飞(咗|了)\n")
    text = (tmp_path / "words" / "faults.txt").read_text(encoding="utf-8")
    (tmp_path / "words" / "faults.txt").write_text(
        text.replace("[TRIP]\n", "[TRIP]\n{TRIP_LOCAL}\n", 1), encoding="utf-8"
    )
    after = Rules.load(tmp_path)
    assert after.intents.read("屋企个掣飞咗").fault_type == "trip"


def test_typos_come_from_the_synonyms_file(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_KB_DIR / "words", tmp_path / "words")
    (tmp_path / "synonyms.txt").write_text("[错别字]\n跳闸 = 跳扎\n", encoding="utf-8")
    assert Rules.load(tmp_path).normalize("我家跳扎了") == "我家跳闸了"


def test_rules_refuse_a_vocabulary_without_the_lists_they_need(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "[TRIP]\n跳闸\n")
    with pytest.raises(WordsError) as e:
        Rules.load(tmp_path)
    assert len(e.value.problems) == len(REQUIRED) - 1
