"""Score the assistant on a question set: hit@1, hit@3, MRR@10 per language pair, and declines."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .api import Assistant
from .errors import InputError
from .language import language_of


@dataclass(frozen=True)
class Question:
    question: str
    source: str | None  # None: the articles do not answer it
    evidence: str | None = None


@dataclass
class Outcome:
    question: Question
    pair: str  # "ko->en": question language -> article language ("ko->none" out of scope)
    rank: int | None  # rank of the first citation from the right article, within 10
    answered: bool
    top_score: float


def read_questions(path: Path) -> list[Question]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read question file {path} ({exc.__class__.__name__})") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question, source = row["question"], row.get("source")
            if not isinstance(question, str) or not question.strip() or not isinstance(source, (str, type(None))):
                raise TypeError
            out.append(Question(question, source, row.get("evidence")))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise InputError(
                f"{path}:{n}: expected a JSON object with a non-empty 'question' and a 'source' (file name or null)"
            ) from None
    if not out:
        raise InputError(f"{path} holds no questions")
    return out


def run(assistant: Assistant, questions: list[Question]) -> list[Outcome]:
    languages = {a.source: a.language for a in assistant.articles()}
    outcomes = []
    for q in questions:
        answer = assistant.ask(q.question, k=10)
        sources = [c.source for c in answer.citations]
        rank = sources.index(q.source) + 1 if q.source in sources else None
        target = languages.get(q.source, "none") if q.source else "none"
        top = max((c.similarity for c in answer.citations), default=0.0)
        outcomes.append(Outcome(q, f"{language_of(q.question)}->{target}", rank, answer.answered, top))
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.question.source:
            groups[o.pair].append(o)
            groups["all"].append(o)
    table = {}
    for pair, rows in sorted(groups.items()):
        n = len(rows)
        table[pair] = {
            "n": n,
            "hit@1": sum(1 for o in rows if o.rank == 1) / n,
            "hit@3": sum(1 for o in rows if o.rank and o.rank <= 3) / n,
            "mrr@10": sum(1 / o.rank for o in rows if o.rank) / n,
        }
    in_scope = groups.get("all", [])
    out_scope = [o for o in outcomes if not o.question.source]
    return {
        "pairs": table,
        "out_of_scope": len(out_scope),
        "decline_rate": sum(1 for o in out_scope if not o.answered) / len(out_scope) if out_scope else None,
        "false_decline_rate": sum(1 for o in in_scope if not o.answered) / len(in_scope) if in_scope else None,
        "false_declines": sum(1 for o in in_scope if not o.answered),
    }


def format_report(summary: dict) -> str:
    lines = [f"{'pair':<8} {'n':>3} {'hit@1':>6} {'hit@3':>6} {'mrr@10':>7}"]
    for pair, row in summary["pairs"].items():
        lines.append(f"{pair:<8} {row['n']:>3} {row['hit@1']:>6.2f} {row['hit@3']:>6.2f} {row['mrr@10']:>7.2f}")
    if summary["decline_rate"] is not None:
        lines.append(f"out-of-scope declined: {summary['decline_rate']:.2f} of {summary['out_of_scope']}")
    if summary["false_decline_rate"] is not None:
        lines.append(
            f"in-scope wrongly declined: {summary['false_decline_rate']:.2f} ({summary['false_declines']} questions)"
        )
    return "\n".join(lines)
