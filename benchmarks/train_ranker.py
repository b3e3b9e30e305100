"""Learn the re-ranker's and the quote chooser's weights from a question set with gold evidence spans.

    .venv/bin/python benchmarks/train_ranker.py benchmarks/questions/tune.jsonl benchmarks/questions/tune2.jsonl \
        benchmarks/questions/tune3.jsonl benchmarks/questions/tune4.jsonl benchmarks/questions/tune5.jsonl \
        benchmarks/questions/tune6.jsonl benchmarks/questions/tune7.jsonl benchmarks/questions/tune8.jsonl \
        benchmarks/questions/tune9.jsonl benchmarks/questions/tune10.jsonl \
        --scope tests/data/dev_questions.jsonl benchmarks/validation_questions.jsonl

For every question, the fused candidates (assistant.Assistant.candidates) are labelled by whether
their passage overlaps the gold evidence; the sentences of those passages by whether they overlap
it. A linear model over rerank.FEATURES (and quote.QUOTE_FEATURES) is fitted with a listwise
softmax loss and L2 regularisation; the regularisation strength is chosen by 5-fold
cross-validation over questions (mean reciprocal rank of the gold passage on the held-out fold).
The corpus is the seeds plus real documents of other genres (benchmarks/corpora/train_distractors:
parliamentary bills and software licences), so that the ranker learns from hard negatives what a
bigger, mixed archive looks like; a different set of such documents is kept for the robustness
report. The weights go to assistant/models/{ranker,quote,scope}.json. Only the tune sets (and, for
the decline model, the earlier dev and validation sets) are read here: the report sets are never used
to choose anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant
from assistant.config import DEFAULT_CORPUS
from assistant.evaluate import evidence_spans, overlaps, read_questions
from assistant.quote import QUOTE_FEATURES, QUOTE_MODEL, sentence_features
from assistant.rerank import CANDIDATES, FEATURES, MODEL, features, load_model, question_terms
from assistant.scope import SCOPE_FEATURES, SCOPE_MODEL, answered_by_names, scope_features, unrelated

# At most this share of answerable questions may be declined (cross-validated); see train_scope.
MAX_FALSE_DECLINE = 0.10
LAMBDAS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5


def collect(assistant: Assistant, paths: list[Path]) -> tuple[list[tuple[np.ndarray, np.ndarray]], list]:
    """Per question: (passage features, labels) and, per gold passage, (sentence features, labels)."""
    articles = {a.source: a for a in assistant.articles()}
    passages, sentences = [], []
    for q in (q for path in paths for q in read_questions(path)):
        if not q.source or q.source not in articles:
            continue
        spans = evidence_spans(articles[q.source], q.evidence)
        if not spans:
            continue
        c = assistant.candidates(q.question, list(q.history))
        head = c.hits[:CANDIDATES]
        index = c.index
        x = features(index, head, c.qvec, c.names, c.intent, question_terms(index, c.text, c.language))
        y = np.zeros(len(head))
        for i, hit in enumerate(head):
            p = index.passage(hit.passage_id)
            if p.source == q.source and overlaps(p.start, p.end, spans):
                y[i] = 1
                texts = [articles[p.source].text[s.start : s.end] for s in p.sentences]
                cos = index.sentence_vectors_of(hit.passage_id) @ c.qvec
                ys = np.array([float(overlaps(s.start, s.end, spans)) for s in p.sentences])
                if 0 < ys.sum() < len(ys):
                    translated = index.bridge.translations_of(c.text, c.language)
                    sentences.append((sentence_features(texts, cos, c.text, c.intent, translated), ys))
        passages.append((x, y))
    return passages, sentences


def fit(groups: list[tuple[np.ndarray, np.ndarray]], lam: float, steps: int = 1500) -> tuple[np.ndarray, ...]:
    """Weights minimising the listwise softmax loss (-log of the gold rows' share) plus lam * |w|^2."""
    allx = np.concatenate([x for x, _ in groups])
    mean, scale = allx.mean(axis=0), allx.std(axis=0)
    scale[scale < 1e-9] = 1.0
    data = [((x - mean) / scale, y) for x, y in groups if y.sum() > 0]
    w = np.zeros(allx.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):  # Adam on a small convex problem
        grad = 2 * lam * w
        for x, y in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y / max((p * y).sum(), 1e-12)
            grad += (p - q) @ x / len(data)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w, mean, scale


def mrr(groups, w, mean, scale) -> float:
    total = 0.0
    for x, y in groups:
        if y.sum() == 0:
            continue
        order = np.argsort(-(((x - mean) / scale) @ w), kind="stable")
        total += 1 / (1 + int(np.flatnonzero(y[order])[0]))
    return total / max(sum(1 for _, y in groups if y.sum()), 1)


def cross_validate(groups, seed: int = 0) -> tuple[float, dict[float, float]]:
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(groups)) % FOLDS
    results = {}
    for lam in LAMBDAS:
        scores = []
        for f in range(FOLDS):
            train = [g for g, k in zip(groups, fold, strict=True) if k != f]
            test = [g for g, k in zip(groups, fold, strict=True) if k == f]
            scores.append(mrr(test, *fit(train, lam)))
        results[lam] = float(np.mean(scores))
    return max(results, key=results.get), results


def save(path: Path, names: tuple[str, ...], w, mean, scale, note: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"features": list(names), "weights": w.round(6).tolist(), "mean": mean.round(6).tolist(),
            "scale": scale.round(6).tolist(), **note}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def scope_data(assistant: Assistant, paths: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    """SCOPE_FEATURES of every question the decline model decides (after re-ranking), and whether the
    articles answer it."""
    load_model.cache_clear()
    rows, labels = [], []
    for path in paths:
        for q in read_questions(path):
            c = assistant.candidates(q.question, list(q.history))
            hits, top_score = c.ranking()
            if c.by_author or answered_by_names(c.text, hits, c.index, c.names, c.intent):
                continue  # answered without the model: it is fitted on the questions it decides
            x = scope_features(c.text, hits, c.index, c.qvec, c.names, c.intent, c.translations, top_score,
                               followup=c.followup)
            if unrelated(x):
                continue  # declined without the model
            rows.append(x)
            labels.append(float(q.source is not None))
    return np.array(rows), np.array(labels)


def fit_binary(x: np.ndarray, y: np.ndarray, lam: float, steps: int = 3000) -> tuple[np.ndarray, ...]:
    """Logistic regression (classes weighted equally) with L2; returns weights, bias, mean, scale."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    weight = np.where(y > 0, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    w, b = np.zeros(x.shape[1]), 0.0
    rate = 0.5 / (1 + 2 * lam)  # plain gradient descent stays stable under strong regularisation
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(z @ w + b, -30, 30)))
        g = weight * (p - y)
        w -= rate * (z.T @ g + 2 * lam * w)
        b -= rate * g.sum()
    return w, b, mean, scale


def train_scope(x: np.ndarray, y: np.ndarray, seed: int = 0) -> dict:
    """Cross-validated regularisation and threshold: the threshold declines as many unanswerable
    questions as it can while declining at most MAX_FALSE_DECLINE of the answerable ones (on the
    held-out folds' predictions), since a wrong "not covered" hides an answer the articles hold."""
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(y)) % FOLDS
    best = None
    curves = {}
    for lam in LAMBDAS:
        held = np.zeros(len(y))
        for f in range(FOLDS):
            w, b, mean, scale = fit_binary(x[fold != f], y[fold != f], lam)
            held[fold == f] = ((x[fold == f] - mean) / scale) @ w + b
        curves[lam] = held
        for t in np.unique(held):
            false_decline = np.mean(held[y > 0] < t)
            declined = np.mean(held[y == 0] < t)
            if false_decline <= MAX_FALSE_DECLINE and (best is None or declined > best[0]):
                best = (declined, lam, float(t), false_decline)
    declined, lam, threshold, false_decline = best
    held = curves[lam]
    trade = {f"{cap:.2f}": round(max((float(np.mean(held[y == 0] < t)) for t in np.unique(held)
                                      if np.mean(held[y > 0] < t) <= cap), default=0.0), 4)
             for cap in (0.02, 0.05, 0.10, 0.15, 0.20, 0.30)}
    w, b, mean, scale = fit_binary(x, y, lam)
    return {"lam": lam, "threshold": threshold, "w": w, "b": b, "mean": mean, "scale": scale,
            "cv_false_decline": round(float(false_decline), 4), "cv_declined": round(float(declined), 4),
            "cv_declined_by_false_decline": trade}


def _fit_scope(assistant: Assistant, args: argparse.Namespace, trained_on: list[str]) -> int:
    x, y = scope_data(assistant, [*args.questions, *args.scope])
    s = train_scope(x, y)
    print(f"scope: {int(y.sum())} answerable, {int((1 - y).sum())} not; lambda {s['lam']}, cross-validated: "
          f"{s['cv_declined']:.2f} of unanswerable declined, {s['cv_false_decline']:.2f} of answerable declined")
    print("scope: weights " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(SCOPE_FEATURES, s["w"], strict=True)))
    print("scope: unanswerable declined at each cap on answerable declined: "
          + ", ".join(f"{cap}: {v:.2f}" for cap, v in s["cv_declined_by_false_decline"].items()))
    save(SCOPE_MODEL, SCOPE_FEATURES, s["w"], s["mean"], s["scale"],
         {"bias": round(float(s["b"]), 6), "threshold": s["threshold"], "lambda": s["lam"],
          "cv_declined": s["cv_declined"], "cv_false_decline": s["cv_false_decline"],
          "cv_declined_by_false_decline": s["cv_declined_by_false_decline"],
          "trained_on": trained_on + [p.name for p in args.scope], "questions": len(y)})
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path, nargs="+", help="question sets with gold evidence (tune sets)")
    parser.add_argument("--scope", type=Path, nargs="*", default=[],
                        help="more question sets with out-of-scope questions, for the decline model only")
    parser.add_argument("--distractors", type=Path, default=ROOT / "benchmarks/corpora/train_distractors",
                        help="real documents of other topics and genres mixed into the seeds, as hard negatives")
    parser.add_argument("--scope-only", action="store_true", help="refit the decline model only")
    parser.add_argument("--index", default=None, help="an index of that corpus (default: build one in a temp dir)")
    args = parser.parse_args(argv)
    if args.index is None:
        import shutil
        import tempfile

        work = Path(tempfile.mkdtemp(prefix="assistant-train-"))
        corpus = work / "corpus"
        shutil.copytree(ROOT / DEFAULT_CORPUS, corpus)
        for path in sorted(args.distractors.glob("*")) if args.distractors else ():
            shutil.copy(path, corpus / path.name)
        args.index = str(work / "index")
        Assistant(args.index).build(corpus)
    # The models being trained must not shape the candidates they are trained on: fusion order only.
    for path in (SCOPE_MODEL,) if args.scope_only else (MODEL, QUOTE_MODEL, SCOPE_MODEL):
        path.unlink(missing_ok=True)
    assistant = Assistant(args.index)
    trained_on = [p.name for p in args.questions]
    if args.scope_only:
        return _fit_scope(assistant, args, trained_on)
    passages, sentences = collect(assistant, args.questions)
    reachable = sum(1 for _, y in passages if y.sum())
    print(f"{len(passages)} questions with located evidence; gold passage among the candidates for {reachable}")
    baseline = mrr(passages, np.eye(len(FEATURES))[0], np.zeros(len(FEATURES)), np.ones(len(FEATURES)))
    for name, groups, names, path in (("ranker", passages, FEATURES, MODEL),
                                      ("quote", sentences, QUOTE_FEATURES, QUOTE_MODEL)):
        lam, results = cross_validate(groups)
        w, mean, scale = fit(groups, lam)
        print(f"{name}: cross-validated MRR by lambda " + ", ".join(f"{k}: {v:.3f}" for k, v in results.items()))
        print(f"{name}: lambda {lam}; weights " + ", ".join(f"{n} {x:+.2f}" for n, x in zip(names, w, strict=True)))
        save(path, names, w, mean, scale, {"lambda": lam, "cv_mrr": round(results[lam], 4),
                                           "trained_on": trained_on, "questions": len(groups)})
    print(f"fusion order alone: MRR {baseline:.3f} (over the same candidates)")
    return _fit_scope(assistant, args, trained_on)


if __name__ == "__main__":
    sys.exit(main())
