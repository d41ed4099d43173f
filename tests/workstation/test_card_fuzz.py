"""Fuzzing the card protocol's parsers: whatever bytes come in, the answer is a result or a
ProtocolError (FrameError, TextBlockError, UnsupportedCard are its subclasses), never
another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workstation.devices.idcard import ProtocolError
from workstation.devices.sam_serial import (
    PREAMBLE,
    Frame,
    FrameError,
    FrameReader,
    parse_frame,
    parse_read_reply,
    parse_text_block,
)
from workstation.domain.identity import IdentityDocument, document_problems, expiry
from workstation.simulation.sim_reader import ForeignCard, PermitCard, ResidentCard, frame, reply, ucs2

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that lean towards frames: preamble pieces, lengths, and noise.
frame_ish = st.lists(
    st.one_of(st.binary(max_size=12), st.just(PREAMBLE), st.just(PREAMBLE[:3]),
              st.integers(0, 0x1FFF).map(lambda n: n.to_bytes(2, "big")),
              st.binary(min_size=1, max_size=64).map(lambda body: frame(body)),
              st.binary(min_size=3, max_size=64).map(lambda body: frame(body, corrupt_checksum=True))),
    max_size=12,
).map(b"".join)


@FUZZ
@given(st.one_of(st.binary(max_size=300), frame_ish))
def test_parse_frame_gives_a_frame_or_a_frame_error(data):
    try:
        result = parse_frame(data)
    except FrameError:
        return
    assert isinstance(result, Frame)
    assert result.to_bytes() == data


@FUZZ
@given(st.one_of(st.binary(max_size=600), frame_ish), st.lists(st.integers(1, 64), max_size=20))
def test_frame_reader_never_raises_anything_else_and_always_ends(data, cuts):
    reader = FrameReader()
    frames = 0
    position = 0
    for size in [*cuts, len(data)]:
        reader.feed(data[position:position + size])
        position += size
        for _ in range(len(data) + 2):  # each step consumes input: this bound is never reached
            try:
                result = reader.next_frame()
            except FrameError:
                continue
            if result is None:
                break
            assert isinstance(result, Frame)
            frames += 1
        else:
            raise AssertionError("next_frame kept returning without consuming input")
        assert reader.wanted() >= 1
    assert frames <= len(data) // 8 + 1


@FUZZ
@given(noise_before=st.lists(st.sampled_from([b"\xaa", b"\xaa\xaa", b"\x96\x69", b"\x00", b"\xff"]),
                            max_size=20).map(b"".join) | st.binary(max_size=80),
       noise_after=st.binary(max_size=80),
       body=st.binary(min_size=3, max_size=200), cuts=st.lists(st.integers(1, 40), max_size=30))
def test_frame_reader_resyncs_after_garbage(noise_before, noise_after, body, cuts):
    # Noise with no whole preamble; its tail cannot form one with the frame's start either,
    # since the preamble has no border (no proper prefix that is also a suffix).
    assume(PREAMBLE not in noise_before)
    wire = noise_before + frame(body) + noise_after
    reader = FrameReader()
    found = []
    position = 0
    for size in [*cuts, len(wire)]:
        reader.feed(wire[position:position + size])
        position += size
        found += reader.frames()
    assert found[:1] == [Frame(body)]
    assert reader.discarded >= len(noise_before)


@FUZZ
@given(st.binary(min_size=0, max_size=300))
def test_text_block_parser_on_any_bytes(data):
    check_block(data)


def field_texts():
    return st.text(alphabet=st.characters(codec="utf-16", exclude_categories=("Cs",)), max_size=20)


@FUZZ
@given(template=st.sampled_from([ResidentCard().block(), PermitCard().block(), ForeignCard().block()]),
       patches=st.lists(st.tuples(st.integers(0, 255), field_texts()), max_size=6),
       raw=st.lists(st.tuples(st.integers(0, 255), st.binary(min_size=1, max_size=8)), max_size=4))
def test_text_block_parser_on_damaged_real_blocks(template, patches, raw):
    block = bytearray(template)
    for offset, text in patches:
        encoded = ucs2(text, 64)[: 256 - offset]
        block[offset:offset + len(encoded)] = encoded
    for offset, data in raw:
        block[offset:offset + len(data)] = data[: 256 - offset]
    check_block(bytes(block[:256]))


def check_block(block: bytes) -> None:
    try:
        document = parse_text_block(block)
    except ProtocolError:
        return
    assert isinstance(document, IdentityDocument)
    # What a parsed document meets next must hold up too.
    document_problems(document)
    expiry(document)
    document.masked_dict()
    repr(document)


@FUZZ
@given(st.one_of(st.binary(max_size=1400),
                 st.tuples(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.binary(max_size=1400))
                 .map(lambda t: t[0].to_bytes(2, "big") + t[1].to_bytes(2, "big") + t[2])))
def test_read_reply_parser_on_any_bytes(data):
    try:
        parse_read_reply(data)
    except ProtocolError:
        pass


def test_a_real_reply_round_trips():
    raw = reply(0x90, (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + ResidentCard().block() + bytes(1024))
    parsed = parse_frame(raw)
    assert parsed.status == 0x90
    assert parse_read_reply(parsed.data).name == "张三"
