"""An FAQ answer as a resident reads it on a phone: short first, the rest when asked.

An entry's answer (kb/*.md, below the header) is Markdown an admin writes. Its first
paragraph is the short answer, shown first; the rest is shown when the resident replies
「详细」. As shown:

- Markdown marks go (`**`, `#` headings); a `- ` bullet becomes `· `.
- A local figure the admin has not filled in (`【请管理员填写：营业厅地址】`) never shows:
  the sentence that holds it is left out (a sentence ends at 。！？； or with its line; a
  bullet is its own), a lead-in left with nothing to introduce goes too, and one sentence
  at the end offers the hotline for what was left out: "具体的营业厅地址请拨打95598咨询。".
- The short answer is at most SHORT_LIMIT characters; `kb check` fails on a longer one
  (with its figures unfilled, and with each figure as long as its label) and shows how
  every answer reads with its figures unfilled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHORT_LIMIT = 120
PLACEHOLDER = "【请管理员填写"
MORE = "回复「详细」看全部。"
ASK_HOTLINE = "具体的{what}请拨打{hotline}咨询。"

_FIGURE = re.compile(r"【请管理员填写[:：]?\s*([^】]*)】")
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HEADING = re.compile(r"^#{1,6}\s*")
_BULLET = re.compile(r"^\s*(?:[-*]|\d+[.、])\s+")
_LABEL_END = re.compile(r"[，,（(；;、].*$")
# "见「营业厅」一条": an entry's title means nothing to a resident.
_CROSS_REFERENCE = re.compile(r"(见|请看|参看|参考|查看)「[^」]{1,12}」(一条|那条|这条|条)")


@dataclass(frozen=True)
class Shown:
    text: str
    more: bool = False  # a 详细 view says more than this one
    left_out: tuple[str, ...] = ()  # the labels of the figures left out


def _label(raw: str) -> str:
    return _LABEL_END.sub("", raw).strip() or "情况"


def split(answer: str) -> tuple[str, str]:
    """The short answer (the first paragraph) and the rest."""
    parts = re.split(r"\n\s*\n", answer.strip(), maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def _lines(markdown: str, labels: list[str], fill: bool) -> list[str]:
    """Each line as shown, "" for a paragraph break; figures filled by their label when
    `fill` (to measure a filled answer), else their sentences left out."""
    shown: list[str] = []
    for raw in markdown.strip().splitlines():
        if not raw.strip():
            shown.append("")
            continue
        bullet = _BULLET.match(raw)
        body = _EMPHASIS.sub(r"\2", _HEADING.sub("", raw[bullet.end() :] if bullet else raw))
        kept = []
        for sentence in _SENTENCE.findall(body.strip()):
            figures = _FIGURE.findall(sentence)
            if figures and not fill:
                labels.extend(_label(f) for f in figures if _label(f) not in labels)
                continue
            kept.append(_FIGURE.sub(lambda m: _label(m.group(1)), sentence))
        text = "".join(kept).strip()
        if not text:
            shown.append(None)  # type: ignore[arg-type]  # a line wholly left out
            continue
        shown.append(("· " if bullet else "") + text)
    return _without_orphans(shown)


def _without_orphans(lines: list[str | None]) -> list[str]:
    """Drop a lead-in (…：) whose list was wholly left out, then the left-out marks."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if line is None:
            continue
        if line.rstrip().endswith(("：", ":")):
            following = lines[i + 1 :]
            block = []
            for nxt in following:
                if nxt == "":
                    break
                block.append(nxt)
            had_list = bool(block)
            if had_list and all(b is None for b in block):
                continue
        out.append(line)
    # No blank line first, last or twice.
    tidy: list[str] = []
    for line in out:
        if line == "" and (not tidy or tidy[-1] == ""):
            continue
        tidy.append(line)
    while tidy and tidy[-1] == "":
        tidy.pop()
    return tidy


def _with_hotline(lines: list[str], labels: list[str], hotline: str) -> str:
    text = "\n".join(lines)
    if labels:
        what = "、".join(labels[:3]) + ("等" if len(labels) > 3 else "")
        ask = ASK_HOTLINE.format(what=what, hotline=hotline)
        text = f"{text}\n{ask}" if text else ask
    return text


def short_answer(answer: str, hotline: str, fill: bool = False) -> Shown:
    """What a resident first reads: the first paragraph, and 回复「详细」 if there is more."""
    first, rest = split(answer)
    labels: list[str] = []
    text = _with_hotline(_lines(first, labels, fill), labels, hotline)
    more = bool(_lines(rest, [], fill)) if rest else False
    if more:
        text = f"{text}\n{MORE}"
    return Shown(text, more, tuple(labels))


def full_answer(answer: str, hotline: str, fill: bool = False) -> Shown:
    """The whole answer, for 详细."""
    labels: list[str] = []
    return Shown(_with_hotline(_lines(answer, labels, fill), labels, hotline), False, tuple(labels))


def check_answer(answer: str, hotline: str = "95598") -> list[str]:
    """What is wrong with how an answer will read: its short form is too long, or it sends
    the resident to another entry by its title."""
    problems = []
    found = _CROSS_REFERENCE.search(answer)
    if found:
        problems.append(
            f"「{found.group(0)}」 refers to another entry by its title, which residents never "
            "see: say the thing itself, or what to ask"
        )
    for fill, how in ((False, "with its figures unfilled"), (True, "with its figures filled")):
        shown = short_answer(answer, hotline, fill)
        length = len(shown.text.removesuffix(MORE).rstrip())
        if length > SHORT_LIMIT:
            problems.append(
                f"the short answer (the first paragraph) reads {length} characters {how}, "
                f"more than {SHORT_LIMIT}: shorten it, and move the rest below a blank line"
            )
            break
    return problems
