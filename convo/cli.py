"""The `convo` command. The terminal app is imported only when it is launched, so line mode starts fast."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TextIO, cast

if TYPE_CHECKING:  # argparse loads only when there are arguments to parse
    import argparse

    from convo.events import ConversationInfo
    from convo.practice.session import PracticeSession
    from convo.services import Service
    from convo.tui.app import ConvoApp

EXIT_ERROR = 1
LIST_LIMIT = 50


class CliError(Exception):
    """Something the user can fix, said in one line."""


def _parser() -> argparse.ArgumentParser:
    import argparse

    from convo.vocabulary import DEFAULT_FLOW

    db_help = ("the database: a file (or sqlite:PATH), or a team's postgresql://… URL"
               " (default: $CONVO_DB, or convo's data folder)")
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not overwrite what was given before it (convo --db X plain).
    common.add_argument("--db", metavar="DB", help=db_help, default=argparse.SUPPRESS)
    common.add_argument("--encrypt", action="store_true", default=argparse.SUPPRESS,
                        help="create the store encrypted with a passphrase ($CONVO_PASSPHRASE or asked)")
    common.add_argument("--language", choices=["en", "cy", "both"], default=argparse.SUPPRESS,
                        help="speak English or Welsh (Cymraeg) (default: $CONVO_LANGUAGE, or en); "
                             "for export, the draft's headings: en, cy or both side by side")

    parser = argparse.ArgumentParser(
        prog="convo", parents=[common],
        description="A chat-style assistant for what-matters conversations. With no command, opens the app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    plain = sub.add_parser("plain", parents=[common], help="hold a conversation in line mode (no terminal needed)")
    plain.add_argument("--flow", default=None, help=f"flow name or file (default: {DEFAULT_FLOW})")
    plain.add_argument("--audience", choices=["practitioner", "carer"], default=None)
    plain.add_argument("--resume", metavar="ID", help="carry on a saved conversation")
    plain.add_argument("--jsonl", action="store_true", help="write one JSON object a line")
    plain.add_argument("--take-over", action="store_true",
                       help="with --resume: carry on here a conversation open in another window (it saves no more)")

    listing = sub.add_parser("list", parents=[common],
                             help="list saved conversations, newest first, one a line, id first")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument("--limit", metavar="N", type=_count, default=LIST_LIMIT,
                       help=f"show the newest N (default {LIST_LIMIT})")
    shown.add_argument("--all", action="store_true", help="show every one")

    export = sub.add_parser("export", parents=[common], help="write a conversation's draft")
    export.add_argument("id")
    export.add_argument("--format", default=None,
                        help="md, html, txt or json (default: from FILE's ending, else md)")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (ending .md, .html, .txt or .json) instead of standard output")
    export.add_argument("--force", action="store_true", help="let -o replace a file that already exists")
    export.add_argument("--redact", action="store_true",
                        help="replace marked names, emails, phone numbers, postcodes and NHS numbers")
    export.add_argument("--plaintext-export", action="store_true",
                        help="allow -o to write an unencrypted file from an encrypted store")

    sub.add_parser("encrypt", parents=[common], help="re-write an existing store encrypted with a passphrase")
    delete = sub.add_parser("delete", parents=[common], help="delete a conversation and overwrite its words")
    delete.add_argument("id")
    purge = sub.add_parser("purge", parents=[common], help="delete conversations not updated for DAYS days")
    purge.add_argument("--older-than", metavar="DAYS", type=_days, required=True)
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sub.add_parser("audit", parents=[common], help="print the log of exports and deletions")
    sub.add_parser("held", parents=[common],
                   help="list the conversations open in a window now, one a line: id, who (a team's role), computer,"
                        " process, until when")
    team = sub.add_parser("team", help="who is in which team of a team database (its owner adds and removes them)")
    team_sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    team_sub.add_parser("members", parents=[common],
                        help="list memberships, one a line: role, team, kind (the owner sees every team's)")
    add = team_sub.add_parser("add", parents=[common],
                              help="put a database role in a team as a practitioner, or a manager with --manager")
    add.add_argument("role", help="the database role someone logs in as")
    add.add_argument("--team", required=True, help="the team's name")
    add.add_argument("--manager", action="store_true", help="a manager (may delete any of the team's conversations)")
    remove = team_sub.add_parser("remove", parents=[common], help="take a database role out of a team")
    remove.add_argument("role", help="the database role someone logs in as")
    remove.add_argument("--team", required=True, help="the team's name")

    sub.add_parser("schema", help="print the JSON Schema of the exported record")

    settings = sub.add_parser(
        "settings", help="show or change your settings: who you are (for the draft), your time zone",
        description="Your name, role and team are written into each conversation you start, for the draft's"
                    " 'Practitioner' line; drafts show times in your time zone. Given nothing, shows the settings.")
    settings.add_argument("--name", help="your name, as the draft should give it")
    settings.add_argument("--role", help="your role, e.g. 'Social worker'")
    settings.add_argument("--team", help="your team, e.g. 'Cynon Valley duty team'")
    settings.add_argument("--time-zone", metavar="ZONE", help="e.g. Europe/London (default: this computer's)")
    settings.add_argument("--high-contrast", choices=["on", "off"], help="open the app in high contrast")

    migrate = sub.add_parser(
        "migrate", help="copy every conversation and audit line from a file into a team database",
        description="Copy every conversation and audit line of a SQLite store into a team's PostgreSQL database,"
                    " then read each one back and compare hashes. Safe to run again: what is there already is"
                    " left alone, and a conversation carried on since the last run gets what it lacks.")
    migrate.add_argument("--from", dest="source", metavar="sqlite:PATH", required=True, help="the store to copy")
    migrate.add_argument("--to", dest="destination", metavar="postgresql://…", required=True,
                         help="the team database to copy into")
    migrate.add_argument("--encrypt", action="store_true",
                         help="encrypt the team database, if it holds nothing yet ($CONVO_PASSPHRASE or asked)")

    flows = sub.add_parser("flows", help="check flow files or draw them")
    flows_sub = flows.add_subparsers(dest="flows_command", metavar="ACTION", required=True)
    check = flows_sub.add_parser("check", help="check flow, lexicon and scenario files (default: the shipped ones)")
    check.add_argument("paths", nargs="*")
    diagram = flows_sub.add_parser("diagram", help="print a Mermaid diagram of a flow")
    diagram.add_argument("name")

    carer = sub.add_parser(
        "carer", parents=[common], help="a carer's self-assessment, in the app or (with --plain) line mode",
        description="A carer's own self-assessment. With an unfinished one saved, offers to carry on where you"
                    " left off. Opens the app in a terminal; line mode when input is not a terminal or with --plain.")
    carer_mode = carer.add_mutually_exclusive_group()
    carer_mode.add_argument("--plain", action="store_true", help="line mode, even in a terminal")
    carer_mode.add_argument("--app", action="store_true", help="the app, even when input is not a terminal")
    carer_mode.add_argument("--browser", action="store_true", help=argparse.SUPPRESS)  # what `convo serve` runs
    carer_which = carer.add_mutually_exclusive_group()
    carer_which.add_argument("--new", action="store_true", help="start afresh, without asking")
    carer_which.add_argument("--resume", action="store_true", help="carry on the latest unfinished one, without asking")
    carer_which.add_argument("--code", metavar="CODE",
                             help="carry on the self-assessment started in a browser with CODE")
    carer.add_argument("--take-over", action="store_true",
                       help="carry on here a self-assessment open in another window (it saves no more)")

    serve = sub.add_parser(
        "serve", parents=[common], help="the terminal app in a web browser (for carers, see convo web)",
        description="Serve the terminal app's carer's self-assessment to web browsers, drawn as a terminal. For"
                    " carers, `convo web` is better: plain web pages that work on a phone, with a keyboard or a"
                    " screen reader. Each browser tab starts its own new self-assessment and is shown a code to"
                    " carry on later. Anyone who can reach the port can use it and add to the database, so it"
                    " listens on this computer only (127.0.0.1) unless --host says otherwise.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--public-url", metavar="URL", help="the address browsers use, if not http://HOST:PORT")
    serve.add_argument("--max-sessions", type=int, default=8, metavar="N",
                       help="most browser tabs served at once; more are refused (default 8)")
    serve.add_argument("--i-understand-anyone-on-the-network-can-connect", dest="network", action="store_true",
                       help="allow a --host other than this computer")

    web = sub.add_parser(
        "web", parents=[common], help="web pages for a carer's self-assessment, for any browser",
        description="Serve the carer's self-assessment as plain web pages: one question a page, for a phone, a"
                    " keyboard or a screen reader, with or without JavaScript. Each carer is given a code to carry"
                    " on later. Anyone who can reach the port can start a self-assessment, so it listens on this"
                    " computer only (127.0.0.1) unless --host says otherwise. Needs: pip install 'convo[web]'.")
    web.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this computer only)")
    web.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    web.add_argument("--out-of-hours", metavar="NUMBER",
                     help="your council's out-of-hours phone number, shown with 999 and Samaritans after a worrying"
                          " answer (default: $CONVO_OUT_OF_HOURS)")
    web.add_argument("--i-understand-anyone-on-the-network-can-connect", dest="network", action="store_true",
                     help="allow a --host other than this computer")

    practice = sub.add_parser(
        "practice", parents=[common], help="rehearse a what-matters conversation with a simulated person",
        description="Practise with a simulated person and get feedback. With no SCENARIO, lists them (and lets you"
                    " pick one in a terminal). Sessions are kept in a practice database beside --db.")
    practice.add_argument("scenario", nargs="?", help="scenario name or file")
    practice.add_argument("--jsonl", action="store_true", help="write one JSON object a line")
    practice.add_argument("--no-coach", action="store_true", help="start with coaching off (/coach turns it on)")
    practice.add_argument("--export", metavar="FILE", help="write the feedback to FILE at the end")
    practice.add_argument("--format", choices=["md", "html", "json"], default="md",
                          help="format for --export (default md)")
    practice.add_argument("--resume", metavar="ID", nargs="?", const="latest",
                          help="carry on an unfinished practice (without ID: the latest)")

    sub.add_parser("code", help="add a MITI \"code\", and the code of each part as \"behaviours\", to each JSON line "
                                "{\"text\": ..., \"previous\": ...} on stdin")

    resume = sub.add_parser("resume", parents=[common], help="open a saved conversation in the app")
    resume.add_argument("id")
    resume.add_argument("--take-over", action="store_true",
                        help="carry on here a conversation open in another window (it saves no more)")
    return parser


def _count(text: str) -> int:
    import argparse

    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def _days(text: str) -> float:
    import argparse

    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not days >= 0 or days == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    return days


def main(argv: list[str] | None = None) -> int:
    # convo uses no pydantic plugins; looking for them means reading every installed package's metadata.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = sys.argv[1:] if argv is None else argv
    # `convo` alone opens the app; building the whole parser for that would only slow its start.
    # Without arguments only `command` is read, which a SimpleNamespace has as well as a Namespace.
    args = cast("argparse.Namespace", SimpleNamespace(command=None)) if not argv else _parser().parse_args(argv)
    try:
        _speak(args)
        return _dispatch(args)
    except CliError as error:
        print(f"convo: {error}", file=sys.stderr)
        if getattr(args, "jsonl", False) and args.command in ("plain", "practice"):
            # A program reading the JSON lines is told too, in its own form: one error, then the end.
            from convo.render import json_line

            print(json_line({"type": "error", "text": str(error)}))
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Whoever read our output stopped (`convo list | head`); what was typed is saved already.
        # Point stdout at nothing, so the flush at exit does not fail again with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


def _speak(args: argparse.Namespace) -> None:
    """Say everything in the language asked for (a conversation started now is held in it)."""
    from convo.language import LanguageError, default_language, set_default

    language = getattr(args, "language", None)
    if language == "both" and args.command != "export":
        raise CliError("--language both is for convo export; a conversation is held in en or cy")
    try:
        set_default(language if language in ("en", "cy") else default_language())
    except LanguageError as error:
        raise CliError(f"{error} (from $CONVO_LANGUAGE)") from None


def _dispatch(args: argparse.Namespace) -> int:
    from convo.services import StoreError

    try:
        handler = _HANDLERS[args.command or "app"]
        return handler(args)
    except StoreError as error:
        raise CliError(str(error)) from None
    except (LookupError, ValueError) as error:
        # A KeyError's str() is its message in quotes; its message is what is said.
        said = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
        raise CliError(said) from None
    except Exception as error:
        from convo.flow.yamlfile import (
            YamlProblems,  # loaded only now, so the app's start need not
        )

        if not isinstance(error, YamlProblems):
            raise
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_ERROR


def _target(args: argparse.Namespace) -> str | Path:
    """The SQLite file or the team database's URL that --db (or $CONVO_DB) names."""
    from convo.services import target

    given = getattr(args, "db", None)
    if given is not None and not given.strip():  # an unset variable in a script: never the default store
        raise CliError("--db is empty: give a file or a database URL, or leave --db out for your own store")
    return target(given)


def _service(args: argparse.Namespace) -> Service:
    """The conversations in the database --db names, asking for a passphrase only if it needs one."""
    from convo.crypt import passphrase_source
    from convo.services import is_new, open_database

    where = _target(args)
    encrypt = getattr(args, "encrypt", False)
    return open_database(where, passphrase=passphrase_source(new=encrypt and is_new(where)), encrypt=encrypt)


def _replace_bad_bytes(stream: TextIO) -> None:
    """Bytes that are not UTF-8 become U+FFFD, so a bad paste is kept (marked) rather than ending the
    conversation. Only before the stream's first read (after it Python refuses), and once is enough."""
    if hasattr(stream, "reconfigure") and getattr(stream, "errors", "replace") != "replace":
        stream.reconfigure(errors="replace")


def _plain(args: argparse.Namespace) -> int:
    from convo import line_mode
    from convo.vocabulary import DEFAULT_FLOW

    _replace_bad_bytes(sys.stdin)
    from convo.services import ConversationOpen

    if args.take_over and not args.resume:
        raise CliError("--take-over goes with --resume ID")
    service = _service(args)
    try:
        if args.resume:
            if args.flow or args.audience:
                raise CliError("--resume carries on a conversation as it was; leave out --flow and --audience")
            try:
                conversation = service.resume(args.resume, take_over=args.take_over)
            except ConversationOpen as error:
                if not args.jsonl:
                    raise CliError(f"{error} (add --take-over to carry on here)") from None
                from convo.render import json_line

                for line in ({"type": "error", "text": str(error)}, {"type": "done", "id": args.resume}):
                    print(json_line(line))
                return EXIT_ERROR
        else:
            conversation = service.start(args.flow or DEFAULT_FLOW, args.audience or _default_audience(args.flow))
        return line_mode.run(conversation, sys.stdin, sys.stdout, sys.stderr, jsonl=args.jsonl)
    finally:
        service.close()  # lets another window carry it on at once


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
    from convo.render import one_line
    from convo.vocabulary import status_word

    with _service(args) as service:
        # One more than is shown, to know whether to say there are more (on a terminal only).
        infos = service.list(limit=None if args.all else args.limit + 1)
    for info in infos[:None if args.all else args.limit]:
        when = info.updated.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{info.id}\t{when}\t{status_word(info.status)}\t{info.flow}\t{one_line(info.title)}")
    if not args.all and len(infos) > args.limit and sys.stderr.isatty():
        print(f"(the newest {args.limit}; --all lists every one)", file=sys.stderr)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from convo.crypt import passphrase_source
    from convo.services import is_database_url, migrate, target

    source, destination = target(args.source), target(args.destination)
    if not isinstance(source, Path) or not source.is_file():
        raise CliError(f"--from names a convo file (sqlite:PATH); there is no file at {args.source}")
    if not isinstance(destination, str) or not is_database_url(destination):
        raise CliError("--to names a team database: postgresql://…")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    done = migrate(source, destination, passphrase=passphrase_source(),
                   team_passphrase=passphrase_source(new=args.encrypt), encrypt=args.encrypt, progress=progress)
    print(f"{done.conversations} conversation(s) in {source}: {len(done.copied)} copied, {len(done.extended)}"
          f" carried on since the last run and brought up to date, {len(done.already)} already there.")
    print(f"{done.audit_copied} of {done.audit_source} audit line(s) are in the team database.")
    for ident, why in sorted(done.conflicts.items()):
        print(f"not copied: {ident}: {why}", file=sys.stderr)
    if not done.verified:
        print("The copy is NOT complete: see above; nothing in the file was changed.", file=sys.stderr)
        return EXIT_ERROR
    print("Every conversation read back from the team database has the same hash as the original.")
    return 0


def _export(args: argparse.Namespace) -> int:
    from convo.export import ExportRefused, format_for, refuse_if_taken

    output = Path(args.output) if args.output else None
    try:
        fmt = format_for(output or Path(), args.format)
        if output is not None and not args.force:
            refuse_if_taken(output)  # before the store is opened (and a passphrase asked for)
        with _service(args) as service:
            result = service.export(service.open(args.id), fmt, output, redact=args.redact,
                                    plaintext=args.plaintext_export, replace=args.force,
                                    language=getattr(args, "language", None))
    except ExportRefused as error:
        raise CliError(str(error)) from None
    if args.output:
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(result)
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    from convo.crypt import CryptError, passphrase_source
    from convo.services import encrypt

    path = _target(args)
    if not isinstance(path, Path):
        raise CliError("a team database is encrypted when it is set up, before its first conversation:"
                       " see docs/team-store.md")
    try:
        count = encrypt(path, passphrase_source(new=True)())
    except CryptError as error:
        raise CliError(str(error)) from None
    print(f"Encrypted {count} conversation(s) in {path}. Without the passphrase they cannot be read: keep it safe.")
    return 0


def _delete(args: argparse.Namespace) -> int:
    # A reader that keeps the words in the file is a StoreError, so "Deleted" is said only when true.
    with _service(args) as service:
        if not service.delete(args.id):
            raise CliError(f"there is no conversation {args.id!r}; nothing was deleted")
    print(f"Deleted {args.id}.")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from convo.clock import utc_now

    with _service(args) as service:
        before = utc_now() - timedelta(days=args.older_than)
        count = service.older_than(before)
        if count and not args.yes:
            if not sys.stdin.isatty():
                raise CliError(f"{count} conversation(s) would be deleted; add --yes to confirm")
            answer = input(f"Delete {count} conversation(s) not updated for {args.older_than:g} days? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was deleted.")
                return 0
        print(f"Removed {len(service.purge(before))} conversation(s).")
    return 0


def _audit(args: argparse.Namespace) -> int:
    with _service(args) as service:  # closed at once: a team database's pool is not left to the collector
        entries = service.audit_log()
    for entry in entries:
        when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        detail = " ".join(f"{key}={value}" for key, value in sorted(entry.detail.items()))
        print(f"{entry.seq}\t{when}\t{entry.action}\t{entry.conversation or '-'}\t{detail}")
    return 0


def _held(args: argparse.Namespace) -> int:
    from convo.render import one_line

    with _service(args) as service:
        for held in service.held():
            until = held.until.astimezone().strftime("%Y-%m-%d %H:%M")
            print(f"{held.conversation}\t{one_line(held.role) or '-'}\t{one_line(held.host)}\t{held.pid}\t{until}")
    return 0


def _team(args: argparse.Namespace) -> int:
    with _service(args) as service:
        if args.team_command == "members":
            from convo.render import one_line

            for member in service.members():
                print(f"{one_line(member.role)}\t{one_line(member.team)}\t{member.kind}")
        elif args.team_command == "add":
            kind = "manager" if args.manager else "practitioner"
            new = service.add_member(args.role, args.team, kind)
            print(f"{args.role} {'is now in' if new else 'is in'} the team {args.team!r} as a {kind}.")
        elif not service.remove_member(args.role, args.team):
            raise CliError(f"{args.role} is not in the team {args.team!r}; nothing was changed")
        else:
            print(f"{args.role} is no longer in the team {args.team!r}; its conversations stay the team's.")
    return 0


def _settings(args: argparse.Namespace) -> int:
    from convo import config

    changes = {key: value for key, value in (
        ("practitioner_name", args.name), ("practitioner_role", args.role), ("practitioner_team", args.team),
        ("time_zone", args.time_zone),
        ("high_contrast", None if args.high_contrast is None else args.high_contrast == "on")) if value is not None}
    try:
        settings = config.save(**changes) if changes else config.load()
    except (config.SettingsError, OSError) as error:
        raise CliError(str(error)) from None
    shown = {"name": settings.practitioner_name, "role": settings.practitioner_role,
             "team": settings.practitioner_team, "time zone": f"{config.local_zone(settings)}"
             + ("" if settings.time_zone else " (this computer's)"),
             "high contrast": "on" if settings.high_contrast else "off"}
    for label, value in shown.items():
        print(f"{label}: {value if value else '(not set)'}")
    print(f"(kept in {config.settings_path()})")
    return 0


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


def _carer(args: argparse.Namespace) -> int:
    from convo import carer, line_mode
    from convo.services import ConversationOpen
    from convo.wording import say

    if args.browser:
        from convo.tui.carer_app import CarerWebApp

        app = CarerWebApp(_browser_service(args))
        return _run(app)
    service = _service(args)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    in_app = args.app or (terminal and not args.plain)
    waiting_id, welcome_back = None, False
    if args.code:
        info = service.carer_code(args.code)
        if info is None:
            raise CliError(say("carer_code_unknown"))
        waiting_id, welcome_back = info.id, True
    elif not args.new:
        waiting = service.unfinished_carer()
        if waiting and (args.resume or (sys.stdin.isatty() and _carry_on(service, waiting[0]))):
            waiting_id, welcome_back = waiting[0].id, True
    try:
        if waiting_id is None:
            conversation = service.start(carer.FLOW, carer.AUDIENCE)
        elif in_app:
            from convo.tui.app import make_app

            # The app asks whether to take it over if another window has it open.
            return _run_carer(make_app(resume=waiting_id, service=service, take_over=args.take_over, carer=True))
        else:
            try:
                conversation = service.resume(waiting_id, take_over=args.take_over)
            except ConversationOpen as error:
                raise CliError(f"{error} (add --take-over to carry on here)") from None
        if in_app:
            from convo.tui.app import ConvoApp

            return _run_carer(ConvoApp(service, conversation, carer=True))
        from convo.language import speaking

        with speaking(conversation.language):  # the self-assessment's own language, not the setting's
            if welcome_back:
                print(say("carer_welcome_back"))
            command = f"convo carer --code {conversation.id}" if carer.is_code(conversation.id) else "convo carer"
            saved = say("carer_saved", command=command)
        return line_mode.run(conversation, sys.stdin, sys.stdout, sys.stderr, saved=saved)
    finally:
        service.close()  # lets another window carry it on at once


def _run_carer(app: ConvoApp) -> int:
    """The carers' app; once it closes on a self-assessment not yet finished, how to carry it on, in its
    own language (what was written is saved already)."""
    from convo import carer
    from convo.language import speaking
    from convo.wording import say

    status = _run(app)
    shown = app.last_opened
    # Only when what was written is saved: not after a crash, a save that failed, or a take-over elsewhere.
    if shown is not None and not shown.ended and status == 0 and not app.last_save_failed and not app.taken_elsewhere:
        command = f"convo carer --code {shown.id}" if carer.is_code(shown.id) else "convo carer"
        with speaking(shown.language):
            print(say("carer_saved", command=command))
    return status


def _carry_on(service: Service, waiting: ConversationInfo) -> bool:
    """Ask, in the language the self-assessment was in, whether to carry it on."""
    from convo.language import speaking
    from convo.render.wording import months
    from convo.wording import say

    language = service.open(waiting.id).language
    when = waiting.updated.astimezone()
    with speaking(language):
        return _yes(say("carer_carry_on", day=f"{when.day} {months(language)[when.month - 1]}",
                        time=when.strftime("%H:%M")))


# Yes in English and in Welsh (which answers with the verb of the question as often as with "ie").
_YES = frozenset(("y", "yes", "yeah", "yep", "ok", "okay", "ie", "ia", "ydw", "yndw", "do", "iawn", "gwnaf", "hoffwn"))


def _yes(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().strip(".!").casefold() in _YES


def _serve(args: argparse.Namespace) -> int:
    from convo.serve import WILDCARD_HOSTS, ServeError, is_loopback, serve

    if args.max_sessions < 1:
        raise CliError("--max-sessions must be at least 1")
    if not is_loopback(args.host):
        if not args.network:
            raise CliError(f"--host {args.host} lets other computers connect; add "
                           "--i-understand-anyone-on-the-network-can-connect if that is what you want")
        if args.host in WILDCARD_HOSTS and not args.public_url:
            raise CliError(f"--host {args.host} needs --public-url: the address browsers will use")
        plain_http = not (args.public_url or "").startswith("https://")
        print(f"convo serve: warning: listening on {args.host}, so anyone who can reach this computer and has "
              "the address printed below can use it" + ("; the connection is not encrypted" if plain_http else ""),
              file=sys.stderr)
    from convo.services import has_password

    where = _target(args)
    if isinstance(where, str) and has_password(where):
        raise CliError("each browser tab's command line would show the password in --db: put it in ~/.pgpass"
                       " or $PGPASSWORD instead")
    # Checked now, so a store that cannot be opened is one line here, not a blank page in every tab.
    _browser_service(args).close()
    try:
        serve(where.resolve() if isinstance(where, Path) else where, args.host, args.port, args.public_url,
              max_sessions=args.max_sessions)
    except ServeError as error:
        raise CliError(str(error)) from None
    return 0


def _web(args: argparse.Namespace) -> int:
    import importlib.util

    # Asked by name, so a fault inside convo is never mistaken for a missing package.
    if any(importlib.util.find_spec(name) is None for name in ("starlette", "uvicorn", "multipart", "itsdangerous")):
        raise CliError("convo web needs the web extra: pip install 'convo[web]'")
    from convo.web import server
    # Only names of this computer, so a page elsewhere cannot reach it by pointing its own name here.
    allowed: list[str] | None = ["localhost", "127.0.0.1", "::1", args.host.strip("[]").lower()]
    if not server.is_loopback(args.host):
        if not args.network:
            raise CliError(f"--host {args.host} lets other computers connect; add "
                           "--i-understand-anyone-on-the-network-can-connect if that is what you want")
        allowed = None
        print(f"convo web: warning: listening on {args.host}, so anyone who can reach this computer can start a"
              " self-assessment; serve it behind HTTPS, or the connection is not encrypted", file=sys.stderr)
    out_of_hours = args.out_of_hours or os.environ.get("CONVO_OUT_OF_HOURS") or None
    # Checked now, so a store that cannot be opened is one line here, not a problem page for every carer.
    _browser_service(args).close()
    server.run(lambda: _browser_service(args), args.host, args.port, out_of_hours=out_of_hours, allowed_hosts=allowed)
    return 0


def _browser_service(args: argparse.Namespace) -> Service:
    """The database for `convo serve`, `convo web` and their pages: a passphrase from the environment only,
    never a prompt."""
    from convo.crypt import PASSPHRASE_ENV, CryptError
    from convo.services import open_database

    def from_environment() -> str:
        given = os.environ.get(PASSPHRASE_ENV)
        if not given:
            raise CryptError(f"the store is encrypted: set {PASSPHRASE_ENV} where convo serve runs")
        return given

    return open_database(_target(args), passphrase=from_environment, encrypt=getattr(args, "encrypt", False))


def _practice(args: argparse.Namespace) -> int:
    from convo.practice import plain as practice
    from convo.practice.scenario import LoadedScenario, get_scenario
    from convo.services import open_practice

    service = open_practice(_target(args))  # practice stays on this computer, even beside a team database
    loaded: LoadedScenario | None
    if args.resume:
        if args.scenario:
            raise CliError("--resume carries on a practice with its own scenario; leave out the scenario")
        session = _unfinished_practice(service, args.resume)
    else:
        if args.scenario:
            loaded = get_scenario(args.scenario)
        elif sys.stdin.isatty() and not args.jsonl:
            _replace_bad_bytes(sys.stdin)  # before the first read: a stream cannot change after it
            loaded = practice.choose(sys.stdin, sys.stdout)
            if loaded is None:
                return 0
        else:
            practice.list_scenarios(sys.stdout, jsonl=args.jsonl)
            return 0
        session = service.start_practice(loaded, claim=False)
        if args.no_coach:
            session.send("/coach off")
    _replace_bad_bytes(sys.stdin)
    return practice.run(session, sys.stdin, sys.stdout, sys.stderr, jsonl=args.jsonl,
                        export=Path(args.export) if args.export else None, fmt=args.format)


def _unfinished_practice(service: Service, ident: str) -> PracticeSession:
    """A practice left before its end (the app's Back, Ctrl+C, a crash); "latest" is the latest one."""
    if ident == "latest":
        waiting = service.unfinished_practices()
        if not waiting:
            raise CliError(f"there is no unfinished practice in {service.path}")
        ident = waiting[0].id
    session = service.resume_practice(ident, claim=False)
    if session.ended:
        raise CliError(f"practice {ident} has ended; start another with: convo practice {session.scenario.id}")
    return session


def _code(args: argparse.Namespace) -> int:
    from convo.practice.coder import code_jsonl

    _replace_bad_bytes(sys.stdin)
    return EXIT_ERROR if code_jsonl(sys.stdin, sys.stdout) else 0


def _app(args: argparse.Namespace) -> int:
    from convo.tui.app import make_app

    # The store is opened here, so an encrypted one asks for its passphrase before the app starts.
    app = make_app(resume=getattr(args, "id", None), service=_service(args),
                   take_over=getattr(args, "take_over", False))
    status = _run(app)
    farewell = app.farewell()
    if farewell:
        print(farewell)
    return status


def _run(app) -> int:
    """Run a Textual app for the rest of this process's life."""
    import gc

    # What is loaded by now lives as long as the process. Frozen, it is no longer walked by each full
    # garbage collection, which otherwise held up a turn for 40-70 ms every so often.
    gc.freeze()
    app.freeze_when_warm = True  # and what hears answers, once it is loaded in the background
    app.run()
    return app.return_code or 0


_HANDLERS = {
    "plain": _plain,
    "list": _list,
    "migrate": _migrate,
    "export": _export,
    "schema": _schema,
    "settings": _settings,
    "flows": _flows,
    "encrypt": _encrypt,
    "delete": _delete,
    "purge": _purge,
    "audit": _audit,
    "held": _held,
    "team": _team,
    "resume": _app,
    "app": _app,
    "carer": _carer,
    "serve": _serve,
    "web": _web,
    "practice": _practice,
    "code": _code,
}


if __name__ == "__main__":
    sys.exit(main())
