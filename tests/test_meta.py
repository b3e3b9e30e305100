"""Metadata extraction: title, outlet, author, date and language, from the scrape or a sidecar."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS
from test_clean import ENGLISH_SCRAPE, KOREAN_SCRAPE

from assistant.ingest.articles import build_article
from assistant.ingest.clean import clean
from assistant.ingest.load import RawDoc, load_corpus, read_article
from assistant.ingest.meta import extract, find_date, tidy_name
from assistant.language import language_of

EXPECTED = {
    "000_7065692321f39095.txt": {
        "title": "Conditions for practical cooperation beyond formal alliance",
        "author": "Yang Joon-seok",
        "outlet": "AI Times",
        "date": None,
        "language": "en",
    },
    "001_f932d6bef9098a44.txt": {
        "title": 'Gwangju City Council Member Hong Giwol: "AI Leading City Requires Strategic Approach"',
        "outlet": "The Asia Business Daily",
        "author": None,
        "date": None,  # the page says "On August 28" and never gives the year
        "language": "en",
    },
    "002_f6fc0410c29b4f02.txt": {
        "title": '"National AI Development Difficult Alone for Government or Companies... '
        'Must Be Based on Public-Private Cooperation"',
        "outlet": "The Asia Business Daily",
        "author": None,
        "date": None,  # "July 16" without a year
        "language": "en",
    },
    "003_bd417f7486c5be64.txt": {
        "title": "[기고] 원주형 AI 얼라이언스 협업 모델",
        "author": "김장기",
        "date": "2023-12-17",
        "language": "ko",
    },
    "004_d17d07492f04a1cb.txt": {
        "title": "Gwangju “The era of AI Gwangju has begun”",
        "date": "2020-02-04",
        "author": "박혜섭",
        "outlet": "AI Times",  # its dateline's AI타임스, named in the article's language (as 000's domain gives it)
        "language": "en",  # Korean page furniture, English article
    },
}


def seed_meta(name: str):
    return extract(clean(read_article(SEEDS / name)))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata(name):
    meta = seed_meta(name)
    for field, value in EXPECTED[name].items():
        assert getattr(meta, field) == value, field


def test_seed_003_outlet_is_not_invented():
    # The Korean column names no outlet anywhere on the page.
    assert seed_meta("003_bd417f7486c5be64.txt").outlet is None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_record_carries_the_metadata(name):
    docs, _ = load_corpus(SEEDS)
    doc = next(d for d in docs if d.source == name)
    article = build_article(doc)
    assert article.meta() == {"source": name, **{k: getattr(seed_meta(name), k) for k in article.meta() if k != "source"}}
    for field, value in EXPECTED[name].items():
        assert article.meta()[field] == value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_paragraph_knows_the_file_line_it_starts_on(name):
    """A staffer checks a quote in the file itself, whose menus and captions the paragraph numbers skip:
    the line a paragraph starts on is where its text is in the file."""
    docs, _ = load_corpus(SEEDS)
    doc = next(d for d in docs if d.source == name)
    article = build_article(doc)
    file_lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    for p in article.paragraphs:
        first = article.text[p.start : p.end].split("\n")[0]  # a hard-wrapped paragraph spans lines
        assert file_lines[p.line - 1].strip().startswith(first[:30])
    assert [p.line for p in article.paragraphs] == sorted(p.line for p in article.paragraphs)


def test_a_file_whose_text_is_extracted_has_no_lines(tmp_path):
    from docx import Document

    document = Document()
    document.add_heading("Gwangju opens an AI data center", level=1)
    document.add_paragraph("The city of Gwangju said on Monday that it would open a national AI data center in "
                           "its high-tech district next spring, with a thousand GPUs for local companies.")
    document.save(tmp_path / "story.docx")
    docs, _ = load_corpus(tmp_path)
    assert {p.line for p in build_article(docs[0]).paragraphs} == {None}


def test_synthetic_korean_metadata_prefers_the_input_date_over_the_edit_date():
    meta = extract(clean(KOREAN_SCRAPE))
    assert meta.date == "2024-03-05"
    assert meta.author == "홍길동"
    assert meta.outlet == "예시일보"
    assert meta.language == "ko"


def test_synthetic_english_metadata():
    meta = extract(clean(ENGLISH_SCRAPE))
    assert (meta.title, meta.author, meta.date, meta.outlet, meta.language) == (
        "City unveils plan for shared AI computing hub",
        "Jane Doe",
        "2024-05-10",
        "Example Times",
        "en",
    )


KOREAN_BODY = ("대구시가 인공지능(AI)과 로봇 산업을 결합한 'AI 로봇 수도' 조성 계획을 14일 발표했다. "
               "시는 2027년까지 국비와 시비 3,200억 원을 투입한다.")
ENGLISH_BODY = ("Daegu announced on Tuesday a plan to combine artificial intelligence and robotics in an "
                "'AI robot capital', with 320 billion won to be spent by 2027.")


@pytest.mark.parametrize("title, outlet, byline, body, author", [
    ("대구시, AI 로봇 수도 조성", "대구일보", "김민수 기자", KOREAN_BODY, "김민수"),
    ("Daegu to build AI robot capital", "The Daegu Herald", "By Jane Doe", ENGLISH_BODY, "Jane Doe"),
])
def test_a_byline_block_of_short_lines_is_metadata_not_a_menu(title, outlet, byline, body, author):
    """Outlet, date and byline on three short lines of their own, as a user pasting an article writes
    them: three short lines in a row look like a navigation bar, but one holding a date is the byline."""
    cleaned = clean(f"{title}\n{outlet}\n입력 2024-05-14 10:32\n{byline}\n\n{body}\n")
    meta = extract(cleaned)
    assert (meta.outlet, meta.date, meta.author) == (outlet, "2024-05-14", author)
    assert [ln.text for ln in cleaned.body] == [body]  # none of them quoted as article text


TITLE = "대구시, AI 로봇 수도 조성"
DATE_LINE = "입력 2024-05-14 10:32"


@pytest.mark.parametrize(("lines", "outlet", "author", "date"), [
    (["정치", "경제", "사회", "국제"], None, None, None),  # a navigation bar
    (["정치", "경제", "사회", DATE_LINE, "김민수 기자"], None, "김민수", "2024-05-14"),  # a bar beside the byline
    (["포토뉴스"], None, None, None),  # a section heading has an outlet's form, not its place
    (["• 대구일보", "• " + DATE_LINE], "대구일보", None, "2024-05-14"),  # a bullet outlet is no author
    (["• 대구일보"], None, None, None),
], ids=["menu", "menu-beside-byline", "section-heading", "bullets", "bullet-alone"])
def test_lines_above_the_body(lines, outlet, author, date):
    """Short lines between the title and the body: menus are dropped, the byline block is metadata,
    and nothing else is mistaken for either."""
    cleaned = clean("\n".join([TITLE, *lines, "", KOREAN_BODY, ""]))
    meta = extract(cleaned)
    assert cleaned.title == TITLE
    assert (meta.outlet, meta.author, meta.date) == (outlet, author, date)
    kept = [ln.text for ln in cleaned.body]
    assert kept[-1] == KOREAN_BODY and not set(kept) & {"정치", "경제", "사회", "국제", DATE_LINE}


def test_a_menu_and_byline_block_above_the_title_leave_the_title_alone():
    for above in (["홈", "정치", "경제", "사회", DATE_LINE], ["대구일보", DATE_LINE, "김민수 기자"]):
        assert clean("\n".join([*above, TITLE, KOREAN_BODY, ""])).title == TITLE


def test_only_an_edit_date_is_used_as_a_fallback():
    assert find_date(["수정 2024.03.06 09:00"]) == "2024-03-06"
    assert find_date(["수정 2024.03.06", "입력 2024.03.05"]) == "2024-03-05"
    assert find_date(["Updated: 2021-7-9", "Published: 2021-07-01"]) == "2021-07-01"


@pytest.mark.parametrize("line", ["입력 2024.13.05", "posted 2024-02-40", "On August 28", "2024.03.05"])
def test_invalid_or_unlabelled_dates_are_ignored(line):
    assert find_date([line]) is None


def test_known_outlet_domain_follows_the_article_language():
    raw_en = "Title\nBy Kim Minsu, reporter kim@asiae.co.kr\n" + "An English body paragraph that is long enough to count. " * 2
    raw_ko = "제목\n홍길동 기자 hong@asiae.co.kr\n" + "한국어 본문 문단은 충분히 길어야 본문으로 인정된다고 합니다. " * 3
    assert extract(clean(raw_en)).outlet == "The Asia Business Daily"
    assert extract(clean(raw_ko)).outlet == "아시아경제"


def test_a_known_outlet_named_in_a_dateline_follows_the_article_language():
    body = "An English body paragraph that is long enough to count as the body. " * 2
    assert extract(clean(f"Title\n(AI타임스=홍길동 기자) {body}")).outlet == "AI Times"
    assert extract(clean(f"Title\n(Yonhap News Agency=홍길동 기자) {body}")).outlet == "Yonhap News Agency"
    korean = "한국어 본문 문단은 충분히 길어야 본문으로 인정된다고 합니다. " * 3
    assert extract(clean(f"제목\n(AI Times=홍길동 기자) {korean}")).outlet == "AI타임스"
    assert extract(clean(f"제목\n(무등일보=홍길동 기자) {korean}")).outlet == "무등일보"  # unknown: as written


def test_free_mail_domains_are_not_outlets():
    raw = "Title\nBy Kim Minsu, reporter kim@gmail.com\n" + "An English body paragraph that is long enough to count. " * 2
    assert extract(clean(raw)).outlet is None


def test_sidecar_overrides_extracted_fields():
    raw = read_article(SEEDS / "001_f932d6bef9098a44.txt")
    sidecar = {"date": "2025-08-28", "author": "  Kim Reporter ", "title": "", "language": 42, "extra": "ignored"}
    meta = extract(clean(raw), sidecar)
    assert meta.date == "2025-08-28"
    assert meta.author == "Kim Reporter"
    assert meta.title.startswith("Gwangju City Council Member")  # blank value does not override
    assert meta.language == "en"  # non-string value does not override
    assert meta.outlet == "The Asia Business Daily"


def test_sidecar_reaches_the_article_through_the_loader(make_corpus):
    raw = (SEEDS / "002_f6fc0410c29b4f02.txt").read_text(encoding="utf-8")
    folder = make_corpus({"a.txt": raw, "a.meta.json": json.dumps({"date": "2025-07-16", "outlet": "Asia Economy"})})
    docs, warnings = load_corpus(folder)
    assert warnings == []
    article = build_article(docs[0])
    assert article.date == "2025-07-16"
    assert article.outlet == "Asia Economy"
    assert article.author is None


def test_build_article_returns_none_for_pure_boilerplate():
    assert build_article(RawDoc("x.txt", "Menu\nSearch\nClose\n")) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("", "en"),
        ("Hello world", "en"),
        ("안녕하세요", "ko"),
        ("정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?", "ko"),
        ("What does 원주 mean in this English sentence about alliances?", "en"),
        ("원주형 AI 얼라이언스 model", "ko"),
        ("12345 !!! ???", "en"),
        ("日本語のテキスト", "en"),
    ],
)
def test_language_of(text, language):
    assert language_of(text) == language


def test_tidy_name():
    assert tidy_name("Yang Joon -seok") == "Yang Joon-seok"
    assert tidy_name("Lee Yong - seop,") == "Lee Yong-seop"


def test_an_outlet_the_file_states_is_named_in_the_article_language_but_a_sidecar_is_kept():
    body = "An English body paragraph that is long enough to count as the body. " * 2
    assert extract(clean(f"Title\n{body}"), stated={"outlet": "AI타임스"}).outlet == "AI Times"
    assert extract(clean(f"Title\n{body}"), sidecar={"outlet": "AI타임스"}).outlet == "AI타임스"
