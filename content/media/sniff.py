"""What an uploaded file is, decided from its bytes, and what its display name may be.

This module owns the hub's list of accepted media types. ``sniff`` looks only at the first
bytes of a file (``SNIFF_BYTES``; read them with ``MediaStore.read_head``); the filename and the
browser's Content-Type are never consulted, since both are the uploader's to choose. It is an
allowlist: anything not recognised as one of the types below is refused, which covers HTML,
SVG (a script container), scripts, executables and zip-based office files without having to
enumerate them. As defence in depth, audio, video and PDF files whose first bytes carry HTML or
XML markup are refused even when they start like an accepted type (polyglots), because some
clients still sniff content; images are re-encoded instead, so they are never served as sent.

``clean_filename`` turns a user's filename into a safe *display* name (never a storage key:
those come from ``store.new_key``), keeping non-Latin scripts intact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from content.errors import InvalidInput

__all__ = [
    "KINDS",
    "SNIFF_BYTES",
    "MediaType",
    "clean_filename",
    "sniff",
]

#: How many leading bytes ``sniff`` wants. Enough for a Matroska header and two MP3 frames.
SNIFF_BYTES = 4096

KINDS = frozenset({"image", "video", "audio", "document"})


@dataclass(frozen=True, slots=True)
class MediaType:
    mime: str
    kind: str
    extension: str  # without the dot


JPEG = MediaType("image/jpeg", "image", "jpg")
PNG = MediaType("image/png", "image", "png")
GIF = MediaType("image/gif", "image", "gif")
WEBP = MediaType("image/webp", "image", "webp")
MP4 = MediaType("video/mp4", "video", "mp4")
M4A = MediaType("audio/mp4", "audio", "m4a")
MOV = MediaType("video/quicktime", "video", "mov")
WEBM = MediaType("video/webm", "video", "webm")
MKV = MediaType("video/x-matroska", "video", "mkv")
MP3 = MediaType("audio/mpeg", "audio", "mp3")
OPUS = MediaType("audio/ogg", "audio", "opus")
OGG = MediaType("audio/ogg", "audio", "ogg")
WAV = MediaType("audio/wav", "audio", "wav")
PDF = MediaType("application/pdf", "document", "pdf")

# ISO base media major brands we accept, by what they mean. HEIF/AVIF ("heic", "mif1",
# "avif") are deliberately absent: browsers and our image pipeline cannot all decode them.
_FTYP_BRANDS = {
    b"isom": MP4,
    b"iso2": MP4,
    b"iso4": MP4,
    b"iso5": MP4,
    b"iso6": MP4,
    b"mp41": MP4,
    b"mp42": MP4,
    b"avc1": MP4,
    b"dash": MP4,
    b"M4V ": MP4,
    b"M4VP": MP4,
    b"MSNV": MP4,
    b"M4A ": M4A,
    b"M4B ": M4A,
    b"qt  ": MOV,
}

# Markup that makes a browser (or an old one sniffing) treat bytes as a document.
# Only tokens of four or more bytes: short ones ("<a ") turn up by chance in compressed data.
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|svg|\?xml|object|embed)", re.IGNORECASE
)

# MPEG audio Layer III: bitrates (kbit/s) by version, then sample rates (Hz).
_MP3_BITRATES = {
    "1": (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "2": (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_SAMPLE_RATES = {
    "1": (44100, 48000, 32000),
    "2": (22050, 24000, 16000),
    "2.5": (11025, 12000, 8000),
}
_MP3_VERSIONS = {0b11: "1", 0b10: "2", 0b00: "2.5"}


def _unsupported(message: str = "") -> InvalidInput:
    return InvalidInput("file", "unsupported_type", message or "unsupported file type")


def sniff(head: bytes, *, kinds: Collection[str] | None = None) -> MediaType:
    """The type of a file from its first bytes, or InvalidInput("file", "unsupported_type").

    ``kinds`` restricts the answer (e.g. ``{"image"}`` for a cover picture). An empty file is
    InvalidInput("file", "empty").
    """
    head = bytes(head[:SNIFF_BYTES])
    if not head:
        raise InvalidInput("file", "empty", "the file is empty")
    media_type = _identify(head)
    if media_type is None:
        raise _unsupported()
    # Images are exempt: they are always decoded and re-encoded (content.media.images), which
    # destroys any payload, and their XMP packets legitimately contain XML.
    if media_type.kind != "image" and _MARKUP.search(head):
        raise _unsupported("markup inside a media file")
    if kinds is not None and media_type.kind not in kinds:
        raise _unsupported(f"{media_type.kind} files are not accepted here")
    return media_type


def _identify(head: bytes) -> MediaType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": WEBP, b"WAVE": WAV}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _identify_ftyp(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _identify_matroska(head)
    if head.startswith(b"OggS"):
        return _identify_ogg(head)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"ID3") and _is_id3(head):
        return MP3
    if _is_mp3_frames(head):
        return MP3
    return None


def _identify_ftyp(head: bytes) -> MediaType | None:
    box_size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    if major in _FTYP_BRANDS:
        return _FTYP_BRANDS[major]
    # An unknown major brand is accepted only if a compatible brand is plain MP4; a HEIF file
    # lists "mif1"/"heic" and so is still refused.
    compatible = head[16 : min(box_size, len(head))]
    brands = {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
    if brands & {b"isom", b"mp41", b"mp42"} and not brands & {b"mif1", b"heic", b"avif"}:
        return MP4
    return None


def _identify_matroska(head: bytes) -> MediaType | None:
    # The EBML header's DocType element (ID 0x4282) says "webm" or "matroska".
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0 or at + 3 > len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:  # only one-byte sizes occur in real DocType elements
        return None
    length = size_byte & 0x7F
    doctype = head[at + 3 : at + 3 + length]
    return {b"webm": WEBM, b"matroska": MKV}.get(doctype)


def _identify_ogg(head: bytes) -> MediaType | None:
    # The first page carries the codec's identification header right after the segment table.
    if len(head) < 27:
        return None
    segments = head[26]
    payload = head[27 + segments : 27 + segments + 8]
    if payload.startswith(b"OpusHead"):
        return OPUS
    if payload.startswith(b"\x01vorbis"):
        return OGG
    return None


def _is_id3(head: bytes) -> bool:
    # ID3v2: "ID3", major version 2-4, revision, flags, then a 28-bit "syncsafe" size.
    return (
        len(head) >= 10
        and head[3] in (2, 3, 4)
        and head[4] != 0xFF
        and all(b < 0x80 for b in head[6:10])
    )


def _mp3_frame_length(head: bytes, at: int) -> int | None:
    """Length of the MPEG audio Layer III frame starting at ``at``, or None if there is none."""
    if at + 4 > len(head):
        return None
    b1, b2, b3 = head[at + 1], head[at + 2], head[at + 3]
    if head[at] != 0xFF or b1 & 0xE0 != 0xE0:
        return None
    version = _MP3_VERSIONS.get((b1 >> 3) & 0b11)
    layer = (b1 >> 1) & 0b11
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 0b11
    # Layer bits 01 are Layer III; 00 is AAC's ADTS, which we do not accept as MP3.
    if version is None or layer != 0b01 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    if b3 & 0b11 == 0b10:  # reserved emphasis
        return None
    bitrate = _MP3_BITRATES["1" if version == "1" else "2"][bitrate_index] * 1000
    sample_rate = _MP3_SAMPLE_RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    coefficient = 144 if version == "1" else 72
    return coefficient * bitrate // sample_rate + padding


def _is_mp3_frames(head: bytes) -> bool:
    # Two consecutive valid frame headers: a single 0xFFE sync word is too easy to hit by
    # chance. When the head ends before the second frame, one frame is all we can ask for.
    length = _mp3_frame_length(head, 0)
    if length is None:
        return False
    if length + 4 > len(head):
        return True
    return _mp3_frame_length(head, length) is not None


# --- display names -------------------------------------------------------------------------------

# Bidi embeddings, overrides and isolates reorder how a name is shown ("invoice\u202egpj.exe"
# reads as "invoiceexe.jpg"). Zero-width (non-)joiners are *kept*: Urdu and Persian need them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset("\ufeff\u2028\u2029")
# Characters Windows refuses in filenames; a download named with them would be renamed anyway.
_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
MAX_FILENAME_LENGTH = 120
_MAX_EXTENSION_LENGTH = 16


def clean_filename(name: object, max_length: int = MAX_FILENAME_LENGTH) -> str:
    """A display name from a user's filename, or ``"file"`` when nothing usable remains.

    Keeps the last path component only (``/`` and ``\\`` both separate), removes control,
    bidi-override and invisible characters, normalises to NFC, collapses whitespace, drops
    leading dots and trims to ``max_length`` characters while keeping the extension. Letters
    of every script are kept: "کہانی.jpg" stays "کہانی.jpg".
    """
    if not isinstance(name, str):
        return "file"
    text = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    # Tabs, newlines and other whitespace become one space; then the remaining controls go.
    text = " ".join(text.split())
    text = "".join(char for char in text if _is_displayable(char))
    text = " ".join(text.split()).translate(_RESERVED)
    text = text.lstrip(". ").rstrip(". ")
    if len(text) > max_length:
        text = _shorten(text, max_length)
    text = unicodedata.normalize("NFC", text)
    return text or "file"


def _is_displayable(char: str) -> bool:
    if char in _BIDI_CONTROLS or char in _INVISIBLE:
        return False
    # Cc: control characters; Cs: lone surrogates, which cannot even be encoded as UTF-8.
    return unicodedata.category(char) not in ("Cc", "Cs")


def _shorten(text: str, max_length: int) -> str:
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION_LENGTH:
        return _cut(text, max_length).rstrip(". ")
    stem = _cut(stem, max_length - len(extension) - 1).rstrip(". ")
    return f"{stem}.{extension}" if stem else extension


def _cut(text: str, length: int) -> str:
    # Do not leave a combining mark (an Urdu vowel sign, an accent) without its letter.
    cut = text[: max(length, 0)]
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    if len(cut) < len(text) and cut and unicodedata.combining(text[len(cut)]):
        cut = cut[:-1]
    return cut
