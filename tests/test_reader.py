"""The learned reader: the shipped model matches kb/, numpy agrees with scikit-learn,
training is deterministic, and a bad model file is a clear error naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.config import DEFAULT_KB_DIR
from handlers.nlu.corpus import CORPUS_DIR
from handlers.nlu.reader import MODEL_FILE, ModelError, ReaderModel, grams, model_text
from handlers.nlu.train import (
    PARAMS,
    current_hash,
    fit,
    fit_sklearn,
    reference_probabilities,
    training_set,
)

SHIPPED = DEFAULT_KB_DIR / MODEL_FILE


@pytest.fixture(scope="module")
def shipped() -> ReaderModel:
    return ReaderModel.load(SHIPPED)


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kb/ with a tenth of the corpus: trains in a second or two."""
    kb = tmp_path_factory.mktemp("kb")
    for item in DEFAULT_KB_DIR.iterdir():
        if item.name in (CORPUS_DIR, "model"):
            continue
        (shutil.copytree if item.is_dir() else shutil.copy)(item, kb / item.name)
    (kb / CORPUS_DIR).mkdir()
    for path in sorted((DEFAULT_KB_DIR / CORPUS_DIR).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        (kb / CORPUS_DIR / path.name).write_text("\n".join(lines[::10]) + "\n", encoding="utf-8")
    return kb


def test_the_shipped_model_was_trained_from_what_kb_holds_now(shipped: ReaderModel) -> None:
    assert shipped.inputs_hash == current_hash(DEFAULT_KB_DIR), (
        "kb/ changed since the model was trained: run `powerbot nlu train`"
    )


def test_numpy_reproduces_the_trainers_probabilities_on_the_shipped_probes(
    shipped: ReaderModel,
) -> None:
    assert len(shipped.probes) >= 20
    for text, expected in shipped.probes:
        got, _ = shipped.scores(text)
        assert np.allclose(got, expected, atol=1e-6), text


def test_numpy_agrees_with_scikit_learn_on_unseen_text(small_kb: Path) -> None:
    data = training_set(small_kb)
    vectorizer, heads = fit_sklearn(data, PARAMS)
    model = fit(data)
    unseen = ["5栋电没了", "电费点样交啊", "", "🙂🙂", "A座1203跳闸合唔上" * 30, "abc XYZ 123"]
    for text, expected in reference_probabilities(vectorizer, heads, unseen):
        got, _ = model.scores(text)
        assert np.allclose(got, expected, atol=1e-6), text


def test_training_twice_gives_the_same_model(small_kb: Path) -> None:
    data = training_set(small_kb)
    a, b = fit(data), fit(data)
    assert a.vocabulary == b.vocabulary
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.bias, b.bias)
    assert a.meta["inputs_hash"] == b.meta["inputs_hash"] == current_hash(small_kb)


def test_a_corpus_edit_changes_the_inputs_hash(small_kb: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(small_kb, kb)
    before = current_hash(kb)
    with (kb / CORPUS_DIR / "station.jsonl").open("a", encoding="utf-8") as f:
        row = {"id": "s1", "group": None, "text": "屋企个掣飞咗", "expect": {
            "intent": "fault_report", "fault_type": "trip", "urgent": False,
            "address": None, "faq_id": None}}  # fmt: skip
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    assert current_hash(kb) != before


def test_save_and_load_round_trip(small_kb: Path, tmp_path: Path) -> None:
    model = fit(training_set(small_kb))
    path = tmp_path / "m" / "reader.npz"
    model.save(path)
    again = ReaderModel.load(path)
    assert again.vocabulary == model.vocabulary and again.meta == model.meta
    assert np.allclose(again.scores("停电了")[0], model.scores("停电了")[0], atol=1e-6)


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04broken"])
def test_a_broken_model_file_is_an_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "reader.npz"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=str(path)):
        ReaderModel.load(path)


def test_a_missing_model_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="powerbot nlu train"):
        ReaderModel.load(tmp_path / "reader.npz")


def test_a_model_for_other_features_must_be_retrained(small_kb: Path, tmp_path: Path) -> None:
    model = fit(training_set(small_kb))
    model.meta["features_version"] = 0
    model.save(tmp_path / "reader.npz")
    with pytest.raises(ModelError, match="features v0"):
        ReaderModel.load(tmp_path / "reader.npz")


def test_features_ignore_digits_case_and_extra_space() -> None:
    assert model_text("3栋2单元501  停电了") == model_text("12栋1单元1203 停电了")
    assert model_text("ＯＫ".lower()) == model_text("ｏｋ")
    assert grams("停电了") == ["停", "电", "了", "停电", "电了", "停电了"]
