"""Deterministic synthetic news corpora for benchmarks: seed sentences recombined and varied.

Every article is built from the seed articles' own sentences (so lengths and the Korean/English
mix are realistic), with names, numbers and a few words changed so that no two sentences are the
same (an embedding cache must not make a benchmark look faster than a real corpus would be).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from assistant.ingest.articles import build_article
from assistant.ingest.chunk import sentences as split_article
from assistant.ingest.load import load_corpus

REGIONS_EN = ["Busan", "Daegu", "Incheon", "Daejeon", "Ulsan", "Sejong", "Suwon", "Changwon", "Jeonju", "Cheongju",
              "Pohang", "Gangneung", "Mokpo", "Yeosu", "Gumi", "Andong", "Chuncheon", "Jeju", "Gwangju", "Wonju"]
REGIONS_KO = ["부산", "대구", "인천", "대전", "울산", "세종", "수원", "창원", "전주", "청주", "포항", "강릉", "목포",
              "여수", "구미", "안동", "춘천", "제주", "광주", "원주"]
TOPICS_EN = ["semiconductors", "robotics", "data centers", "healthcare AI", "smart farms", "mobility", "batteries",
             "quantum computing", "public services", "startups", "education", "energy grids"]
TOPICS_KO = ["반도체", "로봇", "데이터센터", "의료 AI", "스마트팜", "모빌리티", "배터리", "양자컴퓨팅", "공공서비스",
             "창업", "교육", "에너지"]
KOREAN_SHARE = 0.4


def seed_sentences(seeds: Path) -> dict[str, list[str]]:
    docs, _ = load_corpus(seeds)
    pools: dict[str, list[str]] = {"en": [], "ko": []}
    for doc in docs:
        article = build_article(doc)
        if article:
            sentences = [article.text[s.start : s.end] for s in split_article(article) if s.end - s.start > 25]
            pools[article.language] += sentences
    return pools


def vary(sentence: str, rng: random.Random, language: str) -> str:
    regions, topics = (REGIONS_KO, TOPICS_KO) if language == "ko" else (REGIONS_EN, TOPICS_EN)
    out = re.sub(r"\d[\d,.]*", lambda m: f"{rng.randint(2, 9999):,}", sentence)
    for name in ("Gwangju", "Wonju", "Jeonnam", "Honam", "광주", "원주", "호남"):
        out = out.replace(name, rng.choice(regions))
    words = out.split(" ")
    for _ in range(2):  # a topic word in a random place makes every sentence unique
        words.insert(rng.randrange(len(words)), rng.choice(topics))
    return " ".join(words)


def article(rng: random.Random, pools: dict[str, list[str]], n: int) -> str:
    language = "ko" if rng.random() < KOREAN_SHARE else "en"
    pool = pools[language]
    if language == "ko":
        title = f"[기획] {rng.choice(REGIONS_KO)}, {rng.choice(TOPICS_KO)} 중심 AI 전략 발표 ({n})"
        byline = f"  • 입력 20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:00"
    else:
        title = f"{rng.choice(REGIONS_EN)} unveils AI plan for {rng.choice(TOPICS_EN)} (No. {n})"
        byline = f"By Reporter {n}, staff writer"
    paragraphs = []
    for _ in range(rng.randint(6, 12)):
        paragraphs.append(" ".join(vary(rng.choice(pool), rng, language) for _ in range(rng.randint(1, 4))))
    return "\n".join([title, byline, ""] + [p + "\n" for p in paragraphs])


def write_corpus(folder: Path, seeds: Path, target_passages: int, seed: int = 0) -> int:
    """Write articles into folder until about target_passages passages; returns the article count."""
    rng = random.Random(seed)
    pools = seed_sentences(seeds)
    folder.mkdir(parents=True, exist_ok=True)
    passages_per_article = 9.5  # measured on generated articles (paragraphs of 1-4 sentences, 3 per passage)
    count = max(1, round(target_passages / passages_per_article))
    for n in range(count):
        (folder / f"synthetic_{n:06d}.txt").write_text(article(rng, pools, n), encoding="utf-8")
    return count
