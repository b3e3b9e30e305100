"""Interface strings in Korean and English: every word the web app or an exported briefing shows."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "title": {"ko": "지역 AI 정책 기사 질의응답", "en": "Regional AI policy news: grounded Q&A"},
    "subtitle": {
        "ko": "질문하면 기사 원문 그대로의 인용문과 출처를 보여 드립니다.",
        "en": "Ask a question; get verbatim quotes from the articles with their sources.",
    },
    "question": {"ko": "질문", "en": "Question"},
    "placeholder": {
        "ko": "예: 정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?",
        "en": "e.g. How should government and companies divide their roles in AI?",
    },
    "ask": {"ko": "질문하기", "en": "Ask"},
    "clear": {"ko": "대화 지우기", "en": "Clear chat"},
    "chat": {"ko": "대화", "en": "Conversation"},
    "quotes": {"ko": "인용문과 출처", "en": "Quotes and sources"},
    "no_quotes": {"ko": "질문하면 여기에 인용문이 표시됩니다.", "en": "Quotes appear here after you ask."},
    "open": {"ko": "원문 보기", "en": "Open source"},
    "add": {"ko": "브리핑에 추가", "en": "Add to briefing"},
    "added": {"ko": "브리핑에 추가했습니다.", "en": "Added to the briefing."},
    "source": {"ko": "원문", "en": "Source article"},
    "no_source": {"ko": "인용문의 ‘원문 보기’를 누르면 기사 전체가 여기에 표시됩니다.",
                  "en": "Press “Open source” on a quote to read the whole article here."},
    "briefing": {"ko": "브리핑", "en": "Briefing"},
    "empty_briefing": {"ko": "브리핑이 비어 있습니다. 인용문에서 ‘브리핑에 추가’를 누르세요.",
                       "en": "The briefing is empty. Press “Add to briefing” on a quote."},
    "note": {"ko": "메모", "en": "Note"},
    "up": {"ko": "위로", "en": "Up"},
    "down": {"ko": "아래로", "en": "Down"},
    "remove": {"ko": "삭제", "en": "Remove"},
    "download_md": {"ko": "Markdown 내려받기", "en": "Download Markdown"},
    "download_docx": {"ko": "Word 내려받기", "en": "Download Word"},
    "filters": {"ko": "검색 범위", "en": "Filters"},
    "articles": {"ko": "기사", "en": "Articles"},
    "outlets": {"ko": "언론사", "en": "Outlets"},
    "date_from": {"ko": "시작일 (YYYY-MM-DD)", "en": "From (YYYY-MM-DD)"},
    "date_to": {"ko": "종료일 (YYYY-MM-DD)", "en": "To (YYYY-MM-DD)"},
    "language": {"ko": "기사 언어", "en": "Article language"},
    "any": {"ko": "전체", "en": "Any"},
    "ui_language": {"ko": "화면 언어", "en": "Interface language"},
    "paragraph": {"ko": "{n}번째 문단", "en": "paragraph {n}"},
    "page": {"ko": "{n}쪽", "en": "page {n}"},
    "not_covered": {
        "ko": "기사들에서 이 질문에 대한 답을 찾지 못했습니다.",
        "en": "The articles do not answer this question.",
    },
    "corpus_covers": {"ko": "기사들이 다루는 내용:", "en": "What the articles do cover:"},
    "nearest": {"ko": "가장 가까운 구절 (답변이 아님):", "en": "Nearest passages (not an answer):"},
    "answer_intro": {"ko": "기사 원문에서 찾은 인용문입니다:", "en": "Quotes from the articles:"},
    "truncated": {"ko": "질문이 너무 길어 앞부분만 사용했습니다.",
                  "en": "The question was long; only its beginning was used."},
    "bad_date": {"ko": "날짜는 YYYY-MM-DD 형식으로 입력하세요.", "en": "Enter dates as YYYY-MM-DD."},
    "related": {"ko": "관련 구절", "en": "Related"},
    "related_note": {"ko": "아래 카드에 관련 구절 {n}개가 더 있습니다.",
                     "en": "{n} related passages are in the cards below."},
    "followup_note": {"ko": "앞의 질문에 이어서 찾았습니다.", "en": "Read together with your earlier question."},
    "byline": {"ko": "기사 정보", "en": "About the article"},
    "also_in": {"ko": "같은 기사가 실린 곳", "en": "Also in"},
    # The exported briefing document.
    "briefing_title": {"ko": "브리핑 자료", "en": "Briefing"},
    "sources": {"ko": "출처", "en": "Sources"},
}


def t(key: str, lang: str, **kwargs) -> str:
    text = STRINGS[key]["ko" if lang == "ko" else "en"]
    return text.format(**kwargs) if kwargs else text
