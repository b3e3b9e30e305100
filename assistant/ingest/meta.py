"""Title, outlet, author, date, language from a cleaned scrape's lines; the file's metadata, then sidecars, override."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language import language_of
from .clean import OUTLET_LINE, Cleaned, outlet_beside_meta

LABELLED_DATE = re.compile(
    r"(?P<label>입력|등록|승인|발행|기사입력|게재|posted|published|date|수정|업데이트|updated)\s*:?\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-./년]\s*(?P<m>\d{1,2})\s*[-./월]\s*(?P<d>\d{1,2})",
    re.IGNORECASE,
)
LATER_LABELS = {"수정", "업데이트", "updated"}  # a modification date only if nothing else is stated
DATELINE = re.compile(
    r"^[(\[]\s*(?P<outlet>[^=()\[\]]{2,30}?)\s*=\s*"
    r"(?P<author>[가-힣]{2,4}|[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})\s*(?:기자|특파원|reporter|correspondent)?\s*[)\]]"
)
BYLINE_EN = re.compile(r"^by\s+(?P<author>[A-Z][\w.'-]*(?:\s+-?[\w.'-]+){0,3}?)\s*(?:,|$|\s+\S+@)", re.IGNORECASE)
BYLINE_KO = re.compile(r"^(?P<author>[가-힣]{2,4})\s*(?:기자|특파원|객원기자|논설위원)\b")
BULLET_NAME = re.compile(r"^[•·]\s*(?P<author>[가-힣]{2,4}|[A-Z][a-z]+(?:\s+[A-Z][a-z-]+){1,2})(?:\s*기자)?$")
COPYRIGHT = re.compile(
    r"(?:저작권자\s*)?(?:©|ⓒ|\(c\)|copyright)\s*(?:©|ⓒ)?\s*(?:\d{4}\s*)?"
    r"(?P<outlet>[^(),.©ⓒ]{2,60}?)\s*(?:\(|\.|,|all rights|무단|$)",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
# Reporters write from their outlet's domain; free-mail domains say nothing about the outlet.
FREE_MAIL = {"gmail.com", "naver.com", "daum.net", "hanmail.net", "nate.com", "kakao.com", "yahoo.com",
             "hotmail.com", "outlook.com", "icloud.com", "korea.kr"}
KNOWN_OUTLETS = {
    "aitimes.com": ("AI타임스", "AI Times"),
    "aitimes.kr": ("인공지능신문", "Artificial Intelligence Times"),
    "asiae.co.kr": ("아시아경제", "The Asia Business Daily"),
    "yna.co.kr": ("연합뉴스", "Yonhap News Agency"),
    "koreaherald.com": ("코리아헤럴드", "The Korea Herald"),
    "koreatimes.co.kr": ("코리아타임스", "The Korea Times"),
    "joongang.co.kr": ("중앙일보", "JoongAng Ilbo"),
    "chosun.com": ("조선일보", "The Chosun Ilbo"),
    "donga.com": ("동아일보", "The Dong-A Ilbo"),
    "hani.co.kr": ("한겨레", "The Hankyoreh"),
    "khan.co.kr": ("경향신문", "The Kyunghyang Shinmun"),
    "mk.co.kr": ("매일경제", "Maeil Business Newspaper"),
    "hankyung.com": ("한국경제", "The Korea Economic Daily"),
    "etnews.com": ("전자신문", "Electronic Times"),
    "zdnet.co.kr": ("지디넷코리아", "ZDNet Korea"),
    "kado.net": ("강원도민일보", "Kangwon Domin Ilbo"),
    "kwnews.co.kr": ("강원일보", "Kangwon Ilbo"),
    "kjdaily.com": ("광주매일신문", "Gwangju Maeil Shinmun"),
    "namdonews.com": ("남도일보", "Namdo Ilbo"),
    "kwangju.co.kr": ("광주일보", "Kwangju Ilbo"),
    "jnilbo.com": ("전남일보", "Jeonnam Ilbo"),
}
# Either name of a known outlet, spaces and case aside -> both names (AI타임스 and "AI Times" are one outlet).
OUTLET_NAMES = {re.sub(r"\s+", "", name).casefold(): names for names in KNOWN_OUTLETS.values() for name in names}
FIELDS = ("title", "outlet", "author", "date", "language", "url")


@dataclass(frozen=True)
class Meta:
    title: str
    outlet: str | None
    author: str | None
    date: str | None
    language: str
    url: str | None = None


def tidy_name(name: str) -> str:
    """'Yang Joon -seok' -> 'Yang Joon-seok': scrapes often space out hyphens in names."""
    return re.sub(r"\s+-\s*", "-", name).strip(" ,")


def find_date(lines: list[str]) -> str | None:
    fallback = None
    for line in lines:
        for m in LABELLED_DATE.finditer(line):
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if not (1 <= mo <= 12 and 1 <= d <= 31):
                continue
            iso = f"{y:04d}-{mo:02d}-{d:02d}"
            if m["label"].lower() in LATER_LABELS:
                fallback = fallback or iso
            else:
                return iso
    return fallback


def find_author(header: list[str], body: list[str], trailer: list[str]) -> str | None:
    for line in header:
        if OUTLET_LINE.match(line):
            continue  # "• 대구일보" has a bullet name's form
        if m := BULLET_NAME.match(line) or BYLINE_EN.match(line) or BYLINE_KO.match(line):
            return tidy_name(m["author"])
    for line in body[:3]:
        if m := DATELINE.match(line):
            return tidy_name(m["author"])
    for line in header + trailer[:8] + body[-2:]:
        if m := BYLINE_EN.match(line) or BYLINE_KO.match(line):
            return tidy_name(m["author"])
    return None


def find_outlet(header: list[str], body: list[str], trailer: list[str], language: str) -> str | None:
    """The outlet named in a dateline, a copyright line or a reporter's e-mail domain; a known outlet is
    named in the article's language, so one outlet is not listed twice (AI타임스 in an English article's
    dateline is "AI Times", as its domain aitimes.com gives it elsewhere)."""
    return outlet_in_language(_outlet_named(header, body, trailer), language)


def outlet_in_language(name: str | None, language: str) -> str | None:
    """A known outlet's name in the given language (AI타임스 or AI Times); any other name as it is."""
    names = OUTLET_NAMES.get(re.sub(r"\s+", "", name).casefold()) if name else None
    return (names[0] if language == "ko" else names[1]) if names else name


def _outlet_named(header: list[str], body: list[str], trailer: list[str]) -> str | None:
    for line in body[:3]:
        if m := DATELINE.match(line):
            return m["outlet"].strip()
    for line in trailer + header:
        if m := COPYRIGHT.search(line):
            name = m["outlet"].strip()
            if name and not name.isdigit():
                return name
    for line in header + trailer + body[-2:]:
        for m in EMAIL.finditer(line):
            domain = m["domain"].lower().removeprefix("www.")
            if domain in FREE_MAIL:
                continue
            names = KNOWN_OUTLETS.get(domain)
            return names[1] if names else domain  # find_outlet names it in the article's language
    for i, line in enumerate(header):  # its name alone beside the date or byline
        if outlet_beside_meta(header, i):
            return line.lstrip("•· ")
    return None


def extract(cleaned: Cleaned, sidecar: dict | None = None, stated: dict | None = None) -> Meta:
    """Metadata guessed from the lines, overridden by what the file format states, then by the sidecar."""
    header = [ln.text for ln in cleaned.header]
    body = [ln.text for ln in cleaned.body]
    trailer = [ln.text for ln in cleaned.trailer]
    language = language_of(" ".join(body) or cleaned.title)
    found = {
        "title": cleaned.title,
        "outlet": find_outlet(header, body, trailer, language),
        "author": find_author(header, body, trailer),
        "date": find_date(header + body[:3] + trailer),
        "language": language,
        "url": None,
    }
    for overrides in (stated or {}, sidecar or {}):
        for key in FIELDS:
            value = overrides.get(key)
            if isinstance(value, str) and value.strip():
                found[key] = value.strip()
        if overrides is stated:  # a page's site name too (an English page of AI타임스); a sidecar is the user's word
            found["outlet"] = outlet_in_language(found["outlet"], found["language"])
    return Meta(**found)
