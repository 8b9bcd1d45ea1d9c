"""The `convo` command. The terminal app is imported only when it is launched, so line mode starts fast."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_ERROR = 1


class CliError(Exception):
    """Something the user can fix, said in one line."""


def _parser() -> argparse.ArgumentParser:
    db_help = "the database file (default: $CONVO_DB, or convo's data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help=db_help)

    parser = argparse.ArgumentParser(
        prog="convo", parents=[common],
        description="A chat-style assistant for what-matters conversations. With no command, opens the app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    plain = sub.add_parser("plain", parents=[common], help="hold a conversation in line mode (no terminal needed)")
    plain.add_argument("--flow", default=None, help="flow name or file (default: three-conversations)")
    plain.add_argument("--audience", choices=["practitioner", "carer"], default=None)
    plain.add_argument("--resume", metavar="ID", help="carry on a saved conversation")
    plain.add_argument("--jsonl", action="store_true", help="write one JSON object a line")

    sub.add_parser("list", parents=[common], help="list saved conversations, one a line, id first")

    export = sub.add_parser("export", parents=[common], help="write a conversation's draft")
    export.add_argument("id")
    export.add_argument("--format", default="md", help="md, html, txt or json (default md)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    sub.add_parser("schema", help="print the JSON Schema of the exported record")

    flows = sub.add_parser("flows", help="check flow files or draw them")
    flows_sub = flows.add_subparsers(dest="flows_command", metavar="ACTION", required=True)
    check = flows_sub.add_parser("check", help="check flow, lexicon and scenario files (default: the shipped ones)")
    check.add_argument("paths", nargs="*")
    diagram = flows_sub.add_parser("diagram", help="print a Mermaid diagram of a flow")
    diagram.add_argument("name")

    resume = sub.add_parser("resume", parents=[common], help="open a saved conversation in the app")
    resume.add_argument("id")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except CliError as error:
        print(f"convo: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    from convo.flow.yamlfile import YamlProblems
    from convo.store import StoreError

    try:
        handler = _HANDLERS[args.command or "app"]
        return handler(args)
    except StoreError as error:
        raise CliError(str(error)) from None
    except YamlProblems as problems:
        for problem in problems.problems:
            print(problem, file=sys.stderr)
        return EXIT_ERROR
    except (LookupError, ValueError) as error:
        raise CliError(str(error).strip("'\"")) from None


def _store(args: argparse.Namespace):
    from convo.paths import default_db
    from convo.store import Store

    return Store(Path(args.db).expanduser() if getattr(args, "db", None) else default_db())


def _plain(args: argparse.Namespace) -> int:
    from convo import library, plain

    store = _store(args)
    if args.resume:
        if args.flow or args.audience:
            raise CliError("--resume carries on a conversation as it was; leave out --flow and --audience")
        conversation = library.resume(store, args.resume)
    else:
        conversation = library.start(store, args.flow or library.DEFAULT_FLOW,
                                     args.audience or _default_audience(args.flow))
    return plain.run(conversation, sys.stdin, sys.stdout, sys.stderr, jsonl=args.jsonl)


def _default_audience(flow: str | None) -> str:
    from convo import library

    if flow is None:
        return "practitioner"
    try:
        audiences = library.get(flow)[0].file.audiences
    except LookupError:
        return "practitioner"
    return audiences[0].value


def _list(args: argparse.Namespace) -> int:
    from convo.render import visible

    for info in _store(args).list():
        when = info.updated.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{info.id}\t{when}\t{info.status}\t{info.flow}\t{visible(info.title)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from convo import library
    from convo.render import FORMATS, render

    if args.format not in FORMATS:
        raise CliError(f"unknown format {args.format!r}: choose one of {', '.join(FORMATS)}")
    conversation = library.resume(_store(args), args.id)
    text = render(conversation.record(), args.format)
    if args.output:
        _write_private(Path(args.output), text)
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _write_private(path: Path, text: str) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}") from None


def _schema(args: argparse.Namespace) -> int:
    from convo.records import export_schema

    print(json.dumps(export_schema(), indent=2))
    return 0


def _flows(args: argparse.Namespace) -> int:
    from convo.flow import check

    if args.flows_command == "diagram":
        from convo import library
        from convo.flow.diagram import mermaid

        print(mermaid(library.get(args.name)[0]))
        return 0
    problems = check.check_paths([Path(p) for p in args.paths] if args.paths else None)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_ERROR
    print("All files are valid.")
    return 0


def _app(args: argparse.Namespace) -> int:
    from convo.tui.app import run_app

    return run_app(db=getattr(args, "db", None), resume=getattr(args, "id", None))


_HANDLERS = {
    "plain": _plain,
    "list": _list,
    "export": _export,
    "schema": _schema,
    "flows": _flows,
    "resume": _app,
    "app": _app,
}


if __name__ == "__main__":
    sys.exit(main())
