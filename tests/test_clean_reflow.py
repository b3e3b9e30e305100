"""Hard-wrapped text (licences, bills, e-mail) through clean(): the wrapped lines of a paragraph are
joined back into one body paragraph, which is still a verbatim span of the raw text; scraped pages
with a paragraph per line are left as they are.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.ingest.clean import WRAP_MAX, WRAP_MIN_LINES, Line, clean, reflow, split_lines, wrap_width

CORPORA = Path(__file__).resolve().parents[1] / "benchmarks" / "corpora"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CORPUS_FILES = sorted(CORPORA.rglob("*.txt"))

TITLE = "Harbor city opens robotics laboratory"
PARAGRAPHS = [
    "The harbor city opened a robotics laboratory on Monday to test autonomous cranes at the container "
    "port, where engineers have spent two years preparing the quays for machines that load ships without "
    "a driver in the cab.",
    "The laboratory received funding from the port authority and three shipping companies, which together "
    "promised to share the cost of the first cranes and to publish the results of every trial run at the "
    "harbor.",
    "Officials expect the first robotic cranes to enter service within two years, although unions have "
    "asked for guarantees that crane operators will be retrained rather than dismissed when the machines "
    "arrive.",
    "Engineers said the cranes would load ships faster and more safely than before, and that the same "
    "software could later guide trucks between the quay and the storage yards behind the terminal "
    "buildings.",
]


def wrapped(paragraphs: list[str], width: int = 70, newline: str = "\n") -> str:
    text = TITLE + "\n\n" + "\n\n".join(textwrap.fill(p, width) for p in paragraphs) + "\n"
    return text.replace("\n", newline)


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_verbatim(lines, raw: str) -> None:
    for line in lines:
        assert raw[line.start : line.end] == line.text, line


@pytest.mark.parametrize("width", [60, 70, 78], ids=["w60", "w70", "w78"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_hard_wrapped_paragraphs_are_joined(width, newline):
    raw = wrapped(PARAGRAPHS, width, newline)
    assert raw.count("\n") >= 15  # a real hard-wrapped text, many lines
    cleaned = clean(raw)
    assert cleaned.title == TITLE
    assert len(cleaned.body) == len(PARAGRAPHS)
    for line, paragraph in zip(cleaned.body, PARAGRAPHS, strict=True):
        assert raw[line.start : line.end] == line.text  # one verbatim span, line breaks inside
        assert newline in line.text
        assert flat(line.text) == paragraph
        assert line.text == line.text.strip()


def test_crlf_gives_the_same_paragraphs_as_lf():
    lf, crlf = wrapped(PARAGRAPHS), wrapped(PARAGRAPHS, newline="\r\n")
    a, b = clean(lf), clean(crlf)
    assert [line.text.replace("\n", "\r\n") for line in a.body] == [line.text for line in b.body]
    assert [flat(line.text) for line in a.body] == [flat(line.text) for line in b.body]


def test_wrap_width_of_a_hard_wrapped_text():
    raw = wrapped(PARAGRAPHS, 70)
    body = split_lines(raw)[1:]
    width = wrap_width(body)
    assert width is not None
    assert 60 <= width <= 70


def test_too_few_lines_are_not_a_wrapped_text():
    raw = wrapped(PARAGRAPHS[:1], 70)
    body = split_lines(raw)[1:]
    assert len(body) < WRAP_MIN_LINES
    assert wrap_width(body) is None
    assert reflow(body, raw) == body


def scraped(lines: list[str]) -> str:
    return "\n\n".join([TITLE, *lines]) + "\n"


SCRAPED_LONG = [p + " " + p.split(",")[0] + "." for p in PARAGRAPHS] + [
    "Port officials added that the tests would continue through the winter, when ice and strong winds "
    "make the work of human crane operators most dangerous.",
    "A spokesperson for the shipping companies said they would decide next year whether to buy the cranes.",
    "The city plans to open the laboratory to visiting school classes from the spring.",
    "Residents near the port said they hoped the new cranes would be quieter than the old ones at night, "
    "because the noise from the terminal often keeps them awake",
    "Neighbouring cities are watching the trial closely",
]


@pytest.mark.parametrize("separator", ["\n", "\n\n"], ids=["single-spaced", "double-spaced"])
def test_scraped_page_with_a_paragraph_per_line_is_left_alone(separator):
    raw = separator.join([TITLE, *SCRAPED_LONG]) + "\n"
    cleaned = clean(raw)
    assert wrap_width(list(cleaned.body)) is None
    assert [line.text for line in cleaned.body] == SCRAPED_LONG  # nothing joined, nothing dropped
    assert all("\n" not in line.text for line in cleaned.body)
    assert_verbatim(cleaned.body, raw)


def test_lines_longer_than_any_wrap_width_are_never_joined():
    lines = [Line("x" * (WRAP_MAX + 20 + i), 0, 0) for i in range(WRAP_MIN_LINES + 2)]
    assert wrap_width(lines) is None


# questionable: a scraped Korean page whose paragraphs are all short one-sentence lines looks
# hard-wrapped (most lines near one width under WRAP_MAX), so a sub-heading long enough and with no
# full stop is glued to the paragraph after it.
def test_short_scraped_paragraphs_glue_a_subheading_to_the_next_one():
    lines = [
        "부산시는 항만과 해운 정보를 모으는 해양 데이터 센터를 짓겠다고 밝혔다.",
        "센터는 선박 운항 기록과 날씨 자료를 한곳에 모아 기업에 제공한다.",
        "해양 데이터 센터 건립 계획과 지역 대학 협력 방안",
        "시는 지역 대학과 함께 해양 데이터 전문 인력을 기르는 교육 과정도 운영할 계획이다.",
        "첫 교육생은 내년 봄에 선발한다.",
        "시 관계자는 기업들의 관심이 높다고 말했다.",
        "센터 건립에는 모두 300억 원이 들어갈 것으로 보인다.",
        "완공은 2027년 말이 목표다.",
        "시는 이번 사업으로 일자리 500개가 생길 것으로 내다봤다.",
    ]
    raw = "\n".join(["부산시, 해양 데이터 센터 건립 추진", "", *lines]) + "\n"
    body = [line.text for line in clean(raw).body]
    assert body[2] == lines[2] + "\n" + lines[3]
    assert len(body) == len(lines) - 1


# questionable: in a hard-wrapped text no line reaches the body length (80 characters), so the body
# never "starts": end markers go to the header instead of ending the article, and the related-article
# line after them stays in the body.
def test_end_markers_do_not_end_a_hard_wrapped_article():
    raw = (
        wrapped(PARAGRAPHS[:3])
        + "\nRelated articles\n\nFarmers adopt drones for rice paddies in the south\n\n"
        + "Copyright 2024 Harbor Times. All rights reserved.\n"
    )
    cleaned = clean(raw)
    assert [line.text for line in cleaned.header] == ["Related articles", "Copyright 2024 Harbor Times. All rights reserved."]
    assert cleaned.trailer == ()
    assert cleaned.body[-1].text == "Farmers adopt drones for rice paddies in the south"
    assert [flat(line.text) for line in cleaned.body[:3]] == PARAGRAPHS[:3]


# ---- the real hard-wrapped and CRLF documents of benchmarks/corpora ----------------------------

@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_real_documents_clean_to_verbatim_spans(path):
    raw = path.read_bytes().decode("utf-8")
    cleaned = clean(raw)
    assert cleaned.title
    assert cleaned.body
    assert_verbatim(cleaned.body, raw)
    starts = [line.start for line in cleaned.body]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(cleaned.body, cleaned.body[1:], strict=False))  # no overlap


def test_corpora_hold_the_expected_documents():
    names = {p.name for p in CORPUS_FILES}
    assert {"license_gpl-3.txt", "license_mpl-2.0_crlf.txt", "kolaw_constitution.txt"} <= names


@pytest.mark.parametrize(
    ("name", "width"),
    [("license_gpl-3.txt", 71), ("license_mpl-2.0_crlf.txt", 72), ("license_apache-2.0.txt", 69)],
    ids=["gpl-3", "mpl-2.0-crlf", "apache-2.0"],
)
def test_licences_are_reflowed(name, width):
    path = next(p for p in CORPUS_FILES if p.name == name)
    raw = path.read_bytes().decode("utf-8")
    assert wrap_width(split_lines(raw)) == width
    cleaned = clean(raw)
    joined = [line for line in cleaned.body if "\n" in line.text]
    assert len(joined) >= len(cleaned.body) / 3
    assert_verbatim(cleaned.body, raw)


def test_gpl_paragraph_is_one_body_paragraph():
    raw = (CORPORA / "report_distractors" / "license_gpl-3.txt").read_text(encoding="utf-8")
    body = [flat(line.text) for line in clean(raw).body]
    assert (
        "To protect your rights, we need to prevent others from denying you these rights or asking you to "
        "surrender the rights. Therefore, you have certain responsibilities if you distribute copies of the "
        "software, or if you modify it: responsibilities to respect the freedom of others."
    ) in body


# questionable: wrapped lines that happen to start like a copyright notice or a byline ("copyright
# holder, and you cure...", "by the Free Software Foundation.") are taken for header metadata and cut
# out of the middle of their paragraphs.
def test_gpl_lines_starting_like_metadata_are_cut_from_their_paragraphs():
    raw = (CORPORA / "report_distractors" / "license_gpl-3.txt").read_text(encoding="utf-8")
    cleaned = clean(raw)
    header = [line.text for line in cleaned.header]
    assert "copyright holder, and you cure the violation prior to 30 days after" in header
    assert "by the Free Software Foundation." in header
    assert not any("you cure the violation prior to 30 days after" in line.text for line in cleaned.body)


# questionable: a heading long enough and without a full stop joins the paragraph after it, across
# the blank line ("How to Apply These Terms to Your New Programs" + "If you develop a new program...").
def test_gpl_heading_is_joined_to_the_next_paragraph():
    raw = (CORPORA / "report_distractors" / "license_gpl-3.txt").read_text(encoding="utf-8")
    joined = [line.text for line in clean(raw).body if line.text.startswith("How to Apply These Terms")]
    assert len(joined) == 1
    assert "\n\n" in joined[0]
    assert "If you develop a new program" in joined[0]


def test_a_sentence_broken_over_lines_is_one_paragraph():
    """A pull quote set over three lines (seed 003) is one paragraph, its line breaks as in the file."""
    raw = (SEEDS / "003_bd417f7486c5be64.txt").read_text(encoding="utf-8")
    body = clean(raw).body
    joined = [ln for ln in body if ln.text.startswith("원주형 AI 얼라이언스의 산업육성 모델은")]
    assert len(joined) == 1 and joined[0].text.endswith("명심해야만 한다.")
    assert joined[0].text == raw[joined[0].start : joined[0].end] and joined[0].text.count("\n") == 2


def test_headings_and_list_items_are_not_joined_to_the_next_line():
    lines = ["Calls for a Competitive AI Cluster", "Hong Giwol stresses keeping local AI talent,",
             "Strategic Policies Needed", "1. 국정의 기본계획과", "2. 선전·강화 기타 중요한 대외정책",
             "주요 성과", "광주시는 올해 성과를 발표했다.", "최고의 평가", "광주시는 평가를 받았다.",
             # a known miss: a sentence going on with a number is taken for a new item
             "정부는 다음과 같이 추진하며,", "2011년부터 시행한다."]
    raw = "Title\n\n" + "\n".join(lines) + "\n\n" + "A body sentence that is long enough to count as the body. " * 2
    texts = [ln.text for ln in clean(raw).body]
    assert texts[: len(lines)] == lines
