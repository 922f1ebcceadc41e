"""The literals of one MySQL statement's text, found without parsing it.

``scan`` splits a statement into its *shape* (the text with every number and string
literal replaced by a marker of its kind) and the literals themselves, with their offsets
and values. Statements of one shape translate alike, so a translation learnt once for a
shape serves every later statement of that shape with new values bound as parameters (see
``translations``). Whatever the scanner is not sure to read exactly as MySQL does (comments,
``X'..'``/``_charset'..'`` prefixes, unusual escapes) gives no scan at all: such statements
always take the full parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

#: Backslash escapes of MySQL strings and what they stand for (``\\%`` and ``\\_`` keep
#: their backslash, for LIKE patterns). Any other escape makes the text unscannable.
ESCAPES = {"0": "\0", "'": "'", '"': '"', "b": "\b", "n": "\n", "r": "\r", "t": "\t",
           "Z": "\x1a", "\\": "\\", "%": "\\%", "_": "\\_"}
INT64_MAX = 2**63 - 1
#: Longer statements (bulk inserts) are seldom sent twice alike: not worth scanning.
MAX_LENGTH = 8192

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
      | (?P<word>[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*)
      | (?P<quoted>`(?:[^`]|``)*`)
      | (?P<comment>/\*|--|\#)
      | (?P<other>[^\s'"`\w$#])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES_IN = {"'": re.compile(r"\\(.)|''", re.DOTALL), '"': re.compile(r'\\(.)|""', re.DOTALL)}


@dataclass(frozen=True)
class Literal:
    start: int
    kind: str  # "i" integer, "f" other number, "s" string
    value: int | float | str
    text: str


@dataclass
class Scan:
    text: str
    shape: str
    literals: tuple[Literal, ...]

    def at(self, start: int) -> int | None:
        """The index of the literal that starts at ``start``, if any."""
        return self._starts.get(start)

    @cached_property
    def _starts(self) -> dict[int, int]:
        return {literal.start: index for index, literal in enumerate(self.literals)}


class Unscannable(ValueError):
    pass


def scan(sql: str) -> Scan | None:
    """The shape and literals of ``sql``, or None when it holds anything not read exactly."""
    if len(sql) > MAX_LENGTH:
        return None
    try:
        return _scan(sql)
    except Unscannable:
        return None


def _scan(sql: str) -> Scan:
    parts: list[str] = []
    literals: list[Literal] = []
    position, previous = 0, ""
    while position < len(sql):
        match = _TOKEN.match(sql, position)
        if match is None or match.lastgroup == "comment":
            raise Unscannable(sql)
        kind, text = match.lastgroup, match.group()
        if kind in ("string", "number"):
            if previous in ("word", "number", "string", "quoted"):
                raise Unscannable(sql)  # x'..', _utf8mb4'..', 1.2.3, 'a''b' read apart
            literal = _literal(position, kind, text)
            literals.append(literal)
            parts.append(f"\0{literal.kind}")
        else:
            if kind == "word" and previous == "number":
                raise Unscannable(sql)  # 0x1F, 12abc
            parts.append(text)
        previous = kind
        position = match.end()
    return Scan(sql, "".join(parts), tuple(literals))


def _literal(start: int, kind: str, text: str) -> Literal:
    if kind == "number":
        if text.isdigit():
            value = int(text)
            return Literal(start, "i", value, text) if value <= INT64_MAX else Literal(start, "f", float(text), text)
        return Literal(start, "f", float(text), text)
    quote, body = text[0], text[1:-1]
    return Literal(start, "s", _ESCAPES_IN[quote].sub(_unescape, body), text)


def _unescape(match: re.Match) -> str:
    if match.group(1) is None:
        return match.group()[0]  # a doubled quote
    try:
        return ESCAPES[match.group(1)]
    except KeyError:
        raise Unscannable(match.group()) from None
