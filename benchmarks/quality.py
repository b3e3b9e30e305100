"""Answer quality on every question set, on the seeds alone and mixed with real documents of other genres.

    .venv/bin/python benchmarks/quality.py            # writes benchmarks/quality.md

Question sets (benchmarks/questions/README.md says how each was written):
- tune, tune2, ..., tune14: 120 + 200 + 200 + 100 + 100 + 100 + 100 + 100 + 100 + 100 + 100 + 100 + 100 + 100
  blind questions (sets A, B; E, F; J, K; L; N; T; U; X; AA; AD; AG; AJ; AM; AN); the learned weights were
  fitted on them (J, K, L, N, T, U, X, AA, AD, AG, AJ, AM and AN were first run once as fresh sets:
  benchmarks/questions/README.md).
- report, report2, ..., report12: 120 + 200 + 100 + 100 + 200 + 200 + 200 + 200 + 200 + 200 + 200 + 200 blind
  questions (sets C, D; G, H; M; O; P, Q; R, S; V, W; Y, Z; AB, AC; AE, AF; AH, AI; AK, AL) by other writers;
  never used to choose anything (M, O, P and Q, R and S, V and W, Y and Z, AB and AC, AE and AF, AH and AI,
  AK and AL were each run once, on their session's final code).
- followups: 60 blind follow-up questions with their conversations (set I), for checking follow-ups.
- dev and validation: the earlier sets (dev was written while looking at the code).

Each set is run through the same `Assistant.ask` the CLI and the web app use (history included),
on an index of the seeds and on one of the seeds plus benchmarks/corpora/report_distractors (Korean
bills and constitution, software licences: hard-wrapped lines, CRLF), which no training step saw.
On the seeds, each set's self-contained questions are also asked after a question about another
article, as in a chat: passage hit@1 alone and after it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant
from assistant.config import DEFAULT_CORPUS
from assistant.evaluate import Question, read_questions, run, summarize

SETS = {
    "report": ROOT / "benchmarks/questions/report.jsonl",
    "report2": ROOT / "benchmarks/questions/report2.jsonl",
    "report3": ROOT / "benchmarks/questions/report3.jsonl",
    "report4": ROOT / "benchmarks/questions/report4.jsonl",
    "report5": ROOT / "benchmarks/questions/report5.jsonl",
    "report6": ROOT / "benchmarks/questions/report6.jsonl",
    "report7": ROOT / "benchmarks/questions/report7.jsonl",
    "report8": ROOT / "benchmarks/questions/report8.jsonl",
    "report9": ROOT / "benchmarks/questions/report9.jsonl",
    "report10": ROOT / "benchmarks/questions/report10.jsonl",
    "report11": ROOT / "benchmarks/questions/report11.jsonl",
    "report12": ROOT / "benchmarks/questions/report12.jsonl",
    "tune": ROOT / "benchmarks/questions/tune.jsonl",
    "tune2": ROOT / "benchmarks/questions/tune2.jsonl",
    "tune3": ROOT / "benchmarks/questions/tune3.jsonl",
    "tune4": ROOT / "benchmarks/questions/tune4.jsonl",
    "tune5": ROOT / "benchmarks/questions/tune5.jsonl",
    "tune6": ROOT / "benchmarks/questions/tune6.jsonl",
    "tune7": ROOT / "benchmarks/questions/tune7.jsonl",
    "tune8": ROOT / "benchmarks/questions/tune8.jsonl",
    "tune9": ROOT / "benchmarks/questions/tune9.jsonl",
    "tune10": ROOT / "benchmarks/questions/tune10.jsonl",
    "tune11": ROOT / "benchmarks/questions/tune11.jsonl",
    "tune12": ROOT / "benchmarks/questions/tune12.jsonl",
    "tune13": ROOT / "benchmarks/questions/tune13.jsonl",
    "tune14": ROOT / "benchmarks/questions/tune14.jsonl",
    "followups": ROOT / "benchmarks/questions/followups.jsonl",
    "validation": ROOT / "benchmarks/validation_questions.jsonl",
    "dev": ROOT / "tests/data/dev_questions.jsonl",
}
DISTRACTORS = ROOT / "benchmarks/corpora/report_distractors"


def build(work: Path, with_distractors: bool) -> Assistant:
    corpus = work / ("mixed" if with_distractors else "seeds")
    shutil.copytree(ROOT / DEFAULT_CORPUS, corpus)
    if with_distractors:
        for path in sorted(DISTRACTORS.glob("*")):
            shutil.copy(path, corpus / path.name)
    assistant = Assistant(work / f"{corpus.name}-index")
    assistant.build(corpus)
    return assistant


def row(name: str, corpus: str, s: dict) -> str:
    a, p, q = s["pairs"]["all"], s["passages"]["all"], s["quotes"]["all"]
    pairs = " / ".join(f"{k} {v['hit@3']:.2f}" for k, v in s["pairs"].items() if k != "all")
    f = s["followups"]
    follow = f"{f['hit@1']:.2f} / {f['hit@3']:.2f} / {f['answered']:.2f} (n={f['n']})" if f else "-"
    declined = f"{s['decline_rate']:.2f} of {s['out_of_scope']}" if s["decline_rate"] is not None else "-"
    return (f"| {name} | {corpus} | {a['n']} | {a['hit@1']:.2f} | {a['hit@3']:.2f} | {p['hit@1']:.2f} | "
            f"{p['hit@3']:.2f} | {q['hit@1']:.2f} | {pairs} | {declined} | {s['false_decline_rate']:.2f} | {follow} |")


def after_another_article(questions: list[Question], seed: int = 0) -> list[tuple[Question, Question]]:
    """The self-contained answerable questions, each with itself asked after a question about another
    article (drawn from the same set): in a chat every question but the first has a history, and one that
    names its own subject must not be read as a follow-up of what came before."""
    alone = [q for q in questions if q.source and not q.history]
    rng = random.Random(seed)
    out = []
    for q in alone:
        others = [p for p in alone if p.source != q.source]
        if others:
            out.append((q, replace(q, history=(rng.choice(others).question,))))
    return out


def passage_hit1(outcomes) -> float:
    return sum(o.passage_rank == 1 for o in outcomes) / max(len(outcomes), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/quality.md")
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="assistant-quality-"))
    indexes = {"seeds": build(work, False), "seeds + distractors": build(work, True)}
    lines = [
        "# Answer quality", "",
        "Command: `.venv/bin/python benchmarks/quality.py`. Article level: a citation from the right article; "
        "passage level: the cited passage holds the gold evidence; quote level: the highlighted quote overlaps it. "
        "Follow-ups: answer first / in the top three / answered.", "",
        "| set | corpus | in scope | article hit@1 | article hit@3 | passage hit@1 | passage hit@3 | quote hit@1 | "
        "article hit@3 per pair | out-of-scope declined | in-scope wrongly declined | follow-ups |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    details = []
    for name in args.sets.split(","):
        questions = read_questions(SETS[name])
        for corpus, assistant in indexes.items():
            outcomes = run(assistant, questions)
            summary = summarize(outcomes)
            lines.append(row(name, corpus, summary))
            if corpus == "seeds":
                types = ", ".join(f"{k} {v['hit@1']:.2f}/{v['hit@3']:.2f} (n={v['n']})"
                                  for k, v in summary["types"].items())
                details.append(f"- **{name}**, passage hit@1/hit@3 by question type: {types}")
                pairs = after_another_article(questions)
                if pairs:  # (a set of follow-ups alone has none)
                    asked_alone = {q for q, _ in pairs}
                    alone = [o for o in outcomes if o.question in asked_alone]
                    after = run(assistant, [switched for _, switched in pairs])
                    details.append(f"- **{name}**, self-contained questions asked after another article's question: "
                                   f"passage hit@1 {passage_hit1(alone):.2f} alone, "
                                   f"{passage_hit1(after):.2f} after it (n={len(pairs)})")
            print(lines[-1], flush=True)
    lines += ["", *details, ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
