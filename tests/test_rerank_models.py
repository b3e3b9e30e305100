"""The learned models bundled in assistant/models/ (re-ranker, quote chooser, decline model), and
rerank.rerank on a small real index built with the model-free hashing encoder.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_ARTICLES, write_corpus

from assistant import Assistant, quote, rerank, scope
from assistant.learned import Model, Trees, _trees, load_model
from assistant.rerank import CANDIDATES
from assistant.signals import is_heading
from assistant.terms import tokenize

LINEAR = [
    pytest.param(rerank.MODEL, rerank.FEATURES, id="ranker"),
    pytest.param(quote.QUOTE_MODEL, quote.QUOTE_FEATURES, id="quote"),
]
MODELS = [*LINEAR, pytest.param(scope.SCOPE_MODEL, scope.SCOPE_FEATURES, id="scope")]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    """load_model is cached by (path, features); each test starts and ends with an empty cache."""
    load_model.cache_clear()
    yield
    load_model.cache_clear()


def test_bundled_model_files_are_the_ones_the_code_loads():
    folder = Path(rerank.__file__).with_name("models")
    assert {p.name for p in folder.glob("*.json")} >= {"ranker.json", "quote.json", "scope.json"}
    assert {rerank.MODEL.parent, quote.QUOTE_MODEL.parent, scope.SCOPE_MODEL.parent} == {folder}


@pytest.mark.parametrize(("path", "names"), LINEAR)
def test_bundled_model_loads_with_finite_weights_of_the_right_length(path, names):
    assert path.is_file(), path
    data = json.loads(path.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == names
    assert len(set(names)) == len(names)

    model = load_model(path, names)
    assert isinstance(model, Model)
    for vector in (model.weights, model.mean, model.scale):
        assert vector.shape == (len(names),)
        assert np.isfinite(vector).all()
    assert (model.scale > 0).all()  # features are divided by it
    assert math.isfinite(model.bias) and math.isfinite(model.threshold)
    assert np.abs(model.weights).sum() > 0  # a model that learned something

    score = model.score(np.tile(model.mean, (3, 1)))  # at the mean, every feature contributes nothing
    assert score.shape == (3,)
    assert np.allclose(score, model.bias)


@pytest.mark.parametrize(("path", "names"), MODELS)
def test_a_copy_loads_the_same(tmp_path, path, names):
    copy = tmp_path / path.name
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    original, copied = load_model(path, names), load_model(copy, names)
    assert copied is not None
    x = np.random.default_rng(0).normal(size=(5, len(names)))
    assert np.array_equal(original.score(x), copied.score(x))
    assert original.threshold == copied.threshold


# ---- the decline model's trees -----------------------------------------------------------------

def walk(trees: Trees, x: np.ndarray) -> float:
    """One sample through each tree, node by node: what Trees.score does for all trees at once."""
    total = trees.bias
    inner = trees.feature.shape[1]
    for t in range(len(trees.feature)):
        node = 0
        while node < inner:
            node = 2 * node + (2 if x[trees.feature[t, node]] > trees.split[t, node] else 1)
        total += trees.leaf[t, node - inner]
    return total


def test_bundled_decline_model_is_complete_trees_over_its_features():
    model = load_model(scope.SCOPE_MODEL, scope.SCOPE_FEATURES)
    assert isinstance(model, Trees)
    n_trees, inner = model.feature.shape
    assert n_trees > 1 and model.leaf.shape == (n_trees, inner + 1)
    assert set(np.unique(model.feature)) <= set(range(len(scope.SCOPE_FEATURES)))
    assert np.isfinite(model.leaf).all() and np.isfinite(model.split).all() and math.isfinite(model.threshold)
    assert np.abs(model.leaf).sum() > 0  # a model that learned something
    assert len(set(np.unique(model.feature[:, 0]))) > 1 or n_trees == 1  # roots split on several features


def test_trees_score_every_sample_as_a_walk_down_each_tree_would():
    model = load_model(scope.SCOPE_MODEL, scope.SCOPE_FEATURES)
    data = json.loads(scope.SCOPE_MODEL.read_text(encoding="utf-8"))
    rng = np.random.default_rng(1)
    # samples near the splits, so that both sides of many splits are taken
    splits = np.array([s for row in data["trees"]["split"] for s in row if s < 1e300])
    x = rng.choice(splits, size=(40, len(scope.SCOPE_FEATURES))) + rng.normal(0, 0.05, (40, len(scope.SCOPE_FEATURES)))
    scores = model.score(x)
    assert scores.shape == (40,)
    assert np.allclose(scores, [walk(model, row) for row in x])
    assert np.ptp(scores) > 0
    alone = model.score(x[3])  # one sample alone: a float, as the linear models give
    assert isinstance(alone, float) and np.isclose(alone, scores[3])


def test_exported_trees_score_as_the_fitted_model(monkeypatch):
    """benchmarks/train_ranker.py: boosted trees fitted with scikit-learn, written as complete trees
    (a leaf above the last level included), give the fitted model's own scores."""
    pytest.importorskip("sklearn")
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import train_ranker

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    x[:, 3] = np.round(x[:, 3])  # few distinct values: some leaves stop early
    y = ((x[:, 0] + x[:, 1] * x[:, 2] + rng.normal(0, 0.3, 300)) > 0).astype(float)
    fitted = train_ranker.fit_trees(x, y)
    exported = train_ranker.export_trees(fitted, x)
    trees = _trees({"features": ["a", "b", "c", "d"], **exported}, 4)
    assert trees is not None
    fresh = rng.normal(size=(50, 4))
    assert np.allclose(trees.score(fresh), fitted.decision_function(fresh), atol=1e-5)


TREE_FAULTS = {
    "leaf-too-narrow": lambda t: t | {"leaf": [row[:-1] for row in t["leaf"]]},
    "feature-out-of-range": lambda t: t | {"feature": [[99, *row[1:]] for row in t["feature"]]},
    "negative-feature": lambda t: t | {"feature": [[-1, *row[1:]] for row in t["feature"]]},
    "rows-disagree": lambda t: t | {"split": t["split"][:-1]},
    "no-trees": lambda t: {"feature": [], "split": [], "leaf": []},
    "not-a-number": lambda t: t | {"leaf": [["x"] * len(t["leaf"][0])] * len(t["leaf"])},
    "missing-leaf": lambda t: {k: v for k, v in t.items() if k != "leaf"},
    "no-splits": lambda t: {"feature": [[]], "split": [[]], "leaf": [[0.5]]},
    "fractional-feature": lambda t: t | {"feature": [[0.7, *row[1:]] for row in t["feature"]]},
}


@pytest.mark.parametrize("fault", list(TREE_FAULTS))
def test_malformed_trees_are_refused(tmp_path, fault):
    data = json.loads(scope.SCOPE_MODEL.read_text(encoding="utf-8"))
    data["trees"] = TREE_FAULTS[fault](data["trees"])
    path = tmp_path / "scope.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_model(path, scope.SCOPE_FEATURES) is None


VARIANTS = {
    "one-fewer": lambda names: names[:-1],
    "one-more": lambda names: (*names, "extra"),
    "reordered": lambda names: tuple(reversed(names)),
    "renamed": lambda names: ("renamed", *names[1:]),
    "empty": lambda names: (),
}


@pytest.mark.parametrize(("path", "names"), MODELS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_model_trained_on_other_features_is_refused(tmp_path, path, names, variant):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = list(VARIANTS[variant](names))
    assert tuple(data["features"]) != names
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    assert load_model(other, names) is None
    assert load_model(path, names) is not None  # the bundled file itself still loads


@pytest.mark.parametrize(
    "content",
    [None, "", "{not json", json.dumps({"weights": [1.0]})],
    ids=["missing", "empty-file", "bad-json", "no-features"],
)
def test_unreadable_model_is_refused(tmp_path, content):
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert load_model(path, rerank.FEATURES) is None


def test_refusal_is_cached_until_the_cache_is_cleared(tmp_path):
    path = tmp_path / "late.json"
    assert load_model(path, quote.QUOTE_FEATURES) is None
    path.write_text(quote.QUOTE_MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_model(path, quote.QUOTE_FEATURES) is None  # the cached answer
    load_model.cache_clear()
    assert load_model(path, quote.QUOTE_FEATURES) is not None


# questionable: load_model checks the feature names but not the length of the vectors, so a file with
# the right names and too few weights loads and only fails when it scores.
def test_weights_of_the_wrong_length_are_refused(tmp_path):
    data = json.loads(quote.QUOTE_MODEL.read_text(encoding="utf-8"))
    data["weights"] = data["weights"][:-1]
    path = tmp_path / "short.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_model(path, quote.QUOTE_FEATURES) is None


# ---- rerank on a small real index -------------------------------------------------------------

TOPICS = [
    ("Riverside town", "a solar ferry", "commuters", "river crossing"),
    ("Mountain county", "a cable car", "hikers", "ski slopes"),
    ("Coastal village", "a seaweed farm", "fishers", "tidal flats"),
    ("Valley city", "a flood barrier", "residents", "river banks"),
    ("Desert province", "a water recycling plant", "farmers", "irrigation canals"),
    ("Island district", "a wind park", "islanders", "power grid"),
    ("Forest region", "a timber museum", "tourists", "old sawmills"),
    ("Lake resort", "an electric bus line", "visitors", "lakeside hotels"),
]


def _article(place: str, project: str, people: str, site: str, i: int) -> str:
    return (
        f"{place} builds {project}\n"
        "\n"
        f"{place} announced on Tuesday that it will build {project} near the {site}. "
        f"Officials said {people} had asked for the project for more than {i + 3} years.\n"
        "\n"
        f"The project will cost {120 + 15 * i} million dollars, paid by the national government and {i + 2} "
        f"local companies. Construction is expected to start next spring and to last about {i + 1} years.\n"
        "\n"
        f"Critics said the money could have been spent on schools, but most {people} welcomed the plan. "
        f"A public hearing on {project} will be held at the town hall next month.\n"
    )


@pytest.fixture(scope="module")
def ranked_index(tmp_path_factory) -> Assistant:
    """The small corpus plus eight three-paragraph articles: more fused candidates than CANDIDATES."""
    folder = tmp_path_factory.mktemp("rerank")
    files = dict(SMALL_ARTICLES)
    files.update({f"topic_{i}.txt": _article(*topic, i) for i, topic in enumerate(TOPICS)})
    corpus = write_corpus(folder / "corpus", files)
    assistant = Assistant(folder / "index", encoder="hashing")
    assistant.build(corpus)
    return assistant


def ranked(candidates, model=None):
    c = candidates
    terms = rerank.question_terms(c.index, c.text, c.language)
    return rerank.rerank(c.index, c.hits, c.qvec, c.names, c.intent, terms, model=model)


QUESTIONS = [
    pytest.param("How many robotic cranes will the harbor city use?", id="en-figure"),
    pytest.param("Who funded the laboratory?", id="en-who"),
    pytest.param("When will construction of the cable car start?", id="en-when"),
    pytest.param("Summarize the drone article", id="en-summary"),
    pytest.param("부산시 해양 데이터 센터는 언제 짓나요?", id="ko-when-named"),
    pytest.param("What did critics say about the wind park?", id="en-open"),
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_rerank_permutes_the_candidates_with_relative_scores(ranked_index, question):
    c = ranked_index.candidates(question)
    assert c.hits
    out = ranked(c)
    assert len(out) == len(c.hits)
    assert sorted(h.passage_id for h in out) == sorted(h.passage_id for h in c.hits)
    scores = [h.score for h in out]
    assert scores[0] == 1.0
    assert scores == sorted(scores, reverse=True)
    head = scores[:CANDIDATES]  # the re-ranked ones: exp(score - best)
    assert all(0.0 < s <= 1.0 for s in head), head
    assert all(s <= 1.0 for s in scores)
    # the evidence of each retriever travels with its passage
    given = {h.passage_id: (h.dense, h.lexical) for h in c.hits}
    assert all(given[h.passage_id] == (h.dense, h.lexical) for h in out)


def test_rerank_on_the_small_corpus_has_every_score_in_the_unit_interval(hashing_assistant):
    c = hashing_assistant.candidates("How many robotic cranes will the harbor city use?")
    assert 1 < len(c.hits) <= CANDIDATES
    out = ranked(c)
    assert sorted(h.passage_id for h in out) == sorted(h.passage_id for h in c.hits)
    scores = [h.score for h in out]
    assert scores[0] == 1.0
    assert all(0.0 < s <= 1.0 for s in scores), scores
    assert scores == sorted(scores, reverse=True)


def test_hits_beyond_the_candidates_follow_in_fused_order_below_the_reranked(ranked_index):
    c = ranked_index.candidates("When will construction of the cable car start?", n=50)
    assert len(c.hits) > CANDIDATES
    out = ranked(c)
    head, tail = out[:CANDIDATES], out[CANDIDATES:]
    assert {h.passage_id for h in head} == {h.passage_id for h in c.hits[:CANDIDATES]}
    assert [h.passage_id for h in tail] == [h.passage_id for h in c.hits[CANDIDATES:]]
    assert max(h.score for h in tail) < min(h.score for h in head)
    assert all(got.score == pytest.approx(head[-1].score * 0.5) for got in tail)


def test_a_tail_hit_with_no_fused_score_still_gets_a_positive_weight(ranked_index):
    c = ranked_index.candidates("Who funded the laboratory?", n=50)
    assert len(c.hits) > CANDIDATES
    zero = [h.passage_id for h in c.hits[CANDIDATES:] if h.score <= 0.0]
    assert zero
    out = {h.passage_id: h.score for h in ranked(c)}
    assert all(0.0 < out[pid] <= 1.0 for pid in zero)


def test_a_model_that_weighs_only_the_fused_score_keeps_the_fused_order(ranked_index):
    n = len(rerank.FEATURES)
    weights = np.zeros(n)
    weights[rerank.FEATURES.index("fused")] = 1.0
    model = Model(weights, np.zeros(n), np.ones(n))
    c = ranked_index.candidates("How many robotic cranes will the harbor city use?")
    out = ranked(c, model)
    assert [h.passage_id for h in out] == [h.passage_id for h in c.hits]
    head = c.hits[:CANDIDATES]
    top = head[0].score
    for given, got in zip(head, out, strict=False):  # exp(fused/top - 1): relative to the best
        assert got.score == pytest.approx(math.exp(given.score / top - 1.0))


def test_a_flat_model_keeps_the_order_and_scores_all_one(ranked_index):
    n = len(rerank.FEATURES)
    model = Model(np.zeros(n), np.zeros(n), np.ones(n))
    c = ranked_index.candidates("Who funded the laboratory?")
    out = ranked(c, model)
    assert [h.passage_id for h in out] == [h.passage_id for h in c.hits]
    assert all(h.score == 1.0 for h in out[:CANDIDATES])
    assert all(h.score < 1.0 for h in out[CANDIDATES:])


def test_without_a_model_the_hits_come_back_unchanged(ranked_index, monkeypatch):
    monkeypatch.setattr(rerank, "load_model", lambda *a, **k: None)
    c = ranked_index.candidates("Who funded the laboratory?")
    assert ranked(c) == c.hits


def test_features_have_one_finite_row_per_hit(ranked_index):
    c = ranked_index.candidates("How many robotic cranes will the harbor city use?")
    x = rerank.features(c.index, c.hits, c.qvec, c.names, c.intent, rerank.question_terms(c.index, c.text, c.language))
    assert x.shape == (len(c.hits), len(rerank.FEATURES))
    assert np.isfinite(x).all()
    fused = x[:, rerank.FEATURES.index("fused")]
    assert fused.max() == pytest.approx(1.0)
    position = x[:, rerank.FEATURES.index("position")]
    assert ((position >= 0) & (position <= 1)).all()
    # a count question: figure_match holds only where the passage states a count (so holds a number)
    figure = x[:, rerank.FEATURES.index("figure_match")]
    numbers = np.array([c.index.signals(h.passage_id).number for h in c.hits], dtype=float)
    assert c.intent.figures == {"count"}
    assert (figure <= numbers).all()


def test_coverage_is_the_rarity_weighted_share_of_question_terms_a_passage_holds(ranked_index):
    c = ranked_index.candidates("How many robotic cranes will the harbor city use?")
    index = c.index
    terms = rerank.question_terms(index, c.text, c.language)
    x = rerank.features(index, c.hits, c.qvec, c.names, c.intent, terms)
    covered = x[:, rerank.FEATURES.index("coverage")]
    assert ((covered >= 0) & (covered <= 1)).all() and covered.max() > 0
    total = sum(weight for weight, _ in terms)
    for hit, share in zip(c.hits, covered, strict=True):  # recomputed from the passage's own terms
        words = set(tokenize(index.passage_text(hit.passage_id)))
        assert share == pytest.approx(sum(w for w, forms in terms if forms & words) / total)
    # without the question's terms there is nothing to cover
    bare = rerank.features(index, c.hits, c.qvec, c.names, c.intent, ())
    assert not bare[:, rerank.FEATURES.index("coverage")].any()


def test_a_figure_question_of_no_named_kind_matches_any_number(ranked_index):
    c = ranked_index.candidates("How big is the harbor city's robotics laboratory?")
    x = rerank.features(c.index, c.hits, c.qvec, c.names, c.intent, rerank.question_terms(c.index, c.text, c.language))
    numbers = np.array([c.index.signals(h.passage_id).number for h in c.hits], dtype=float)
    assert c.intent.wants("figure") and not c.intent.figures
    assert np.array_equal(x[:, rerank.FEATURES.index("figure_match")], numbers)


# ---- summary questions: the article's lead ----------------------------------------------------

COLUMN = "003_bd417f7486c5be64.txt"  # the Korean column; its first passage is a pull quote, not a heading


def test_the_lead_is_the_first_passage_that_is_not_a_heading(seed_index):
    index = seed_index.index
    for row in range(len(index.articles)):
        pids = [int(p) for p in index.passages_of_article(row)]
        lead = index.lead_of(row)
        assert lead in pids and not index.signals(lead).heading
        assert all(index.signals(p).heading for p in pids[: pids.index(lead)])
    assert any(index.signals(int(index.passages_of_article(row)[0])).heading for row in range(len(index.articles)))


@pytest.mark.parametrize("question", ["원주 AI 얼라이언스 칼럼 세 줄 요약해줘", "tl;dr of the Wonju alliance column?"])
def test_a_summary_question_ranks_the_leads_of_its_articles(seed_index, question):
    found = seed_index.candidates(question)
    index = found.index
    assert found.intent.wants("summary")
    rows = {index.article_row(h.passage_id) for h in found.hits[:10]}
    head = {h.passage_id for h in found.hits[:CANDIDATES]}
    assert all(index.lead_of(row) in head for row in rows)  # each article's gist is re-ranked
    assert len({h.passage_id for h in found.hits}) == len(found.hits)  # moved up, not repeated
    column = next(i for i, a in enumerate(index.articles) if a.source == COLUMN)
    assert index.article_row(found.ranking()[0][0].passage_id) == column



def test_a_summary_is_quoted_from_the_lead_by_its_opening_sentences(seed_index):
    answer = seed_index.ask("tl;dr of the Gwangju AI declaration ceremony story?")
    index = seed_index.index
    top = answer.citations[0]
    row = next(i for i, a in enumerate(index.articles) if a.source == top.source)
    lead = index.passage(index.lead_of(row))
    assert (top.passage_start, top.passage_end) == (lead.start, lead.end)  # the article's lead first
    text = index.article_of(lead.id).text
    body = [s for s in lead.sentences if not is_heading(text[s.start : s.end])]
    assert (top.quote_start, top.quote_end) == (body[0].start, body[quote.LEAD_SENTENCES - 1].end)
    assert top.quote == text[top.quote_start : top.quote_end]  # verbatim


@pytest.mark.parametrize(("question", "spelled"), [("홍기월", "Hong Giwol"), ("Lim Kinam?", "Lim Kinam"),
                                                   ("최기영", "Choi Ki-young")])
def test_a_name_alone_is_answered_where_its_article_first_mentions_it(seed_index, question, spelled):
    answer = seed_index.ask(question)
    index = seed_index.index
    top = answer.citations[0]
    row = next(i for i, a in enumerate(index.articles) if a.source == top.source)
    body = [int(p) for p in index.passages_of_article(row) if not index.signals(int(p)).heading]
    first = next(p for p in body if spelled in index.passage_text(p))  # the introduction, not a headline
    assert top.passage_start == index.passage(first).start
    assert spelled in top.quote  # the sentence that names them, verbatim
    assert top.quote == index.articles[row].text[top.quote_start : top.quote_end]
