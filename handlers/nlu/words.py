"""The rules' vocabulary: the word lists in kb/words/*.txt that admins edit.

Every file holds named lists:

    # 注释：井号开头的一行
    [TRIP]                      a list's name: capital letters, digits, _
    跳闸                        one regular expression a line; most are plain words
    {SWITCH}{G}{0,4}(弹|跳)     {NAME} puts in the list NAME (all its lines, as alternatives)

The names form one namespace across the files, so `dangers.txt` may use `{G}` from
`faults.txt`. The rules in `faults.py` and `intents.py` name the lists they read
(`REQUIRED`); `kb check` reports a missing or empty one, an unknown `{NAME}`, a loop of
names, and a line that is not a valid regular expression, each as `file:line: ...`.
`homophones.txt` (one group of sound-alike characters a line, first the one the
station's names use) lets a community name match through a typo.

Typo fixes are not here: they are the `[错别字]` section of kb/synonyms.txt, applied to
every message before anything reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from handlers.nlu.kb_text import SYNONYMS_FILE, read_typos

WORDS_DIR = "words"
HOMOPHONES_FILE = "homophones.txt"
_HEADER = re.compile(r"^\[([A-Z][A-Z0-9_]*)\]$")
_LOWER_HEADER = re.compile(r"^\[[A-Za-z][A-Za-z0-9_ ]*\]$")  # [trip]: a name mistyped
_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Line:
    text: str
    path: Path
    number: int


@dataclass
class Vocabulary:
    """The named lists, with `{NAME}` references expanded on demand and cached."""

    lists: dict[str, list[Line]] = field(default_factory=dict)
    homophones: list[str] = field(default_factory=list)
    typos: dict[str, str] = field(default_factory=dict)
    _expanded: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def items(self, name: str) -> list[str]:
        """The list's regular expressions, every `{NAME}` in them expanded."""
        if name not in self._expanded:
            self._expanded[name] = [self._expand(line.text, (name,)) for line in self.lists[name]]
        return self._expanded[name]

    def regex(self, name: str) -> str:
        """One regular expression for the whole list (a group when it has alternatives)."""
        items = self.items(name)
        if len(items) == 1 and not _has_top_branch(items[0]):
            return items[0]
        return "(?:" + alt(items) + ")"

    def pattern(self, name: str) -> re.Pattern[str]:
        """The list compiled for searching (`any_of`)."""
        return any_of(self.items(name))

    def _expand(self, text: str, trail: tuple[str, ...]) -> str:
        def one(m: re.Match[str]) -> str:
            ref = m.group(1)
            if ref in trail:
                raise WordsError([f"{{{ref}}} refers back to itself through {' > '.join(trail)}"])
            if ref not in self.lists:
                raise WordsError([f"unknown list {{{ref}}}"])
            parts = [self._expand(line.text, (*trail, ref)) for line in self.lists[ref]]
            if len(parts) == 1 and not _has_top_branch(parts[0]):
                return parts[0]
            return "(?:" + alt(parts) + ")"

        return _REF.sub(one, text)

    @cached_property
    def fingerprint(self) -> str:
        """The lists' content, for caches and hashes."""
        rows = [
            f"[{n}]\n" + "\n".join(line.text for line in lines) for n, lines in self.lists.items()
        ]
        typos = [f"{k}={v}" for k, v in sorted(self.typos.items())]
        return "\n".join([*sorted(rows), *self.homophones, *typos])


class WordsError(Exception):
    """Word-list problems, each reading `file:line: what is wrong`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_words(kb_dir: Path, required: Iterable[str] = ()) -> tuple[Vocabulary, list[str]]:
    """The vocabulary under kb_dir/words, and every problem found in it."""
    folder = Path(kb_dir) / WORDS_DIR
    vocab = Vocabulary()
    problems: list[str] = []
    if not folder.is_dir():
        return vocab, [f"{folder}:0: missing: the rules' word lists live here"]
    for path in sorted(folder.glob("*.txt")):
        if path.name == HOMOPHONES_FILE:
            vocab.homophones, found = _read_homophones(path)
        else:
            found = _read_lists(path, vocab.lists)
        problems += found
    vocab.typos = read_typos(Path(kb_dir) / SYNONYMS_FILE)  # kb check reads its problems
    for name in required:
        if name not in vocab.lists:
            problems.append(f"{folder}:0: list [{name}] is missing; the rules need it")
    if not problems:
        problems += _compile_all(vocab)
    return vocab, problems


def load_words(kb_dir: Path, required: Iterable[str] = ()) -> Vocabulary:
    vocab, problems = read_words(kb_dir, required)
    if problems:
        raise WordsError(problems)
    return vocab


def _read_lists(path: Path, lists: dict[str, list[Line]]) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return [f"{path}:1: cannot read: {e}"]
    problems = []
    name = None
    starts: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            name = header.group(1)
            if name in lists:
                where = lists[name][0] if lists[name] else None
                also = f" (also at {where.path}:{where.number})" if where else ""
                problems.append(f"{path}:{n}: list [{name}] is defined twice{also}")
            lists.setdefault(name, [])
            starts[name] = n
        elif _LOWER_HEADER.match(line):
            problems.append(f"{path}:{n}: a list's name is capital letters, digits and _: [TRIP]")
            name = None
        elif name is None:
            problems.append(f"{path}:{n}: put each line under a list name, e.g. [TRIP]")
        else:
            lists[name].append(Line(line, path, n))
    for name, n in starts.items():
        if not lists[name]:
            problems.append(f"{path}:{n}: list [{name}] is empty")
    return problems


def _read_homophones(path: Path) -> tuple[list[str], list[str]]:
    groups, problems, seen = [], [], {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) < 2 or re.search(r"[\s\W]", line):
            problems.append(f"{path}:{n}: write two or more characters that sound alike: 园圆元")
            continue
        for ch in line[1:]:
            if ch in seen:
                problems.append(f"{path}:{n}: {ch!r} is already on line {seen[ch]}")
            seen[ch] = n
        groups.append(line)
    return groups, problems


def _compile_all(vocab: Vocabulary) -> list[str]:
    """Every line expanded and compiled: a list at once (the usual, quick case), line by
    line only for a list that fails, to name the line."""
    problems = []
    for name, lines in vocab.lists.items():
        try:
            re.compile(alt([vocab._expand(line.text, (name,)) for line in lines]))
            continue
        except (WordsError, re.error):
            pass
        for line in lines:
            try:
                re.compile(vocab._expand(line.text, (name,)))
            except WordsError as e:
                problems += [f"{line.path}:{line.number}: {p}" for p in e.problems]
            except re.error as e:
                problems.append(f"{line.path}:{line.number}: not a valid pattern: {e}")
    return problems


def alt(patterns: list[str]) -> str:
    """One regular expression matching any of the patterns."""
    return "|".join(f"(?:{p})" for p in patterns)


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """`alt` compiled, led by a look-ahead for the characters a match can start with:
    the engine then skips most positions at once instead of trying every pattern there."""
    return lead(alt(patterns))


def lead(pattern: str) -> re.Pattern[str]:
    """A pattern compiled behind a look-ahead for the characters its match starts with."""
    starts, may_be_empty = _first_chars(_parser.parse(pattern))
    if starts is None or may_be_empty:
        return re.compile(pattern)
    return re.compile(f"(?=[{_char_class(starts)}])(?:{pattern})")


def _has_top_branch(pattern: str) -> bool:
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return True
    return any(op is _c.BRANCH for op, _ in parsed)


# The characters a match can start with, as code point ranges (None: any), and may the
# match be empty. \s and \d are spelled out in full, so the look-ahead stays exact.
_Ranges = set[tuple[int, int]]
_FirstChars = tuple[_Ranges | None, bool]
_SPACES = {(c, c) for c in range(0x110000) if chr(c).isspace()}  # 29 characters
_DIGITS = {(c, c) for c in range(0x110000) if chr(c).isdecimal()}  # 66 runs of ten
_CATEGORIES = {_c.CATEGORY_SPACE: _SPACES, _c.CATEGORY_DIGIT: _DIGITS}


def _char_class(ranges: _Ranges) -> str:
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    out = []
    for lo, hi in merged:
        first = re.escape(chr(lo))
        out.append(first if lo == hi else f"{first}-{re.escape(chr(hi))}")
    return "".join(out)


def _first_chars(items: Iterable[tuple[Any, Any]]) -> _FirstChars:
    out: _Ranges = set()
    for op, av in items:
        chars, empty = _first_of(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not empty:
            return out, False
    return out, True


def _first_of(op: Any, av: Any) -> _FirstChars:
    if op is _c.LITERAL:
        return {(av, av)}, False
    if op is _c.IN:
        return _class_of(av), False
    if op is _c.BRANCH:
        found = [_first_chars(branch) for branch in av[1]]
        if any(chars is None for chars, _ in found):
            return None, False
        return set().union(*(chars for chars, _ in found)), any(e for _, e in found)  # type: ignore[arg-type]
    if op is _c.SUBPATTERN:
        return _first_chars(av[3])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        chars, empty = _first_chars(av[2])
        return chars, empty or av[0] == 0
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return set(), True
    return None, False


def _class_of(items: list[tuple[Any, Any]]) -> _Ranges | None:
    out: _Ranges = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add((av, av))
        elif op is _c.RANGE:
            out.add(av)
        elif op is _c.CATEGORY and av in _CATEGORIES:
            out |= _CATEGORIES[av]
        else:  # a negated class, \w, ...: any character may start it
            return None
    return out
