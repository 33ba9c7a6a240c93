"""The learned reader: character n-gram TF-IDF and logistic-regression heads, in numpy.

`powerbot nlu train` (handlers/nlu/train.py, scikit-learn) builds it from kb/corpus
and the kb/ example questions and writes kb/model/reader.npz; this module only loads
it and scores messages, so the bot needs numpy and nothing else. Four heads share one
feature space: intent (6 classes), fault type (7), urgent (yes/no) and FAQ entry.

The features of a message are the character 1-, 2- and 3-grams of its normalised text
(lower case, every run of digits one "0", the first MAX_CHARS characters), weighted
1 + log(count) times the idf, scaled to unit length: exactly what scikit-learn's
TfidfVectorizer(sublinear_tf=True) computes, and the file carries probe messages
with the trainer's own probabilities so a test can check the two agree.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = Path("model") / "reader.npz"
FEATURES_VERSION = 1  # bump when model_text or grams change: the model must be retrained
MAX_CHARS = 200
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def model_text(clean: str) -> str:
    """What the model reads of a normalised message."""
    text = _DIGITS.sub("0", clean[: MAX_CHARS * 2].lower())
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


def grams(text: str) -> list[str]:
    """Character 1-, 2- and 3-grams of a model text (the trainer's analyzer too)."""
    n = len(text)
    return [
        *text,
        *(text[i : i + 2] for i in range(n - 1)),
        *(text[i : i + 3] for i in range(n - 2)),
    ]


@dataclass(frozen=True)
class Head:
    name: str
    labels: tuple[str, ...]
    start: int  # its columns in the weight matrix
    stop: int

    @property
    def binary(self) -> bool:
        return self.stop - self.start == 1


class Probabilities:
    """The model's reading of one message: a probability per label of each head.
    `intent`, `fault_type` and `faq_id` are label -> probability; `best(head)` the top."""

    __slots__ = ("_heads", "_out", "known")

    def __init__(self, heads: dict[str, Head], out: np.ndarray, known: float) -> None:
        self._heads, self._out = heads, out
        self.known = known  # share of the message's n-grams the model has seen

    def _head(self, name: str) -> dict[str, float]:
        h = self._heads[name]
        return dict(zip(h.labels, self._out[h.start : h.stop].tolist(), strict=True))

    @property
    def intent(self) -> dict[str, float]:
        return self._head("intent")

    @property
    def fault_type(self) -> dict[str, float]:
        return self._head("fault_type")

    @property
    def faq_id(self) -> dict[str, float]:
        return self._head("faq_id")

    @property
    def urgent(self) -> float:
        return float(self._out[self._heads["urgent"].start])

    def p(self, head: str, label: str) -> float:
        h = self._heads[head]
        return float(self._out[h.start + h.labels.index(label)])

    def best(self, head: str) -> tuple[str, float]:
        h = self._heads[head]
        i = int(self._out[h.start : h.stop].argmax())
        return h.labels[i], float(self._out[h.start + i])


class ModelError(Exception):
    """A model file that cannot be used; the message names the file."""


class ReaderModel:
    def __init__(
        self,
        vocabulary: list[str],
        idf: np.ndarray,
        weights: np.ndarray,
        bias: np.ndarray,
        heads: list[Head],
        meta: dict[str, Any],
        probes: list[tuple[str, list[float]]] | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.index = {g: i for i, g in enumerate(vocabulary)}
        self.idf = idf.astype(np.float64)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = bias.astype(np.float64)
        self.heads = {h.name: h for h in heads}
        self.meta = meta
        self.probes = probes or []

    @property
    def inputs_hash(self) -> str:
        return str(self.meta.get("inputs_hash", ""))

    def scores(self, clean: str) -> tuple[np.ndarray, float]:
        """Every head's probabilities side by side, and the share of known n-grams."""
        all_grams = grams(model_text(clean))
        found = self.index.get
        idx, tf = [], []
        for gram, count in Counter(all_grams).items():
            i = found(gram)
            if i is not None:
                idx.append(i)
                tf.append(count)
        logits = self.bias.copy()
        if idx:
            value = (1.0 + np.log(np.array(tf, dtype=np.float64))) * self.idf[idx]
            value /= math.sqrt(float(value @ value))
            logits += value @ self.weights[idx]
        # Softmax per head; the logits are small, so one shift for all heads is safe.
        out = np.exp(logits - logits.max())
        for h in self.heads.values():
            if h.binary:
                out[h.start] = 1.0 / (1.0 + math.exp(-float(logits[h.start])))
            else:
                out[h.start : h.stop] /= out[h.start : h.stop].sum()
        return out, (sum(tf) / len(all_grams) if all_grams else 0.0)

    def predict(self, clean: str) -> Probabilities:
        """The model's probabilities for a normalised message."""
        out, known = self.scores(clean)
        return Probabilities(self.heads, out, known)

    def save(self, path: Path) -> None:
        """Write the model (atomically: a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        heads = [[h.name, list(h.labels), h.start, h.stop] for h in self.heads.values()]
        with tmp.open("wb") as f:
            np.savez_compressed(
                f,
                vocabulary=np.array(self.vocabulary, dtype=np.str_),
                idf=self.idf.astype(np.float32),
                weights=self.weights,
                bias=self.bias.astype(np.float32),
                meta=np.array(json.dumps({**self.meta, "heads": heads}, ensure_ascii=False)),
                probes=np.array(json.dumps(self.probes, ensure_ascii=False)),
            )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ReaderModel:
        try:
            with path.open("rb") as f, np.load(f, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                heads = [Head(n, tuple(labels), a, b) for n, labels, a, b in meta.pop("heads")]
                model = cls(
                    z["vocabulary"].tolist(),
                    z["idf"],
                    z["weights"],
                    z["bias"],
                    heads,
                    meta,
                    [(t, p) for t, p in json.loads(str(z["probes"]))],
                )
        except FileNotFoundError as e:
            raise ModelError(f"{path}: no model file (run `powerbot nlu train`)") from e
        except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as e:
            raise ModelError(f"{path}: not a reader model: {e}") from e
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelError(
                f"{path}: made for features v{meta.get('features_version')}, this bot reads "
                f"v{FEATURES_VERSION}: run `powerbot nlu train`"
            )
        return model
