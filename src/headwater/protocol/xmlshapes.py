"""Values as XML along botocore shapes, both ways, for the XML-speaking protocols.

``XmlShapes`` writes a value of any shape as elements (awsQuery and ec2 response members
and error details, rest-xml documents) and reads rest-xml payloads back, with botocore's
layout:

* a structure member is the element its ``locationName`` names (else the member name),
  written in the order of the value's keys (handlers choose AWS's order); members bound
  to an HTTP ``location`` (header, URI, status) are not in the body; ``xmlAttribute`` members are attributes of the structure's element
  and an ``xmlNamespace`` trait declares its namespace (a default one, or a prefix);
* a list wraps its items in elements named by the item's ``locationName``, else by
  ``list_item`` (``member``; ec2 says ``item``); a flattened list repeats its own element
  once per item (named by the item's ``locationName`` when it has one);
* a map holds ``<entry><key/><value/></entry>`` elements (names from ``locationName``);
  a flattened map repeats its own element around each key and value;
* a scalar is its text (``scalars.to_text``: timestamps ISO 8601 unless the shape says
  otherwise); reading malformed text raises ``scalars.ScalarError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element

from botocore.model import Shape

from headwater.protocol import scalars
from headwater.protocol.xmlwriter import XmlWriter


class BodyMember(NamedTuple):
    """A structure member as the XML body carries it."""

    name: str
    wire: str  # element, or attribute when ``attribute``
    shape: Shape
    attribute: bool


@lru_cache(maxsize=None)
def body_members(shape: Shape) -> dict[str, BodyMember]:
    """Member name → how it travels in the XML body, for the members of structure ``shape``
    that are not bound to an HTTP location (in model order)."""
    return {
        name: BodyMember(name, element_name(member, name), member, bool(member.serialization.get("xmlAttribute")))
        for name, member in shape.members.items()
        if "location" not in member.serialization
    }


@lru_cache(maxsize=None)
def _attribute_members(shape: Shape) -> tuple[BodyMember, ...]:
    return tuple(member for member in body_members(shape).values() if member.attribute)


def element_name(member: Shape, default: str) -> str:
    """The element a structure member is written as (a flattened list's items use their own name)."""
    name = member.serialization.get("name", default)
    if member.type_name == "list" and member.serialization.get("flattened"):
        return member.member.serialization.get("name", name)
    return name


def local_name(tag: str) -> str:
    """A tag or attribute name without its ``{namespace}`` or ``prefix:``."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _entry_names(shape: Shape) -> tuple[str, str]:
    return shape.key.serialization.get("name", "key"), shape.value.serialization.get("name", "value")


@dataclass(frozen=True)
class XmlShapes:
    """Writes and reads values along shapes; ``list_item`` names list items the model leaves unnamed."""

    list_item: str = "member"

    # --- writing --------------------------------------------------------------------------

    def write(self, xml: XmlWriter, name: str, shape: Shape, value: Any) -> None:
        """``value`` as the element ``name`` (a flattened list or map: as repeated elements)."""
        kind = shape.type_name
        if kind == "structure":
            self.write_structure(xml, name, shape, value)
        elif kind == "list":
            self._write_list(xml, name, shape, value)
        elif kind == "map":
            self._write_map(xml, name, shape, value)
        else:
            xml.leaf(name, scalars.to_text(shape, value))

    def write_structure(
        self, xml: XmlWriter, name: str, shape: Shape, value: dict, namespace: str | None = None
    ) -> None:
        """``<name>`` with the structure's attributes and namespace, holding its members;
        ``namespace`` is the default namespace a document's root element declares."""
        attributes = {}
        declared = shape.serialization.get("xmlNamespace")
        if declared and declared.get("prefix"):
            attributes[f"xmlns:{declared['prefix']}"] = declared["uri"]
        elif declared and namespace is None:
            namespace = declared.get("uri")
        for member in _attribute_members(shape):
            item = value.get(member.name)
            if item is not None:
                attributes[member.wire] = scalars.to_text(member.shape, item)
        xml.open(name, attributes, namespace)
        self.write_members(xml, shape, value)
        xml.close(name)

    def write_members(self, xml: XmlWriter, shape: Shape, value: dict) -> None:
        """The members of ``value`` (a structure of ``shape``) as child elements."""
        members = body_members(shape)
        for name, item in value.items():
            member = members.get(name)
            if member is not None and item is not None and not member.attribute:
                self.write(xml, member.wire, member.shape, item)

    def _write_list(self, xml: XmlWriter, name: str, shape: Shape, value: list) -> None:
        if shape.serialization.get("flattened"):
            for item in value:
                self.write(xml, name, shape.member, item)
            return
        item_name = shape.member.serialization.get("name", self.list_item)
        xml.open(name)
        for item in value:
            self.write(xml, item_name, shape.member, item)
        xml.close(name)

    def _write_map(self, xml: XmlWriter, name: str, shape: Shape, value: dict) -> None:
        key_name, value_name = _entry_names(shape)
        flattened = shape.serialization.get("flattened")
        entry = name if flattened else "entry"
        if not flattened:
            xml.open(name)
        for key, item in value.items():
            xml.open(entry)
            xml.leaf(key_name, scalars.to_text(shape.key, key))
            self.write(xml, value_name, shape.value, item)
            xml.close(entry)
        if not flattened:
            xml.close(name)

    # --- reading --------------------------------------------------------------------------

    def read(self, shape: Shape, node: Element) -> Any:
        """The value of ``shape`` held by ``node``; bad scalar text raises ``scalars.ScalarError``."""
        kind = shape.type_name
        if kind == "structure":
            return self._read_structure(shape, node)
        if kind == "list":
            item = shape.member.serialization.get("name", self.list_item)
            return [self.read(shape.member, child) for child in node if local_name(child.tag) == item]
        if kind == "map":
            return self._read_map(shape, [child for child in node if local_name(child.tag) == "entry"])
        return scalars.from_text(shape, node.text or "")

    def _read_structure(self, shape: Shape, node: Element) -> dict:
        children: dict[str, list[Element]] = {}
        for child in node:
            children.setdefault(local_name(child.tag), []).append(child)
        result = {}
        for member in body_members(shape).values():
            if member.attribute:
                text = _attribute(node, local_name(member.wire))
                if text is not None:
                    result[member.name] = scalars.from_text(member.shape, text)
            elif member.wire in children:
                result[member.name] = self._read_member(member.shape, children[member.wire])
        return result

    def _read_member(self, shape: Shape, found: list[Element]) -> Any:
        """A member from the elements named as it: all of them when it is flattened."""
        if shape.serialization.get("flattened") and shape.type_name == "list":
            return [self.read(shape.member, item) for item in found]
        if shape.serialization.get("flattened") and shape.type_name == "map":
            return self._read_map(shape, found)
        return self.read(shape, found[0])

    def _read_map(self, shape: Shape, entries: list[Element]) -> dict:
        key_name, value_name = _entry_names(shape)
        result = {}
        for entry in entries:
            parts = {local_name(child.tag): child for child in entry}
            if key_name in parts and value_name in parts:
                result[parts[key_name].text or ""] = self.read(shape.value, parts[value_name])
        return result


def _attribute(node: Element, wanted: str) -> str | None:
    """The value of ``node``'s attribute whose local name is ``wanted``."""
    return next((value for key, value in node.attrib.items() if local_name(key) == wanted), None)
