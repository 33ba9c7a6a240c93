"""Match a resident's question to a knowledge-base entry, or decline.

A message is normalised (Simplified, half-width, synonyms to standard words,
filler removed), then cut into features: jieba words and character bigrams.
Each feature weighs its idf over entries, so words every entry shares (电费,
怎么) count for little and words one entry owns (违约金, 过户) count for a lot;
a feature only one or two examples hold weighs less, since one example's story
words (出租屋, 我孙子) are there by chance and must not pull a question their way.
An entry's score blends three things, all from indexes built once per KB:

- the cosine similarity to its nearest example question,
- how much of the message's weight the entry's vocabulary covers,
- a boost for each of its keywords the message contains.

`match` answers only when the best score is above a floor and leads the
runner-up by a share of its own score (LEAD), never by less than a small
absolute MARGIN. A long question that tells a story first scores low for every
entry, so its entry may lead clearly by little; a short question scores high,
and only the share keeps a near tie from answering.

Before any scoring it refuses, whatever the score would be:

- a topic listed in kb/out-of-scope.txt (水费, 燃气费, 话费, 宽带, 手机没电...)
  without a power word: a shared 交 or 费 must not turn 水费怎么交 into the
  electricity answer;
- a message with no power word, topic word or entry keyword at all (chatter);
- a thank-you that asks nothing (谢谢师傅, 来电了多谢).

After scoring, an entry whose header `requires` words the message lacks does
not answer (昨天停电是什么原因 is not a question about a tripped breaker), nor
does it count as a close runner-up that makes the best one unsure.
Amounts and dates are dropped, and a place the question sets aside (除了营业厅,
没空跑营业厅) does not pull its entry (faq_text.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import ahocorasick
import rjieba

from handlers.nlu.faq_scope import Scope
from handlers.nlu.faq_text import FILLER, NUMBER, RUN, set_aside
from handlers.nlu.hybrid import FaqVerdict
from handlers.nlu.kb import KnowledgeBase
from handlers.nlu.kb_text import automaton_of, find_all

# Blend of the three signals, and when to answer: tuned by cross-validation over
# the KB's own example questions (bench/faq_accuracy.py --folds 5: the most right
# answers with at most ~2% wrong ones), checked on fresh paraphrases and in- and
# out-of-domain non-questions written for the purpose; the dev set was only measured.
W_NEAREST, W_COVER, KEYWORD_BOOST, KEYWORD_CAP = 0.3, 0.4, 0.1, 2.5
COVER_PRIOR = 3.0  # pseudo-weight, so a one-word message cannot be "fully covered"
THRESHOLD = 0.08  # a floor for chatter that names 电费 but asks the FAQ nothing
MARGIN, LEAD = 0.025, 0.15  # the best leads the runner-up by both, absolute and relative
ALPHA = 0.5  # 0.5 is the cosine; less forgives a long message its extra words
UNSEEN = 1.0  # weight of a word no example uses, relative to the rarest known one
MIN_POSTING_IDF = 1.0
BIGRAM = 1.0  # weight of a bigram across two words (费可, 以打), relative to a word
# A feature few examples hold may be there by chance (出租屋 in one top-up question must not
# pull every renter's question): its weight is shrunk by seen / (seen + SUPPORT).
SUPPORT = 2.0
RUNNERS_UP = 3


@dataclass(frozen=True)
class FaqMatch:
    id: str
    score: float
    runners_up: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Explanation:
    """What `powerbot ask` shows: the verdict and why."""

    text: str
    normalized: str
    match: FaqMatch | None
    ranking: list[tuple[str, float]]
    reason: str
    keywords: dict[str, list[str]]


class FaqMatcher:
    """Ranks KB entries for a message; built once per (re)loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.ids = sorted(kb.entries)
        self._jieba = rjieba.Jieba()
        # Numbers the examples use (95598, 12398) are words; amounts and dates are noise.
        texts = [kb.normalize(t) for e in kb.entries.values() for t in [*e.questions, *e.keywords]]
        self._numbers = {n for t in texts for n in NUMBER.findall(t)}
        for word in _dictionary_words(kb):
            self._jieba.add_word(word, None, None)
        self._build_index()
        self._keywords = self._keyword_index()
        self.scope = Scope(kb, self.ids)

    def _keyword_index(self) -> ahocorasick.Automaton | None:
        """Keyword -> (entry index, weight); a keyword many entries' questions use weighs less."""
        texts = [
            " ".join(self.kb.normalize(q) for q in self.kb.entries[eid].questions)
            for eid in self.ids
        ]
        owners: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, eid in enumerate(self.ids):
            for k in {self.kb.normalize(k) for k in self.kb.entries[eid].keywords}:
                shared = sum(1 for j, t in enumerate(texts) if j != i and k in t)
                owners[k].append((i, 1.0 / (1 + shared)))
        return automaton_of(owners.items())

    def features(self, normalized: str) -> dict[str, bool]:
        """Character bigrams (False) and jieba words (True).

        Bigrams survive odd segmentation and typos; words carry more weight.
        """
        feats: dict[str, bool] = {}
        text = NUMBER.sub(lambda m: m.group() if m.group() in self._numbers else " ", normalized)
        for run in RUN.findall(FILLER.sub("", text)):
            for i in range(len(run) - 1):
                feats[run[i : i + 2]] = False
            for word in self._jieba.cut(run):
                feats[word] = True
        return feats

    def _build_index(self) -> None:
        examples: list[tuple[int, set[str]]] = []
        entry_feats: list[dict[str, int]] = [defaultdict(int) for _ in self.ids]
        words: set[str] = set()
        for i, eid in enumerate(self.ids):
            entry = self.kb.entries[eid]
            for q in [entry.title, *entry.questions]:
                feats = self.features(self.kb.normalize(q))
                examples.append((i, set(feats)))
                words.update(f for f, is_word in feats.items() if is_word)
                for f in feats:
                    entry_feats[i][f] += 1
        n = len(self.ids)
        df: dict[str, int] = defaultdict(int)
        seen: dict[str, int] = defaultdict(int)
        for counts in entry_feats:
            for f, c in counts.items():
                df[f] += 1
                seen[f] += c
        idf = {f: math.log((n + 1) / (d + 0.5)) for f, d in df.items()}
        # A bigram across two words (费可, 以打) is weaker evidence than a word,
        # and a feature few examples hold may be there by chance.
        self._idf = {
            f: w * (1.0 if f in words else BIGRAM) * seen[f] / (seen[f] + SUPPORT)
            for f, w in idf.items()
        }
        self._unseen_idf = math.log((n + 1) / 0.5)
        # Nearest example: postings of idf^2 and each example's norm part. Words
        # most entries share (电费, 怎么) are left out: they move no ranking, and
        # their long postings would cost most of the time.
        self._example_entry = [i for i, _ in examples]
        self._example_part = [
            (sum(self._idf[f] ** 2 for f in feats) or 1.0) ** (1 - ALPHA) for _, feats in examples
        ]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for x, (_, feats) in enumerate(examples):
            for f in feats:
                if idf[f] >= MIN_POSTING_IDF:
                    self._postings[f].append((x, self._idf[f] ** 2))
        # Coverage: the share of an entry's examples that hold the feature.
        sizes = [1 + len(self.kb.entries[eid].questions) for eid in self.ids]
        self._cover: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, counts in enumerate(entry_feats):
            for f, c in counts.items():
                if idf[f] >= MIN_POSTING_IDF:
                    self._cover[f].append((i, min(1.0, 0.5 + c / sizes[i])))

    def signals(self, normalized: str) -> tuple[list[float], list[float], list[float], dict]:
        """Per entry (in `self.ids` order): nearest-example similarity, coverage, keyword boost."""
        normalized = set_aside(normalized)
        n = len(self.ids)
        nearest, cover, boost = [0.0] * n, [0.0] * n, [0.0] * n
        dots: dict[int, float] = {}
        idf, postings, covers = self._idf, self._postings, self._cover
        unseen = self._unseen_idf * UNSEEN
        qnorm2 = qmass = 0.0
        for f, is_word in self.features(normalized).items():
            w = idf.get(f)
            if w is None:
                w = unseen if is_word else unseen * BIGRAM
            qnorm2 += w * w
            qmass += w
            for x, v in postings.get(f, ()):
                dots[x] = dots.get(x, 0.0) + v
            for i, share in covers.get(f, ()):
                cover[i] += w * share
        q_part = (qnorm2 or 1.0) ** ALPHA
        part, entry_of = self._example_part, self._example_entry
        for x, dot in dots.items():
            sim = dot / (q_part * part[x])
            i = entry_of[x]
            if sim > nearest[i]:
                nearest[i] = sim if sim < 1.0 else 1.0
        qmass += COVER_PRIOR
        cover = [c / qmass for c in cover]
        hits: dict[int, list[str]] = defaultdict(list)
        for word, owners in find_all(self._keywords, normalized):
            for i, weight in owners:
                if word not in hits[i]:
                    hits[i].append(word)
                    boost[i] = min(KEYWORD_CAP, boost[i] + weight)
        return nearest, cover, boost, hits

    def verdict(self, text: str) -> FaqVerdict:
        """The match as the reader's decision needs it: the entry, or whether the
        question was refused as out of scope (rather than merely unsure)."""
        normalized = self.kb.normalize(text)
        if self.scope.refusal(normalized):
            return FaqVerdict(out_of_scope=True)
        found = self.explain(text, normalized).match
        return FaqVerdict(found.id, found.score) if found else FaqVerdict()

    def refuses(self, text: str) -> bool:
        """Out of scope whatever it would score (water, gas, chatter): the cheap check."""
        return self.scope.refusal(self.kb.normalize(text)) is not None

    def may_answer(self, entry_id: str, text: str) -> bool:
        """Whether an entry another reader chose may answer: in scope, its words said."""
        normalized = self.kb.normalize(text)
        if entry_id not in self.ids or self.scope.refusal(normalized):
            return False
        return self.scope.unmet(self.ids.index(entry_id), normalized) is None

    def match(self, text: str) -> FaqMatch | None:
        """The entry that answers `text`, or None when out of scope or unsure."""
        normalized = self.kb.normalize(text)
        if self.scope.refusal(normalized):
            return None  # the cheap exits first: most group chat ends here
        return self.explain(text, normalized).match

    def explain(self, text: str, normalized: str | None = None) -> Explanation:
        """The verdict, the ranking and the reasons, for an admin asking why."""
        normalized = self.kb.normalize(text) if normalized is None else normalized
        nearest, cover, boost, hits = self.signals(normalized)
        scores = [
            W_NEAREST * a + W_COVER * b + KEYWORD_BOOST * c
            for a, b, c in zip(nearest, cover, boost, strict=True)
        ]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        ranking = [(self.ids[i], round(scores[i], 3)) for i in order]
        keywords = {self.ids[i]: words for i, words in hits.items()}
        scope, best = self.scope, order[0]
        # A runner-up that lacks a word it requires could never answer: it is no rival.
        rival = next(
            (ranking[k] for k in range(1, len(order)) if scope.unmet(order[k], normalized) is None),
            None,
        )
        rivals = [ranking[0]] + ([rival] if rival is not None else [])
        why = scope.refusal(normalized) or scope.unmet(best, normalized) or _doubt(rivals)
        if why is None and not hits.get(best):
            why = scope.only_generic(best, self.shared_words(best, normalized))
        verdict = None
        if why is None:
            verdict = FaqMatch(ranking[0][0], ranking[0][1], ranking[1 : 1 + RUNNERS_UP])
        return Explanation(text, normalized, verdict, ranking, why or "answered", keywords)

    def shared_words(self, i: int, normalized: str) -> list[tuple[str, int]]:
        """The message's content words that entry i's examples also use, with how
        many entries use each."""
        found = []
        for f, is_word in self.features(set_aside(normalized)).items():
            owners = self._cover.get(f, ())
            if is_word and any(j == i for j, _ in owners):
                found.append((f, len(owners)))
        return found


def _doubt(ranking: list[tuple[str, float]]) -> str | None:
    """Why the best entry is not sure enough, or None when it is."""
    if not ranking:
        return "the knowledge base is empty"
    best = ranking[0][1]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if best < THRESHOLD:
        return f"unsure: best score below {THRESHOLD}"
    if best - second < max(MARGIN, LEAD * best):
        return "unsure: the runner-up is too close"
    return None


def _dictionary_words(kb: KnowledgeBase) -> set[str]:
    """Standard words and keywords, so jieba keeps them whole (户号, 南网在线, 违约金)."""
    words = set(kb.normalizer.synonyms.values())
    for entry in kb.entries.values():
        words.update(kb.normalize(k) for k in entry.keywords)
    return {w for w in words if len(w) > 1}


def format_explanation(
    e: Explanation, kb: KnowledgeBase, render: Callable[[str], str] = str.strip
) -> str:
    """The text `powerbot ask` prints: verdict, score, runners-up, keywords, the answer
    (through `render`, so it reads as residents will see it)."""
    lines = [f"问题 question:    {e.text}", f"规范化 normalized: {e.normalized}"]
    if e.match is None:
        lines.append(f"不回答 no answer: {e.reason}")
    else:
        entry = kb.entries[e.match.id]
        lines.append(f"回答 answer:      {e.match.id}「{entry.title}」 score {e.match.score}")
    shown = e.ranking[1:4] if e.match else e.ranking[:3]
    if shown:
        lines.append("候选 runners-up:  " + ", ".join(f"{i} {s}" for i, s in shown))
    for eid, words in e.keywords.items():
        lines.append(f"关键词 keywords:  {eid}: {' '.join(words)}")
    if e.match is not None:
        lines += ["", render(kb.entries[e.match.id].answer)]
    return "\n".join(lines)
