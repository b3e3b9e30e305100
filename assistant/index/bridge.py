"""A cross-lingual term bridge: question terms translated into the corpus's other language.

Each index term of the corpus (Korean morphemes, English stems) is embedded once at build time
with the index's encoder. At question time every question term is embedded and mapped to the
nearest terms of the other language (정부 -> government, 투자 -> investment), which then join
the BM25 query. Multilingual sentence encoders embed single words well enough for this: it is
dictionary induction from a shared embedding space, with no dictionary to maintain.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..language import is_verb_term, term_language
from ..loanwords import skeletons
from ..names import korean_names_in, name_keys, romanizations, spelled_as
from ..terms import WORD, english_terms, tokenize, tokenize_with_names
from ..titles import title_translations

MIN_SIMILARITY = 0.60  # below this a nearest word is rarely a translation (dev and validation sets)
# Enough for a word that also sounds the same (loanwords.py): 스타게이트 -> stargate (0.47). Measured by
# cross-validation on the tune sets: ranker MRR 0.8186 -> 0.8184, decline curve 0.20/0.40/0.53/0.66 ->
# 0.24/0.42/0.53/0.66 at a 2/5/10/20% cap.
LOANWORD_SIMILARITY = 0.40
PER_TERM = 3
MAX_TERMS = 20_000  # most frequent terms per language that get a vector (bounds per-question cost)
CACHE_SIZE = 20_000  # translated question terms remembered
LANGUAGES = ("ko", "en")
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}(?=s?\b)")  # AI, MOU, GPUs


def collect_terms(texts: list[str], token_lists: list[list[str]] | None = None) -> dict[str, list[tuple[str, str]]]:
    """Per language, (index term, surface word to embed) for the most frequent terms."""
    counts: dict[str, Counter] = {lang: Counter() for lang in LANGUAGES}
    surface: dict[str, Counter] = {}
    stems: dict[str, list[str]] = {}  # a corpus repeats its words: stem each once
    for i, text in enumerate(texts):
        for token in token_lists[i] if token_lists is not None else tokenize(text):
            counts[term_language(token)][token] += 1
        for word in WORD.findall(text):
            found = stems.get(word)
            if found is None:
                found = stems[word] = english_terms(word)
            for stem in found:
                surface.setdefault(stem, Counter())[word.lower()] += 1
    out = {}
    for lang, counter in counts.items():
        rows = []
        for term, _ in counter.most_common(MAX_TERMS):
            if term.isdigit() or len(term) < 2 or is_verb_term(term):
                continue  # a verb is never translated (Bridge.own_terms), and as a translation it is noise
            word = surface[term].most_common(1)[0][0] if lang == "en" and term in surface else term
            rows.append((term, word))
        if rows:
            out[lang] = rows
    return out


class Bridge:
    """Loaded term vectors of each language present in the corpus."""

    def __init__(self, folder: Path, korean_names: Iterable[str] = (), known_names: set[str] = frozenset()) -> None:
        """korean_names: the corpus's Korean proper nouns, for English questions that spell them out;
        known_names: the corpus's name keys, for Korean questions that spell its Latin names in Hangul."""
        self.korean_names = frozenset(n for n in korean_names if 2 <= len(n) <= 4)
        self.known_names = known_names
        self._spelled: dict[str, set[str]] | None = None
        self.terms: dict[str, list[str]] = {}
        self.vectors: dict[str, np.ndarray] = {}
        for lang in LANGUAGES:
            path = folder / f"terms_{lang}.txt"
            if path.is_file():
                self.terms[lang] = path.read_text(encoding="utf-8").split("\n")
                self.vectors[lang] = np.load(folder / f"terms_{lang}.npy", allow_pickle=False).astype(np.float32)
                if len(self.terms[lang]) != len(self.vectors[lang]):
                    raise ValueError(f"terms_{lang} files disagree")
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._latest: tuple[tuple[str, str], dict[str, tuple[str, ...]]] | None = None  # translations_of's last answer
        self._english: set[str] | None = None
        self._row_of: dict[str, dict[str, int]] = {}
        self._sounds: dict[str, dict[str, list[int]]] = {}

    @staticmethod
    def save(folder: Path, rows_by_language: dict[str, list[tuple[str, str]]], vectors_by_language: dict) -> None:
        """Write each language's terms and their vectors into a build folder."""
        for lang, rows in rows_by_language.items():
            vectors = vectors_by_language[lang]
            (folder / f"terms_{lang}.txt").write_text("\n".join(t for t, _ in rows), encoding="utf-8")
            np.save(folder / f"terms_{lang}.npy", vectors.astype(np.float16), allow_pickle=False)

    def forget(self) -> None:
        """Drop the translations remembered so far (benchmarks time each question as if new)."""
        self._cache.clear()
        self._latest = None

    def own_terms(self, question: str, question_language: str) -> list[str]:
        """The question's words to translate by meaning: nouns, not verb stems, whose nearest neighbours
        across languages are mostly noise (열리다 -> take, pour), nor names the other language spells out
        (see names), nor acronyms, which both languages write in Latin letters (AI, MOU). A name no
        romanisation finds is a borrowed word, and those translate well by meaning (네이버 -> naver,
        삼성 -> samsung); a name's nearest words by meaning are noise (Wonju -> 맺다)."""
        tokens, names = tokenize_with_names(question)
        spelled = {n for n in names if self._romanised(n)}
        korean_spellings: dict[str, set[str]] = {}
        if question_language == "en":
            korean_spellings = self.korean_spellings()
            spelled |= {a.lower() for a in ACRONYM.findall(question)}
        return list(dict.fromkeys(
            t for t in tokens
            if term_language(t) == question_language and not re.fullmatch(r"[\d.,]+", t) and len(t) > 1
            and t not in spelled and t not in korean_spellings and not is_verb_term(t)
        ))

    def _romanised(self, name: str) -> bool:
        """Whether the English side of the corpus spells this Korean name (광주 -> gwangju)."""
        return not romanizations(name).isdisjoint(self.english_vocabulary())

    def borrowed(self, name: str) -> tuple[str, ...]:
        """The English words a Korean name no romanisation finds was translated to (after `encode`)."""
        return self._cache.get((name, "ko"), ())

    def names(self, question: str, question_language: str) -> list[str]:
        """Names in the question spelled as corpus terms of the other language (광주 -> gwangju, and
        Wonju -> 원주). Names are transliterated, not translated: their embedding neighbours are other names."""
        if question_language == "en":
            spelled = self.korean_spellings()
            keys = sorted(k for k in name_keys(question) if len(k) >= 4)  # wonju, kimjanggi (Kim Jang-gi)
            return list(dict.fromkeys(name for key in keys for name in sorted(spelled.get(key, ()))))
        return [spelling for spellings in self.spelled_names(question, question_language).values()
                for spelling in spellings]

    def spelled_names(self, question: str, question_language: str) -> dict[str, tuple[str, ...]]:
        """The question's one-word names with their spellings in the other language (wonju -> 원주,
        광주 -> gwangju): a name's translation, which `translations_of` leaves out (names are not
        translated by meaning)."""
        if question_language == "en":
            spelled = self.korean_spellings()
            return {t: tuple(sorted(spelled[t])) for t in tokenize(question) if t in spelled}
        if question_language != "ko" or "en" not in self.terms:
            return {}
        english = self.english_vocabulary()
        found = {name: tuple(sorted(romanizations(name) & english)[:2])
                 for name in korean_names_in(question, self.known_names)}
        return {name: forms for name, forms in found.items() if forms}

    def korean_spellings(self) -> dict[str, set[str]]:
        """Latin spelling -> the corpus's Korean names spelled so (the most standard spellings only)."""
        if self._spelled is None:
            self._spelled = spelled_as((name, name) for name in self.korean_names)
        return self._spelled

    def english_vocabulary(self) -> set[str]:
        """The corpus's English index terms (stems), as a set."""
        if self._english is None:
            self._english = set(self.terms.get("en", ()))
        return self._english

    def encode(self, encoder, question: str, question_language: str) -> tuple[np.ndarray, list[str]]:
        """The question's vector, and its terms translated into the corpus's other language(s).

        One encoder call: the question is batched with those of its terms not translated before.
        """
        own = self.own_terms(question, question_language) if self.vectors else []
        pending = [t for t in own if (t, question_language) not in self._cache]
        # A term the corpus uses has its vector from the build: only new words go through the encoder.
        rows = self._rows(question_language)
        known = [t for t in pending if t in rows]
        unknown = [t for t in pending if t not in rows]
        vectors = encoder.encode_queries([question, *unknown])
        if known:  # one pass over the other language's table for all of them
            vectors = np.vstack([vectors, self.vectors[question_language][[rows[t] for t in known]]])
        self._learn(unknown + known, vectors[1:], question_language)
        out: list[str] = self.names(question, question_language)
        for term in own:
            out.extend(self._cache[(term, question_language)])
        return vectors[0], out

    def _rows(self, language: str) -> dict[str, int]:
        """Row of each of a language's corpus terms in its vector table (built on first use)."""
        rows = self._row_of.get(language)
        if rows is None:
            rows = self._row_of[language] = {t: i for i, t in enumerate(self.terms.get(language, ()))}
        return rows

    def _sounding(self, language: str) -> dict[str, list[int]]:
        """Rows of a language's corpus terms by consonant skeleton (built on first use)."""
        found = self._sounds.get(language)
        if found is None:  # built whole before it is published: the web app answers from two threads
            found = {}
            for row, term in enumerate(self.terms.get(language, ())):
                for skeleton in skeletons(term, language):
                    found.setdefault(skeleton, []).append(row)
            self._sounds[language] = found
        return found

    def translations_of(self, question: str, question_language: str) -> dict[str, tuple[str, ...]]:
        """Each of the question's own terms with its translations (after `encode` has seen the question),
        and its names with their spellings in the other language (`spelled_names`)."""
        key = (question, question_language)
        latest = self._latest  # re-ranking, the decline check and the quotes all ask (one read: threads)
        if latest is not None and latest[0] == key:
            return latest[1]
        own = {t: self._cache.get((t, question_language), ()) for t in self.own_terms(question, question_language)}
        found = own | self.spelled_names(question, question_language)
        self._latest = (key, found)
        return found

    def _learn(self, terms: list[str], vectors: np.ndarray, language: str) -> None:
        """Translate terms from their vectors (one matrix product per language) and remember them."""
        self._latest = None
        if len(self._cache) > CACHE_SIZE:
            self._cache.clear()
        found: list[list[str]] = [[] for _ in terms]
        if len(terms):
            for lang, table in self.vectors.items():
                if lang == language or not len(table):
                    continue
                sims = np.asarray(vectors, dtype=np.float32) @ table.T
                k = min(PER_TERM, sims.shape[1])
                top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                sounding = self._sounding(lang)
                for row, cols in enumerate(top):
                    cols = cols[np.argsort(-sims[row, cols])]
                    found[row].extend(self.terms[lang][c] for c in cols if sims[row, c] >= MIN_SIMILARITY)
                    alike = [c for s in skeletons(terms[row], language) for c in sounding.get(s, ())]
                    best = max(alike, key=lambda c: sims[row, c], default=None)  # the one it was borrowed as
                    if best is not None and LOANWORD_SIMILARITY <= sims[row, best] < MIN_SIMILARITY:
                        found[row].append(self.terms[lang][best])
        other = next((lang for lang in self.vectors if lang != language), None)
        for term, words in zip(terms, found, strict=True):
            if other is not None:  # a title's dictionary translations, where the corpus uses them (titles.py)
                words.extend(t for t in title_translations(term, language) if t in self._rows(other))
            self._cache[(term, language)] = tuple(dict.fromkeys(words))
