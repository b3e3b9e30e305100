"""The briefing basket (assistant/briefing.py): pure list operations and the Markdown / Word exports."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from docx import Document

from assistant.web import briefing as basket
from assistant.web.briefing import BriefingItem

GOV = BriefingItem(
    quote="Lim suggested that the government and private companies should divide their roles.",
    source="002_f6fc0410c29b4f02.txt",
    title='"National AI Development Difficult Alone for Government or Companies"',
    outlet="The Asia Business Daily",
    author=None,
    date=None,
    paragraph=6,
    question="정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?",
)
WONJU = BriefingItem(
    quote="반면에 얼라이언스(Alliance)는 기업 간, 또는 산학연관이 맺는 전략적인 제휴나 동맹 관계이다.",
    source="003_bd417f7486c5be64.txt",
    title="[기고] 원주형 AI 얼라이언스 협업 모델",
    outlet=None,
    author="김장기",
    date="2023-12-17",
    paragraph=8,
)
GWANGJU = BriefingItem(
    quote="On this ceremony, about 700 people were present.",
    source="004_d17d07492f04a1cb.txt",
    title="Gwangju “The era of AI Gwangju has begun”",
    outlet="AI타임스",
    author="박혜섭",
    date="2020-02-04",
    paragraph=3,
)
ITEMS = [GOV, WONJU, GWANGJU]


# ---- add / move / remove / set_note ---------------------------------------------------------------
def test_add_appends_and_does_not_mutate_the_input():
    items = [GOV]
    out = basket.add(items, WONJU)
    assert out == [GOV, WONJU]
    assert items == [GOV]


def test_add_skips_the_same_quote_from_the_same_article():
    items = basket.add(basket.add([], GOV), WONJU)
    again = basket.add(items, GOV)
    assert again == [GOV, WONJU]
    assert again is not items
    # A different question or note does not make it a different quote.
    assert basket.add(items, BriefingItem(**{**GOV.to_dict(), "question": "other", "note": "x"})) == items


def test_add_keeps_the_same_quote_from_another_article():
    twin = BriefingItem(**{**GOV.to_dict(), "source": "other.txt"})
    assert basket.add([GOV], twin) == [GOV, twin]


def test_add_keeps_another_quote_from_the_same_article():
    other = BriefingItem(**{**GOV.to_dict(), "quote": "A different sentence."})
    assert basket.add([GOV], other) == [GOV, other]


@pytest.mark.parametrize(
    "index, delta, expected",
    [
        (0, 1, [WONJU, GOV, GWANGJU]),
        (1, -1, [WONJU, GOV, GWANGJU]),
        (2, -1, [GOV, GWANGJU, WONJU]),
        (1, 1, [GOV, GWANGJU, WONJU]),
        (0, -1, ITEMS),  # already first
        (2, 1, ITEMS),  # already last
        (5, -1, ITEMS),  # no such item
        (-1, 1, ITEMS),
        (0, 0, ITEMS),
    ],
)
def test_move(index, delta, expected):
    items = list(ITEMS)
    assert basket.move(items, index, delta) == expected
    assert items == ITEMS


@pytest.mark.parametrize(
    "index, expected",
    [(0, [WONJU, GWANGJU]), (1, [GOV, GWANGJU]), (2, [GOV, WONJU]), (3, ITEMS), (-1, ITEMS)],
)
def test_remove(index, expected):
    items = list(ITEMS)
    assert basket.remove(items, index) == expected
    assert items == ITEMS


def test_set_note_sets_one_item_and_strips_it():
    out = basket.set_note(ITEMS, 1, "  check the date  \n")
    assert [i.note for i in out] == ["", "check the date", ""]
    assert out[1].quote == WONJU.quote and out[1].source == WONJU.source
    assert all(i.note == "" for i in ITEMS)  # items are frozen; the originals are untouched


def test_set_note_can_clear_a_note_and_ignores_a_bad_index():
    noted = basket.set_note(ITEMS, 0, "keep")
    assert basket.set_note(noted, 0, "")[0].note == ""
    assert basket.set_note(noted, 7, "x") == noted


def test_items_round_trip_through_dicts_and_from_citation():
    for item in ITEMS:
        assert BriefingItem.from_dict(item.to_dict()) == item
    citation = {"quote": "q", "source": "s.txt", "title": "T", "outlet": "O", "author": None, "date": "2024-01-02",
                "paragraph": "4", "rank": 1, "score": 1.0}
    item = BriefingItem.from_citation(citation, "why?")
    assert (item.quote, item.source, item.title, item.paragraph, item.question, item.note) == \
        ("q", "s.txt", "T", 4, "why?", "")


# ---- Markdown ------------------------------------------------------------------------------------
def quote_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("> ")]


def test_markdown_quotes_carry_footnotes_in_order():
    md = basket.to_markdown(ITEMS)
    assert md.startswith("# Briefing\n")
    assert quote_lines(md) == [f"> {item.quote}[^{n}]" for n, item in enumerate(ITEMS, start=1)]


def test_markdown_sources_section_lists_every_reference():
    md = basket.to_markdown(ITEMS)
    body, sources = md.split("\n## Sources\n")
    assert "[^1]:" not in body
    defs = [line for line in sources.splitlines() if line.startswith("[^")]
    assert [d.split(":")[0] for d in defs] == ["[^1]", "[^2]", "[^3]"]
    gov, wonju, gwangju = defs
    # title (not double-quoted when it already is), outlet, "n.d." for the date no one knows, paragraph, file
    assert gov == ('[^1]: "National AI Development Difficult Alone for Government or Companies", '
                   "The Asia Business Daily, n.d., paragraph 6, 002_f6fc0410c29b4f02.txt")
    assert GOV.reference("ko").endswith("날짜 미상, 6번째 문단, 002_f6fc0410c29b4f02.txt")
    with_line = replace(GOV, line=23)  # where the quote's paragraph starts in the .txt file
    assert with_line.reference().endswith("paragraph 6, 002_f6fc0410c29b4f02.txt (line 23)")
    assert with_line.reference("ko").endswith("6번째 문단, 002_f6fc0410c29b4f02.txt (23행)")
    assert BriefingItem.from_citation(with_line.to_dict() | {"paragraph_end": None}).line == 23
    # a plain title gets quotation marks; other missing fields are left out rather than printed as None
    assert wonju == "[^2]: “[기고] 원주형 AI 얼라이언스 협업 모델”, 김장기, 2023-12-17, paragraph 8, 003_bd417f7486c5be64.txt"
    for field in (GWANGJU.title, "AI타임스", "박혜섭", "2020-02-04", "paragraph 3", GWANGJU.source):
        assert field in gwangju
    assert "“" not in gwangju.split(GWANGJU.title)[0]  # a title with quotation marks inside gets no more
    assert "None" not in md


def test_markdown_notes_follow_their_quote():
    items = basket.set_note(ITEMS, 1, "Compare with the Gwangju plan.")
    md = basket.to_markdown(items)
    lines = md.splitlines()
    q2 = lines.index(f"> {WONJU.quote}[^2]")
    q3 = lines.index(f"> {GWANGJU.quote}[^3]")
    note = lines.index("*Note:* Compare with the Gwangju plan.")
    assert q2 < note < q3
    assert md.count("*Note:*") == 1


def test_markdown_in_korean():
    items = basket.set_note(ITEMS, 0, "확인 필요")
    md = basket.to_markdown(items, "ko")
    assert md.startswith("# 브리핑 자료\n")
    assert "\n## 출처\n" in md and "## Sources" not in md
    assert "*메모:* 확인 필요" in md
    assert "6번째 문단" in md and "8번째 문단" in md and "paragraph" not in md


def test_markdown_of_an_empty_basket_has_headings_only():
    md = basket.to_markdown([])
    assert quote_lines(md) == []
    assert "## Sources" in md and "[^" not in md


def test_markdown_keeps_a_multi_paragraph_quote_inside_the_blockquote():
    two = BriefingItem(**{**GWANGJU.to_dict(),
                          "quote": "The city of Gwangju held a ceremony.\n\nAbout 700 people were present."})
    md = basket.to_markdown([two])
    body = md.split("## Sources")[0]
    body_lines = [line for line in body.splitlines()[1:] if line.strip()]
    assert all(line.startswith(">") for line in body_lines), body_lines


# ---- Word ----------------------------------------------------------------------------------------
def docx_paragraphs(path) -> list:
    return [p for p in Document(str(path)).paragraphs if p.text.strip()]


def test_docx_has_quotes_notes_and_sources_in_order(tmp_path):
    items = basket.set_note(ITEMS, 0, "Lead with this.")
    path = basket.to_docx(items, tmp_path / "briefing.docx")
    assert path == tmp_path / "briefing.docx" and path.stat().st_size > 0
    paras = docx_paragraphs(path)
    texts = [p.text for p in paras]
    assert texts[0] == "Briefing" and paras[0].style.name.startswith("Heading")
    expected = [
        f"{GOV.quote}1", "Note: Lead with this.", f"{WONJU.quote}2", f"{GWANGJU.quote}3", "Sources",
        f"1. {GOV.reference()}", f"2. {WONJU.reference()}", f"3. {GWANGJU.reference()}",
    ]
    assert texts[1:] == expected
    # Quotes are in the Quote style with the footnote number as a superscript run.
    for para, n, item in zip([paras[1], paras[3], paras[4]], (1, 2, 3), ITEMS, strict=True):
        assert para.style.name == "Quote"
        runs = para.runs
        assert runs[0].text == item.quote
        assert runs[-1].text == str(n) and runs[-1].font.superscript
    assert paras[2].runs[0].bold and paras[2].runs[0].text == "Note: "
    assert paras[5].style.name.startswith("Heading")
    for field in ("2023-12-17", "김장기", "paragraph 8", "AI타임스", "박혜섭", "The Asia Business Daily"):
        assert any(field in t for t in texts[6:]), field


def test_docx_in_korean(tmp_path):
    items = basket.set_note(ITEMS, 2, "사진 확인")
    path = basket.to_docx(items, tmp_path / "ko.docx", "ko")
    texts = [p.text for p in docx_paragraphs(path)]
    assert texts[0] == "브리핑 자료"
    assert "출처" in texts and "Sources" not in texts
    assert "메모: 사진 확인" in texts
    sources = texts[texts.index("출처") + 1:]
    assert len(sources) == 3
    assert sources[0].startswith("1. ") and "6번째 문단" in sources[0]
    assert "8번째 문단" in sources[1] and "3번째 문단" in sources[2]


def test_docx_quote_with_a_paragraph_break_survives(tmp_path):
    two = BriefingItem(**{**GWANGJU.to_dict(), "quote": "First paragraph.\n\nSecond paragraph."})
    path = basket.to_docx([two], tmp_path / "two.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "First paragraph." in text and re.search(r"Second paragraph\.\s*1", text)


def test_docx_properties_are_the_briefings_not_the_templates(tmp_path):
    from datetime import UTC, datetime, timedelta

    from docx import Document

    path = basket.to_docx(ITEMS, tmp_path / "briefing.docx")
    props = Document(str(path)).core_properties
    assert props.title == "Briefing" and props.author == "" and props.last_modified_by == ""
    assert abs(props.created.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=5)
