"""Whether the FAQ may answer a message at all, and whether an entry may answer it.

Residents ask the group many things that share a word with an entry but that
the knowledge base does not answer: 空调开几度最省电 shares 度 with the usage
entry, 供电所招不招人 shares 供电所 with the hotline. Scoring alone cannot tell
them apart, so before and after it:

- a topic from kb/out-of-scope.txt stops the FAQ. Those under [out-of-scope]
  (水费, 话费, 宽带) are lifted by a power word (水电费在哪交 is still answered);
  those under [out-of-scope-always] (jobs, weather forecasts, shopping advice,
  energy-saving tips, private electricians) are not: 供电所招不招人 names the
  station and is still not an FAQ question.
- a message with no power word, topic word or entry keyword is chatter.
- an entry answers only when the message says its core concept: one of its
  `requires` words, and one of its `requires_also` words when it has some
  (typhoon-safety needs the weather and something about power or safety, so
  台风几时嚟 is a forecast question, not a safety one).
- an entry whose score rests on one shared content word, with none of its
  keywords or required words said, does not answer (有没有人知道哪里有卖发电机
  is not a question about payment because a payment example says 哪里).
"""

from __future__ import annotations

import ahocorasick

from handlers.nlu.faq_text import is_thanks
from handlers.nlu.kb import KnowledgeBase
from handlers.nlu.kb_text import automaton, find_all

GENERIC = 4  # a word the examples of this many entries use says little about any one


def _said(words: ahocorasick.Automaton | None, normalized: str) -> str | None:
    return next((w for w, _ in find_all(words, normalized)), None)


class Scope:
    """The stops and requirements of one knowledge base, for entries in `ids` order."""

    def __init__(self, kb: KnowledgeBase, ids: list[str]) -> None:
        self.kb, self.ids = kb, ids
        norm = kb.normalize
        self._out = automaton(norm(w) for w in kb.topics.out_of_scope)
        self._always = automaton(norm(w) for w in kb.topics.out_of_scope_always)
        power = {norm(w) for w in kb.topics.power_words}
        # A one-character power word (电) shows the topic, but cannot override
        # 手机没电 or 电话费: only a real word (电费, 电表) can.
        self._power = automaton(w for w in power if len(w) > 1)
        anchors = power | {norm(w) for w in kb.topics.topic_words}
        anchors |= {norm(k) for e in kb.entries.values() for k in e.keywords}
        self._anchors = automaton(anchors)
        self._requires = [
            [
                automaton(norm(w) for w in words)
                for words in (kb.entries[eid].requires, kb.entries[eid].requires_also)
                if words
            ]
            for eid in ids
        ]
        # The words that say an entry's core concept: a lone shared word must be one.
        self.core = [
            {norm(w) for w in [*e.keywords, *e.requires, *e.requires_also]}
            for e in (kb.entries[eid] for eid in ids)
        ]

    def out_of_scope(self, normalized: str) -> str | None:
        """The out-of-scope topic the message is about, unless a power word lifts it."""
        found = _said(self._always, normalized)
        if found:
            return found
        found = _said(self._out, normalized)
        if found and _said(self._power, normalized):
            return None
        return found

    def refusal(self, normalized: str) -> str | None:
        """Why the FAQ must not answer this message whatever it scores, or None."""
        topic = self.out_of_scope(normalized)
        if topic:
            return f"out of scope: {topic}"
        if _said(self._anchors, normalized) is None:
            return "no power word or keyword: not about electricity"
        if is_thanks(normalized):
            return "a thank-you, not a question"
        return None

    def unmet(self, i: int, normalized: str) -> str | None:
        """Why entry i may not answer: the message lacks a word it requires."""
        entry = self.kb.entries[self.ids[i]]
        for group, words in zip(
            self._requires[i], [w for w in (entry.requires, entry.requires_also) if w], strict=True
        ):
            if _said(group, normalized) is None:
                return f"{entry.id} requires one of: {' '.join(words)}"
        return None

    def only_generic(self, i: int, shared: list[tuple[str, int]]) -> str | None:
        """Why entry i may not answer: every word it shares with the message is one
        many entries use (哪里, 有没有, 上班) or a single character, none its own."""
        # A one-character word (行, 用) is too loose to be an entry's own.
        if not shared or any(owners < GENERIC and len(w) > 1 for w, owners in shared):
            return None
        if any(w in core or core in w for w, _ in shared for core in self.core[i]):
            return None
        words = " ".join(w for w, _ in shared)
        return f"{self.ids[i]} shares only everyday words with the question: {words}"
