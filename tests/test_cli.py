"""The command line, called in-process through main(argv), plus one real subprocess for the exit code."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import SMALL_ARTICLES

from assistant.cli import main

CITATION_KEYS = {"rank", "score", "source", "title", "outlet", "author", "date", "paragraph", "passage", "quote", "line"}


def stderr_lines(captured) -> list[str]:
    return [line for line in captured.err.splitlines() if line.strip()]


def assert_one_clean_error_line(captured) -> str:
    lines = stderr_lines(captured)
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("assistant: ")
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    return lines[0]


def test_empty_question_exits_2_with_one_line(capsys, tmp_path):
    assert main(["ask", "", "--index", str(tmp_path / "unused")]) == 2
    captured = capsys.readouterr()
    assert "empty" in assert_one_clean_error_line(captured)
    assert captured.out == ""


def test_missing_index_exits_2_naming_the_fix(capsys):
    assert main(["ask", "x", "--index", "/nonexistent"]) == 2
    line = assert_one_clean_error_line(capsys.readouterr())
    assert "assistant index" in line and "/nonexistent" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "question", "--no-such-option"],
        ["--bogus"],
        [],
        ["frobnicate"],
        ["ask", "question", "-k", "three"],
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert_one_clean_error_line(capsys.readouterr())


def test_k_out_of_range_exits_2(capsys, tmp_path):
    assert main(["ask", "question", "-k", "0", "--index", str(tmp_path)]) == 2
    assert "k must be" in assert_one_clean_error_line(capsys.readouterr())


def test_help_exits_0(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "index" in out and "ask" in out and "eval" in out


def test_ask_json_from_stdin_prints_one_object_per_line(seed_index, capsys, monkeypatch):
    questions = [
        "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?",
        "",  # blank lines are skipped
        "How many companies joined the Wonju AI alliance?",
        "광주 AI 선포식에는 몇 명이 참석했나요?",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    assert main(["ask", "--json", "-", "-k", "3", "--index", str(seed_index.index_dir)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 3
    rows = [json.loads(line) for line in lines]
    assert [row["question"] for row in rows] == [q for q in questions if q]
    for row in rows:
        assert {"question", "answered", "citations"} <= set(row)
        assert isinstance(row["answered"], bool)
        assert 1 <= len(row["citations"]) <= 3
        for rank, citation in enumerate(row["citations"], start=1):
            assert set(citation) >= CITATION_KEYS
            assert citation["rank"] == rank
            assert citation["quote"] in citation["passage"]
            assert citation["line"] >= 1  # a .txt seed: the file line its paragraph starts on
    assert "Traceback" not in captured.err


def test_ask_batch_survives_a_bad_line(hashing_assistant, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("robotic cranes\n\x00\x07\ndrones over paddies\n"))
    argv = ["ask", "--json", "-", "-k", "1", "--index", str(hashing_assistant.index_dir), "--encoder", "hashing"]
    assert main(argv) == 2  # every line answered, and the exit code tells of the bad one
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3
    assert rows[0]["citations"][0]["source"] == "harbor.txt"
    assert rows[1]["citations"] == [] and "empty" in rows[1]["error"]
    assert rows[2]["citations"][0]["source"] == "farm.txt"


def test_a_failed_json_request_is_reported_with_the_question_it_asked(hashing_assistant, capsys, monkeypatch):
    """{"question": ""} fails as an empty question; its row names that question, not the raw JSON line."""
    lines = '{"question": ""}\n{"question": "   ", "history": ["robotic cranes"]}\n{"history": []}\n'
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    argv = ["ask", "--json", "-", "-k", "1", "--index", str(hashing_assistant.index_dir), "--encoder", "hashing"]
    assert main(argv) == 2
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["question"] for row in rows] == ["", "   ", '{"history": []}']  # no question: the line itself
    assert all(row["error"] and row["citations"] == [] and row["answered"] is False for row in rows)


def test_a_malformed_json_request_is_an_error_not_a_question(hashing_assistant, capsys, monkeypatch):
    """'{"question": "robotic cranes"' (a brace missing) is a request with a typo: answering the raw line
    as a question would hide the typo; a question that merely starts with a brace is still asked."""
    lines = '{"question": "robotic cranes"\n{drones} over paddies\n'
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    argv = ["ask", "--json", "-", "-k", "1", "--index", str(hashing_assistant.index_dir), "--encoder", "hashing"]
    assert main(argv) == 2
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["citations"] == [] and rows[0]["error"].startswith("line 1 is not valid JSON (")
    assert rows[1]["citations"][0]["source"] == "farm.txt"


def test_ask_refuses_bytes_that_are_not_utf8(hashing_assistant, capsys, monkeypatch):
    """Undecodable bytes are not dropped: "abc \\xc3( def" asked as "abc ( def" would get an answer."""
    raw = io.BytesIO(b"robotic cranes\nabc \xc3( def\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape"))
    index = ["--index", str(hashing_assistant.index_dir), "--encoder", "hashing"]
    assert main(["ask", "--json", "-", "-k", "1", *index]) == 2
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["citations"][0]["source"] == "harbor.txt"
    assert rows[1]["citations"] == [] and rows[1]["error"] == (
        "line 2 is not valid UTF-8 text; questions are read as UTF-8")
    assert main(["ask", "abc \udcc3( def", *index]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "assistant: the question is not valid UTF-8 text; questions are read as UTF-8"


def test_ask_text_output(hashing_assistant, capsys):
    argv = ["ask", "robotic cranes at the port", "-k", "2", "--index", str(hashing_assistant.index_dir),
            "--encoder", "hashing"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Q: robotic cranes at the port")
    assert "[1] “" in out and "[2] “" in out
    assert "harbor.txt" in out and "Harbor city opens robotics laboratory" in out


def test_ask_single_question_json(hashing_assistant, capsys):
    argv = ["ask", "drones", "--json", "-k", "1", "--index", str(hashing_assistant.index_dir), "--encoder", "hashing"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question"] == "drones"
    assert set(data["citations"][0]) >= CITATION_KEYS


def test_index_command_prints_a_summary_and_warnings(tmp_path, make_corpus, capsys):
    corpus = make_corpus({**SMALL_ARTICLES, "scan.txt": b"GIF89a\x00\x00\x01binary"})
    out_dir = tmp_path / "out"
    assert main(["index", "--corpus", str(corpus), "--out", str(out_dir), "--encoder", "hashing"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("indexed 3 articles,")
    assert str(out_dir) in captured.out
    warnings = [line for line in stderr_lines(captured) if "warning" in line]
    assert len(warnings) == 1 and "scan.txt" in warnings[0] and "binary" in warnings[0]
    assert (out_dir / "current" / "manifest.json").is_file()


def test_index_command_on_a_missing_corpus(tmp_path, capsys):
    assert main(["index", "--corpus", str(tmp_path / "none"), "--out", str(tmp_path / "out"),
                 "--encoder", "hashing"]) == 2
    assert "does not exist" in assert_one_clean_error_line(capsys.readouterr())


def test_eval_command_prints_a_table(hashing_assistant, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"question": "robotic cranes at the container port", "source": "harbor.txt"},
                {"question": "drones spraying fertilizer", "source": "farm.txt"},
                {"question": "volcano eruption", "source": None},
            ]
        ),
        encoding="utf-8",
    )
    argv = ["eval", str(questions), "--index", str(hashing_assistant.index_dir), "--encoder", "hashing"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["pair", "n", "hit@1", "hit@3", "mrr@10"]
    assert any(line.split()[:2] == ["all", "2"] for line in out.splitlines())
    assert main([*argv, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pairs"]["all"]["hit@3"] == 1.0


def test_eval_command_with_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert main(["eval", str(bad), "--index", str(tmp_path), "--encoder", "hashing"]) == 2
    assert "bad.jsonl:1" in assert_one_clean_error_line(capsys.readouterr())


def test_undecodable_command_line_question(seed_index, capsys):
    code = main(["ask", "what \udcff is", "--index", str(seed_index.index_dir)])
    assert code in (0, 2)


def test_real_process_exit_code(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "", "--index", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    err = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("assistant: ") and "empty" in err[0]
    assert "Traceback" not in result.stderr


def test_default_index_is_built_from_default_corpus_on_first_ask(tmp_path, monkeypatch, capsys):
    """From a fresh clone, `assistant ask` builds embeddings/ from seeds/ with a notice, then answers."""
    import shutil
    from pathlib import Path

    from assistant.cli import main

    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASSISTANT_ENCODER", "hashing")
    assert main(["ask", "Gwangju AI declaration ceremony", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "building it from seeds" in err
    assert '"citations"' in out and (tmp_path / "embeddings" / "current").exists()
