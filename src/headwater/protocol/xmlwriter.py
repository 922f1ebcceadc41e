"""A small, fast XML builder shared by the XML-speaking protocols (query, ec2, rest-xml).

It appends escaped text to a list and joins once: no tree, no model knowledge. Callers
decide element names, namespaces and nesting.

    xml = XmlWriter()
    with xml.element("GetUserResponse", xmlns="https://iam.amazonaws.com/doc/2010-05-08/"):
        xml.leaf("UserName", "bob & alice")
    body = xml.to_bytes()
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)


def escape_text(text: str) -> str:
    """``text`` safe as element content (``\\r`` kept as a character reference)."""
    return text.translate(_TEXT_ESCAPES)


def escape_attribute(text: str) -> str:
    """``text`` safe inside a double-quoted attribute value (whitespace preserved)."""
    return text.translate(_ATTRIBUTE_ESCAPES)


def start_tag(name: str, attributes: dict[str, str] | None = None, xmlns: str | None = None) -> str:
    """``<name xmlns="..." a="...">``; attributes with a None value are left out."""
    parts = [name]
    if xmlns is not None:
        parts.append(f'xmlns="{escape_attribute(xmlns)}"')
    for key, value in (attributes or {}).items():
        if value is not None:
            parts.append(f'{key}="{escape_attribute(value)}"')
    return f"<{' '.join(parts)}>"


class XmlWriter:
    """Accumulates an XML document; ``to_bytes`` gives it UTF-8 encoded."""

    def __init__(self, declaration: bool = True):
        self._parts: list[str] = [DECLARATION] if declaration else []

    def open(self, name: str, attributes: dict[str, str] | None = None, xmlns: str | None = None) -> None:
        self._parts.append(start_tag(name, attributes, xmlns))

    def close(self, name: str) -> None:
        self._parts.append(f"</{name}>")

    @contextmanager
    def element(
        self, name: str, attributes: dict[str, str] | None = None, xmlns: str | None = None
    ) -> Iterator["XmlWriter"]:
        """Open ``name``, let the caller write its content, close it."""
        self.open(name, attributes, xmlns)
        yield self
        self.close(name)

    def leaf(self, name: str, text: str, attributes: dict[str, str] | None = None) -> None:
        """``<name>text</name>`` with ``text`` escaped (an empty text gives ``<name></name>``)."""
        self._parts.append(f"{start_tag(name, attributes)}{escape_text(text)}</{name}>")

    def text(self, text: str) -> None:
        """Escaped character content at the current position."""
        self._parts.append(escape_text(text))

    def raw(self, markup: str) -> None:
        """Already-built markup, appended unchanged."""
        self._parts.append(markup)

    def to_str(self) -> str:
        return "".join(self._parts)

    def to_bytes(self) -> bytes:
        return self.to_str().encode("utf-8")
