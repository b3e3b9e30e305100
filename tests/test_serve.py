"""The running server: a short load test, a rebuild under load, and no file access outside the app."""

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import load  # noqa: E402  (benchmarks/load.py: the same client code as the full load test)

pytestmark = pytest.mark.slow

NEW_ARTICLE = (
    "Seawater cooling for Mokpo data center\n\n"
    "The city of Mokpo will cool its new AI data center with seawater pumped from the harbor, "
    "officials said on Tuesday. The system cuts the center's electricity use for cooling by half.\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    corpus = work / "seeds"
    shutil.copytree(ROOT / "seeds", corpus)
    index = work / "index"
    subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus), "--out", str(index)],
                   check=True, capture_output=True, cwd=ROOT)
    port = load.free_port()
    proc = load.start_server(str(index), port)
    yield {"url": f"http://127.0.0.1:{port}", "corpus": corpus, "index": index, "pid": proc.pid}
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.parametrize("endpoint", ["api", "gradio"])
def test_short_load_has_no_failures(server, endpoint):
    """The JSON API and Gradio's queued /ask endpoint, each under concurrent clients."""
    report = load.run(server["url"], clients=10, seconds=4, endpoint=endpoint, server_pid=server["pid"])
    assert report["failed"] == 0, report["first_failures"]
    assert report["answers"] >= 10
    assert report["rss_max_mib"] < 4 * report["rss_start_mib"]


def test_rebuild_while_serving_fails_no_request_and_switches(server):
    question = "How will Mokpo cool its AI data center?"
    assert all(c["source"] != "new.txt" for c in load.ask_once(server["url"], question)["citations"])
    results = {}
    loader = threading.Thread(target=lambda: results.update(load.run(server["url"], clients=6, seconds=12)))
    loader.start()
    time.sleep(1)
    (server["corpus"] / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(server["corpus"]),
                    "--out", str(server["index"])], check=True, capture_output=True, cwd=ROOT)
    loader.join()
    assert results["failed"] == 0, results["first_failures"]
    answer = load.ask_once(server["url"], question)
    assert answer["citations"][0]["source"] == "new.txt"


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd"])
def test_no_file_outside_the_app_can_be_read(server, path):
    targets = [f"/gradio_api/file={path}", f"/file={path}", f"/gradio_api/file={server['corpus']}/new.txt"]
    with httpx.Client(timeout=10) as client:
        for target in targets:
            r = client.get(server["url"] + target)
            assert r.status_code != 200 or ("root:" not in r.text and "Mokpo" not in r.text)


def test_one_export_folder_per_server_removed_on_exit(server, tmp_path):
    """Briefing exports go to one temporary folder per process, which the server removes when stopped."""
    port = load.free_port()
    proc = load.start_server(str(server["index"]), port, env={"TMPDIR": str(tmp_path)})
    try:
        assert len(list(tmp_path.glob("assistant-briefing-*"))) == 1
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    assert not list(tmp_path.glob("assistant-briefing-*"))
