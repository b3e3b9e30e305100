"""Learn the re-ranker's, the quote chooser's and the decline model's weights from question sets with gold
evidence spans.

    .venv/bin/python benchmarks/train_ranker.py benchmarks/questions/tune.jsonl benchmarks/questions/tune2.jsonl \
        benchmarks/questions/tune3.jsonl benchmarks/questions/tune4.jsonl benchmarks/questions/tune5.jsonl \
        benchmarks/questions/tune6.jsonl benchmarks/questions/tune7.jsonl benchmarks/questions/tune8.jsonl \
        benchmarks/questions/tune9.jsonl benchmarks/questions/tune10.jsonl benchmarks/questions/tune11.jsonl \
        benchmarks/questions/tune12.jsonl benchmarks/questions/tune13.jsonl benchmarks/questions/tune14.jsonl \
        --scope tests/data/dev_questions.jsonl benchmarks/validation_questions.jsonl

For every question, the fused candidates (assistant.Assistant.candidates) are labelled by whether
their passage overlaps the gold evidence; the sentences of those passages by whether they overlap
it. A linear model over rerank.FEATURES (and quote.QUOTE_FEATURES) is fitted with a listwise
softmax loss and L2 regularisation; the regularisation strength is chosen by 5-fold
cross-validation over questions (mean reciprocal rank of the gold passage on the held-out fold).
The decline model is boosted trees (scikit-learn) over scope.SCOPE_FEATURES, with its threshold set
on held-out folds; it is stored as arrays the assistant walks with numpy (rerank.Trees).
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
from assistant.learned import Trees, load_model
from assistant.quote import QUOTE_FEATURES, QUOTE_MODEL, sentence_features
from assistant.rerank import CANDIDATES, FEATURES, MODEL, features, question_terms
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


# The decline model's boosted trees. Chosen by cross-validation on the tune sets (5 folds, and leaving
# out one set at a time, which asks whether it holds for a writer it never saw): 100-400 trees of
# depth 2-4 measured within 0.03 of each other at every cap; a linear model declined 0.05-0.14 fewer.
SCOPE_TREES = {"n_estimators": 300, "max_depth": 3, "learning_rate": 0.03, "subsample": 0.8, "min_samples_leaf": 10}
CAPS = (0.02, 0.05, 0.10, 0.15, 0.20, 0.30)


def fit_trees(x: np.ndarray, y: np.ndarray, seed: int = 0):
    """Gradient-boosted trees (classes weighted equally) on the decline features."""
    try:
        from sklearn.ensemble import GradientBoostingClassifier
    except ImportError:
        raise SystemExit("fitting the decline model needs scikit-learn: pip install -e '.[test]'") from None

    weight = np.where(y > 0, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)) * len(y)
    return GradientBoostingClassifier(random_state=seed, **SCOPE_TREES).fit(x, y, sample_weight=weight)


def export_trees(model, x: np.ndarray) -> dict:
    """The fitted trees as complete heap-ordered arrays (see rerank.Trees), checked against the model's
    own scores on x."""
    depth = SCOPE_TREES["max_depth"]
    inner = 2**depth - 1
    n = len(model.estimators_)
    feature = np.zeros((n, inner), dtype=np.int64)
    split = np.full((n, inner), np.finfo(np.float64).max)  # a split no finite value exceeds: always left
    leaf = np.zeros((n, inner + 1))
    for t, (estimator,) in enumerate(model.estimators_):
        tree = estimator.tree_
        stack = [(0, 0, 0)]  # (node of the fitted tree, heap position, level)
        while stack:
            node, at, level = stack.pop()
            if level == depth:
                leaf[t, at - inner] = model.learning_rate * tree.value[node][0][0]
            elif tree.children_left[node] != -1:
                feature[t, at], split[t, at] = tree.feature[node], tree.threshold[node]
                stack += [(tree.children_left[node], 2 * at + 1, level + 1),
                          (tree.children_right[node], 2 * at + 2, level + 1)]
            else:  # a leaf above the last level: its value at every leaf below it
                stack += [(node, 2 * at + 1, level + 1), (node, 2 * at + 2, level + 1)]
    offset = model.decision_function(x) - Trees(feature, split, leaf).score(x)
    if np.ptp(offset) > 1e-6:
        raise SystemExit(f"exported trees disagree with the fitted model (spread {np.ptp(offset):.2g})")
    return {"trees": {"feature": feature.tolist(), "split": split.tolist(), "leaf": leaf.round(8).tolist()},
            "bias": float(offset.mean())}


def train_scope(x: np.ndarray, y: np.ndarray, seed: int = 0) -> dict:
    """Boosted trees and a cross-validated threshold: the threshold declines as many unanswerable
    questions as it can while declining at most MAX_FALSE_DECLINE of the answerable ones (on the
    held-out folds' scores, which is how the model meets a new question), since a wrong "not covered"
    hides an answer the articles hold."""
    fold = np.random.default_rng(seed).permutation(len(y)) % FOLDS
    held = np.zeros(len(y))
    for f in range(FOLDS):
        held[fold == f] = fit_trees(x[fold != f], y[fold != f], seed).decision_function(x[fold == f])

    def declined_at(cap: float) -> tuple[float, float, float]:  # (declined, threshold, false declines)
        return max(((float(np.mean(held[y == 0] < t)), float(t), float(np.mean(held[y > 0] < t)))
                    for t in np.unique(held) if np.mean(held[y > 0] < t) <= cap), default=(0.0, float(held.min()), 0.0))

    declined, threshold, false_decline = declined_at(MAX_FALSE_DECLINE)
    model = fit_trees(x, y, seed)
    return {**export_trees(model, x), "threshold": round(threshold, 6), "cv_declined": round(declined, 4),
            "cv_false_decline": round(false_decline, 4),
            "cv_declined_by_false_decline": {f"{cap:.2f}": round(declined_at(cap)[0], 4) for cap in CAPS},
            "importance": dict(zip(SCOPE_FEATURES, model.feature_importances_.round(4).tolist(), strict=True))}


def _fit_scope(assistant: Assistant, args: argparse.Namespace, trained_on: list[str]) -> int:
    x, y = scope_data(assistant, [*args.questions, *args.scope])
    s = train_scope(x, y)
    print(f"scope: {int(y.sum())} answerable, {int((1 - y).sum())} not; cross-validated: "
          f"{s['cv_declined']:.2f} of unanswerable declined, {s['cv_false_decline']:.2f} of answerable declined")
    print("scope: importance " + ", ".join(f"{n} {v:.2f}" for n, v in s["importance"].items()))
    print("scope: unanswerable declined at each cap on answerable declined: "
          + ", ".join(f"{cap}: {v:.2f}" for cap, v in s["cv_declined_by_false_decline"].items()))
    data = {"features": list(SCOPE_FEATURES), **s, "params": SCOPE_TREES,
            "trained_on": trained_on + [p.name for p in args.scope], "questions": len(y)}
    SCOPE_MODEL.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
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
