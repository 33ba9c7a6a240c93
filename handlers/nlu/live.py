"""kb/ as the running bot uses it: reloaded when files change, retrained when the corpus does.

`LiveKnowledge.poll()` runs every tick. When any file under kb/ changed (entries,
synonyms, kb/words, kb/corpus, the model) it loads everything again; a broken edit
is refused as a whole, its problems (`file:line: ...`) go to the admins once, and
the last good knowledge base stays in use. When the corpus, the FAQ questions or
the typo fixes no longer match the model's inputs, the model is retrained in a
separate process (`python -m bot nlu train`), so the bot keeps answering with the
old model meanwhile; when training fails, the admins are told and the old model
stays. The new model file is then picked up like any other edit.
"""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from handlers.nlu import Understander
from handlers.nlu.corpus import CORPUS_DIR, inputs_hash, read_corpus
from handlers.nlu.faq import FaqMatcher
from handlers.nlu.kb import KBError, KnowledgeBase, check_kb, load_kb
from handlers.nlu.reader import MODEL_FILE, ModelError, ReaderModel
from handlers.nlu.rules import Rules, check_words
from handlers.nlu.train import PARAMS, current_hash, input_parts
from handlers.nlu.words import WORDS_DIR, WordsError

log = logging.getLogger(__name__)

# What admins read.
REJECTED = "知识库文件有错，已继续使用修改前的版本。请改正：\n{problems}"
RETRAINED = "识别模型已按新的语料重新训练（{examples} 条），已启用。"
TRAIN_FAILED = "识别模型重新训练失败，继续使用原来的模型：\n{why}"
NO_TRAINER = (
    "语料有改动，但本机没有安装训练组件，识别模型没有更新。"
    "请运行：pip install 'powerbot[train]'，然后 powerbot nlu train"
)
WATCHED = ("*.md", "*.txt", f"{WORDS_DIR}/*.txt", f"{CORPUS_DIR}/*.jsonl", str(MODEL_FILE))


def fingerprint(kb_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, mtimes and sizes of every file the bot reads from kb/: poll it."""
    rows = []
    for pattern in WATCHED:
        for p in sorted(Path(kb_dir).glob(pattern)):
            if p.is_file():
                st = p.stat()
                rows.append((str(p.relative_to(kb_dir)), st.st_mtime_ns, st.st_size))
    return tuple(rows)


def check_all(kb_dir: Path) -> tuple[list[str], list[str]]:
    """Every problem and warning of a kb/ folder: entries, word lists, corpus, model."""
    problems, warnings = check_kb(kb_dir)
    problems += check_words(kb_dir)
    ids = None
    if not problems:
        ids = set(load_kb(kb_dir).entries)
    problems += read_corpus(kb_dir, ids)[1]
    model_path = Path(kb_dir) / MODEL_FILE
    if not problems and model_path.exists():
        try:
            model = ReaderModel.load(model_path)
            if model.inputs_hash != current_hash(kb_dir):
                warnings.append(
                    f"{model_path}:0: trained from other inputs than kb/ holds now: "
                    "run `powerbot nlu train`"
                )
        except ModelError as e:
            problems.append(f"{e}")
    elif not model_path.exists():
        warnings.append(f"{model_path}:0: no model: the rules read alone (`powerbot nlu train`)")
    return problems, warnings


@dataclass
class Loaded:
    kb: KnowledgeBase
    rules: Rules
    model: ReaderModel | None
    model_stamp: tuple[int, int] | None = None  # the model file's mtime and size


def _stamp(path: Path) -> tuple[int, int] | None:
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None


def load_all(kb_dir: Path, before: Loaded | None = None) -> Loaded:
    """The FAQ, the rules and the model of kb_dir (the model of `before` when its file
    has not changed); KBError lists every problem."""
    problems = []
    try:
        kb = load_kb(kb_dir)
    except KBError as e:
        problems += e.problems
    try:
        rules = Rules.load(kb_dir)
    except WordsError as e:
        problems += e.problems
    if problems:
        raise KBError(problems)
    corpus_problems = read_corpus(kb_dir, set(kb.entries))[1]
    if corpus_problems:
        raise KBError(corpus_problems)
    path = Path(kb_dir) / MODEL_FILE
    stamp = _stamp(path)
    if before is not None and stamp is not None and stamp == before.model_stamp:
        return Loaded(kb, rules, before.model, stamp)
    model = None
    if stamp is not None:
        try:
            model = ReaderModel.load(path)
        except ModelError as e:
            raise KBError([str(e)]) from e
    return Loaded(kb, rules, model, stamp)


class LiveKnowledge:
    """The knowledge base in use, its reloads and its retraining."""

    def __init__(
        self,
        kb_dir: Path,
        understander: Understander,
        retrain: bool = True,
        loaded: Loaded | None = None,
    ) -> None:
        self.dir = Path(kb_dir)
        self.understander = understander
        self.retrain = retrain
        self.loaded = loaded or load_all(self.dir)  # at start a broken kb/ is fatal: file:line
        self.fingerprint = fingerprint(self.dir)
        self.rejected: object = None
        self.training: subprocess.Popen[str] | None = None
        self.failed_hash: str | None = None  # training failed for these inputs: not again
        self.checked: object = None  # the kb/ state whose model was last compared with it
        self._use(self.loaded)

    @property
    def kb(self) -> KnowledgeBase:
        return self.loaded.kb

    def _use(self, loaded: Loaded) -> None:
        self.understander.set_faq(FaqMatcher(loaded.kb))
        self.understander.set_rules(loaded.rules)
        self.understander.set_model(loaded.model)

    def poll(self) -> list[str]:
        """Reload after an edit and look after training; what to tell the admins."""
        told = self._finish_training()
        found = fingerprint(self.dir)
        if found != self.fingerprint and found != self.rejected:
            try:
                loaded = load_all(self.dir, self.loaded)
            except KBError as e:
                self.rejected = found
                log.warning("kb reload rejected: %s", "; ".join(e.problems))
                return [*told, REJECTED.format(problems="\n".join(e.problems[:10]))]
            self.loaded, self.fingerprint, self.rejected = loaded, found, None
            self._use(loaded)
            log.info(
                "kb reloaded: %d entries, model %s", len(loaded.kb.entries), bool(loaded.model)
            )
        return told + self._start_training_if_stale()

    def stale(self) -> str | None:
        """The hash of the inputs when the model no longer matches them, else None."""
        parts = input_parts(self.dir, self.loaded.kb, self.loaded.rules, PARAMS)
        wanted = inputs_hash(parts)
        model = self.loaded.model
        return None if model is not None and model.inputs_hash == wanted else wanted

    def _start_training_if_stale(self) -> list[str]:
        if not self.retrain or self.training is not None or self.checked == self.fingerprint:
            return []
        self.checked = self.fingerprint
        wanted = self.stale()
        if wanted is None or wanted == self.failed_hash:
            return []
        if importlib.util.find_spec("sklearn") is None:
            self.failed_hash = wanted
            return [NO_TRAINER]
        log.info("corpus changed: retraining the reader in the background")
        self.failed_hash = wanted  # until it succeeds, do not start again for the same inputs
        self.training = subprocess.Popen(
            [sys.executable, "-m", "bot", "nlu", "train", "--kb", str(self.dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return []

    def _finish_training(self) -> list[str]:
        if self.training is None or self.training.poll() is None:
            return []
        process, self.training = self.training, None
        output = (process.communicate()[0] or "").strip()
        if process.returncode != 0:
            log.warning("retraining failed: %s", output[-2000:])
            lines = [line for line in output.splitlines() if line.strip()][-5:]
            return [TRAIN_FAILED.format(why="\n".join(lines) or f"exit {process.returncode}")]
        self.failed_hash = None
        log.info("retrained: %s", output.splitlines()[-1:] or "")
        examples = len(read_corpus(self.dir)[0])
        return [RETRAINED.format(examples=examples)]

    def wait_for_training(self, timeout: float = 600) -> None:
        """Block until a training run ends (the CLI and tests; the bot itself polls)."""
        if self.training is not None:
            self.training.wait(timeout)

    def close(self) -> None:
        """Stop a training run still going (the bot is shutting down)."""
        if self.training is not None:
            if self.training.poll() is None:
                self.training.kill()
            self.training.communicate()
            self.training = None
