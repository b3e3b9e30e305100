"""Who can reach the corpus page: a launched server on 127.0.0.1, driven over HTTP with httpx."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from collections.abc import Iterator

import httpx
import pytest

from assistant.web.app import server_app
from assistant.web.rebuild import Rebuilder

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
STAFF_PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The same app twice: with a staff password, and with none (no corpus page at all)."""
    from conftest import SMALL_ARTICLES, running, write_corpus

    from assistant import Assistant

    work = tmp_path_factory.mktemp("staff")
    corpus = write_corpus(work / "corpus", SMALL_ARTICLES)
    assistant = Assistant(work / "index", encoder="hashing", auto_rebuild=False)
    assistant.build(corpus)
    rebuilder = Rebuilder(assistant, corpus, poll_seconds=None).start()
    with_staff = server_app(assistant, corpus, staff_password=STAFF_PASSWORD, rebuilder=rebuilder)
    without = server_app(assistant, corpus, rebuilder=rebuilder)
    try:
        with running(with_staff) as staff_url, running(without) as open_url:
            yield {"staff": staff_url, "open": open_url}
    finally:
        rebuilder.stop()


STAFF_PATHS = ["/staff/config", "/staff/gradio_api/info", "/staff/gradio_api/queue/status",
               "/staff/gradio_api/upload_progress"]


def test_public_page_and_ask_api_stay_open(servers):
    for url in servers.values():
        assert httpx.get(url + "/", timeout=10).status_code == 200
        info = httpx.get(url + "/gradio_api/info", timeout=10).json()
        assert list(info["named_endpoints"]) == ["/ask", "/article"]  # no corpus action is an API endpoint
        assert info["unnamed_endpoints"] == {}
        config = httpx.get(url + "/config", timeout=10).text
        assert "corpus-message" not in config and "rebuild-status" not in config


def test_staff_page_refuses_without_the_password(servers):
    url = servers["staff"]
    with httpx.Client(timeout=10) as client:
        for path in STAFF_PATHS:
            assert client.get(url + path).status_code in (401, 403), path
        page = client.get(url + "/staff/")
        assert "corpus-message" not in page.text and "rebuild-status" not in page.text  # the login page only
        for path in ("/staff/gradio_api/queue/join", "/staff/gradio_api/upload", "/staff/gradio_api/run/predict"):
            assert client.post(url + path, json={"data": [], "fn_index": 0}).status_code in (401, 403, 404, 422), path
        assert client.post(url + "/staff/login", data={"username": "staff", "password": "wrong"}).status_code == 400
        assert client.get(url + "/staff/config").status_code == 401


def test_staff_page_opens_with_the_password_and_exposes_no_api(servers):
    url = servers["staff"]
    with httpx.Client(timeout=10) as client:
        login = client.post(url + "/staff/login", data={"username": "staff", "password": STAFF_PASSWORD})
        assert login.status_code == 200
        config = client.get(url + "/staff/config")
        assert config.status_code == 200 and "corpus-message" in config.text
        info = client.get(url + "/staff/gradio_api/info").json()
        assert info == {"named_endpoints": {}, "unnamed_endpoints": {}}  # every handler is api_visibility="private"
        # private, except Gradio's own trigger that draws the gr.render block ("undocumented", never listed)
        assert all(d.get("api_visibility") != "public" for d in config.json()["dependencies"])
        # the staff login does not open anything on the public app that citizens lack
        assert client.get(url + "/gradio_api/info").json()["named_endpoints"].keys() == {"/ask", "/article"}


def test_without_a_staff_password_there_is_no_corpus_page(servers):
    url = servers["open"]
    for path in ["/staff", "/staff/", *STAFF_PATHS]:
        response = httpx.get(url + path, timeout=10)
        assert "corpus-message" not in response.text and "rebuild-status" not in response.text, path
        assert response.status_code != 200 or "staff_title" not in response.text


def test_every_corpus_handler_is_private():
    """Including the ones gr.render creates per session, which the config above does not list."""
    import gradio as gr

    from assistant.web.staff import StaffHandlers, build_staff_app

    class NoIndex:
        def articles(self):
            return []

    demo = build_staff_app(StaffHandlers(NoIndex(), "/nonexistent", None))
    fns = list(demo.fns.values())
    for renderable in demo.renderables:
        for lang in ("ko", "en"):
            with gr.Blocks() as probe:
                renderable.fn(lang)
            fns += list(probe.fns.values())
    ours = [fn for fn in fns if fn.name != "apply"]  # "apply": gradio's render trigger itself
    assert len(ours) > 10
    assert {fn.api_visibility for fn in ours} == {"private"}
