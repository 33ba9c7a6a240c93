"""The rule reader: the kb/words vocabulary compiled into normaliser and intent rules.

`Rules.load(kb_dir)` reads the lists admins edit and compiles them once; rules for
the same vocabulary are shared (tests and reloads build many readers over one kb/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handlers.nlu import faults, intents
from handlers.nlu.intents import IntentRules
from handlers.nlu.normalize import Normalizer
from handlers.nlu.words import Vocabulary, load_words, read_words

REQUIRED = tuple(dict.fromkeys((*faults.REQUIRED, *intents.REQUIRED)))
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Rules:
    words: Vocabulary
    normalize: Normalizer
    intents: IntentRules

    @classmethod
    def load(cls, kb_dir: Path) -> Rules:
        """The rules of kb_dir/words; WordsError (file:line problems) when they are broken."""
        return cls.of(load_words(kb_dir, REQUIRED))

    @classmethod
    def of(cls, words: Vocabulary) -> Rules:
        key = words.fingerprint
        if key not in _compiled:
            while len(_compiled) >= _CACHE_SIZE:
                _compiled.pop(next(iter(_compiled)))
            _compiled[key] = cls(words, Normalizer(words.typos), IntentRules(words))
        return _compiled[key]


_compiled: dict[str, Rules] = {}


def check_words(kb_dir: Path) -> list[str]:
    """Every problem of kb_dir/words, as `file:line: what is wrong`."""
    return read_words(kb_dir, REQUIRED)[1]
