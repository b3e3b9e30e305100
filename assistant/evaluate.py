"""Score the assistant on a question set: hit@1, hit@3, MRR@10 per language pair and question type,
at the article and at the passage level, plus declines and follow-ups.

A question file is JSON Lines: {"question", "source" (file name, or null when the articles do not
answer it), "evidence" (a verbatim span of the source that answers it), optional "type", "history"
(earlier questions of the conversation, oldest first) and "id"}.

Article level: a citation from the right article. Passage level: a citation whose passage overlaps
the evidence span, or another place the article repeats it (a pull quote; whitespace aside); when the
evidence is not in the article's cleaned text (e.g. a byline) the article level stands in for it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .api import Assistant
from .errors import InputError
from .language import language_of
from .records import Article, Citation

EVAL_K = 10


@dataclass(frozen=True)
class Question:
    question: str
    source: str | None  # None: the articles do not answer it
    evidence: str | None = None
    kind: str | None = None  # the question type: figure, who, when, summary, meta, followup, ...
    history: tuple[str, ...] = ()
    id: str | None = None


@dataclass
class Outcome:
    question: Question
    pair: str  # "ko->en": question language -> article language ("ko->none" out of scope)
    rank: int | None  # rank of the first citation from the right article, within EVAL_K
    answered: bool
    top_score: float
    passage_rank: int | None = None  # rank of the first citation whose passage holds the evidence
    quote_rank: int | None = None  # rank of the first citation whose quote overlaps the evidence
    citations: list[dict] = field(default_factory=list)  # source, quote and flags, for reading failures


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
            history = row.get("history") or []
            if (
                not isinstance(question, str)
                or not question.strip()
                or not isinstance(source, (str, type(None)))
                or not isinstance(history, list)
                or not all(isinstance(h, str) for h in history)
            ):
                raise TypeError
            out.append(Question(question, source, row.get("evidence"), row.get("type"), tuple(history), row.get("id")))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise InputError(
                f"{path}:{n}: expected a JSON object with a non-empty 'question' and a 'source' (file name or null)"
            ) from None
    if not out:
        raise InputError(f"{path} holds no questions")
    return out


def evidence_spans(article: Article, evidence: str | None) -> list[tuple[int, int]]:
    """Offsets of every occurrence of the evidence in the article's cleaned text, whatever whitespace
    separates its words (a pull quote set over several lines repeats a sentence of the body: citing
    either quotes the same words). Empty when it is not there."""
    words = (evidence or "").split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    return [m.span() for m in pattern.finditer(article.text)]


def overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether start..end overlaps one of the spans."""
    return any(start < b and a < end for a, b in spans)


def _first(citations: tuple[Citation, ...], source: str | None, spans: Sequence[tuple[int, int]] = (),
           level: str = "passage") -> int | None:
    """Rank of the first citation of source overlapping one of spans at the passage or quote level (any
    citation of source when there are no spans: the evidence is not in the text), or None."""
    for c in citations:
        if c.source != source:
            continue
        start, end = (c.passage_start, c.passage_end) if level == "passage" else (c.quote_start, c.quote_end)
        if not spans or overlaps(start, end, spans):
            return c.rank
    return None


def run(assistant: Assistant, questions: list[Question]) -> list[Outcome]:
    articles = {a.source: a for a in assistant.articles()}
    outcomes = []
    for q in questions:
        answer = assistant.ask(q.question, k=EVAL_K, history=list(q.history))
        spans = evidence_spans(articles[q.source], q.evidence) if q.source in articles else []
        rank = _first(answer.citations, q.source)
        passage_rank = _first(answer.citations, q.source, spans, "passage")
        quote_rank = _first(answer.citations, q.source, spans, "quote")
        target = (articles[q.source].language if q.source in articles else "none") if q.source else "none"
        top = max((c.similarity for c in answer.citations), default=0.0)
        shown = [{"source": c.source, "quote": c.quote[:160], "answers": c.answers} for c in answer.citations[:3]]
        outcomes.append(Outcome(q, f"{language_of(q.question)}->{target}", rank, answer.answered, top,
                                passage_rank, quote_rank, shown))
    return outcomes


def _scores(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "n": n,
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@3": sum(1 for r in ranks if r and r <= 3) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def summarize(outcomes: list[Outcome]) -> dict:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    kinds: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.question.source:
            groups[o.pair].append(o)
            groups["all"].append(o)
            kinds[o.question.kind or "untyped"].append(o)
    pairs = {pair: _scores([o.rank for o in rows]) for pair, rows in sorted(groups.items())}
    passages = {pair: _scores([o.passage_rank for o in rows]) for pair, rows in sorted(groups.items())}
    quotes = {pair: _scores([o.quote_rank for o in rows]) for pair, rows in sorted(groups.items())}
    types = {kind: _scores([o.passage_rank for o in rows]) for kind, rows in sorted(kinds.items())}
    in_scope = groups.get("all", [])
    out_scope = [o for o in outcomes if not o.question.source]
    followups = [o for o in in_scope if o.question.history]
    summary = {
        "pairs": pairs,
        "passages": passages,
        "quotes": quotes,
        "types": types,
        "out_of_scope": len(out_scope),
        "decline_rate": sum(1 for o in out_scope if not o.answered) / len(out_scope) if out_scope else None,
        "false_decline_rate": sum(1 for o in in_scope if not o.answered) / len(in_scope) if in_scope else None,
        "false_declines": sum(1 for o in in_scope if not o.answered),
        "followups": None,
    }
    if followups:
        summary["followups"] = _scores([o.passage_rank for o in followups]) | {
            "answered": sum(1 for o in followups if o.answered) / len(followups)
        }
    return summary


def _table(title: str, rows: dict[str, dict]) -> list[str]:
    lines = [f"{title:<12} {'n':>3} {'hit@1':>6} {'hit@3':>6} {'mrr@10':>7}"]
    for name, row in rows.items():
        lines.append(f"{name:<12} {row['n']:>3} {row['hit@1']:>6.2f} {row['hit@3']:>6.2f} {row['mrr@10']:>7.2f}")
    return lines


def format_report(summary: dict) -> str:
    lines = _table("pair", summary["pairs"])
    if summary.get("passages") and summary["passages"] != summary["pairs"]:
        lines += ["", "passage level (the cited passage holds the evidence):", *_table("pair", summary["passages"])]
    if summary.get("quotes") and summary["quotes"] != summary["passages"]:
        lines += ["", "quote level (the highlighted quote overlaps the evidence):", *_table("pair", summary["quotes"])]
    if summary.get("types") and set(summary["types"]) != {"untyped"}:
        lines += ["", "by question type, passage level:", *_table("type", summary["types"])]
    if summary.get("followups"):
        f = summary["followups"]
        lines.append(
            f"\nfollow-ups with history: {f['n']}, answer first {f['hit@1']:.2f}, in the top three "
            f"{f['hit@3']:.2f}, answered {f['answered']:.2f}"
        )
    if summary["decline_rate"] is not None:
        lines.append(f"out-of-scope declined: {summary['decline_rate']:.2f} of {summary['out_of_scope']}")
    if summary["false_decline_rate"] is not None:
        lines.append(
            f"in-scope wrongly declined: {summary['false_decline_rate']:.2f} ({summary['false_declines']} questions)"
        )
    return "\n".join(lines)
