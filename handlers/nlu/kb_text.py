"""Text normalisation for FAQ matching, and the two word-list files of kb/.

`synonyms.txt` maps residents' words (Cantonese, typos, voice-to-text slips) to
one standard word, so an example question written one way matches a message
written another. `out-of-scope.txt` lists topics the FAQ must not answer (water,
gas, phone bills; jobs, weather forecasts, shopping advice...) and the power
words that override the first kind. Both read one item
a line, so every problem has a line number. The Aho-Corasick helpers at the end
find all those words in a message in one pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import opencc

SYNONYMS_FILE = "synonyms.txt"
TOPICS_FILE = "out-of-scope.txt"
TOPIC_SECTIONS = ("out-of-scope", "out-of-scope-always", "power-words", "topic-words")
_SPLIT = re.compile(r"[\s,，、;；]+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def basic_normalize(text: str) -> str:
    """Simplified characters, half-width digits and letters, lower case."""
    return unicodedata.normalize("NFKC", _t2s().convert(text)).lower()


class Normalizer:
    """Replaces every synonym by its standard word, longest match first."""

    def __init__(self, synonyms: dict[str, str]) -> None:
        self.synonyms = synonyms
        self._automaton: ahocorasick.Automaton | None = None
        if synonyms:
            a = ahocorasick.Automaton()
            for variant, standard in synonyms.items():
                a.add_word(variant, (len(variant), standard))
            # A standard word maps to itself, so a shorter variant inside it
            # (哪 inside 哪里) never rewrites it.
            for standard in set(synonyms.values()):
                a.add_word(standard, (len(standard), standard))
            a.make_automaton()
            self._automaton = a

    def normalize(self, text: str) -> str:
        text = basic_normalize(text)
        if self._automaton is None:
            return text
        # Two passes: 交电钱 -> 交电费 -> 缴电费.
        return self._replace(self._replace(text))

    def _replace(self, text: str) -> str:
        out = []
        pos = 0
        for end, (length, standard) in self._automaton.iter_long(text):
            start = end - length + 1
            out.append(text[pos:start])
            out.append(standard)
            pos = end + 1
        out.append(text[pos:])
        return "".join(out)


@dataclass
class TopicLists:
    """Words that stop an FAQ answer, and words that show a message is about power."""

    out_of_scope: list[str] = field(default_factory=list)
    out_of_scope_always: list[str] = field(default_factory=list)  # no power word lifts these
    power_words: list[str] = field(default_factory=list)  # lift the stop, show the topic
    topic_words: list[str] = field(default_factory=list)  # only show the topic


def _content_lines(path: Path) -> list[tuple[int, str]]:
    rows = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            rows.append((n, line))
    return rows


SYNONYM_SECTIONS = ("同义词", "错别字")  # FAQ matching only / every message, before any reading


def read_synonyms(path: Path) -> tuple[dict[str, str], list[str]]:
    """variant -> standard word (both sections: a typo fix is a synonym too), and
    problems as `file:line: ...`. A missing file is fine."""
    sections, problems = _read_sections(path)
    return {k: v for pairs in sections.values() for k, v in pairs.items()}, problems


def read_typos(path: Path) -> dict[str, str]:
    """The `[错别字]` section: wrong spelling -> right one, fixed in every message."""
    return _read_sections(path)[0]["错别字"]


def _read_sections(path: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    sections: dict[str, dict[str, str]] = {name: {} for name in SYNONYM_SECTIONS}
    if not path.exists():
        return sections, []
    section = SYNONYM_SECTIONS[0]
    where: dict[str, int] = {}
    problems = []
    for n, line in _content_lines(path):
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]").strip()
            if section not in sections:
                known = ", ".join(f"[{s}]" for s in SYNONYM_SECTIONS)
                problems.append(f"{path}:{n}: unknown section [{section}] (use {known})")
                section = SYNONYM_SECTIONS[0]
            continue
        if line.count("=") != 1:
            problems.append(f"{path}:{n}: write one group a line: 标准词 = 说法1 说法2")
            continue
        left, right = (s.strip() for s in line.split("="))
        standard = basic_normalize(left)
        variants = [basic_normalize(v) for v in _SPLIT.split(right) if v]
        if not standard or _SPLIT.search(standard) or not variants:
            problems.append(f"{path}:{n}: need one standard word before '=' and words after it")
            continue
        for v in variants:
            if v == standard:
                problems.append(f"{path}:{n}: {v!r} is the standard word itself")
            elif v in where:
                problems.append(f"{path}:{n}: {v!r} is already listed on line {where[v]}")
            else:
                sections[section][v] = standard
                where[v] = n
    # Within a section one word is either standard or variant; a typo's right spelling
    # may still be a synonym's variant (滞纳今 -> 滞纳金 -> 违约金: typos are fixed first).
    for pairs in sections.values():
        standards = set(pairs.values())
        for v in pairs:
            if v in standards:
                problems.append(
                    f"{path}:{where[v]}: {v!r} is a standard word on another line; list it once"
                )
    return sections, problems


def read_topics(dir: Path) -> tuple[TopicLists, list[str]]:
    """The word lists of out-of-scope.txt, and problems as `file:line: ...`."""
    path = dir / TOPICS_FILE
    topics = TopicLists()
    if not path.exists():
        return topics, []
    problems = []
    section = None
    for n, line in _content_lines(path):
        if line.startswith("["):
            section = line.strip("[]").strip()
            if section not in TOPIC_SECTIONS:
                known = ", ".join(f"[{s}]" for s in TOPIC_SECTIONS)
                problems.append(f"{path}:{n}: unknown section [{section}] (use {known})")
        elif section is None:
            problems.append(f"{path}:{n}: put each word under a section, e.g. [out-of-scope]")
        elif section in TOPIC_SECTIONS:
            getattr(topics, section.replace("-", "_")).append(basic_normalize(line))
    return topics, problems


def automaton(words: Iterable[str]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton of the words; None when there are none."""
    return automaton_of((w, None) for w in words)


def automaton_of(pairs: Iterable[tuple[str, Any]]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton of word -> (word, value); None when there are no words."""
    a = ahocorasick.Automaton()
    for word, value in pairs:
        if word:
            a.add_word(word, (word, value))
    if len(a) == 0:
        return None
    a.make_automaton()
    return a


def find_all(automaton: ahocorasick.Automaton | None, text: str) -> Iterator[tuple[str, Any]]:
    """(word, value) for every occurrence, overlapping ones included."""
    if automaton is None:
        return iter(())
    return (found for _, found in automaton.iter(text))
