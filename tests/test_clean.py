"""Boilerplate removal: general line rules, and every kept paragraph is a verbatim raw line."""

from __future__ import annotations

import pytest
from conftest import SEED_FILES, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ingest.clean import clean, norm
from assistant.ingest.load import read_article

# Substrings that are page furniture, comments or link lists in the seed scrapes.
BOILERPLATE = [
    "본문 바로가기",
    "bar_progress",
    "Text Size",
    "Join us on social!",
    "이 기사를 공유합니다",
    "© The Asia Business Daily",
    "All rights reserved",
    "Photo by Lee Myunghwan",
    "©AI타임스",
    "기자 프로필",
    "삭제한 댓글은",
    "그래도 삭제하시겠습니까",
    "계정을 선택하시면",
    "댓글쓰기",
    "댓글삭제",
    "뭔 말인줄도 모를 거야",
    "말풀이가 끝내주네용",
    "유용한 리스티클",
    "한국의 8대 인공지능대학원",
    "노코딩",
    "AI대학원 차별화 포인트",
    "10대 트렌드",
    "포항공과대학교",
]
# Whole lines that are UI controls.
UI_LINES = {"Close", "Top", "Text Size", "댓글 0", "댓글 2", "• 댓글 2", "• 댓글 0"}
# Caption lines (image alt text + caption) that must not become body paragraphs.
CAPTIONS = {
    "001_f932d6bef9098a44.txt": ["Hong Giwol, Gwangju City Council Member."],
    "002_f6fc0410c29b4f02.txt": ["participants are taking a commemorative photo"],
    "004_d17d07492f04a1cb.txt": [
        "last 29th at KDJ Center",
        "The city and other 13 organizations have agreed MOU.",
        "presents four major strategies to create the city as",
    ],
}


def seed_raw(name: str) -> str:
    return read_article(SEEDS / name)


@pytest.fixture(scope="module")
def cleaned_seeds():
    return {name: (seed_raw(name), clean(seed_raw(name))) for name in SEED_FILES}


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_body_has_no_boilerplate(cleaned_seeds, name):
    _raw, cleaned = cleaned_seeds[name]
    assert cleaned.body, "every seed has article text"
    for line in cleaned.body:
        for junk in BOILERPLATE:
            assert junk not in line.text, (junk, line.text)
        assert line.text not in UI_LINES
        for caption in CAPTIONS.get(name, []):
            assert caption not in line.text, line.text


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_body_lines_are_verbatim_raw_spans(cleaned_seeds, name):
    raw, cleaned = cleaned_seeds[name]
    file_text = (SEEDS / name).read_text(encoding="utf-8")
    previous_end = -1
    for line in cleaned.body + cleaned.header + cleaned.trailer:
        assert raw[line.start : line.end] == line.text
    for line in cleaned.body:
        assert file_text[line.start : line.end] == line.text  # seeds have no BOM or CR to normalise
        assert line.start > previous_end, "body keeps reading order"
        previous_end = line.end


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_title_and_duplicates_do_not_repeat_in_body(cleaned_seeds, name):
    raw, cleaned = cleaned_seeds[name]
    keys = [norm(line.text) for line in cleaned.body]
    assert len(keys) == len(set(keys)), "a duplicated line survives twice"
    assert norm(cleaned.title) not in keys
    assert cleaned.title in raw


def test_seed_titles(cleaned_seeds):
    titles = {name: cleaned.title for name, (_, cleaned) in cleaned_seeds.items()}
    assert titles["000_7065692321f39095.txt"] == "Conditions for practical cooperation beyond formal alliance"
    assert titles["001_f932d6bef9098a44.txt"].startswith("Gwangju City Council Member Hong Giwol")
    assert titles["002_f6fc0410c29b4f02.txt"].startswith('"National AI Development Difficult Alone')
    assert titles["003_bd417f7486c5be64.txt"] == "[기고] 원주형 AI 얼라이언스 협업 모델"
    assert titles["004_d17d07492f04a1cb.txt"] == "Gwangju “The era of AI Gwangju has begun”"


def test_seed_article_text_survives(cleaned_seeds):
    """The cleaner must not throw the article out with the boilerplate."""
    expected = {
        "000_7065692321f39095.txt": ["Honam Economic Alliance", "restoration of trust", "By Yang Joon"],
        "001_f932d6bef9098a44.txt": ["426.9 billion won", "Only 46.4% of AI Academy graduates", "corporate surveys"],
        "002_f6fc0410c29b4f02.txt": ["Stargate Project", "responsible for infrastructure", "co-hosted by"],
        "003_bd417f7486c5be64.txt": ["너무 반가운 일이다.", "17개사가 AI 얼라이언스", "구체적일 때에 실천 가능성이"],
        "004_d17d07492f04a1cb.txt": ["about 700 people", "46,200㎡", "first year to open a gate"],
    }
    for name, phrases in expected.items():
        _raw, cleaned = cleaned_seeds[name]
        body = "\n".join(line.text for line in cleaned.body + cleaned.header)
        for phrase in phrases:
            assert phrase in body, (name, phrase)


def test_seed_comments_and_link_lists_go_to_the_trailer(cleaned_seeds):
    _, c003 = cleaned_seeds["003_bd417f7486c5be64.txt"]
    trailer = [line.text for line in c003.trailer]
    assert "뭔 말인줄도 모를 거야" in trailer
    _, c004 = cleaned_seeds["004_d17d07492f04a1cb.txt"]
    assert any(line.text == "유용한 리스티클" for line in c004.trailer)


def test_seed_003_author_photo_caption_is_removed(cleaned_seeds):
    _, cleaned = cleaned_seeds["003_bd417f7486c5be64.txt"]
    assert not any(line.text.startswith("△김장기") for line in cleaned.body)


# ---- synthetic scrapes: the rules are general, not tuned to the seeds ------------------------

KOREAN_SCRAPE = """본문 바로가기
전체메뉴
검색
정부, 지역 AI 거점 다섯 곳 추가 지정
  • 홍길동 기자
  • 입력 2024.03.05 10:12
  • 수정 2024.03.06 09:00
  • 댓글 3
이 기사를 공유합니다
과학기술정보통신부는 5일 지역 인공지능 거점 다섯 곳을 추가로 지정한다고 밝혔다. 이번 지정으로 각 거점은 3년 동안 연구 인프라와 인력 양성 예산을 지원받는다.
정부, 지역 AI 거점 다섯 곳 추가 지정 (사진=과학기술정보통신부)
정부는 지방자치단체와 대학, 기업이 함께 참여하는 협의체를 꾸려 사업을 점검할 계획이다. 협의체는 분기마다 성과를 공개한다.
hong@example.co.kr
저작권자 © 예시일보 무단전재 및 재배포 금지
관련기사
• AI 반도체 지원 확대
• 데이터센터 지방 분산 추진
댓글 3
댓글쓰기
좋은 소식이네요
"""
KOREAN_BODY = [
    "과학기술정보통신부는 5일 지역 인공지능 거점 다섯 곳을 추가로 지정한다고 밝혔다. 이번 지정으로 각 거점은 3년 동안 연구 인프라와 인력 양성 예산을 지원받는다.",
    "정부는 지방자치단체와 대학, 기업이 함께 참여하는 협의체를 꾸려 사업을 점검할 계획이다. 협의체는 분기마다 성과를 공개한다.",
]

ENGLISH_SCRAPE = """Skip to content
Menu
Home
Search
Subscribe
Sign in
City unveils plan for shared AI computing hub
By Jane Doe, Staff Writer
Published: 2024-05-10
Share this article
The city council on Tuesday approved a plan to build a shared computing hub for local startups. Officials said the hub would open next spring and offer subsidised access to graphics processors.
Council members at the vote on Tuesday. (Photo: City Council)
Mr. Park, who chairs the council's technology committee, said the plan cost 12.5 billion won. "We want small firms to compete," he said.
Advertisement
Related Articles
Startups cheer new subsidy scheme
Council debates data center power costs
Copyright © 2024 Example Times. All rights reserved.
"""
ENGLISH_BODY = [
    "The city council on Tuesday approved a plan to build a shared computing hub for local startups. "
    "Officials said the hub would open next spring and offer subsidised access to graphics processors.",
    "Mr. Park, who chairs the council's technology committee, said the plan cost 12.5 billion won. "
    '"We want small firms to compete," he said.',
]


@pytest.mark.parametrize(
    "raw, title, body",
    [
        (KOREAN_SCRAPE, "정부, 지역 AI 거점 다섯 곳 추가 지정", KOREAN_BODY),
        (ENGLISH_SCRAPE, "City unveils plan for shared AI computing hub", ENGLISH_BODY),
    ],
    ids=["korean", "english"],
)
def test_synthetic_scrape_keeps_exactly_the_article(raw, title, body):
    cleaned = clean(raw)
    assert cleaned.title == title
    assert [line.text for line in cleaned.body] == body
    for line in cleaned.body:
        assert raw[line.start : line.end] == line.text


def test_synthetic_korean_header_and_trailer():
    cleaned = clean(KOREAN_SCRAPE)
    header = [line.text for line in cleaned.header]
    assert "• 입력 2024.03.05 10:12" in header and "• 수정 2024.03.06 09:00" in header
    assert "• 홍길동 기자" in header
    trailer = [line.text for line in cleaned.trailer]
    assert trailer[0].startswith("저작권자")
    assert "• AI 반도체 지원 확대" in trailer and "좋은 소식이네요" in trailer


def test_synthetic_english_trailer_holds_related_list_and_copyright():
    trailer = [line.text for line in clean(ENGLISH_SCRAPE).trailer]
    assert trailer[0] == "Related Articles"
    assert "Startups cheer new subsidy scheme" in trailer
    assert trailer[-1].startswith("Copyright ©")


def test_end_marker_before_the_body_does_not_cut_the_article():
    raw = "Headline here\nComments 4\n" + ENGLISH_BODY[0] + "\n" + ENGLISH_BODY[1] + "\n"
    assert [line.text for line in clean(raw).body] == ENGLISH_BODY


def test_only_boilerplate_gives_no_body():
    cleaned = clean("Menu\nSearch\nClose\nText Size\n")
    assert cleaned.body == ()


def test_leading_whitespace_offsets():
    raw = "Title\n\n   \t" + ENGLISH_BODY[0] + "   \n"
    (line,) = clean(raw).body
    assert raw[line.start : line.end] == ENGLISH_BODY[0]


def test_plain_korean_byline_and_signoff_are_not_body():
    raw = (
        "정부, 지역 AI 거점 다섯 곳 추가 지정\n입력 2024.03.05 10:12\n홍길동 기자\n"
        + "\n".join(KOREAN_BODY)
        + "\n홍길동 기자 hong@example.co.kr\n관련기사\n• AI 반도체 지원 확대\n"
    )
    assert [line.text for line in clean(raw).body] == KOREAN_BODY


def test_section_name_nav_menu_is_not_title_or_body():
    raw = "Home\nNews\nBusiness\nTechnology\nOpinion\n" + "\n".join(ENGLISH_SCRAPE.split("\n")[6:])
    cleaned = clean(raw)
    assert cleaned.title == "City unveils plan for shared AI computing hub"
    assert [line.text for line in cleaned.body] == ENGLISH_BODY


# ---- property: whatever the input, kept lines are verbatim ---------------------------------

LINE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.sampled_from(list("\n\n\n\t ©•·▶-.다요”")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=400,
)
SCRAPE_LINES = st.lists(
    st.one_of(
        LINE_TEXT,
        st.sampled_from(["본문 바로가기", "Text Size", "• 입력 2024.01.02 10:00", "관련기사", "Copyright © X", "댓글 3"]),
        st.just(ENGLISH_BODY[0]),
        st.just(KOREAN_BODY[0]),
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(LINE_TEXT, SCRAPE_LINES))
def test_property_kept_lines_are_raw_spans(raw):
    cleaned = clean(raw)
    for line in cleaned.body + cleaned.header + cleaned.trailer:
        assert raw[line.start : line.end] == line.text
        assert line.text and line.text == line.text.strip()
        assert "\n" not in line.text
    starts = [line.start for line in cleaned.body]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
