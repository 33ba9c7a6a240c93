"""The FAQ knowledge base: load and check the files in kb/ that admins edit.

An entry is one Markdown file: a TOML header between two `+++` lines (id,
title, example questions, keywords, optionally the words it requires: one of
`requires` and one of `requires_also`), then the answer. TOML because the
standard library reads it, the bot's config is TOML too, a list of questions is
one string a line, and its parse errors carry line numbers; there is no YAML
indentation or type guessing to trip over. Two plain-text files sit beside the
entries: `synonyms.txt` (标准词 = 说法 说法 ...) and `out-of-scope.txt` (topics
the bot must not answer from the FAQ). Every problem reads `file:line: what is
wrong`, which is what `powerbot kb check` prints and what the running bot sends
its admins when a reload is rejected.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from handlers.nlu.answers import PLACEHOLDER, check_answer, short_answer
from handlers.nlu.kb_text import (
    SYNONYMS_FILE,
    Normalizer,
    TopicLists,
    read_synonyms,
    read_topics,
)

MIN_QUESTIONS = 8
NEAR_DUPLICATE = 0.75  # share of bigrams two questions hold in common to collide
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class EntryHeader(BaseModel):
    """The header of one entry file, as admins write it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    questions: list[str] = Field(min_length=MIN_QUESTIONS)
    keywords: list[str] = []
    requires: list[str] = []
    requires_also: list[str] = []


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    questions: list[str]
    keywords: list[str]
    answer: str
    path: Path
    line: int = 1  # where the header starts, for messages about the entry as a whole
    requires: list[str] = field(default_factory=list)  # answer only if one of these is said
    requires_also: list[str] = field(default_factory=list)  # ... and one of these too


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    normalizer: Normalizer
    topics: TopicLists = field(default_factory=TopicLists)
    dir: Path | None = None

    def normalize(self, text: str) -> str:
        """Simplified, half-width, lower-case, with synonyms replaced by their standard word."""
        return self.normalizer.normalize(text)


class KBError(Exception):
    """The knowledge base has problems; each reads `file:line: what is wrong`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_kb(dir: Path) -> KnowledgeBase:
    """Load and validate every file in `dir`; raise KBError listing all problems."""
    kb, problems, _ = _read_dir(Path(dir))
    if problems:
        raise KBError(problems)
    return kb


def check_kb(dir: Path) -> tuple[list[str], list[str]]:
    """Problems (the KB cannot load) and warnings (it loads, but look at this)."""
    kb, problems, warnings = _read_dir(Path(dir))
    if not problems:
        warnings += collisions(kb)
    return problems, warnings


def kb_fingerprint(dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, mtimes and sizes of the KB files: poll it, and reload when it changes."""
    dir = Path(dir)
    if not dir.is_dir():
        return ()
    rows = []
    for p in sorted(dir.iterdir()):
        if p.is_file() and (p.suffix == ".md" or p.suffix == ".txt"):
            st = p.stat()
            rows.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(rows)


def entry_files(dir: Path) -> list[Path]:
    """The entry files: every *.md except a README."""
    return sorted(p for p in dir.glob("*.md") if p.name.lower() != "readme.md")


def _read_dir(dir: Path) -> tuple[KnowledgeBase, list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    if not dir.is_dir():
        return KnowledgeBase({}, Normalizer({})), [f"{dir}:0: not a directory"], []
    synonyms, syn_problems = read_synonyms(dir / SYNONYMS_FILE)
    topics, topic_problems = read_topics(dir)
    problems += syn_problems + topic_problems
    entries: dict[str, Entry] = {}
    for path in entry_files(dir):
        entry, found, warned = read_entry(path)
        problems += found
        warnings += warned
        if entry is None:
            continue
        if entry.id in entries:
            first = entries[entry.id]
            problems.append(
                f"{path}:{_key_line(path, 'id')}: duplicate id {entry.id!r} "
                f"(also in {first.path}:{_key_line(first.path, 'id')})"
            )
            continue
        entries[entry.id] = entry
    if not entries and not problems:
        problems.append(f"{dir}:0: no entry files (*.md) found")
    kb = KnowledgeBase(entries, Normalizer(synonyms), topics, dir)
    return kb, problems, warnings


def read_entry(path: Path) -> tuple[Entry | None, list[str], list[str]]:
    """One entry file: the entry (or None), its problems and its warnings."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        return None, [f"{path}:1: cannot read: {e}"], []
    start = next((i for i, s in enumerate(lines) if s.strip()), None)
    if start is None or lines[start].strip() != "+++":
        return (
            None,
            [f"{path}:{(start or 0) + 1}: must start with a +++ line opening the header"],
            [],
        )
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "+++"), None)
    if end is None:
        return None, [f"{path}:{start + 1}: header not closed: add a +++ line after it"], []
    try:
        data = tomllib.loads("\n".join(lines[start + 1 : end]))
    except tomllib.TOMLDecodeError as e:
        m = _TOML_LINE.search(str(e))
        line = start + 1 + int(m.group(1)) if m else start + 1
        reason = _TOML_LINE.sub("", str(e)).strip()
        return None, [f"{path}:{line}: header is not valid TOML: {reason}"], []
    header_lines = lines[: end + 1]
    try:
        header = EntryHeader.model_validate(data)
    except ValidationError as e:
        return None, [_describe(path, header_lines, start, err) for err in e.errors()], []
    problems = _list_problems(path, header_lines, header)
    answer = "\n".join(lines[end + 1 :]).strip()
    if not answer:
        problems.append(f"{path}:{end + 1}: answer is empty: write the reply below this +++ line")
    else:
        body = next(i for i in range(end + 1, len(lines)) if lines[i].strip()) + 1
        problems += [f"{path}:{body}: {p}" for p in check_answer(answer)]
    if problems:
        return None, problems, []
    warnings = _entry_warnings(path, lines, header, answer)
    entry = Entry(
        header.id,
        header.title,
        header.questions,
        header.keywords,
        answer,
        path,
        start + 1,
        header.requires,
        header.requires_also,
    )
    return entry, [], warnings


def _describe(path: Path, header: list[str], start: int, err: dict) -> str:
    loc = err["loc"]
    key = str(loc[0]) if loc else ""
    if err["type"] == "missing":
        return f"{path}:{start + 1}: missing {key!r} in the header"
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(EntryHeader.model_fields)
        return (
            f"{path}:{_line_of_key(header, key, start)}: unknown key {key!r} (allowed: {allowed})"
        )
    line = _line_of_key(header, key, start)
    if len(loc) > 1 and isinstance(loc[1], int):
        return f"{path}:{line}: {key}[{loc[1]}]: {err['msg']}"
    if key == "questions" and err["type"] == "too_short":
        return f"{path}:{line}: questions: write at least {MIN_QUESTIONS} example questions"
    if key == "id" and err["type"] == "string_pattern_mismatch":
        return f"{path}:{line}: id: use lower-case letters, digits and single dashes (pay-methods)"
    return f"{path}:{line}: {key}: {err['msg']}"


def _list_problems(path: Path, header: list[str], h: EntryHeader) -> list[str]:
    problems = []
    for key in ("questions", "keywords", "requires", "requires_also"):
        for i, text in enumerate(getattr(h, key)):
            if not text.strip():
                line = _line_of_key(header, key, 0)
                problems.append(f"{path}:{line}: {key}[{i}] is empty")
    if not h.title.strip():
        problems.append(f"{path}:{_line_of_key(header, 'title', 0)}: title is empty")
    return problems


def _entry_warnings(path: Path, lines: list[str], h: EntryHeader, answer: str) -> list[str]:
    warnings = []
    if h.id != path.stem:
        warnings.append(
            f"{path}:{_line_of_key(lines, 'id', 0)}: id {h.id!r} differs from the file name"
        )
    seen: set[str] = set()
    for q in h.questions:
        if q in seen:
            warnings.append(f"{path}:{_line_of_text(lines, q)}: question listed twice: {q}")
        seen.add(q)
    marks = [i for i, s in enumerate(lines) if PLACEHOLDER in s]
    if marks:
        count = sum(lines[i].count(PLACEHOLDER) for i in marks)
        reads = short_answer(answer, "95598").text.replace("\n", " / ")
        warnings.append(
            f"{path}:{marks[0] + 1}: {count} local figure(s) {PLACEHOLDER}…】 to fill in; "
            f"until then residents first read: {reads}"
        )
    return warnings


def collisions(kb: KnowledgeBase) -> list[str]:
    """Warnings for example questions of two entries that read the same, or nearly.

    Nearly: after normalising, at least NEAR_DUPLICATE of their character bigrams
    are shared, so the matcher cannot tell the two entries apart on them.
    """
    items = []
    for entry in kb.entries.values():
        for q in entry.questions:
            key = re.sub(r"[\W_]+", "", kb.normalize(q))
            items.append((entry, q, key, frozenset(key[i : i + 2] for i in range(len(key) - 1))))
    warnings = []
    for n, (entry, q, key, grams) in enumerate(items):
        for other, oq, okey, ograms in items[:n]:
            if other.id == entry.id:
                continue
            same = key == okey or (
                grams and len(grams & ograms) >= NEAR_DUPLICATE * len(grams | ograms)
            )
            if same:
                warnings.append(
                    f"{entry.path}:{_line_of_text(_lines(entry.path), q)}: question {q!r} "
                    f"collides with {oq!r} in {other.path}:{_line_of_text(_lines(other.path), oq)} "
                    f"({other.id})"
                )
    return warnings


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _line_of_key(lines: list[str], key: str, start: int) -> int:
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i, s in enumerate(lines):
        if pat.match(s):
            return i + 1
    return start + 1


def _key_line(path: Path, key: str) -> int:
    return _line_of_key(_lines(path), key, 0)


def _line_of_text(lines: list[str], text: str) -> int:
    for i, s in enumerate(lines):
        if text in s:
            return i + 1
    return 1
