"""Loanwords matched across scripts by their consonant skeleton."""

from assistant.loanwords import english_skeletons, korean_skeleton, skeletons


def test_borrowed_words_share_a_skeleton_with_their_source():
    for korean, english in [("스타게이트", "stargate"), ("모빌리티", "mobility"), ("클러스터", "cluster"),
                            ("플랫폼", "platform"), ("에이전시", "agency"), ("클라우드", "cloud"),
                            ("브리지", "bridge"), ("이미지", "image"), ("챌린지", "challeng")]:
        assert korean_skeleton(korean) in english_skeletons(english), (korean, english)


def test_a_stems_final_c_may_sound_as_s():
    assert korean_skeleton("얼라이언스") in english_skeletons("allianc")


def test_unrelated_words_differ():
    assert korean_skeleton("선포식") not in english_skeletons("ceremony")
    assert korean_skeleton("반도체") not in english_skeletons("semiconductor")


def test_short_words_and_other_scripts_have_no_skeleton_to_match_on():
    assert skeletons("기반", "ko") == frozenset()  # two syllables: Sino-Korean words collide with English ones
    assert skeletons("hub", "en") == frozenset()
    assert korean_skeleton("AI센터") == ""
    assert english_skeletons("co-op") == frozenset()


def test_skeletons_collide_so_the_bridge_also_asks_for_meaning(seed_index):
    """가능성 (possibility) and "organization" share a skeleton; only a similarity of 0.40 by meaning as
    well makes a match a translation, and this pair is far below it."""
    assert korean_skeleton("가능성") in english_skeletons("organization")
    vectors = seed_index.encoder.encode_queries(["가능성", "organization"])
    assert float(vectors[0] @ vectors[1]) < 0.40
