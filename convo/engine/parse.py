"""Line mode's text as commands: the one place `/…` is read (and written back, for a log to show).

A line that starts with `/` is a command (`//` types a literal `/`); anything else is an answer.
What the words alone show to be wrong (a command there is none of, one that needs words and has
none) is a `CommandError`, said as line mode says it; what depends on the conversation is the
engine's to say.
"""

from __future__ import annotations

from convo.engine.commands import (
    Accept,
    Acknowledge,
    Answer,
    Back,
    Capture,
    ChooseLanguage,
    Command,
    Dismiss,
    End,
    GoTo,
    Help,
    Move,
    Name,
    RaiseConcern,
    Refile,
    Rewrite,
    Skip,
    Speaker,
    Undo,
)
from convo.wording import say

# The kinds a command records directly, each by its own word (`/risk`, `/strength`, `/note`).
CAPTURES = ("risk", "strength", "note")


class CommandError(ValueError):
    """A line that is no command, or a command missing what it needs, in words for the person typing."""


def parse(line: str) -> Command:
    """The command a line typed in line mode stands for."""
    if not line.startswith("/") or line.startswith("//"):
        return Answer(line[1:] if line.startswith("//") else line)
    name, _, rest = line.partition(" ")
    name, rest = name.lower(), rest.strip()
    word = name.removeprefix("/")
    bare: dict[str, Command] = {"help": Help(), "back": Back(), "undo": Undo(), "end": End()}
    if word in bare:
        return bare[word]
    if word == "skip":
        return Skip(rest)
    if word == "rewrite":
        return Rewrite(line.partition(" ")[2])  # the words exactly as typed
    if word in ("c2", "c3"):
        return Move(int(word[1]), rest)
    if word == "accept":
        return Accept(rest)
    if word == "dismiss":
        return Dismiss(rest)
    if word == "from":
        return Speaker(rest.lower())
    if word in ("language", "iaith"):
        return ChooseLanguage(rest.lower())
    if word == "ack":
        if rest and not rest.isdecimal():
            raise CommandError(say("not_an_alert_number"))
        return Acknowledge(int(rest) if rest else None)
    if word == "refile":
        words = rest.lower().split()
        return Refile(words[0] if words else "", _number(words, 1), _number(words, 2))
    if word == "concern":
        category, _, note = rest.partition(" ")
        return RaiseConcern(category.lower().replace("-", "_"), note.strip())
    if word not in ("goto", "name", *CAPTURES):
        raise CommandError(say("unknown_command", name=name))
    if not rest:
        raise CommandError(say("needs_text", name=name))
    if word == "name":
        return Name(rest)
    if word in CAPTURES:
        return Capture(word, rest)
    words = rest.split()
    number = words[1] if len(words) > 1 else ""
    if number and not number.isdecimal():
        raise CommandError(say("not_an_outcome_number", number=number))
    return GoTo(words[0].lower(), int(number) if number else None)


def _number(words: list[str], index: int) -> int | None:
    return int(words[index]) if len(words) > index and words[index].isdecimal() else None


def spelled(command: Command) -> str:
    """A command as line mode would type it: what a log shows for a command given another way."""
    match command:
        case Answer(text=text):
            return "/" + text if text.startswith("/") else text
        case Skip(reason=reason):
            return _words("/skip", reason)
        case Back():
            return "/back"
        case GoTo(area=area, outcome=outcome):
            return _words("/goto", area, str(outcome) if outcome is not None else "")
        case Refile(kind=kind, item=item, outcome=outcome):
            return _words("/refile", kind, str(item) if item is not None else "",
                          str(outcome) if outcome is not None else "")
        case Move(part=part, reason=reason):
            return _words(f"/c{part}", reason)
        case Acknowledge(alert=alert):
            return _words("/ack", str(alert) if alert is not None else "")
        case RaiseConcern(category=category, note=note):
            return _words("/concern", category, note)
        case Speaker(who=who):
            return _words("/from", who)
        case Accept(cue=cue):
            return _words("/accept", cue)
        case Dismiss(cue=cue):
            return _words("/dismiss", cue)
        case Capture(kind=kind, text=text):
            return _words(f"/{kind}", text)
        case Name(text=text):
            return _words("/name", text)
        case Undo():
            return "/undo"
        case Rewrite(text=text):
            return _words("/rewrite", text)
        case End():
            return "/end"
        case Help():
            return "/help"
        case ChooseLanguage(language=language):
            return _words("/language", language)


def _words(*words: str) -> str:
    return " ".join(word for word in words if word)
