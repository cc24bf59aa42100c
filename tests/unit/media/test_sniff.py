"""Type detection from bytes, and display names from users' filenames."""

from __future__ import annotations

import io
import struct
import wave

import pytest
from PIL import Image

from content.errors import InvalidInput
from content.media.sniff import SNIFF_BYTES, MediaType, clean_filename, sniff


def image_bytes(image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, image_format, **options)
    return buffer.getvalue()


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free"


def ebml(doctype: bytes) -> bytes:
    # EBML header: EBMLVersion 1, then DocType.
    element = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(element)]) + element + b"\x18\x53\x80\x67"


def ogg(identification: bytes) -> bytes:
    header = b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x00\x00\x00" + b"\x00" * 8 + b"\x01"
    return header + bytes([len(identification)]) + identification


def mp3_frames(count: int = 3) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
    frame = b"\xff\xfb\x90\x00" + b"\x00" * 413
    return frame * count


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 100)
    return buffer.getvalue()


ACCEPTED = [
    ("jpeg", image_bytes("JPEG"), "image/jpeg", "image", "jpg"),
    ("png", image_bytes("PNG"), "image/png", "image", "png"),
    ("gif", image_bytes("GIF"), "image/gif", "image", "gif"),
    ("webp", image_bytes("WEBP"), "image/webp", "image", "webp"),
    ("mp4", ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video/mp4", "video", "mp4"),
    ("mp4-mp42", ftyp(b"mp42", b"mp42", b"isom"), "video/mp4", "video", "mp4"),
    ("m4a", ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4", "audio", "m4a"),
    ("mov", ftyp(b"qt  ", b"qt  "), "video/quicktime", "video", "mov"),
    ("mp4-other-brand", ftyp(b"XAVC", b"XAVC", b"mp42", b"iso2"), "video/mp4", "video", "mp4"),
    ("webm", ebml(b"webm"), "video/webm", "video", "webm"),
    ("mkv", ebml(b"matroska"), "video/x-matroska", "video", "mkv"),
    ("mp3-id3", b"ID3\x04\x00\x00\x00\x00\x10\x00" + b"\x00" * 100, "audio/mpeg", "audio", "mp3"),
    ("mp3-frames", mp3_frames(), "audio/mpeg", "audio", "mp3"),
    ("opus", ogg(b"OpusHead\x01\x02\x38\x01"), "audio/ogg", "audio", "opus"),
    ("vorbis", ogg(b"\x01vorbis\x00\x00\x00\x00"), "audio/ogg", "audio", "ogg"),
    ("wav", wav_bytes(), "audio/wav", "audio", "wav"),
    (
        "pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>",
        "application/pdf",
        "document",
        "pdf",
    ),
]


@pytest.mark.parametrize(
    ("data", "mime", "kind", "extension"),
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_accepted_types(data, mime, kind, extension):
    assert sniff(data) == MediaType(mime, kind, extension)


def test_only_the_head_is_looked_at():
    assert sniff(image_bytes("PNG") + b"<script>" * 10_000).mime == "image/png"
    assert SNIFF_BYTES >= 2 * 1441 + 4  # two of the longest MP3 frames


REFUSED = [
    ("html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
    ("html-bom", b"\xef\xbb\xbf<html><script>alert(1)</script>"),
    ("html-lowercase", b"  \n<html>"),
    ("svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("svg-xml", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ("shell", b"#!/bin/sh\nrm -rf /\n"),
    ("python", b"import os\nos.system('id')\n"),
    ("javascript", b"alert(document.cookie)"),
    ("php", b"<?php system($_GET['c']); ?>"),
    ("elf", b"\x7fELF\x02\x01\x01" + b"\x00" * 50),
    ("windows-exe", b"MZ\x90\x00\x03" + b"\x00" * 50),
    ("mach-o", b"\xcf\xfa\xed\xfe" + b"\x00" * 50),
    ("zip", b"PK\x03\x04\x14\x00\x00\x00"),
    ("docx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"),
    ("ole-doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50),
    ("rar", b"Rar!\x1a\x07\x01\x00"),
    ("heic", ftyp(b"heic", b"mif1", b"heic")),
    ("avif", ftyp(b"avif", b"avif", b"mif1", b"miaf")),
    ("heif-claims-mp4", ftyp(b"XXXX", b"mif1", b"isom")),
    ("riff-avi", b"RIFF\x00\x00\x00\x00AVI LIST"),
    ("ogg-theora", ogg(b"\x80theora")),
    ("ebml-other", ebml(b"other")),
    ("aac-adts", b"\xff\xf1\x50\x80\x02\x1f\xfc" * 10),
    ("one-mp3-sync-then-junk", b"\xff\xfb\x90\x00" + b"\x00" * 413 + b"nope" * 10),
    ("text", b"just some text"),
    ("pdf-late-header", b"junk\n%PDF-1.7"),
    ("pdf-polyglot", b"%PDF-1.4\n<html><script>alert(1)</script>"),
    ("mp3-polyglot", b"ID3\x04\x00\x00\x00\x00\x10\x00<script>alert(1)</script>"),
    ("mp4-polyglot", ftyp(b"isom", b"isom") + b"<iframe src=//evil>"),
]


@pytest.mark.parametrize("data", [case[1] for case in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_types(data):
    with pytest.raises(InvalidInput) as caught:
        sniff(data)
    assert (caught.value.field, caught.value.reason) == ("file", "unsupported_type")


def test_html_named_jpg_is_refused(tmp_path):
    # The name and the browser's Content-Type say JPEG; only the bytes count.
    upload = tmp_path / "photo.jpg"
    upload.write_bytes(b"<html><body onload=alert(1)>")
    with pytest.raises(InvalidInput):
        sniff(upload.read_bytes()[:SNIFF_BYTES])


def test_empty_file():
    with pytest.raises(InvalidInput) as caught:
        sniff(b"")
    assert caught.value.reason == "empty"


def test_kinds_restrict_the_answer():
    assert sniff(image_bytes("PNG"), kinds={"image"}).kind == "image"
    with pytest.raises(InvalidInput) as caught:
        sniff(b"%PDF-1.7\n", kinds={"image"})
    assert caught.value.reason == "unsupported_type"


# --- display names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.jpg", "photo.jpg"),
        ("میری کہانی.jpg", "میری کہانی.jpg"),
        ("ہمارا گاؤں ۲۰۲۴.png", "ہمارا گاؤں ۲۰۲۴.png"),
        ("می\u200cخواهم.pdf", "می\u200cخواهم.pdf"),  # ZWNJ is part of Persian/Urdu spelling
        ("पेशावर की कहानी.mp3", "पेशावर की कहानी.mp3"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("C:\\Users\\ali\\Desktop\\سفر.jpg", "سفر.jpg"),
        ("/absolute/path/to/file.txt", "file.txt"),
        ("..", "file"),
        ("...", "file"),
        ("", "file"),
        ("   ", "file"),
        ("images/", "file"),
        (".htaccess", "htaccess"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("\u2067عکس\u2069.jpg", "عکس.jpg"),
        ("a\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069b", "ab"),
        ("bad\x00name\x07.jpg", "badname.jpg"),
        ("tab\tnew\nline.jpg", "tab new line.jpg"),
        ("many     spaces .jpg", "many spaces .jpg"),
        ("e\u0301te\u0301.jpg", "été.jpg"),  # NFC
        ('what?"<is>"|this*.jpg', "what___is___this_.jpg"),
        ("\ufeffbom.jpg", "bom.jpg"),
        ("name.", "name"),
    ],
)
def test_clean_filename(name, expected):
    assert clean_filename(name) == expected


def test_clean_filename_keeps_urdu_where_secure_filename_would_not():
    # werkzeug.utils.secure_filename("تصویر.jpg") == "jpg": display names must not go that way.
    assert clean_filename("تصویر.jpg") == "تصویر.jpg"


def test_clean_filename_trims_and_keeps_the_extension():
    name = clean_filename("ک" * 300 + ".jpeg")
    assert len(name) == 120
    assert name.endswith("ک.jpeg")
    assert len(clean_filename("x" * 300)) == 120
    assert clean_filename("a" * 10 + ".jpg", max_length=8) == "aaaa.jpg"


def test_clean_filename_does_not_strand_a_combining_mark():
    # "کِ" is a letter and a vowel mark: cutting between them would leave a lone mark.
    name = clean_filename("کِ" * 100, max_length=51)
    assert not name.endswith("ک")
    assert len(name) <= 51
    assert name == "کِ" * 25


@pytest.mark.parametrize("value", [None, 42, b"bytes.jpg"])
def test_clean_filename_of_non_strings(value):
    assert clean_filename(value) == "file"
