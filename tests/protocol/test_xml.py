"""The XML layer the query, ec2 and rest-xml protocols share: the escaping builder and the
shape-driven writer and reader (each layout written, then read back, with both list item
names; attributes, namespaces and members that live outside the body)."""

from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree

import botocore.model
import pytest

from headwater.protocol import scalars
from headwater.protocol.xmlshapes import XmlShapes
from headwater.protocol.xmlwriter import XmlWriter, escape_attribute, escape_text

MODEL = botocore.model.ServiceModel(
    {
        "metadata": {"protocol": "rest-xml", "apiVersion": "2020-01-01", "endpointPrefix": "layouts"},
        "operations": {},
        "shapes": {
            "Layouts": {
                "type": "structure",
                "members": {
                    "Kind": {"shape": "String", "xmlAttribute": True, "locationName": "xsi:type"},
                    "Plain": {"shape": "StringList"},
                    "Flat": {"shape": "StringList", "flattened": True},
                    "FlatNamed": {"shape": "NamedList", "flattened": True},
                    "Renamed": {"shape": "NamedList", "locationName": "Other"},
                    "Nested": {"shape": "NestedList"},
                    "Pairs": {"shape": "NamedMap"},
                    "FlatPairs": {"shape": "IntegerMap", "flattened": True},
                    "Inner": {"shape": "Inner"},
                    "When": {"shape": "Timestamp"},
                    "Epoch": {"shape": "Timestamp", "timestampFormat": "unixTimestamp"},
                    "Header": {"shape": "String", "location": "header", "locationName": "x-header"},
                },
                "xmlNamespace": {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"},
            },
            "Inner": {
                "type": "structure",
                "members": {"Flag": {"shape": "Boolean"}, "Data": {"shape": "Blob"}},
                "xmlNamespace": {"uri": "urn:inner"},
            },
            "StringList": {"type": "list", "member": {"shape": "String"}},
            "NamedList": {"type": "list", "member": {"shape": "String", "locationName": "Thing"}},
            "NestedList": {"type": "list", "member": {"shape": "NamedList"}},
            "NamedMap": {
                "type": "map",
                "key": {"shape": "String", "locationName": "Name"},
                "value": {"shape": "String", "locationName": "Val"},
            },
            "IntegerMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Integer"}},
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
            "Boolean": {"type": "boolean"},
            "Blob": {"type": "blob"},
            "Timestamp": {"type": "timestamp"},
        },
    },
    service_name="layouts",
)
SHAPE = MODEL.shape_for("Layouts")
MOMENT = datetime(2024, 2, 29, 23, 59, 58, 250000, tzinfo=timezone.utc)
VALUE = {
    "Kind": "CanonicalUser",
    "Plain": ["a & b", "<c>"],
    "Flat": ["x", "ü"],
    "FlatNamed": ["one", "two"],
    "Renamed": ["r"],
    "Nested": [["p", "q"], []],
    "Pairs": {"k 1": "v\r\n1"},
    "FlatPairs": {"x": 1, "y": -2},
    "Inner": {"Flag": True, "Data": b"\x00\xff"},
    "When": MOMENT,
    "Epoch": MOMENT.replace(microsecond=0),
}


def written(xml_shapes: XmlShapes, value: dict, namespace: str | None = "urn:root") -> str:
    xml = XmlWriter(declaration=False)
    xml_shapes.write_structure(xml, "Root", SHAPE, value, namespace)
    return xml.to_str()


@pytest.mark.parametrize("item", ["member", "item"])
def test_every_layout_reads_back_as_written(item):
    xml_shapes = XmlShapes(item)
    document = written(xml_shapes, {**VALUE, "Header": "not in the body"})
    assert "not in the body" not in document
    assert xml_shapes.read(SHAPE, ElementTree.fromstring(document)) == VALUE


def test_layouts_on_the_wire():
    document = written(XmlShapes("item"), VALUE)
    assert document.startswith(
        '<Root xmlns="urn:root" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">'
        "<Plain><item>a &amp; b</item><item>&lt;c&gt;</item></Plain><Flat>x</Flat><Flat>ü</Flat>"
        "<Thing>one</Thing><Thing>two</Thing><Other><Thing>r</Thing></Other>"
        "<Nested><item><Thing>p</Thing><Thing>q</Thing></item><item></item></Nested>"
        "<Pairs><entry><Name>k 1</Name><Val>v&#13;\n1</Val></entry></Pairs>"
        "<FlatPairs><key>x</key><value>1</value></FlatPairs><FlatPairs><key>y</key><value>-2</value></FlatPairs>"
        '<Inner xmlns="urn:inner"><Flag>true</Flag><Data>AP8=</Data></Inner>'
        "<When>2024-02-29T23:59:58.250Z</When><Epoch>1709251198</Epoch></Root>"
    )
    assert "<Plain><member>" in written(XmlShapes("member"), VALUE)


def test_members_follow_the_value_order_and_skip_unknown_or_absent_ones():
    xml = XmlWriter(declaration=False)
    XmlShapes().write_members(xml, SHAPE, {"Epoch": 0, "Unknown": "x", "Flat": ["f"], "Renamed": None})
    assert xml.to_str() == "<Epoch>0</Epoch><Flat>f</Flat>"


def test_reading_ignores_prefixes_and_unknown_elements():
    document = (
        '<s:Root xmlns:s="urn:s" xmlns:x="urn:x" x:type="Group"><s:Flat>a</s:Flat><Unknown>?</Unknown>'
        "<s:Inner><s:Flag>false</s:Flag></s:Inner><s:Pairs><s:entry><s:Name>n</s:Name></s:entry></s:Pairs></s:Root>"
    )
    parsed = XmlShapes().read(SHAPE, ElementTree.fromstring(document))
    assert parsed == {"Kind": "Group", "Flat": ["a"], "Inner": {"Flag": False}, "Pairs": {}}


@pytest.mark.parametrize(
    "element",
    ["<Epoch>soon</Epoch>", "<Inner><Flag>perhaps</Flag></Inner>", "<FlatPairs><key>k</key><value>1.5</value></FlatPairs>"],
)
def test_malformed_scalar_text_is_a_scalar_error(element):
    with pytest.raises(scalars.ScalarError):
        XmlShapes().read(SHAPE, ElementTree.fromstring(f"<Root>{element}</Root>"))


# --- the builder --------------------------------------------------------------------------


def test_xml_writer_escapes_text_and_attributes():
    xml = XmlWriter(declaration=False)
    with xml.element("Root", {"a": 'x"<&>\n', "skipped": None}, xmlns="urn:x"):
        xml.leaf("Text", "a & b < c > d\r")
        xml.leaf("Empty", "")
        xml.text("&")
        xml.raw("<Raw/>")
    assert xml.to_str() == (
        '<Root xmlns="urn:x" a="x&quot;&lt;&amp;&gt;&#10;"><Text>a &amp; b &lt; c &gt; d&#13;</Text>'
        "<Empty></Empty>&amp;<Raw/></Root>"
    )
    assert XmlWriter().to_bytes() == b'<?xml version="1.0" encoding="UTF-8"?>'
    assert escape_text("ü") == "ü" and escape_attribute("\t") == "&#9;"
