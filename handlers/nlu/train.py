"""Build the learned reader from kb/: `powerbot nlu train` (needs the `train` extra).

It reads the corpus (kb/corpus/*.jsonl), the FAQ entries' titles and example
questions, and the typo fixes (the text is normalised as the bot normalises it),
fits one TF-IDF over character 1-3-grams and four logistic-regression heads
(scikit-learn), and writes kb/model/reader.npz with the hash of those inputs and
probe messages carrying scikit-learn's own probabilities. Same inputs, same model:
the vocabulary is sorted and lbfgs has no randomness.

Training data per head: intent from every corpus message, plus the FAQ examples
as `faq` at a lower weight (there are many, and they are all questions); fault type
and urgency from the fault reports; the FAQ entry from the corpus's FAQ questions
and the entries' own examples.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from handlers.nlu.corpus import Example, corpus_files, inputs_hash, read_corpus
from handlers.nlu.kb import KnowledgeBase, load_kb
from handlers.nlu.models import FaultType, Intent
from handlers.nlu.reader import FEATURES_VERSION, MODEL_FILE, Head, ReaderModel, grams, model_text
from handlers.nlu.rules import Rules

# Chosen by leave-one-writer-out cross-validation over the corpus (bench/nlu_cv.py).
PARAMS: dict[str, Any] = {
    "min_df": 2,
    "c_intent": 8.0,
    "c_fault": 8.0,
    "c_urgent": 8.0,
    "c_faq": 16.0,
    "kb_weight": 0.3,  # an FAQ entry's example question, against a corpus message's 1.0
    "max_iter": 3000,
}
PROBES = 24


class TrainingError(Exception):
    """The inputs cannot be trained on; the message says why (file:line where it can)."""


@dataclass
class TrainingSet:
    """What one training run reads, already normalised as the bot normalises."""

    examples: list[Example]
    clean: list[str]  # each example's normalised text
    kb_questions: list[tuple[str, str]] = field(default_factory=list)  # (clean text, faq id)
    hash: str = ""


def training_set(kb_dir: Path, params: dict[str, Any] | None = None) -> TrainingSet:
    """Everything under kb_dir the model is built from, and its hash."""
    kb_dir = Path(kb_dir)
    kb = load_kb(kb_dir)
    examples, problems = read_corpus(kb_dir, set(kb.entries))
    if problems:
        raise TrainingError("\n".join(problems))
    rules = Rules.load(kb_dir)
    params = {**PARAMS, **(params or {})}
    return TrainingSet(
        examples=examples,
        clean=[rules.normalize(e.text) for e in examples],
        kb_questions=[(rules.normalize(q), e.id) for e in kb.entries.values() for q in _asked(e)],
        hash=inputs_hash(input_parts(kb_dir, kb, rules, params)),
    )


def input_parts(
    kb_dir: Path, kb: KnowledgeBase, rules: Rules, params: dict[str, Any]
) -> list[tuple[str, str]]:
    """(name, content) of every input: the corpus files, the questions, typos, settings."""
    parts = [(f"corpus/{p.name}", p.read_text(encoding="utf-8")) for p in corpus_files(kb_dir)]
    parts += [(f"kb/{e.id}", "\n".join(_asked(e))) for e in kb.entries.values()]
    parts.append(("typos", json.dumps(sorted(rules.words.typos.items()), ensure_ascii=False)))
    settings = {**params, "features_version": FEATURES_VERSION}
    parts.append(("params", json.dumps(settings, sort_keys=True)))
    return parts


def current_hash(kb_dir: Path, params: dict[str, Any] | None = None) -> str:
    """The hash a model trained from kb_dir now would carry (no scikit-learn needed)."""
    kb = load_kb(Path(kb_dir))
    rules = Rules.load(Path(kb_dir))
    return inputs_hash(input_parts(Path(kb_dir), kb, rules, {**PARAMS, **(params or {})}))


def _asked(entry: Any) -> list[str]:
    return [entry.title, *entry.questions]


def fit(data: TrainingSet, params: dict[str, Any] | None = None) -> ReaderModel:
    """Train the four heads on a training set and export them for numpy."""
    p = {**PARAMS, **(params or {})}
    vectorizer, heads = fit_sklearn(data, p)
    return _export(vectorizer, heads, data, p)


def fit_sklearn(data: TrainingSet, p: dict[str, Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """The fitted TfidfVectorizer and (head, LogisticRegression) pairs: the reference
    the numpy scorer must agree with. scikit-learn is imported only here."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    kb_texts = [t for t, _ in data.kb_questions]
    vectorizer = TfidfVectorizer(
        analyzer=_analyzer, sublinear_tf=True, min_df=p["min_df"], dtype=np.float64
    )
    x_all = vectorizer.fit_transform(data.clean + kb_texts)
    n = len(data.clean)
    x_corpus, x_kb = x_all[:n], x_all[n:]
    ex = data.examples

    def lr(c: float) -> Any:
        return LogisticRegression(C=c, max_iter=p["max_iter"])

    reports = [i for i, e in enumerate(ex) if e.intent == Intent.fault_report]
    faqs = [i for i, e in enumerate(ex) if e.intent == Intent.faq]
    heads: list[tuple[str, Any]] = []
    intent = lr(p["c_intent"])
    weights = np.r_[np.ones(n), np.full(len(kb_texts), p["kb_weight"])]
    intent.fit(x_all, [e.intent for e in ex] + ["faq"] * len(kb_texts), sample_weight=weights)
    heads.append(("intent", intent))
    heads.append(
        ("fault_type", lr(p["c_fault"]).fit(x_corpus[reports], _of(ex, reports, "fault_type")))
    )
    heads.append(("urgent", lr(p["c_urgent"]).fit(x_corpus[reports], _urgent(ex, reports))))
    faq_x = _stack(x_corpus[faqs], x_kb)
    faq_y = _of(ex, faqs, "faq_id") + [i for _, i in data.kb_questions]
    heads.append(("faq_id", lr(p["c_faq"]).fit(faq_x, faq_y)))
    return vectorizer, heads


def _analyzer(clean: str) -> list[str]:
    return grams(model_text(clean))


def _of(ex: list[Example], rows: list[int], attr: str) -> list[str]:
    return [str(getattr(ex[i], attr)) for i in rows]


def _urgent(ex: list[Example], rows: list[int]) -> list[str]:
    return ["yes" if ex[i].urgent else "no" for i in rows]


def _stack(a: Any, b: Any) -> Any:
    from scipy.sparse import vstack

    return vstack([a, b]).tocsr()


def _export(
    vectorizer: Any, heads: list[tuple[str, Any]], data: TrainingSet, p: dict
) -> ReaderModel:
    vocabulary = vectorizer.get_feature_names_out().tolist()
    columns, biases, specs = [], [], []
    start = 0
    for name, clf in heads:
        labels = [str(c) for c in clf.classes_]
        coef, bias = clf.coef_, clf.intercept_
        if name == "urgent":  # one column: the log-odds of "yes"
            assert labels == ["no", "yes"], labels
            labels = ["yes"]
        _check_labels(name, labels)
        columns.append(coef.T)
        biases.append(bias)
        specs.append(Head(name, tuple(labels), start, start + coef.shape[0]))
        start += coef.shape[0]
    meta = {
        "features_version": FEATURES_VERSION,
        "inputs_hash": data.hash,
        "params": p,
        "examples": len(data.examples),
        "kb_questions": len(data.kb_questions),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sklearn": _sklearn_version(),
    }
    model = ReaderModel(
        vocabulary, vectorizer.idf_, np.hstack(columns), np.concatenate(biases), specs, meta
    )
    texts = data.clean[:: max(1, len(data.clean) // PROBES)][:PROBES]
    texts += ["", "😀😀", "谢谢"]
    probes = reference_probabilities(vectorizer, heads, texts)
    return ReaderModel(vocabulary, vectorizer.idf_, model.weights, model.bias, specs, meta, probes)


def reference_probabilities(
    vectorizer: Any, heads: list[tuple[str, Any]], texts: list[str]
) -> list[tuple[str, list[float]]]:
    """scikit-learn's own probabilities for some texts, in the model's column order."""
    x = vectorizer.transform(texts)
    parts = []
    for name, clf in heads:
        proba = clf.predict_proba(x)
        parts.append(proba[:, 1:] if name == "urgent" else proba)
    table = np.hstack(parts)
    return [(t, row.tolist()) for t, row in zip(texts, table, strict=True)]


def _check_labels(head: str, labels: list[str]) -> None:
    allowed = {
        "intent": {i.value for i in Intent},
        "fault_type": {f.value for f in FaultType},
    }.get(head)
    if allowed is not None and not set(labels) <= allowed:
        raise TrainingError(f"{head}: unexpected labels {sorted(set(labels) - allowed)}")


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def train(kb_dir: Path, out: Path | None = None) -> ReaderModel:
    """Train from kb_dir and write the model (kb_dir/model/reader.npz unless `out`)."""
    data = training_set(kb_dir)
    model = fit(data)
    model.save(out or Path(kb_dir) / MODEL_FILE)
    return model
