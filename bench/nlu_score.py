"""Scoring of understanding against labelled messages, as ../shared/eval/score.py does,
plus the two figures the issue adds: fault reports left in silence, and the
confusion between intents. Used by bench/nlu_cv.py and bench/nlu_heldout.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ADDRESS = ("community", "building", "unit", "room")
INTENTS = ("fault_report", "faq", "outage_query", "progress_query", "complaint", "other")


@dataclass
class Score:
    hits: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)
    urgent_hit: int = 0
    urgent_total: int = 0
    urgent_false: int = 0  # marked urgent, and not
    answered: int = 0
    wrong_answers: int = 0
    reports: int = 0
    silent_reports: int = 0
    asked: int = 0  # messages the bot asks about ("请问是要报修吗")
    confusion: Counter = field(default_factory=Counter)  # (expected, got) -> n

    def add(self, expect: dict[str, Any], got: dict[str, Any]) -> None:
        self._count("intent", got.get("intent") == expect["intent"])
        self.confusion[(expect["intent"], got.get("intent"))] += 1
        self.asked += bool(got.get("confirm"))
        if expect["intent"] == "fault_report":
            self.reports += 1
            silent = got.get("intent") == "other" and not got.get("confirm")
            self.silent_reports += silent
            self._count("fault_type", got.get("fault_type") == expect["fault_type"])
            ea, ga = expect.get("address") or {}, got.get("address") or {}
            whole = True
            for k in ADDRESS:
                ok = _norm(ga.get(k)) == _norm(ea.get(k))
                whole &= ok
                self._count(f"address.{k}", ok)
            self._count("address", whole)
        if expect["urgent"]:
            self.urgent_total += 1
            self.urgent_hit += bool(got.get("urgent"))
        else:
            self.urgent_false += bool(got.get("urgent"))
        if expect["intent"] == "faq":
            self._count("faq_id", got.get("faq_id") == expect["faq_id"])
        if got.get("faq_id") is not None:
            self.answered += 1
            self.wrong_answers += got["faq_id"] != expect.get("faq_id")

    def _count(self, name: str, ok: bool) -> None:
        self.totals[name] += 1
        self.hits[name] += bool(ok)

    def rate(self, name: str) -> float:
        return self.hits[name] / self.totals[name] if self.totals[name] else float("nan")

    def figures(self) -> dict[str, float]:
        return {
            "intent": self.rate("intent"),
            "fault_type": self.rate("fault_type"),
            "address": self.rate("address"),
            "urgent_recall": self.urgent_hit / self.urgent_total if self.urgent_total else 1.0,
            "faq_id": self.rate("faq_id"),
            "false_answers": self.wrong_answers / self.answered if self.answered else 0.0,
            "silent_reports": self.silent_reports / self.reports if self.reports else 0.0,
            "asked": self.asked / self.totals["intent"] if self.totals["intent"] else 0.0,
        }

    def line(self) -> str:
        f = self.figures()
        return (
            f"intent {f['intent']:.3f}  fault {f['fault_type']:.3f}  address {f['address']:.3f}  "
            f"urgent {self.urgent_hit}/{self.urgent_total} (+{self.urgent_false})  faq {f['faq_id']:.3f}  "
            f"false {self.wrong_answers}/{self.answered}={f['false_answers']:.3f}  "
            f"silent {self.silent_reports}/{self.reports}={f['silent_reports']:.3f}  "
            f"asked {self.asked}"
        )

    def confusion_table(self) -> str:
        short = {i: i.split("_")[0][:8] for i in INTENTS}
        rows = ["expected \\ got " + " ".join(f"{short[i]:>8}" for i in INTENTS)]
        for e in INTENTS:
            cells = " ".join(f"{self.confusion[(e, g)]:>8}" for g in INTENTS)
            rows.append(f"{short[e]:>14} {cells}")
        return "\n".join(rows)


def expected(example: Any) -> dict[str, Any]:
    """A corpus or test-set example's labels, as the scorer compares them."""
    return {
        "intent": example.intent,
        "fault_type": example.fault_type,
        "urgent": example.urgent,
        "address": example.address,
        "faq_id": example.faq_id,
    }


def score(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Score:
    s = Score()
    for expect, got in pairs:
        s.add(expect, got)
    return s


def _norm(v: Any) -> str | None:
    if v is None:
        return None
    return str(v).strip() or None
