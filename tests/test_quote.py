"""choose_quote, row by row: hand-made sentence vectors against a question vector along the first axis,
so a sentence's vector score is exactly the cosine written in the table.

Scores are cosine + LEXICAL_BONUS * (share of the question's terms found in the sentence); the best
sentence is the quote, and its better neighbour joins when within EXTEND_MARGIN of it.
"""

from __future__ import annotations

import numpy as np
import pytest

import assistant.quote as quote
from assistant.intent import intent_of
from assistant.quote import EXTEND_MARGIN, LEAD_SENTENCES, LEXICAL_BONUS, MIN_QUOTE_WORDS, choose_quote, lead_quote
from assistant.records import Passage, Sentence
from assistant.terms import kiwi

PREFIX = "An earlier paragraph that is not part of the passage.\n\n"  # passage offsets are article offsets
QUESTION_VECTOR = np.array([1.0, 0.0, 0.0, 0.0])


@pytest.fixture(scope="module", autouse=True)
def _warm_kiwi():
    """Load the Korean analyser and run it once (about a second), so no single test pays for it."""
    kiwi().tokenize("행사는 다음 달 열린다.")


@pytest.fixture(autouse=True)
def _rule_without_model(request, monkeypatch, tmp_path):
    """The table rows pin the rule used when no learned quote model is installed."""
    if "learned" not in request.node.name:
        monkeypatch.setattr(quote, "QUOTE_MODEL", tmp_path / "no-model.json")


def unit(cosine: float, spare_axis: int = 1) -> np.ndarray:
    """A unit vector whose cosine with QUESTION_VECTOR is `cosine`."""
    v = np.zeros(4)
    v[0] = cosine
    v[spare_axis] = np.sqrt(1.0 - cosine**2)
    return v


def build(sentences: list[str], paragraph: int = 2) -> tuple[Passage, str]:
    """A passage of the given sentences, after PREFIX in the article text."""
    text = PREFIX
    spans = []
    for i, sentence in enumerate(sentences):
        if i:
            text += " "
        spans.append(Sentence(len(text), len(text) + len(sentence), paragraph))
        text += sentence
    start = len(PREFIX)
    passage = Passage(id=0, source="a.txt", start=start, end=len(text), paragraph=paragraph, text=text[start:],
                      sentences=tuple(spans))
    return passage, text


ENGLISH = [
    "The harbor city opened a robotics laboratory on Monday.",  # 0
    "Engineers will test autonomous cranes at the port.",  # 1
    "Officials expect the first cranes within two years.",  # 2
    "Three shipping companies paid for part of it.",  # 3
]
KOREAN = [
    "로봇 행사는 다음 달 부산에서 열리며 기업 50곳이 참가한다.",  # 0: 열리며 contains the root 열리
    "주최 측은 관람객 10만 명을 예상했다.",  # 1
    "로봇 행사는 지난해 처음 열렸다.",  # 2: 열렸다 does not (리+었 contracts to 렸)
]


@pytest.mark.parametrize(
    "sentences, cosines, question, expected",
    [
        pytest.param(ENGLISH, [0.2, 0.9, 0.3, 0.1], "What is happening?", [1], id="best-vector-wins"),
        pytest.param(ENGLISH, [0.9, 0.2, 0.3, 0.1], "What is happening?", [0], id="best-vector-first-sentence"),
        pytest.param(ENGLISH, [0.1, 0.2, 0.3, 0.9], "What is happening?", [3], id="best-vector-last-sentence"),
        pytest.param(ENGLISH, [0.2, 0.3, 0.9, 0.2], "Which robotics laboratory?", [2],
                     id="lexical-bonus-too-small-for-a-wide-gap"),
        # Sentence 0 holds both question terms (bonus 0.15) and trails sentence 2 by 0.02 on vectors.
        pytest.param(ENGLISH, [0.80, 0.1, 0.82, 0.1], "Which robotics laboratory?", [0],
                     id="lexical-bonus-breaks-near-tie"),
        pytest.param(ENGLISH, [0.80, 0.1, 0.82, 0.1], "What is happening?", [2], id="near-tie-without-shared-words"),
        # One of two terms (robotic) is in sentence 0: bonus 0.075 beats a 0.05 gap but not a 0.10 one.
        pytest.param(ENGLISH, [0.80, 0.1, 0.85, 0.1], "Which robotics budget?", [0], id="half-bonus-beats-small-gap"),
        pytest.param(ENGLISH, [0.80, 0.1, 0.90, 0.1], "Which robotics budget?", [2], id="half-bonus-loses-to-big-gap"),
        pytest.param(ENGLISH, [0.1, 0.80, 0.78, 0.1], "What is happening?", [1, 2], id="next-neighbour-within-margin-joins"),
        pytest.param(ENGLISH, [0.78, 0.80, 0.1, 0.1], "What is happening?", [0, 1],
                     id="previous-neighbour-within-margin-joins"),
        pytest.param(ENGLISH, [0.1, 0.80, 0.76, 0.1], "What is happening?", [1], id="neighbour-outside-margin-stays-out"),
        pytest.param(ENGLISH, [0.78, 0.80, 0.79, 0.1], "What is happening?", [1, 2],
                     id="only-the-better-neighbour-joins"),
        pytest.param(ENGLISH, [0.79, 0.1, 0.80, 0.1], "What is happening?", [2], id="close-non-neighbour-does-not-join"),
        pytest.param(ENGLISH, [0.79, 0.1, 0.1, 0.80], "What is happening?", [3], id="close-far-sentence-does-not-join"),
        # The lexical bonus counts for the neighbour too: 0.70 + 0.15 comes within the margin of 0.86.
        pytest.param(ENGLISH, [0.70, 0.86, 0.1, 0.1], "Which robotics laboratory?", [0, 1],
                     id="neighbour-joins-through-lexical-bonus"),
        pytest.param(ENGLISH[:1], [0.1], "What is happening?", [0], id="single-sentence"),
        pytest.param(ENGLISH[:2], [0.5, 0.5], "What is happening?", [0, 1], id="exact-tie-joins"),
        # Question "언제 열렸나?": its only term is the verb 열리다, matched in running text by its root 열리.
        pytest.param(KOREAN, [0.70, 0.1, 0.80], "언제 열렸나?", [0], id="korean-verb-root-matches-yeollimyeo"),
        pytest.param(KOREAN, [0.70, 0.1, 0.80], "무엇이 궁금한가?", [2], id="korean-control-without-shared-words"),
        # questionable: the contracted past tense 열렸다 does not contain the root 열리, so a sentence using
        # the question's own verb form gets no bonus, here losing to a sentence that shares no term.
        pytest.param([*KOREAN[1:], "박람회 준비가 시작됐다."], [0.1, 0.70, 0.74], "언제 열렸나?", [2],
                     id="korean-contracted-past-tense-not-matched"),
        # questionable: the English stem of "companies" is "company", which is not a substring of
        # "companies" in the sentence, so sentence 3 gets no bonus and sentence 0 keeps the quote.
        pytest.param(ENGLISH, [0.82, 0.1, 0.1, 0.80], "Which companies?", [0], id="ies-plural-stem-not-matched"),
        pytest.param(ENGLISH, [0.82, 0.1, 0.1, 0.80], "Which shipping?", [3], id="ing-stem-matched"),
        # A two-word sentence says nothing alone: its better neighbour joins it, however far behind.
        pytest.param([ENGLISH[0], "Indeed so.", *ENGLISH[1:]], [0.1, 0.9, 0.5, 0.2, 0.1], "What is happening?",
                     [1, 2], id="too-short-joins-the-better-next-neighbour"),
        pytest.param([ENGLISH[0], "Indeed so.", *ENGLISH[1:]], [0.5, 0.9, 0.2, 0.2, 0.1], "What is happening?",
                     [0, 1], id="too-short-joins-the-better-previous-neighbour"),
        pytest.param(["그렇다.", *KOREAN[1:]], [0.9, 0.1, 0.2], "무엇이 궁금한가?", [0, 1],
                     id="too-short-korean-first-sentence-joins-the-next"),
        pytest.param(["Indeed so."], [0.9], "What is happening?", [0], id="too-short-alone-is-quoted"),
    ],
)
def test_choose_quote(sentences, cosines, question, expected):
    passage, text = build(sentences)
    vectors = np.array([unit(c) for c in cosines])
    before = vectors.copy()
    start, end = choose_quote(passage, text, QUESTION_VECTOR, vectors, question)
    spans = passage.sentences
    assert (start, end) == (spans[expected[0]].start, spans[expected[-1]].end)
    assert text[start:end] == " ".join(sentences[i] for i in expected)
    assert np.array_equal(vectors, before)  # the caller's vectors are not modified


def test_table_margins_match_the_constants():
    """The rows above are laid out for these values; a change here means re-reading the table."""
    assert pytest.approx(0.15) == LEXICAL_BONUS
    assert pytest.approx(0.03) == EXTEND_MARGIN
    assert MIN_QUOTE_WORDS == 3


def test_passage_without_sentences_is_quoted_whole():
    text = PREFIX + "A passage with no sentence records."
    passage = Passage(id=3, source="a.txt", start=len(PREFIX), end=len(text), paragraph=2, text=text[len(PREFIX):])
    start, end = choose_quote(passage, text, QUESTION_VECTOR, np.zeros((0, 4)), "What is happening?")
    assert (start, end) == (passage.start, passage.end)
    assert text[start:end] == passage.text


@pytest.mark.parametrize(
    "sentences, cosines, question, expected",
    [
        pytest.param(["The city held a ceremony on Monday at the convention centre downtown.",
                      "About 700 people attended the ceremony, including the mayor."],
                     [0.50, 0.46], "How many people came to the ceremony?", 1, id="learned-figure-sentence-wins"),
        pytest.param(["Officials described the plan in detail at the meeting on Friday.",
                      "The plan was announced on January 29th at the city hall."],
                     [0.48, 0.45], "When was the plan announced?", 1, id="learned-date-sentence-wins"),
    ],
)
def test_learned_model_prefers_the_answer_type(sentences, cosines, question, expected):
    """With the bundled model, a sentence holding the kind of answer asked for wins a near tie."""
    assert quote.load_model(quote.QUOTE_MODEL, quote.QUOTE_FEATURES) is not None
    passage, text = build(sentences)
    start, _ = choose_quote(passage, text, QUESTION_VECTOR, np.array([unit(c) for c in cosines]), question,
                            intent_of(question))
    assert start == passage.sentences[expected].start


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (["Harbor city opens robotics lab", "The lab opened on Monday.", "It cost $4 million.", "More later."],
         [1, 2]),  # the headline is skipped, then the two opening sentences
        (["산업 모델은", "전략적이고 개방적이며,", "구체적일 때 가능성이 높다.", "다음 문단이다."], [0, 1, 2]),  # a pull quote
        (["The city, in a plan announced on Monday,", "will train 5,000 people.", "It said so."], [0, 1]),
        (["Only one sentence here."], [0]),
    ],
)
def test_a_summary_quotes_the_leads_opening_sentences_whole(sentences, expected):
    passage, text = build(sentences)
    start, end = lead_quote(passage, text)
    spans = passage.sentences
    assert (start, end) == (spans[expected[0]].start, spans[expected[-1]].end)
    assert LEAD_SENTENCES == 2


def test_a_sentence_holding_the_questions_words_in_translation_is_marked():
    """A Korean question and English sentences: the question's words match through their translations
    (companies -> company), a Latin form only as a word of the sentence ("plex" is not in "complex")."""
    texts = ["The companies invested in the city.", "A new complex opened.", "정부가 투자했다."]
    translations = {"기업": ("company", "plex"), "투자": ("invest", "investment"), "단지": ("complex",)}
    x = quote.sentence_features(texts, np.array([0.3, 0.2, 0.1]), "기업 투자 단지", intent_of("기업 투자 단지"),
                                translations)
    shares = x[:, quote.QUOTE_FEATURES.index("translated")]
    assert shares.tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3])
    assert quote.sentence_features(texts, np.zeros(3), "q", intent_of("q"))[:, -1].tolist() == [0, 0, 0]


@pytest.mark.parametrize(("text", "marks"), [
    ('He added, "Only 46.4% left for other areas.', 1),
    ('We need more detailed policies locally."', -1),
    ('He said "yes" and then "no".', 0),
    ("“Open and not closed.", 1),
    ("closed, not opened.”", -1),
    ("No quotation at all.", 0),
])
def test_open_quotation_marks(text, marks):
    from assistant.quote import _open_marks

    assert _open_marks(text) == marks


def test_a_quote_runs_on_to_close_the_quotation_it_opens(seed_index):
    """The sentence with the 46.4% opens a two-sentence quotation: the quote closes it, verbatim."""
    answer = seed_index.ask("What share of AI Academy graduates found jobs in the region?")
    quote = next(c.quote for c in answer.citations if "46.4%" in c.quote)
    assert quote.startswith('He added, "Only 46.4%') and quote.endswith('locally."')
    article = seed_index.article(next(c.source for c in answer.citations if "46.4%" in c.quote))
    assert quote in article.text


FERRY = (
    "Riverside council backs solar ferry\n"
    "\n"
    "The council met on Monday to vote on the solar ferry plan for the river crossing.\n"
    "\n"
    'Mayor Ana Ortiz said, "The solar ferry will carry 4,000 commuters a day across the river.\n'
    "\n"
    'It will also cut the town\'s emissions by a fifth, and the first boat sails in May."\n'
    "\n"
    "The vote passed nine to two after a short debate about the cost of the new piers.\n"
)


# A hard-wrapped file with a byte-order mark, CRLF line ends and a menu above the story.
WRAPPED = ("\ufeffHome\r\nNews\r\nSports\r\nWeather\r\nTidal power for the harbour\r\n\r\n"
           "The harbour authority said on Monday that its cranes now run on power\r\n"
           "from tidal turbines under the pier, which were installed last spring\r\n"
           "and cost 12 million dollars. The turbines supply 3 megawatts at peak\r\n"
           "tide, enough for every crane on the quay, the authority said.\r\n")


def test_a_quote_in_a_hard_wrapped_file_cites_its_own_line(make_corpus, tmp_path):
    """The line is the quote's own, not its paragraph's first: a wrapped paragraph spans several lines."""
    from assistant import Assistant

    assistant = Assistant(index_dir=tmp_path / "index", encoder="hashing")
    assistant.build(make_corpus({"tidal.txt": WRAPPED.encode("utf-8")}))
    cited = next(c for c in assistant.ask("How many megawatts do the turbines supply?").citations
                 if "megawatts" in c.quote)
    file_lines = WRAPPED.lstrip("\ufeff").split("\r\n")
    assert cited.quote.split("\n")[0] in file_lines[cited.line - 1]  # the quote starts on that line
    assert cited.line > assistant.article("tidal.txt").paragraphs[0].line  # below the paragraph's first line


def test_a_quote_running_on_into_the_next_paragraph_cites_both(tmp_path, make_corpus):
    """A quotation opened in one paragraph and closed in the next is quoted whole, and its citation
    names both paragraphs: in the record, on the card, in the briefing's footnote and in the CLI."""
    from assistant import Assistant
    from assistant.web.briefing import BriefingItem
    from assistant.web.render import citation_card, citation_line

    assistant = Assistant(index_dir=tmp_path / "index", encoder="hashing")
    assistant.build(make_corpus({"ferry.txt": FERRY}))
    answer = assistant.ask("How many commuters will the solar ferry carry each day?")
    cited = next(c for c in answer.citations if "4,000" in c.quote)
    article = assistant.article("ferry.txt")
    assert cited.quote in article.text and cited.quote.endswith('sails in May."')
    first = next(p.number for p in article.paragraphs if "4,000" in article.text[p.start : p.end])
    assert (cited.paragraph, cited.paragraph_end) == (first, first + 1)
    assert citation_line(cited.to_dict(), "en").endswith(f"paragraphs {first}–{first + 1}")
    assert f"ferry.txt</span><span class=\"cite-line\">, line {cited.line}</span>" in citation_card(
        cited.to_dict(), "en", True)  # the card: the file, then the line
    assert cited.quote.split("\n")[0] in FERRY.split("\n")[cited.line - 1]
    assert f"{first}–{first + 1}번째 문단" in citation_line(cited.to_dict(), "ko")
    item = BriefingItem.from_citation(cited, "ferry?")
    assert f"paragraphs {first}–{first + 1}" in item.reference("en")
    from assistant.cli import format_answer

    assert f"paragraphs {first}–{first + 1} (ferry.txt" in format_answer(answer)
    one = next(c for c in answer.citations if "vote passed" in c.quote)  # a quote within one paragraph
    assert one.paragraph_end == one.paragraph
    assert f"paragraph {one.paragraph}" in citation_line(one.to_dict(), "en")
