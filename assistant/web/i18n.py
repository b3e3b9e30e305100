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
    "error_title": {"ko": "오류", "en": "Error"},
    "notice_title": {"ko": "안내", "en": "Notice"},
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
    "paragraphs": {"ko": "{n}–{m}번째 문단", "en": "paragraphs {n}–{m}"},
    "page": {"ko": "{n}쪽", "en": "page {n}"},
    "file_line": {"ko": "{n}행", "en": "line {n}"},
    "undated": {"ko": "날짜 미상", "en": "n.d."},  # a citation's missing date, said rather than left out
    "no_author": {"ko": "기자·필자 이름 없음", "en": "no author named"},
    "not_covered": {
        "ko": "기사들에서 이 질문에 대한 답을 찾지 못했습니다.",
        "en": "The articles do not answer this question.",
    },
    "corpus_covers": {"ko": "기사들이 다루는 내용:", "en": "What the articles do cover:"},
    "filtered_covers": {"ko": "검색 범위에 맞는 기사 {n}개 안에서만 찾았습니다. "
                              "범위를 넓히면 다른 기사에서도 찾습니다. 범위 안의 기사:",
                        "en": "Only the {n} articles within your filters were searched; "
                              "widen them to search the others. Within your filters:"},
    "filtered_covers_one": {"ko": "검색 범위에 맞는 기사 1개 안에서만 찾았습니다. "
                                  "범위를 넓히면 다른 기사에서도 찾습니다. 범위 안의 기사:",
                            "en": "Only the one article within your filters was searched; "
                                  "widen them to search the others. Within your filters:"},
    "filtered_none": {"ko": "검색 범위에 맞는 기사가 없습니다 (날짜를 정하면 날짜가 없는 기사는 빠집니다). "
                            "범위를 넓혀 다시 물어보세요.",
                      "en": "No article is within your filters (a date range leaves out undated articles); "
                            "widen them and ask again."},
    "answer_intro": {"ko": "기사 원문에서 찾은 인용문입니다:", "en": "Quotes from the articles:"},
    "truncated": {"ko": "질문이 너무 길어 앞부분만 사용했습니다.",
                  "en": "The question was long; only its beginning was used."},
    "empty_question": {"ko": "질문이 비어 있습니다. 기사에 대해 궁금한 것을 입력하세요.",
                       "en": "The question is empty; type a question about the articles."},
    "no_words": {"ko": "질문에 글자가 없고 기호뿐입니다. 기사에 대해 궁금한 것을 입력하세요.",
                 "en": "The question has no words, only signs; type a question about the articles."},
    "search_unavailable": {"ko": "지금은 검색 서버에 연결할 수 없습니다. 잠시 뒤 다시 질문해 주세요.",
                           "en": "The search server cannot be reached right now; please ask again shortly."},
    "question_not_text": {"ko": "질문은 글로 입력하세요.", "en": "The question must be text."},
    "bad_date": {"ko": "날짜는 YYYY-MM-DD 형식으로 입력하세요.", "en": "Enter dates as YYYY-MM-DD."},
    "date_order": {"ko": "시작일이 종료일보다 늦습니다.", "en": "The start date is after the end date."},
    "related": {"ko": "관련 구절", "en": "Related"},
    "more_quotes": {"ko": "답이 되는 인용문 {n}개가 아래 카드에 더 있습니다: {refs}",
                    "en": "{n} more quotes that answer are in the cards below: {refs}"},
    "nearest_below": {"ko": "가장 가까운 구절은 아래 카드에 있습니다 (답변이 아님).",
                      "en": "The nearest passages are in the cards below (not an answer)."},
    "not_an_answer": {"ko": "답변 아님", "en": "Not an answer"},
    "related_note": {"ko": "아래 카드에 관련 구절 {n}개가 더 있습니다.",
                     "en": "{n} related passages are in the cards below."},
    "followup_note": {"ko": "앞의 질문에 이어서 찾았습니다.", "en": "Read together with your earlier question."},
    "byline": {"ko": "기사 정보", "en": "About the article"},
    "also_in": {"ko": "같은 기사가 실린 곳", "en": "Also in"},
    # The staff corpus page.
    "staff_title": {"ko": "기사 관리 (직원용)", "en": "Manage articles (staff)"},
    "staff_intro": {"ko": "기사를 올리거나 주소로 추가하고, 정보를 고치거나 지웁니다. "
                          "바뀌면 색인을 뒤에서 다시 만들며, 그동안에도 질문에는 이전 색인으로 답합니다.",
                    "en": "Upload articles or add them by URL, edit their details or remove them. Changes rebuild "
                          "the index in the background; questions are answered from the previous index meanwhile."},
    "upload_files": {"ko": "기사 파일 (.txt .md .html .htm .pdf .docx)",
                     "en": "Article files (.txt .md .html .htm .pdf .docx)"},
    "upload": {"ko": "올리기", "en": "Upload"},
    "urls": {"ko": "기사 주소 (한 줄에 하나)", "en": "Article URLs (one per line)"},
    "add_urls": {"ko": "주소로 추가", "en": "Add by URL"},
    "article_file": {"ko": "기사 파일", "en": "Article file"},
    "save_meta": {"ko": "정보 저장", "en": "Save details"},
    "confirm_remove": {"ko": "이 기사를 지웁니다", "en": "Yes, remove this article"},
    "remove_article": {"ko": "기사 지우기", "en": "Remove article"},
    "meta_title": {"ko": "제목", "en": "Title"},
    "meta_outlet": {"ko": "언론사", "en": "Outlet"},
    "meta_author": {"ko": "기자", "en": "Author"},
    "meta_date": {"ko": "날짜 (YYYY-MM-DD)", "en": "Date (YYYY-MM-DD)"},
    "meta_language": {"ko": "언어 (ko 또는 en)", "en": "Language (ko or en)"},
    "meta_url": {"ko": "주소 (URL)", "en": "URL"},
    "col_file": {"ko": "파일", "en": "File"},
    "col_status": {"ko": "상태", "en": "Status"},
    "col_detail": {"ko": "비고", "en": "Detail"},
    "status_indexed": {"ko": "색인됨", "en": "indexed"},
    "status_duplicate": {"ko": "중복", "en": "duplicate"},
    "status_skipped": {"ko": "건너뜀", "en": "skipped"},
    "status_pending": {"ko": "대기 중", "en": "pending"},
    "no_articles": {"ko": "기사 파일이 없습니다.", "en": "No article files."},
    "index_ready": {"ko": "색인이 최신입니다.", "en": "The index is up to date."},
    "index_waiting": {"ko": "색인을 곧 다시 만듭니다…", "en": "Rebuilding the index shortly…"},
    "index_building": {"ko": "색인을 다시 만드는 중: {stage} {done}/{total}",
                       "en": "Rebuilding the index: {stage} {done}/{total}"},
    "index_failed": {"ko": "색인을 다시 만들지 못했습니다: {error}", "en": "The index rebuild failed: {error}"},
    "bad_type": {"ko": "{name}: 올릴 수 없는 형식입니다 ({types}만 가능).",
                 "en": "{name}: not an accepted type (only {types})."},
    "too_large": {"ko": "{name}: {mib} MiB보다 큽니다.", "en": "{name}: larger than {mib} MiB."},
    "empty_file": {"ko": "{name}: 빈 파일입니다.", "en": "{name}: the file is empty."},
    "cannot_save": {"ko": "{name}: 저장하지 못했습니다 ({reason}).", "en": "{name}: cannot save it ({reason})."},
    "uploaded": {"ko": "{name}: 올렸습니다.", "en": "{name}: uploaded."},
    "no_files": {"ko": "올릴 파일을 고르세요.", "en": "Choose files to upload."},
    "no_urls": {"ko": "추가할 주소를 입력하세요.", "en": "Enter the URLs to add."},
    "too_many_urls": {"ko": "한 번에 주소 {n}개까지 추가할 수 있습니다.", "en": "Add at most {n} URLs at a time."},
    "added_url": {"ko": "{url}: {name}(으)로 저장했습니다.", "en": "{url}: saved as {name}."},
    "bad_source": {"ko": "{name}: 기사 폴더에 그런 기사 파일이 없습니다.",
                   "en": "{name}: no such article file in the corpus folder."},
    "choose_article": {"ko": "기사 파일을 고르세요.", "en": "Choose an article file."},
    "bad_field": {"ko": "{field}: 값이 너무 길거나 제어 문자가 있습니다.",
                  "en": "{field}: the value is too long or has control characters."},
    "bad_meta_date": {"ko": "날짜는 실제 날짜를 YYYY-MM-DD 형식으로 입력하세요.",
                      "en": "Enter the date as a real date, YYYY-MM-DD."},
    "bad_language": {"ko": "언어는 ko 또는 en입니다.", "en": "The language is ko or en."},
    "bad_url": {"ko": "주소는 http(s)://로 시작해야 합니다.", "en": "The URL must start with http(s)://."},
    "meta_saved": {"ko": "{name}: 정보를 저장했습니다.", "en": "{name}: details saved."},
    "removed": {"ko": "{name}: 지웠습니다.", "en": "{name}: removed."},
    "confirm_first": {"ko": "지우려면 먼저 확인란을 누르세요.", "en": "Tick the confirmation box first."},
    # The exported briefing document.
    "briefing_title": {"ko": "브리핑 자료", "en": "Briefing"},
    "sources": {"ko": "출처", "en": "Sources"},
}


def error_message(exc: Exception, lang: str) -> str:
    """The message of one of the package's errors in the interface's language, when it has a translation."""
    key = getattr(exc, "key", None)
    return t(key, lang) if key in STRINGS else str(exc)


def t(key: str, lang: str, **kwargs) -> str:
    text = STRINGS[key]["ko" if lang == "ko" else "en"]
    return text.format(**kwargs) if kwargs else text


def paragraphs(lang: str, first: int, last: int | None = None) -> str:
    """Where a quote is: "paragraph 3", or "paragraphs 3–4" when it runs on into the next."""
    return t("paragraphs", lang, n=first, m=last) if last and last > first else t("paragraph", lang, n=first)
