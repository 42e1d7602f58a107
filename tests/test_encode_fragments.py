"""Small inputs → the TEI fragment they become."""

from __future__ import annotations

import pytest
from lxml import etree

from edition import callouts, encode, teiwrite
from edition.errors import EditionError
from edition.seeds import decode_text


def body(text: str) -> str:
    doc = encode.encode_text(decode_text("t.txt", text.encode("utf-8")))
    div = teiwrite.body_div(doc)
    return etree.tostring(div, encoding="unicode").replace(' xmlns="http://www.tei-c.org/ns/1.0"', "")


HEAD = "7. Memorandum From Clark to Reagan1\n\n\n"
NOTE = "\n\n  1. Source: Reagan Library, NSC Files; Secret."

FRAGMENTS = [
    # (paragraph text, expected <p> or block element)
    ("Making good [Page 524] progress.", '<p xml:id="d7p1">Making good <pb n="524" xml:id="pg_524"/>progress.</p>'),
    ("The longev[Page 532] ity of it.", '<p xml:id="d7p1">The longev<pb n="532" xml:id="pg_532"/>ity of it.</p>'),
    ("Needs to be done. (S)", '<p xml:id="d7p1">Needs to be done. <seg type="classification" subtype="paragraph" ana="#class-secret">(S)</seg></p>'),
    ("(C/NF) First words.", '<p xml:id="d7p1"><seg type="classification" subtype="paragraph" ana="#class-confidential #caveat-noforn">(C/NF)</seg> First words.</p>'),
    ("The agency (GIFA) and (US) and (NSC).", '<p xml:id="d7p1">The agency (GIFA) and (US) and (NSC).</p>'),
    ("Options (A), (B) and (C) were studied.", '<p xml:id="d7p1">Options (A), (B) and (C) were studied.</p>'),
    ("1. TS—Entire text.", '<p xml:id="d7p1">1. <seg type="classification" subtype="entire-text" ana="#class-top-secret">TS—Entire text</seg>.</p>'),
    ("Line one\nline two", '<p xml:id="d7p1">Line one<lb/>line two</p>'),
]


@pytest.mark.parametrize("para, expected", FRAGMENTS, ids=[f for f, _ in FRAGMENTS])
def test_paragraph_fragment(para, expected):
    assert expected in body(HEAD + para + NOTE)


def test_head_with_page_break_and_source_note():
    xml = body("[Page 527] 7. Memorandum From Clark to Reagan1\n\n\nText." + NOTE)
    assert xml.startswith('<div type="document" subtype="historical-document" n="7" xml:id="d7"><pb n="527" xml:id="pg_527"/><head>7. Memorandum From Clark to Reagan<note n="1" type="source" xml:id="d7fn1">')
    assert '<bibl type="archival">Reagan Library, NSC Files</bibl>; <seg type="classification" subtype="document" ana="#class-secret">Secret</seg>.' in xml


def test_no_classification_marking_is_recognised():
    xml = body(HEAD + "Text.\n\n  1. Source: Reagan Library, Head of State File (8591245). No classification marking.")
    assert '<seg type="classification" subtype="document" ana="#class-no-marking">No classification marking</seg>' in xml


def test_signature_salutation_and_valediction():
    xml = body(HEAD + "Dear Mr. President:\n\nI write.\n\nSincerely,\n\nRonald Reagan" + NOTE)
    assert "<opener><salute>Dear Mr. President:</salute></opener>" in xml
    assert '<p xml:id="d7p2">Sincerely,</p><closer><signed>Ronald Reagan</signed></closer>' in xml


def test_a_last_sentence_is_not_taken_for_a_signature():
    xml = body(HEAD + "First.\n\nWe agreed to meet again." + NOTE)
    assert "<closer>" not in xml


def test_callouts_glued_to_numbers_are_resolved_in_order():
    segments = [("National Security Decision Directive 2031", 0), ("telegram Moscow 4629.2 The SA–5 missiles.3", 100)]
    chosen = callouts.resolve(segments, 3)
    texts = [segments[0][0] if c.offset < 100 else segments[1][0] for c in chosen]
    assert [(c.offset, c.length) for c in chosen] == [(40, 1), (100 + 21, 1), (100 + 41, 1)]
    assert texts[0][40] == "1"


def test_a_decoy_number_does_not_take_a_callout():
    # "SA–5" could be note 2's callout, but the glued "missiles.2" is the plausible one.
    chosen = callouts.resolve([("Reagan1 said the SA–5 missiles.2", 0)], 2)
    assert [c.offset for c in chosen] == [6, 31]


def test_footnote_paragraphs_and_lists_in_notes():
    xml = body(HEAD + "Text.\n\n  1. Source: Reagan Library; Secret.\nSecond paragraph.")
    assert '<note n="1" type="source" xml:id="d7fn1"><p>Source:' in xml and "<p>Second paragraph.</p></note>" in xml


def test_callout_with_no_footnote_is_refused():
    with pytest.raises(EditionError) as err:
        body(HEAD + "Text of the memo.2" + NOTE)
    assert str(err.value) == "t.txt:4:18: error: callout 2 has no footnote (there is only footnote 1); add footnote 2 at the end or remove the callout"
