"""Strip web-scrape boilerplate with general line rules; every kept paragraph is a verbatim raw line."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Lines that are page furniture wherever they appear (compared after normalisation).
UI_LINES = {
    # Korean portals and newspaper CMSs
    "본문 바로가기", "메뉴 바로가기", "주메뉴 바로가기", "검색 바로가기", "이 기사를 공유합니다",
    "기사 공유하기", "공유하기", "기사공유", "글씨크기", "글자크기", "프린트", "인쇄", "스크랩",
    "url복사", "url 복사", "닫기", "로그인", "회원가입", "구독", "구독하기", "좋아요", "싫어요",
    "기사저장", "메뉴", "검색", "전체메뉴", "이전", "다음", "맨위로", "top", "상단으로",
    # English sites
    "text size", "close", "menu", "search", "share", "share this", "share this article",
    "print", "email", "e-mail", "subscribe", "sign in", "log in", "login", "home", "back to top",
    "join us on social!", "follow us", "advertisement", "skip to content", "skip to main content",
    "read more", "tweet", "facebook", "twitter", "kakaotalk", "more",
}

# A line at which the article is over: comments, related links, author boxes, copyright.
END_MARKERS = re.compile(
    r"^(?:"
    r"기자\s*프로필|댓글\s*(?:삭제|쓰기|작성|보기|\d+)?|삭제한 댓글은|관련\s*기사|관련뉴스|"
    r"많이\s*본\s*(?:기사|뉴스)|인기\s*기사|추천\s*기사|유용한 리스티클|이\s*시각\s*주요뉴스|"
    r"related (?:articles|stories|news)|more from|most (?:read|popular|viewed)|recommended|"
    r"comments?(?:\s*\(?\d+\)?)?|leave a (?:comment|reply)|you may also like|"
    r"(?:copyright\b|ⓒ|©|\(c\)\s).*|.*all rights reserved.*|.*무단\s*전재.*|.*재배포\s*금지.*|저작권자.*"
    r")$",
    re.IGNORECASE,
)

# Header metadata lines: bullets with a date, byline or comment count.
META_LINE = re.compile(
    r"^(?:[•·▶■\-*]\s*)?(?:"
    r"(?:입력|승인|수정|등록|발행|기사입력|업데이트|posted|published|updated|date)\s*:?\s*\d{4}[-./년]\s*\d{1,2}.*|"
    r"댓글\s*\d+|comments?\s*\d+|"
    r"by\s+[A-Z][\w.'\-]*(?:\s+-?[\w.'\-]+){0,3}\s*(?:,\s*(?:reporter|staff writer|correspondent).*)?(?:\s+\S+@\S+)?|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
    r"[/=]?\s*[가-힣]{2,4}\s*(?:기자|특파원|객원기자|선임기자|인턴기자)(?:\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?|"
    r"[△▲▷]\s*[가-힣]{2,4}\s*[\[(].{0,60}[\])]"  # contributor box: △Name [affiliation]
    r")$",
    re.IGNORECASE,
)
# An outlet's name alone on a line of the byline block ("대구일보", "연합뉴스", "The Korea Herald").
OUTLET_LINE = re.compile(
    r"^(?:[•·]\s*)?(?:[가-힣A-Z]{1,10}(?:일보|신문|뉴스|타임스|저널|방송|투데이|통신|신보)|"
    r"(?:The\s+)?[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3}\s+(?:Times|Herald|Daily|News|Post|Journal|Tribune|Gazette))$"
)
BULLET_NAME = re.compile(
    r"^[•·]\s*(?:[가-힣]{2,4}(?:\s*(?:기자|객원기자|논설위원|칼럼니스트))?|[A-Z][a-z]+(?:\s+[A-Z][a-z-]+){1,2})$"
)
CAPTION_CREDIT = re.compile(
    r"(?:[©ⓒ]\s*\S{1,20}|photo by [\w .'-]{2,40}|\((?:사진|그래픽|자료)\s*=?\s*[^)]{1,30}\)|"
    r"\[(?:사진|그래픽|자료)\s*=?\s*[^\]]{1,30}\]|/(?:사진|그래픽)\s*=?\s*\S{1,20}(?:\s*제공)?|"
    r"\((?:photo|image|courtesy)[^)]{0,40}\))\.?$",
    re.IGNORECASE,
)
MENU_ITEM = re.compile(r"^[^\s.!?。]{1,20}(?:\s[^\s.!?。]{1,20}){0,2}$")  # one to three short words
MENU_RUN = 3  # this many menu-like lines in a row are a navigation bar
IDENTIFIER = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")  # leaked CSS/JS ids such as bar_progress
LISTICLE_BULLET = re.compile(r"^[•·▶■]\s*\S")
CAPTION_MAX = 300
BODY_MIN = 80  # a line this long with a sentence end is article body
# Hard-wrapped text: at least WRAP_MIN_LINES lines, WRAP_SHARE of them within WRAP_NEAR of a width of at
# most WRAP_MAX characters (plain-text licences wrap at 70-80, Korean bills at about 35 syllables).
WRAP_MIN_LINES = 8
WRAP_SHARE = 0.3
WRAP_NEAR = 0.6
WRAP_MAX = 100
SENTENCE_END = re.compile(r"[.!?。！？:;][\"'”’)\]]*$|다\.?$")
# A line broken off mid-sentence (a pull quote set over three lines): it ends on a comma, or on a Korean
# topic or object particle or a connective ending that no noun ends with (not 과, 가, 의, 서: 성과, 평가,
# 회의, 보고서 end headings), and the next line, with no blank line between, goes on in lower case or
# Hangul rather than starting a list item or a heading.
BROKEN_OFF = re.compile(r"(?:,|[가-힣](?:은|는|를|에서|며|지만|는데|으며|면서),?)$")
GOES_ON = re.compile(r"^(?:[a-z]|[가-힣](?![가-힣]*\d))")


@dataclass(frozen=True)
class Line:
    text: str
    start: int  # raw offsets of the stripped line
    end: int


@dataclass(frozen=True)
class Cleaned:
    title: str
    body: tuple[Line, ...]  # kept paragraphs in order
    header: tuple[Line, ...]  # metadata lines that were removed (for extraction)
    trailer: tuple[Line, ...]  # lines from the end marker on (bylines, copyright)


def norm(text: str) -> str:
    """Comparison key: NFKC, folded case, single spaces, no trailing punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip(" .:!?·•")


def split_lines(raw: str) -> list[Line]:
    lines = []
    pos = 0
    for chunk in raw.split("\n"):
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            lines.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(chunk) + 1
    return lines


def is_body(text: str) -> bool:
    return len(text) >= BODY_MIN and bool(re.search(r"[.!?다요”\"’']\s*$|[.!?]\s", text))


def is_caption(text: str, title_key: str) -> bool:
    if len(text) <= CAPTION_MAX and CAPTION_CREDIT.search(text):
        return True
    # Image alt text often repeats the headline, then the caption follows on the same line.
    key = norm(text)
    return bool(title_key) and len(text) <= 2 * CAPTION_MAX and key != title_key and key.startswith(title_key)


def drop_menus(lines: list[Line]) -> list[Line]:
    """Remove runs of MENU_RUN or more consecutive one-to-three-word lines (navigation bars), but not the
    byline block among them: a date or byline line, and an outlet's name beside one ("대구일보" /
    "입력 2024-05-14 10:32" / "김민수 기자")."""
    out: list[Line] = []
    run: list[Line] = []
    for line in [*lines, Line("", -1, -1)]:
        if line.text and MENU_ITEM.match(line.text) and len(line.text) <= 25:
            run.append(line)
            continue
        if len(run) < MENU_RUN:
            out.extend(run)
        else:
            texts = [ln.text for ln in run]
            out.extend(ln for i, ln in enumerate(run) if META_LINE.match(ln.text) or outlet_beside_meta(texts, i))
        run = []
        if line.text:
            out.append(line)
    return out


def outlet_beside_meta(texts: Sequence[str], i: int) -> bool:
    """texts[i] is an outlet's name alone ("대구일보", "The Korea Herald") next to a date or byline line: a
    section heading such as "포토뉴스" or "Breaking News" has the form but not the company."""
    return bool(OUTLET_LINE.match(texts[i])) and any(
        0 <= j < len(texts) and META_LINE.match(texts[j]) for j in (i - 1, i + 1))


def clean(raw: str) -> Cleaned:
    """Split a scraped page into title, body paragraphs and removed metadata lines."""
    lines = [ln for ln in split_lines(raw) if norm(ln.text) not in UI_LINES and not IDENTIFIER.match(ln.text)]
    first_body = next((i for i, ln in enumerate(lines) if is_body(ln.text)), len(lines))
    lines = drop_menus(lines[:first_body]) + lines[first_body:]  # navigation bars sit above the article
    title = ""
    title_key = ""
    body: list[Line] = []
    header: list[Line] = []
    trailer: list[Line] = []
    seen: set[str] = set()
    body_started = False
    texts = [ln.text for ln in lines]
    for i, line in enumerate(lines):
        text = line.text
        key = norm(text)
        if not title:
            if META_LINE.match(text) or END_MARKERS.match(text) or outlet_beside_meta(texts, i):
                header.append(line)
                continue
            title, title_key = text, key
            seen.add(key)
            continue
        if body_started and END_MARKERS.match(text):
            trailer.extend(lines[i:])
            break
        if META_LINE.match(text) or (not body_started and (BULLET_NAME.match(text) or END_MARKERS.match(text)
                                                           or outlet_beside_meta(texts, i))):
            header.append(line)
            continue
        if key in seen or is_caption(text, title_key):
            continue
        seen.add(key)
        body.append(line)
        body_started = body_started or is_body(text)
    # Link lists at the end (bullets with no sentence) are not article text.
    while body and LISTICLE_BULLET.match(body[-1].text) and not is_body(body[-1].text):
        body.pop()
    return Cleaned(title, tuple(reflow(body, raw)), tuple(header), tuple(trailer))


def wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped text (licences, bills, e-mail) breaks its lines at, or None.

    Such a text has most of its lines just short of one width; scraped web pages have a paragraph
    per line, of any length.
    """
    lengths = sorted(len(line.text) for line in lines)
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(1 for n in lengths if WRAP_NEAR * width <= n <= width)
    return width if width <= WRAP_MAX and near >= WRAP_SHARE * len(lengths) else None


def reflow(lines: list[Line], raw: str) -> list[Line]:
    """Join the lines of hard-wrapped paragraphs back into one paragraph each (a verbatim raw span).

    A line that runs to the wrap width and does not end a sentence continues on the next line,
    even across a blank line (some exports double-space every line). In a text that is not hard-wrapped,
    a line broken off mid-sentence (BROKEN_OFF) goes on in the line right below it (GOES_ON), so that a
    quote of that sentence is one paragraph, as the file has it.
    """
    width = wrap_width(lines)
    if width is None:
        return join_broken(lines, raw)
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(raw[prev.end : line.start].strip()) == 0
            and raw[prev.end : line.start].count("\n") <= 2
            and len(raw[prev.start : prev.end].rsplit("\n", 1)[-1]) >= WRAP_NEAR * width
            and not SENTENCE_END.search(prev.text)
        ):
            out[-1] = Line(raw[prev.start : line.end], prev.start, line.end)
        else:
            out.append(line)
    return out


def join_broken(lines: list[Line], raw: str) -> list[Line]:
    """Join each line broken off mid-sentence with the line right below it (see `reflow`)."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and raw[prev.end : line.start].strip() == ""
            and raw[prev.end : line.start].count("\n") == 1
            and BROKEN_OFF.search(prev.text)
            and GOES_ON.match(line.text)
        ):
            out[-1] = Line(raw[prev.start : line.end], prev.start, line.end)
        else:
            out.append(line)
    return out
