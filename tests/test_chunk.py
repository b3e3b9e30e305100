"""Sentence splitting and passages: offsets only, every passage a verbatim span of the article."""

from __future__ import annotations

import itertools

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest.articles import PARAGRAPH_SEP, build_article
from assistant.ingest.chunk import MAX_SENTENCES, passages, sentences, split_sentences
from assistant.ingest.load import load_corpus
from assistant.records import Article, Paragraph


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. Kim met Dr. Lee on Monday. They talked.", ["Mr. Kim met Dr. Lee on Monday.", "They talked."]),
        ("Gwangju invested 426.9 billion won. Then it grew.", ["Gwangju invested 426.9 billion won.", "Then it grew."]),
        ("The U.S. and the U.K. agreed. E.g. this works.", ["The U.S. and the U.K. agreed.", "E.g. this works."]),
        ("Korea, the No. 1 AI nation, said so. Fine.", ["Korea, the No. 1 AI nation, said so.", "Fine."]),
        ("Lee J. Park spoke. Next.", ["Lee J. Park spoke.", "Next."]),
        ("Ask A.I. now. Next.", ["Ask A.I.", "now.", "Next."]),
        ("Open at 5 p.m. sharp. Done.", ["Open at 5 p.m. sharp.", "Done."]),
        ("x" * 3000 + " Mr. Kim spoke. Next.", ["x" * 3000 + " Mr. Kim spoke.", "Next."]),  # only the last word counts
        (
            "너무 반가운 일이다. 협업방식의 원주시 미래산업 모델에 대한 이야기였다. 끝",
            ["너무 반가운 일이다.", "협업방식의 원주시 미래산업 모델에 대한 이야기였다.", "끝"],
        ),
        ('He said, "Go home." Then he left.', ['He said, "Go home."', "Then he left."]),
        ("“We will pool our wisdom.” Then he left.", ["“We will pool our wisdom.”", "Then he left."]),
        ("Is it? Yes! Sure.", ["Is it?", "Yes!", "Sure."]),
        ("No boundary without a following space.Next", ["No boundary without a following space.Next"]),
        ("   Padded sentence.   ", ["Padded sentence."]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_split_sentences(text, expected):
    assert split(text) == expected


def test_split_sentences_inside_a_window():
    text = "Before. Inside one. Inside two. After."
    start = text.index("Inside one")
    end = text.index(" After")
    spans = split_sentences(text, start, end)
    assert [text[s:e] for s, e in spans] == ["Inside one.", "Inside two."]
    assert all(start <= s < e <= end for s, e in spans)


@pytest.fixture(scope="module")
def seed_articles():
    docs, _ = load_corpus(SEEDS)
    return [(build_article(doc), doc.text) for doc in docs]


def check_passages(article: Article, chunks) -> None:
    numbers = {p.number for p in article.paragraphs}
    all_sentences = sentences(article)
    seen = []
    for i, passage in enumerate(chunks):
        assert passage.source == article.source
        assert passage.text == article.text[passage.start : passage.end]
        assert passage.text == passage.text.strip() and passage.text
        assert 1 <= len(passage.sentences) <= MAX_SENTENCES
        assert passage.paragraph == passage.sentences[0].paragraph
        assert passage.paragraph in numbers
        assert passage.sentences[0].start == passage.start and passage.sentences[-1].end == passage.end
        for sent in passage.sentences:
            assert passage.start <= sent.start < sent.end <= passage.end
            assert sent.paragraph in numbers
            para = article.paragraphs[sent.paragraph - 1]
            assert para.start <= sent.start < sent.end <= para.end, "a sentence stays in its paragraph"
        if i:
            assert chunks[i - 1].end < passage.start, "passages are ordered and disjoint"
        seen.extend(passage.sentences)
    assert seen == all_sentences, "every sentence is in exactly one passage, in order"


def test_seed_passages_are_verbatim_spans(seed_articles):
    first_id = 0
    for article, raw in seed_articles:
        chunks = passages(article, raw, first_id=first_id)
        assert [p.id for p in chunks] == list(range(first_id, first_id + len(chunks)))
        first_id += len(chunks)
        check_passages(article, chunks)


def test_seed_paragraphs_are_raw_lines(seed_articles):
    for article, raw in seed_articles:
        assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
        for para in article.paragraphs:
            assert article.text[para.start : para.end] == raw[para.raw_start : para.raw_end]


def test_joined_passages_only_cross_blank_raw_gaps(seed_articles):
    for article, raw in seed_articles:
        for passage in passages(article, raw):
            numbers = sorted({s.paragraph for s in passage.sentences})
            for a, b in itertools.pairwise(numbers):
                before, after = article.paragraphs[a - 1], article.paragraphs[b - 1]
                assert b == a + 1
                assert not raw[before.raw_end : after.raw_start].strip()


def test_one_line_per_sentence_scrape_is_joined():
    """Seed 000 puts most sentences on their own line: short neighbours are grouped."""
    docs, _ = load_corpus(SEEDS)
    doc = next(d for d in docs if d.source.startswith("000_"))
    article = build_article(doc)
    chunks = passages(article, doc.text)
    assert len(chunks) < len(article.paragraphs)
    assert any(len({s.paragraph for s in p.sentences}) > 1 for p in chunks)


def make_article(paragraphs: list[str]) -> Article:
    text = PARAGRAPH_SEP.join(paragraphs)
    records, pos = [], 0
    for number, para in enumerate(paragraphs, start=1):
        records.append(Paragraph(number, pos, pos + len(para), pos, pos + len(para)))
        pos += len(para) + len(PARAGRAPH_SEP)
    return Article(source="gen.txt", title="Generated", text=text, paragraphs=tuple(records))


def test_long_paragraph_is_split_into_balanced_passages():
    para = " ".join(f"Sentence number {i} is here." for i in range(1, 8))
    chunks = passages(make_article([para]))
    assert [len(p.sentences) for p in chunks] == [3, 2, 2]


WORDS = st.sampled_from(
    ["Mr.", "Dr.", "Kim", "U.S.", "426.9", "won", "the", "AI", "정부는", "기업", "역할이다.", "했다.", "“Quote.”",
     "end.", "why?", "yes!", "(a.)", "e.g.", "…", "J.", "data", "센터"]
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=6))
def test_property_passages_round_trip_and_cover_all_text(paragraphs):
    article = make_article(paragraphs)
    chunks = passages(article)
    check_passages(article, chunks)
    # Every non-space character of every paragraph is covered by some sentence.
    covered = set()
    for passage in chunks:
        for sent in passage.sentences:
            covered.update(range(sent.start, sent.end))
    for para in article.paragraphs:
        for offset in range(para.start, para.end):
            if not article.text[offset].isspace():
                assert offset in covered
