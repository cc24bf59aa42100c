"""Image renditions: decode an uploaded picture once, re-encode it into clean web sizes.

This module owns everything the hub does to pixels. An upload is decoded with Pillow (only
JPEG, PNG, WebP and GIF decoders are ever reached: Pillow's other plugins, EPS through
Ghostscript among them, are never offered the file), refused above ``MAX_IMAGE_PIXELS``,
turned upright from its EXIF orientation, converted to sRGB, and encoded again from bare
pixels. Nothing of the original file survives but its pixels: no EXIF (so no GPS position, no
camera serial), no XMP, no ICC profile, no comments, no embedded thumbnail. The original
upload should therefore never be served; the renditions are what readers get.
"""

from __future__ import annotations

import functools
import io
import shutil
import struct
import tempfile
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from content.errors import InvalidInput

__all__ = [
    "MAX_IMAGE_PIXELS",
    "SOCIAL_SIZE",
    "THUMB_SIZE",
    "WIDTHS",
    "Rendition",
    "load_image",
    "make_renditions",
]

# 40 megapixels covers every phone and most cameras; decoded as RGBA it is 160 MB, the most
# one upload may cost a worker. Pillow warns above this and refuses at twice it; we refuse at
# it. Setting Pillow's global also protects any other code in the process that opens images.
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
WIDTHS = (320, 640, 1024, 1600)
FALLBACK_WIDTH = 1024
THUMB_SIZE = 240
SOCIAL_SIZE = (1200, 630)
WEBP_QUALITY = 80
JPEG_QUALITY = 85
# JPEG can decode at 1/2, 1/4 or 1/8 scale for free; never below what the largest output needs.
_DRAFT_SIZE = (max(WIDTHS), max(WIDTHS))
_SPOOL_IN_MEMORY = 16 * 1024 * 1024

# What Pillow raises on hostile or broken files, besides its own UnidentifiedImageError: its
# decoders are fuzzed, but a malformed chunk still surfaces as any of these.
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    ZeroDivisionError,
)


@dataclass(frozen=True, slots=True)
class Rendition:
    name: str  # "w320"... (by real width), "fallback", "thumb", "social"
    width: int
    height: int
    mime: str
    data: bytes

    @property
    def extension(self) -> str:
        return {"image/webp": "webp", "image/jpeg": "jpg"}[self.mime]


def make_renditions(src_stream: IO[bytes], *, widths: tuple[int, ...] = WIDTHS) -> list[Rendition]:
    """Every rendition of the image in ``src_stream``.

    * ``w<width>`` WebP at each of ``widths`` narrower than the image, plus one at the image's
      own width when it is no wider than the largest (never upscaled);
    * ``fallback``: JPEG at ``FALLBACK_WIDTH`` (or narrower), alpha flattened on white;
    * ``thumb``: WebP square, ``THUMB_SIZE`` px (smaller if the image is), centred crop;
    * ``social``: JPEG exactly ``SOCIAL_SIZE`` (1200x630), centred cover crop, for link previews.

    Raises InvalidInput("file", "unreadable") for anything that is not a whole, decodable JPEG,
    PNG, WebP or GIF, and InvalidInput("file", "image_too_large") above ``MAX_IMAGE_PIXELS``.
    Animated images give their first frame.
    """
    image = load_image(src_stream)
    renditions = []
    for width in _target_widths(image.width, widths):
        renditions.append(_render(f"w{width}", _scale_to_width(image, width), "WEBP"))
    fallback = _scale_to_width(image, min(FALLBACK_WIDTH, image.width))
    renditions.append(_render("fallback", _flatten(fallback), "JPEG"))
    side = min(THUMB_SIZE, image.width, image.height)
    renditions.append(_render("thumb", _cover(image, (side, side)), "WEBP"))
    renditions.append(_render("social", _flatten(_cover(image, SOCIAL_SIZE)), "JPEG"))
    return renditions


def load_image(src_stream: IO[bytes]) -> Image.Image:
    """Decode an upload into an upright sRGB image in mode RGB or RGBA with no metadata."""
    source = _seekable(src_stream)
    try:
        # The filter turns Pillow's warning (between the limit and twice it) into an error. It
        # is process-global state and not thread-safe before Python 3.14, so the explicit size
        # check below is what actually guarantees the limit; the filter only stops the warning
        # from reaching logs.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=ACCEPTED_FORMATS) as opened:
                _check_pixels(opened.size)
                opened.draft(None, _DRAFT_SIZE)
                opened.load()
                image = _orient(opened)
                image = _to_srgb(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except _DECODE_ERRORS as exc:
        raise InvalidInput("file", "unreadable", f"cannot decode image: {exc}") from exc
    finally:
        if source is not src_stream:
            source.close()
    image.info = {}
    return image


def _too_large() -> InvalidInput:
    return InvalidInput(
        "file",
        "image_too_large",
        f"image exceeds {MAX_IMAGE_PIXELS} pixels",
        limit=MAX_IMAGE_PIXELS,
    )


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise InvalidInput("file", "unreadable", "image has no pixels")
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_large()


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    # Pillow seeks; a store's S3 stream cannot. Spool it (in memory up to 16 MB, then disk).
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by load_image
    try:
        shutil.copyfileobj(stream, spool, 1024 * 1024)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def _orient(image: Image.Image) -> Image.Image:
    try:
        oriented = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        # Malformed EXIF is not a reason to refuse the picture: show it as stored.
        return image
    return oriented if oriented is not None else image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in sRGB, mode RGB or RGBA.

    An embedded ICC profile (Display P3 from phones, Adobe RGB from cameras) is applied and
    then dropped rather than kept: browsers assume sRGB for untagged images, so converting gives
    the right colours without shipping a profile (which also identifies devices and editors).
    """
    profile = image.info.get("icc_profile")
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        # 16-bit greyscale: scale to 8 bits; a plain convert would clip everything above 255.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                image, source_profile, _srgb_profile(), outputMode=target
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a broken or mismatched profile: fall back to the raw pixels
        if converted is not None:
            image = converted
    if image.mode != target:
        image = image.convert(target)
    if target == "RGBA" and image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")  # an alpha channel that is opaque everywhere is dead weight
    return image


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _target_widths(width: int, widths: tuple[int, ...]) -> list[int]:
    targets = sorted({w for w in widths if w < width})
    if width <= max(widths):
        targets.append(width)
    return targets


def _scale_to_width(image: Image.Image, width: int) -> Image.Image:
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no alpha: composite on white (what a page background usually is)."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _render(name: str, image: Image.Image, image_format: str) -> Rendition:
    buffer = io.BytesIO()
    # Written from pixels with every metadata field explicitly empty, so that no Pillow default
    # (some plugins fall back to ``im.info`` for XMP or comments) can carry anything across.
    image.info = {}
    empty = {"exif": b"", "xmp": b"", "icc_profile": None, "comment": b""}
    if image_format == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **empty)
        mime = "image/webp"
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **empty)
        mime = "image/jpeg"
    return Rendition(name, image.width, image.height, mime, buffer.getvalue())
