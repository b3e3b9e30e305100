"""HTML and Markdown for the web UI. Every piece of article or user text is escaped here."""

from __future__ import annotations

import html
import itertools
import re

from ..records import Article
from .i18n import paragraphs, t


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


MD_SPECIAL = "\\`*_{}[]()#+-!|>~"


def md_escape(text: str) -> str:
    """Text shown literally inside chat Markdown: no HTML, no Markdown syntax."""
    out = html.escape(text, quote=False)
    for ch in MD_SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out


def md_unescape(text: str) -> str:
    """The text md_escape was given (to read a question back from the chat)."""
    out = re.sub(r"\\(.)", lambda m: m.group(1) if m.group(1) in MD_SPECIAL else m.group(0), text)
    return html.unescape(out)


def citation_line(c: dict, lang: str) -> str:
    parts = [c.get("title"), c.get("outlet"), c.get("author"), c.get("date") or t("undated", lang),
             paragraphs(lang, c["paragraph"], c.get("paragraph_end"))]
    if c.get("page") is not None:
        parts.append(t("page", lang, n=c["page"]))
    return " · ".join(p for p in parts if p)


def line_of(c: dict, lang: str) -> str:
    """For a text file, the line the quote starts on, after the file's name (", line 23"): where to check
    it in the file itself, whose menus and captions the paragraph count skips."""
    line = c.get("line")
    return "" if line is None else f'<span class="cite-line">, {esc(t("file_line", lang, n=line))}</span>'


def highlighted_passage(c: dict) -> str:
    """The passage with its quote wrapped in <mark>, all escaped."""
    passage = c["passage"]
    qs = max(0, c["quote_start"] - c["passage_start"])
    qe = min(len(passage), c["quote_end"] - c["passage_start"])
    return f"{esc(passage[:qs])}<mark>{esc(passage[qs:qe])}</mark>{esc(passage[qe:])}".replace("\n\n", "<br><br>")


def citation_card(c: dict, lang: str, answered: bool) -> str:
    related = answered and not c.get("answers", True)
    kind = "related" if related else "answer" if answered else "nearest"
    label = t("related", lang) if related else t("not_an_answer", lang) if kind == "nearest" else ""
    badge = f' <span class="cite-badge">{esc(label)}</span>' if label else ""
    return (
        f'<div class="cite-card {kind}" data-rank="{c["rank"]}">'
        f'<div class="cite-rank">[{c["rank"]}]{badge}</div>'
        f'<blockquote class="cite-passage">{highlighted_passage(c)}</blockquote>'
        f'<div class="cite-meta"><span class="cite-title">{esc(c.get("title"))}</span>'
        f' · {esc(citation_line({**c, "title": None}, lang))}'
        f' <span class="cite-file">{esc(c["source"])}</span>{line_of(c, lang)}</div>{also_in_line(c, lang)}</div>'
    )


def also_in_line(c: dict, lang: str) -> str:
    """Where else the same story appeared (near-duplicates cited once), or nothing."""
    copies = c.get("also_in") or []
    if not copies:
        return ""
    places = [" ".join(x for x in (d.get("outlet") or d.get("title"), f"({d['date']})" if d.get("date") else "") if x)
              for d in copies]
    return f'<div class="cite-also">{esc(t("also_in", lang))}: {esc(" · ".join(places))}</div>'


def chat_reply(answer: dict, lang: str, articles: list[Article], filtered: bool = False) -> str:
    """The assistant's chat message in Markdown (literal text, escaped). articles: those the question was
    asked of (filtered: only those the search filters admit, which a "not covered" reply says)."""
    lines = []
    if answer.get("notice"):
        lines.append(f"_{md_escape(t('truncated', lang))}_\n")
    if answer.get("resolved_question"):
        lines.append(f"_{md_escape(t('followup_note', lang))}_\n")
    if answer["answered"]:
        byline = answer.get("byline")
        if byline:
            # A byline question is about these facts: a missing author or date is said to be missing.
            facts = " · ".join(x for x in (byline.get("title"), byline.get("outlet"),
                                           byline.get("author") or t("no_author", lang),
                                           byline.get("date") or t("undated", lang)) if x)
            lines.append(f"**{md_escape(t('byline', lang))}:** {md_escape(facts)}\n")
        lines.append(md_escape(t("answer_intro", lang)))
        # The best quote in full; the cards below show every citation, so the chat only points at the rest.
        answering = [c for c in answer["citations"] if c.get("answers", True)]
        for c in answering[:1]:
            lines.append(f"\n**[{c['rank']}]** “{md_escape(c['quote'])}”  \n— {md_escape(citation_line(c, lang))}")
        if len(answering) > 1:
            refs = ", ".join(f"[{c['rank']}]" for c in answering[1:])
            lines.append(f"\n_{md_escape(t('more_quotes', lang, n=len(answering) - 1, refs=refs))}_")
        related = len(answer["citations"]) - len(answering)
        if related:
            lines.append(f"\n_{md_escape(t('related_note', lang, n=related))}_")
        return "\n".join(lines)
    lines.append(f"**{md_escape(t('not_covered', lang))}**\n")
    if filtered and not articles:
        lines.append(md_escape(t("filtered_none", lang)))
        return "\n".join(lines)
    covers = ("filtered_covers" if len(articles) != 1 else "filtered_covers_one") if filtered else "corpus_covers"
    lines.append(md_escape(t(covers, lang, n=len(articles))))
    for a in articles[:12]:
        lines.append(f"- {md_escape(a.title)}")
    if answer["citations"]:
        lines.append(f"\n_{md_escape(t('nearest_below', lang))}_")
    return "\n".join(lines)


def article_view(article: Article, lang: str, start: int | None = None, end: int | None = None,
                 quote_start: int | None = None, quote_end: int | None = None) -> str:
    """The whole cleaned article with its metadata; the cited passage highlighted, the quote marked."""
    meta = [article.outlet, article.author, article.date, article.source]
    body = []
    for para in article.paragraphs:
        text = article.text[para.start : para.end]
        body.append(f'<p data-paragraph="{para.number}"><span class="para-no">{para.number}</span> '
                    f'{_marked(text, para.start, start, end, quote_start, quote_end)}</p>')
    return (
        f'<article class="source-view"><h2>{esc(article.title)}</h2>'
        f'<div class="source-meta">{esc(" · ".join(m for m in meta if m))}</div>'
        + "".join(body)
        + "</article>"
    )


def _marked(text: str, offset: int, start, end, qs, qe) -> str:
    """Escape one paragraph, wrapping the passage span in <mark class=passage> and the quote in <mark id=hl>."""
    if start is None or end is None or end <= offset or start >= offset + len(text):
        return esc(text)
    cuts = sorted({0, len(text)} | {min(max(x - offset, 0), len(text)) for x in (start, end, qs, qe) if x is not None})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = esc(text[a:b])
        pos = offset + a
        if qs is not None and qs <= pos < qe:
            anchor = ' id="hl"' if pos == qs else ""
            piece = f'<mark class="quote"{anchor}>{piece}</mark>'
        elif start <= pos < end:
            piece = f'<mark class="passage">{piece}</mark>'
        out.append(piece)
    return "".join(out)


def briefing_item_html(item, n: int, lang: str) -> str:
    return (
        f'<div class="brief-item"><blockquote>{esc(item.quote)}<sup>{n}</sup></blockquote>'
        f'<div class="cite-meta">{esc(item.reference(lang))}</div></div>'
    )


def corpus_table(rows: list[dict], lang: str) -> str:
    """The staff page's list of article files: file, status, detail and metadata, all escaped."""
    if not rows:
        return f'<p id="corpus-empty">{esc(t("no_articles", lang))}</p>'
    keys = ("col_file", "col_status", "meta_title", "meta_outlet", "meta_author", "meta_date", "meta_url", "col_detail")
    head = "".join(f"<th>{esc(t(k, lang).split(' (')[0])}</th>" for k in keys)
    body = []
    for r in rows:
        status = r.get("status", "pending")
        cells = [f'<td class="corpus-file">{esc(r["source"])}</td>',
                 f'<td class="corpus-status {esc(status)}">{esc(t("status_" + status, lang))}</td>',
                 *(f"<td>{esc(r.get(k))}</td>" for k in ("title", "outlet", "author", "date", "url", "detail"))]
        body.append(f'<tr data-source="{esc(r["source"])}" data-status="{esc(status)}">{"".join(cells)}</tr>')
    return f'<table class="corpus-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def rebuild_line(state: dict, lang: str) -> str:
    """One line on the staff page about the background rebuild."""
    if state.get("running"):
        text = t("index_building", lang, stage=state.get("stage") or "", done=state.get("done", 0),
                 total=state.get("total", 0))
        kind = "building"
    elif state.get("pending"):
        text, kind = t("index_waiting", lang), "building"
    elif state.get("error"):
        text, kind = t("index_failed", lang, error=state["error"]), "failed"
    else:
        text, kind = t("index_ready", lang), "ready"
    return f'<p class="rebuild {kind}" data-builds="{int(state.get("builds", 0))}">{esc(text)}</p>'


CSS = """
.corpus-table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
.corpus-table th, .corpus-table td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
.corpus-status.skipped, .rebuild.failed { color: #b00020; }
.corpus-status.pending, .rebuild.building { color: #8a6d00; }
.cite-card {border:1px solid var(--border-color-primary); border-radius:8px; padding:10px 12px; margin:6px 0;}
.cite-card.nearest, .cite-card.related {border-style:dashed; background:var(--background-fill-secondary);}
.cite-card.nearest .cite-passage, .cite-card.related .cite-passage {font-size:.92em;}
.cite-badge {font-weight:400; font-size:.8em; padding:0 6px; border-radius:8px; border:1px solid currentColor;}
.cite-rank {font-weight:600;}
.cite-passage {margin:6px 0; white-space:normal;}
.cite-passage mark, .source-view mark.quote {background:#ffe58a; color:inherit; padding:0 2px;}
.source-view mark.passage {background:#fff6cc; color:inherit;}
.cite-meta {font-size:.9em; color:var(--body-text-color);}
.cite-meta .cite-title {font-weight:600;}
.cite-file {font-family:monospace; font-size:.85em;}
.para-no {font-size:.75em; color:var(--body-text-color); margin-right:4px;}
.source-view {max-height:70vh; overflow-y:auto;}
/* On a phone: the title above the language switch rather than squeezed beside it, and room for the
   example question's second line instead of clipping it. */
@media (max-width: 600px) {
  #top {flex-wrap:wrap;}
  #top > * {min-width:100% !important;}
  #question textarea {min-height:3.2em;}
}
"""
