"""HTML, PDF and DOCX articles: what is extracted, whose metadata wins, bad files, and citations end to end.

Every file is written by a real writer (fpdf2 for PDFs, pypdf to encrypt, python-docx, and a saved news
page written out by hand with its menus, related links, comments and footer).
"""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SMALL_ARTICLES, write_corpus

from assistant.cli import main
from assistant.errors import CorpusError
from assistant.index import store
from assistant.ingest.articles import build_article
from assistant.ingest.clean import clean
from assistant.ingest.formats import assemble
from assistant.ingest.load import load_corpus, read_document
from assistant.ingest.meta import extract

# ---- a saved news page ----------------------------------------------------------------------------
NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Chuncheon opens public AI computing centre | The Gangwon Herald</title>
<meta property="og:title" content="Chuncheon opens public AI computing centre">
<meta property="og:site_name" content="The Gangwon Herald">
<meta name="author" content="Park Ji-won">
<meta property="article:published_time" content="2024-05-17T09:30:00+09:00">
<link rel="canonical" href="https://gangwonherald.example/news/ai-computing-centre">
</head>
<body>
<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li><li><a href="/economy">Economy</a></li>
<li><a href="/society">Society</a></li><li><a href="/login">Log in</a></li>
</ul></nav></header>
<main>
<article>
<h1>Chuncheon opens public AI computing centre</h1>
<p class="byline">By Park Ji-won</p>
<p>Gangwon Province opened a public computing centre for artificial intelligence in Chuncheon on Friday, giving local start-ups access to graphics processors they could not afford on their own.</p>
<p>The centre holds 512 graphics processors and was paid for with 42 billion won from the provincial budget and the science ministry, officials said at the opening ceremony.</p>
<h2>Training local engineers</h2>
<p>Kangwon National University will run courses at the centre for 300 students a year from September, so that companies in the region can hire engineers without recruiting from Seoul.</p>
<p>"We want young people to stay in Gangwon and build their careers here," the governor said at the ceremony.</p>
</article>
<aside class="related"><h3>Related articles</h3><ul>
<li><a href="/news/1">Busan plans a maritime data hub for shipping lines</a></li>
<li><a href="/news/2">Gwangju hosts an artificial intelligence festival downtown</a></li>
</ul></aside>
<section id="comments" class="comments"><h3>Comments (2)</h3>
<div class="comment"><p>Great news for Chuncheon, finally some jobs for graduates who want to stay here.</p></div>
<div class="comment"><p>How much will the electricity for all those machines cost the province every year?</p></div>
</section>
</main>
<footer><p>Copyright 2024 The Gangwon Herald. All rights reserved.</p>
<p><a href="/about">About us</a> | <a href="/contact">Contact</a> | <a href="/privacy">Privacy policy</a></p></footer>
</body></html>
"""
HTML_PARAGRAPHS = [
    "Chuncheon opens public AI computing centre",
    "Gangwon Province opened a public computing centre for artificial intelligence in Chuncheon on Friday, giving local start-ups access to graphics processors they could not afford on their own.",
    "The centre holds 512 graphics processors and was paid for with 42 billion won from the provincial budget and the science ministry, officials said at the opening ceremony.",
    "Training local engineers",
    "Kangwon National University will run courses at the centre for 300 students a year from September, so that companies in the region can hire engineers without recruiting from Seoul.",
    '"We want young people to stay in Gangwon and build their careers here," the governor said at the ceremony.',
]
PAGE_FURNITURE = ["Politics", "Log in", "Related articles", "maritime data hub", "festival downtown", "Great news",
                  "electricity", "Comments", "Copyright", "All rights reserved", "Privacy policy", "About us"]

# ---- a two-page PDF report --------------------------------------------------------------------------
PDF_TITLE = "Wando Seaweed Cooperative Annual Report"
PDF_PAGES = [
    [
        "The seaweed farming cooperative of Wando county met in March to review a year of low prices and warm "
        "water, which thinned the harvest along the southern coast for the second season in a row.",
        "Members agreed to share boats and drying sheds so that smaller families could keep farming through the "
        "winter, and the county promised to repair the harbour slipway before the autumn.",
    ],
    [
        "The cooperative will deploy 24 underwater drones to inspect its kelp lines, after a pilot found that the "
        "drones spotted storm damage days before divers could reach the farms.",
        "A marine research institute in Mokpo will train two operators from each village to fly the drones.",
    ],
]
PDF_DATE = datetime(2023, 11, 8, 10, 0, 0)

# ---- a Word document ---------------------------------------------------------------------------------
DOCX_TITLE = "Daejeon libraries add a reading chatbot"
DOCX_BLOCKS = [
    (DOCX_TITLE, "Heading 1"),
    ("The Daejeon city library service answered 18,000 questions through its new reading chatbot in the first "
     "month, most of them asking where a book was shelved or when it would be returned.", None),
    ("How readers use it", "Heading 2"),
    ("Librarians said the chatbot freed them to run more reading groups for children, and the city plans to add "
     "it to the five district libraries next spring.", None),
]


def write_pdf(path: Path, pages: list[list[str]] = PDF_PAGES, title: str | None = PDF_TITLE,
              created: datetime | None = PDF_DATE, heading: str | None = PDF_TITLE) -> Path:
    """A real PDF with fpdf2: a heading, wrapped paragraphs per page, and a page-number footer."""
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Report()
    if title:
        pdf.set_title(title)
    if created:
        pdf.set_creation_date(created)
    for number, paragraphs in enumerate(pages):
        pdf.add_page()
        if heading and number == 0:
            pdf.set_font("Helvetica", "B", size=16)
            pdf.multi_cell(0, 10, heading)
            pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        for text in paragraphs:
            pdf.multi_cell(0, 6, text)
            pdf.ln(4)
    path.write_bytes(bytes(pdf.output()))
    return path


def encrypt_pdf(path: Path, user_password: str, owner_password: str = "owner") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    with open(path, "wb") as f:
        writer.write(f)
    return path


def write_docx(path: Path, blocks=DOCX_BLOCKS, title: str | None = None, table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for text, style in blocks:
        if style and style.startswith("Heading"):
            document.add_heading(text, level=int(style.split()[-1]))
        else:
            document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def write_all(folder: Path) -> Path:
    """A corpus of one file per format: the saved page, the PDF, the DOCX and a plain .txt article."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gangwon.html").write_text(NEWS_PAGE, encoding="utf-8")
    write_pdf(folder / "wando.pdf")
    write_docx(folder / "daejeon.docx")
    write_corpus(folder, {"harbor.txt": SMALL_ARTICLES["harbor.txt"]})
    return folder


# ---- extraction, per format -------------------------------------------------------------------------
def test_html_main_text_is_the_article_paragraphs_only(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    found = read_document(path)
    assert found.text.split("\n\n") == HTML_PARAGRAPHS
    for furniture in PAGE_FURNITURE:
        assert furniture not in found.text, furniture
    assert found.pages == ()


def test_html_metadata_is_what_the_page_states(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    assert read_document(path).stated == {
        "title": "Chuncheon opens public AI computing centre",
        "outlet": "The Gangwon Herald",
        "author": "Park Ji-won",
        "date": "2024-05-17",
        "url": "https://gangwonherald.example/news/ai-computing-centre",
    }


def test_html_in_a_legacy_korean_charset_is_read(tmp_path):
    body = "".join(f"<p>{SMALL_ARTICLES['busan_ko.txt'].split(chr(10))[i]}</p>" for i in (2, 4))
    page = (f'<html><head><meta charset="euc-kr"><title>부산시, 해양 데이터 센터 건립 추진</title></head>'
            f"<body><article><h1>부산시, 해양 데이터 센터 건립 추진</h1>{body}</article></body></html>")
    path = tmp_path / "busan.htm"
    path.write_bytes(page.encode("euc-kr"))
    found = read_document(path)
    assert found.stated["title"] == "부산시, 해양 데이터 센터 건립 추진"
    assert "부산시는 항만과 해운 정보를 모으는 해양 데이터 센터를 짓겠다고 밝혔다." in found.text


def test_pdf_text_per_page_with_wrapped_lines_joined_and_page_numbers_gone(tmp_path):
    found = read_document(write_pdf(tmp_path / "report.pdf"))
    paragraphs = found.text.split("\n\n")
    assert paragraphs == [PDF_TITLE, *PDF_PAGES[0], *PDF_PAGES[1]]
    assert "Page 1" not in found.text and "Page 2" not in found.text
    assert len(found.pages) == 2 and found.pages[0] == 0
    assert found.text[found.pages[1] :].startswith(PDF_PAGES[1][0])


def test_pdf_metadata_title_and_date(tmp_path):
    found = read_document(write_pdf(tmp_path / "report.pdf"))
    assert found.stated == {"title": PDF_TITLE, "date": "2023-11-08"}


def test_pdf_title_made_up_by_a_word_processor_is_ignored(tmp_path):
    path = write_pdf(tmp_path / "report.pdf", title="Microsoft Word - draft3.docx")
    found = read_document(path)
    assert "title" not in found.stated
    assert found.text.startswith(PDF_TITLE + "\n\n")  # the heading stays the first line, the title cleaning finds


def test_pdf_without_a_heading_keeps_its_first_paragraph_under_the_stated_title(tmp_path):
    doc = load_one(tmp_path, "report.pdf", lambda p: write_pdf(p, heading=None))
    article = build_article(doc)
    assert article.title == PDF_TITLE
    assert article.text.startswith(PDF_PAGES[0][0])


def test_pdf_paragraphs_carry_their_page(tmp_path):
    article = build_article(load_one(tmp_path, "report.pdf", write_pdf))
    assert [p.page for p in article.paragraphs] == [1, 1, 2, 2]
    assert article.page_of(3) == 2 and article.page_of(99) is None


def test_pdf_running_header_and_page_numbers_go_but_numbers_in_the_text_stay(tmp_path):
    from fpdf import FPDF

    class Newsletter(FPDF):
        def header(self):
            self.set_font("Helvetica", size=8)
            self.cell(0, 8, f"Wando County Newsletter - Issue {self.page_no() + 11}")
            self.ln(12)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"{self.page_no()} / 3", align="C")

    pages = [
        ("The harbour slipway was repaired before the autumn storms.", "Boats launched from it last week:", "42",
         "The fishermen's union thanked the county for the quick work."),
        ("Seaweed prices rose for the first time in three years.", "Tonnes sold at the March auction:", "1250",
         "Buyers came from Busan and from two Japanese ports."),
        ("The school on Cheongsan island will stay open.", "Pupils enrolled for the new year:", "17",
         "Parents had campaigned for two years to keep it."),
    ]
    pdf = Newsletter()
    for paragraphs in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for text in paragraphs:
            pdf.multi_cell(0, 6, text)
            pdf.ln(4)
    path = tmp_path / "newsletter.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert read_document(path).text.split("\n\n") == [p for page in pages for p in page]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # wrapped lines of one paragraph are joined with a space
        ([("The county promised to repair the harbour", 700, 11), ("slipway before the autumn.", 686, 11)],
         ["The county promised to repair the harbour slipway before the autumn."]),
        # a gap wider than the usual line spacing starts a paragraph
        ([("First paragraph runs over two lines of", 700, 11), ("text here", 686, 11),
          ("Second paragraph after a gap of", 660, 11), ("more than a line", 646, 11)],
         ["First paragraph runs over two lines of text here", "Second paragraph after a gap of more than a line"]),
        # a change of font size is a heading
        ([("Annual report", 720, 16), ("The members met in March to review the", 700, 11), ("year.", 686, 11)],
         ["Annual report", "The members met in March to review the year."]),
        # a word broken at a hyphen keeps its hyphen and loses the break
        ([("The drones found storm damage in the", 700, 11), ("well-", 686, 11), ("kept kelp lines", 672, 11)],
         ["The drones found storm damage in the well-kept kelp lines"]),
        # without positions, a short line that ends a sentence ends its paragraph
        ([("A line long enough to set the width of this page", None, None), ("It ends.", None, None),
          ("Next one.", None, None)],
         ["A line long enough to set the width of this page It ends.", "Next one."]),
        # a jump back up the page is the next column
        ([("Left column text that is fairly long", 300, 11), ("Right column starts here", 700, 11)],
         ["Left column text that is fairly long", "Right column starts here"]),
    ],
)
def test_pdf_lines_to_paragraphs(lines, expected):
    from assistant.ingest.pdf import Line, paragraphs_of

    assert paragraphs_of([Line(*line) for line in lines]) == expected


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="needs Debian's fonts-noto-cjk (make test installs it)")
def test_korean_pdf_lines_are_joined_into_whole_sentences(tmp_path):
    from fpdf import FPDF

    lines = SMALL_ARTICLES["busan_ko.txt"].split("\n")
    pdf = FPDF()
    pdf.add_font("noto", fname=str(CJK_FONT))
    pdf.set_title(lines[0])
    pdf.add_page()
    pdf.set_font("noto", size=11)
    for text in (lines[2] + " " + lines[2], lines[4]):
        pdf.multi_cell(0, 6, text)  # the first paragraph wraps over two lines
        pdf.ln(4)
    path = tmp_path / "busan.pdf"
    path.write_bytes(bytes(pdf.output()))
    found = read_document(path)
    assert found.text.split("\n\n") == [lines[0], lines[2] + " " + lines[2], lines[4]]
    assert found.stated["title"] == lines[0]


def test_pdf_encrypted_without_a_user_password_is_read(tmp_path):
    path = encrypt_pdf(write_pdf(tmp_path / "report.pdf"), user_password="")
    assert PDF_PAGES[1][0] in read_document(path).text


def test_docx_paragraphs_and_headings_with_the_title_from_its_properties(tmp_path):
    found = read_document(write_docx(tmp_path / "a.docx", title="Reading chatbot report"))
    assert found.stated == {"title": "Reading chatbot report"}
    assert found.text.split("\n\n") == ["Reading chatbot report", *(text for text, _ in DOCX_BLOCKS)]


def test_docx_title_from_the_first_heading(tmp_path):
    blocks = [("Weekly bulletin of the city council", None), *DOCX_BLOCKS]
    found = read_document(write_docx(tmp_path / "a.docx", blocks=blocks))
    assert found.stated == {"title": DOCX_TITLE}
    assert found.text.split("\n\n")[:2] == [DOCX_TITLE, "Weekly bulletin of the city council"]


def test_docx_table_rows_are_paragraphs(tmp_path):
    table = [["District", "Questions"], ["Yuseong", "7,200"], ["Seo", "10,800"]]
    found = read_document(write_docx(tmp_path / "a.docx", table=table))
    assert found.text.split("\n\n")[-3:] == ["District | Questions", "Yuseong | 7,200", "Seo | 10,800"]


@pytest.mark.parametrize(
    ("pages", "stated", "text", "starts"),
    [
        ([["A b.", "C  d\ne."]], {}, "A b.\n\nC d e.", ()),
        ([["Body."]], {"title": "Title", "outlet": " ", "author": None}, "Title\n\nBody.", ()),
        ([["title", "Body."]], {"title": "Title"}, "title\n\nBody.", ()),  # already first: not repeated
        ([["One."], [], ["Three."]], {}, "One.\n\nThree.", (0, 4, 6)),  # an empty page starts where the next does
    ],
)
def test_assemble(pages, stated, text, starts):
    found = assemble(pages, stated, paged=bool(starts))
    assert (found.text, found.pages) == (text, starts)
    assert found.stated == {k: v for k, v in stated.items() if v and v.strip()}


def test_assemble_without_text_is_a_skip_reason():
    with pytest.raises(CorpusError, match="no text"):
        assemble([[" ", ""]], {"title": "Only a title"})


# ---- metadata precedence: guessed from lines < stated by the file < sidecar --------------------------
GUESSABLE = (
    "Guessed headline\n"
    "By John Guess, reporter\n"
    "Published 2021-03-04\n"
    "Officials in the city said on Monday that the new tram line would open next year with twelve stations.\n"
    "ⓒ Guessed Times. All rights reserved.\n"
)


@pytest.mark.parametrize(
    ("stated", "sidecar", "expected"),
    [
        ({}, {}, {"title": "Guessed headline", "author": "John Guess", "date": "2021-03-04", "outlet": "Guessed Times", "url": None}),
        ({"title": "Stated", "date": "2022-01-02", "url": "https://a.example/x"}, {},
         {"title": "Stated", "author": "John Guess", "date": "2022-01-02", "outlet": "Guessed Times", "url": "https://a.example/x"}),
        ({"title": "Stated", "outlet": "Stated Daily"}, {"title": "Sidecar", "url": "https://b.example/y"},
         {"title": "Sidecar", "author": "John Guess", "date": "2021-03-04", "outlet": "Stated Daily", "url": "https://b.example/y"}),
        ({"author": "Stated Author"}, {"author": " "}, {"author": "Stated Author"}),  # a blank sidecar value is ignored
    ],
)
def test_metadata_precedence(stated, sidecar, expected):
    meta = extract(clean(GUESSABLE), sidecar, stated)
    assert {key: getattr(meta, key) for key in expected} == expected


SIDECAR = {"title": "Sidecar title", "outlet": "Sidecar Outlet", "author": "Sidecar Author", "date": "2020-02-03",
           "language": "ko"}


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("page.html", lambda p: p.write_text(NEWS_PAGE, encoding="utf-8")),
        ("report.pdf", write_pdf),
        ("notes.docx", lambda p: write_docx(p, title="Property title")),
        ("plain.txt", lambda p: p.write_text(SMALL_ARTICLES["farm.txt"], encoding="utf-8")),
    ],
)
def test_sidecar_overrides_every_format(tmp_path, name, write):
    folder = tmp_path / "corpus"
    folder.mkdir()
    write(folder / name)
    (folder / (Path(name).stem + ".meta.json")).write_text(json.dumps(SIDECAR), encoding="utf-8")
    docs, warnings = load_corpus(folder)
    assert warnings == []
    meta = build_article(docs[0]).meta()
    assert {key: meta[key] for key in SIDECAR} == SIDECAR


# ---- bad files: one warning line each, never a traceback ----------------------------------------------
def bad_files(folder: Path) -> dict[str, str]:
    """Write one bad file of each kind into folder; return {name: part of the expected warning}."""
    folder.mkdir(parents=True, exist_ok=True)
    encrypt_pdf(write_pdf(folder / "locked.pdf"), user_password="secret")
    good = write_pdf(folder / "whole.pdf").read_bytes()
    (folder / "whole.pdf").unlink()
    (folder / "truncated.pdf").write_bytes(good[: len(good) // 2])
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    (folder / "empty.pdf").write_bytes(b"")
    write_pdf(folder / "blank.pdf", pages=[[]], heading=None)
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (folder / "empty.docx").write_bytes(b"")
    write_docx(folder / "nothing.docx", blocks=[])
    (folder / "binary.html").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.htm").write_bytes(b"")
    return {
        "locked.pdf": "encrypted PDF",
        "truncated.pdf": "not a readable PDF",
        "garbage.pdf": "not a readable PDF",
        "empty.pdf": "empty file",
        "blank.pdf": "no text in the PDF",
        "corrupt.docx": "not a readable Word document",
        "empty.docx": "empty file",
        "nothing.docx": "no text in the Word document",
        "binary.html": "no article text found",
        "empty.htm": "empty file",
    }


def test_bad_files_are_skipped_with_one_warning_each(tmp_path):
    folder = tmp_path / "corpus"
    expected = bad_files(folder)
    write_corpus(folder, {"harbor.txt": SMALL_ARTICLES["harbor.txt"]})
    docs, warnings = load_corpus(folder)
    assert [d.source for d in docs] == ["harbor.txt"]
    assert len(warnings) == len(expected), warnings
    for name, reason in expected.items():
        line = next(w for w in warnings if w.startswith(name + ": "))
        assert reason in line and "\n" not in line


def test_index_prints_one_warning_line_per_bad_file(tmp_path, capsys):
    folder = tmp_path / "corpus"
    expected = bad_files(folder)
    write_corpus(folder, {"harbor.txt": SMALL_ARTICLES["harbor.txt"]})
    assert main(["index", "--corpus", str(folder), "--out", str(tmp_path / "index"), "--encoder", "hashing"]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if line.startswith("assistant: warning: ")]
    assert sorted(line.split(": ")[2] for line in warnings) == sorted(expected)
    assert "Traceback" not in captured.err + captured.out
    progress = re.compile(r"^\r?[\w -]+ \[[#.]+\] \d+/\d+$")
    assert [ln for ln in captured.err.splitlines() if ln.strip() and ln not in warnings and not progress.match(ln)] == []
    assert "indexed 1 articles" in captured.out


# ---- end to end: index, then ask --json - ---------------------------------------------------------------
QUESTIONS = {
    "gangwon.html": ("How many graphics processors does the Chuncheon computing centre hold?",
                     "The centre holds 512 graphics processors"),
    "wando.pdf": ("How many underwater drones will the Wando seaweed cooperative deploy to inspect kelp lines?",
                  "The cooperative will deploy 24 underwater drones"),
    "daejeon.docx": ("How many questions did the Daejeon library reading chatbot answer in its first month?",
                     "answered 18,000 questions through its new reading chatbot"),
}
STATED = {
    "gangwon.html": {"title": "Chuncheon opens public AI computing centre", "outlet": "The Gangwon Herald",
                     "author": "Park Ji-won", "date": "2024-05-17", "page": None,
                     "url": "https://gangwonherald.example/news/ai-computing-centre"},
    "wando.pdf": {"title": PDF_TITLE, "date": "2023-11-08", "page": 2, "url": None},
    "daejeon.docx": {"title": DOCX_TITLE, "page": None, "url": None},
}


@pytest.fixture(scope="module")
def format_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("formats")
    corpus = write_all(root / "corpus")
    assert main(["index", "--corpus", str(corpus), "--out", str(root / "index"), "--encoder", "hashing"]) == 0
    return root / "index"


@pytest.fixture(scope="module")
def answers(format_index) -> dict[str, dict]:
    with pytest.MonkeyPatch.context() as mp:
        out = io.StringIO()
        mp.setattr(sys, "stdin", io.StringIO("".join(q + "\n" for q, _ in QUESTIONS.values())))
        mp.setattr(sys, "stdout", out)
        assert main(["ask", "--json", "-", "--index", str(format_index), "--encoder", "hashing"]) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    return dict(zip(QUESTIONS, rows, strict=True))


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_each_format_is_cited_by_name_in_the_top_three(answers, name):
    evidence = QUESTIONS[name][1]
    top = answers[name]["citations"][:3]
    assert any(c["source"] == name and evidence in c["passage"] for c in top), [(c["source"], c["passage"]) for c in top]


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_quotes_are_verbatim_spans_of_the_extracted_article(answers, format_index, name):
    index = store.Index.open(format_index)
    for c in answers[name]["citations"]:
        text = index.article(c["source"]).text
        assert c["quote"] == text[c["quote_start"] : c["quote_end"]]
        assert c["passage"] == text[c["passage_start"] : c["passage_end"]]
        assert c["quote"] in c["passage"]


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_citations_carry_the_metadata_the_file_states(answers, name):
    citation = next(c for c in answers[name]["citations"] if c["source"] == name and QUESTIONS[name][1] in c["passage"])
    assert {key: citation[key] for key in STATED[name]} == STATED[name]


def test_web_card_and_briefing_footnote_show_the_page_and_url(answers):
    from assistant.web.briefing import BriefingItem
    from assistant.web.render import citation_line

    pdf = next(c for c in answers["wando.pdf"]["citations"] if c["source"] == "wando.pdf" and c["page"] == 2)
    page = next(c for c in answers["gangwon.html"]["citations"] if c["source"] == "gangwon.html")
    assert citation_line(pdf, "en").endswith("page 2") and citation_line(pdf, "ko").endswith("2쪽")
    assert "page" not in citation_line(page, "en")
    assert BriefingItem.from_citation(pdf).reference().endswith("page 2, wando.pdf")
    assert BriefingItem.from_citation(page).reference().endswith("gangwon.html, " + STATED["gangwon.html"]["url"])


def test_txt_citations_have_no_page_or_url(answers):
    cited = [c for row in answers.values() for c in row["citations"] if c["source"] == "harbor.txt"]
    assert cited and all(c["page"] is None and c["url"] is None for c in cited)


def test_page_and_url_survive_the_stored_index(format_index):
    index = store.Index.open(format_index)
    assert [p.page for p in index.article("wando.pdf").paragraphs] == [1, 1, 2, 2]
    assert index.article("gangwon.html").url == STATED["gangwon.html"]["url"]
    assert all(p.page is None for p in index.article("daejeon.docx").paragraphs)


def test_text_answer_shows_the_page(format_index, capsys):
    assert main(["ask", QUESTIONS["wando.pdf"][0], "--index", str(format_index), "--encoder", "hashing"]) == 0
    assert "page 2 (wando.pdf" in capsys.readouterr().out


def test_an_index_in_the_previous_format_is_refused_with_one_line(format_index, tmp_path, capsys):
    old = tmp_path / "old"
    old.mkdir()
    manifest = json.loads((store.resolve(format_index) / store.MANIFEST).read_text(encoding="utf-8"))
    (old / store.MANIFEST).write_text(json.dumps(manifest | {"format_version": store.FORMAT_VERSION - 1}))
    assert main(["ask", "anything", "--index", str(old), "--encoder", "hashing"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "rebuild with: assistant index" in err[0]


def load_one(tmp_path: Path, name: str, write) -> object:
    folder = tmp_path / "one"
    folder.mkdir(exist_ok=True)
    write(folder / name)
    docs, warnings = load_corpus(folder)
    assert warnings == [] and len(docs) == 1
    return docs[0]
