"""The SSML builder, alone."""

from xml.etree import ElementTree

import pytest

from skill import ssml

pytestmark = pytest.mark.unit


def test_render_wraps_each_segment_in_a_paragraph_and_drops_empty_ones():
    assert ssml.render(["One.", " ", "Two."]) == "<p>One.</p><p>Two.</p>"


def test_reserved_characters_are_escaped_and_parse_as_xml():
    body = ssml.render(['Salt & water <not a tag> "quoted" don\'t'])
    assert "&amp;" in body and "&lt;not a tag&gt;" in body and "&apos;" in body
    root = ElementTree.fromstring(f"<speak>{body}</speak>")
    assert root.find("p").text == 'Salt & water <not a tag> "quoted" don\'t'


def test_plain_text_is_what_the_listener_hears():
    body = ssml.render(["Hello & welcome.", "Bye."])
    assert ssml.to_plain_text(f"<speak>{body}</speak>") == "Hello & welcome. Bye."


def test_render_of_nothing_is_empty():
    assert ssml.render([]) == ""
