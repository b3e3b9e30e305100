"""Split articles into sentences and into passages of a few sentences, all as offsets."""

from __future__ import annotations

import re

from ..records import Article, Passage, Sentence

MAX_SENTENCES = 3
MAX_CHARS = 700
# Sentence ends: terminal punctuation (plus closing quotes/brackets) followed by a space.
BOUNDARY = re.compile(r"(?<=[.!?。！？…])[\"'”’)\]」』]*(?=\s+\S)")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "inc", "co", "corp", "ltd", "jr", "sr",
    "gov", "sen", "rep", "gen", "col", "lt", "u.s", "u.k", "e.g", "i.e", "a.m", "p.m", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "approx", "dept",
}


WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the period just before `end` closes an abbreviation or an initial."""
    # Only the run of letters and dots that ends at `end` matters: searching the whole text before
    # it made splitting an article quadratic in its length.
    start = end
    while start > 0 and text[start - 1] in WORD_CHARS:
        start -= 1
    m = LAST_WORD.search(text, start, end)
    if not m:
        return False
    word = m.group(1).lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], trimmed of surrounding whitespace."""
    end = len(text) if end is None else end
    spans = []
    cursor = start
    for m in BOUNDARY.finditer(text, start, end):
        cut = m.end()
        if text[cut - 1] == "." and _is_abbreviation(text, cut):
            continue
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def sentences(article: Article) -> list[Sentence]:
    out = []
    for para in article.paragraphs:
        for s, e in split_sentences(article.text, para.start, para.end):
            out.append(Sentence(s, e, para.number))
    return out


def _balanced(sents: list[Sentence]) -> list[list[Sentence]]:
    """Split one paragraph's sentences into the fewest near-equal groups within the limits."""
    chars = sents[-1].end - sents[0].start
    k = max(-(-len(sents) // MAX_SENTENCES), -(-chars // MAX_CHARS), 1)
    k = min(k, len(sents))
    size, extra = divmod(len(sents), k)
    out, i = [], 0
    for g in range(k):
        n = size + (1 if g < extra else 0)
        out.append(sents[i : i + n])
        i += n
    return out


def passages(article: Article, raw: str | None = None, first_id: int = 0) -> list[Passage]:
    """Greedy groups of up to MAX_SENTENCES sentences.

    A passage stays inside one paragraph, except that whole short paragraphs may be joined when
    nothing but whitespace separates them in the raw file (scrapes that put every sentence on
    its own line), so a passage is always one verbatim stretch of the article.
    """
    by_para: dict[int, list[Sentence]] = {}
    for sent in sentences(article):
        by_para.setdefault(sent.paragraph, []).append(sent)
    paras = {p.number: p for p in article.paragraphs}
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    joinable = False  # current holds only whole paragraphs
    prev_para = None
    for number in sorted(by_para):
        sents = by_para[number]
        para = paras[number]
        whole_fits = (
            joinable
            and current
            and len(sents) + len(current) <= MAX_SENTENCES
            and para.end - current[0].start <= MAX_CHARS
            and prev_para is not None
            and (raw is None or not raw[prev_para.raw_end : para.raw_start].strip())
        )
        if whole_fits:
            current.extend(sents)
        else:
            if current:
                groups.append(current)
            split = _balanced(sents)
            groups.extend(split[:-1])
            current = split[-1]
        joinable = current[0].paragraph != number or len(current) == len(sents)
        prev_para = para
    if current:
        groups.append(current)
    return [
        Passage(
            id=first_id + i,
            source=article.source,
            start=g[0].start,
            end=g[-1].end,
            paragraph=g[0].paragraph,
            text=article.text[g[0].start : g[-1].end],
            sentences=tuple(g),
        )
        for i, g in enumerate(groups)
    ]
