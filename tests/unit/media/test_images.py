"""Image renditions: sizes, orientation, colour modes, metadata removal and hostile inputs."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageDraw

from content.errors import InvalidInput
from content.media.images import MAX_IMAGE_PIXELS, Rendition, make_renditions
from content.media.store import LocalMediaStore

RED, BLUE = (220, 20, 20), (20, 20, 220)

XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="34,0.6N" exif:GPSLongitude="71,34.2E"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def photo_with_metadata(orientation: int = 6) -> bytes:
    """An 800x400 JPEG (red left half, blue right) as a phone writes it: orientation tag, GPS
    position, camera make and serial, XMP with the position again, a comment, an ICC profile."""
    image = Image.new("RGB", (800, 400), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 399, 399), fill=RED)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 0.0, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (71.0, 34.0, 12.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        image, "JPEG", exif=exif, xmp=XMP, comment=b"secret comment", icc_profile=icc, quality=95
    )


def by_name(renditions: list[Rendition]) -> dict[str, Rendition]:
    return {r.name: r for r in renditions}


def decode(rendition: Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    return image


def close_to(actual, expected, tolerance=40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that *declares* width x height (1-bit greyscale): a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9))
        + chunk(b"IEND", b"")
    )


# --- metadata -------------------------------------------------------------------------------------


def test_the_source_photo_really_carries_metadata():
    source = Image.open(io.BytesIO(photo_with_metadata()))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert {"exif", "xmp", "icc_profile", "comment"} <= set(source.info)


def test_no_metadata_survives_in_any_rendition():
    renditions = make_renditions(io.BytesIO(photo_with_metadata()))

    assert len(renditions) >= 5
    for rendition in renditions:
        image = decode(rendition)
        assert len(image.getexif()) == 0, rendition.name
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(
            image.info
        ), (rendition.name, image.info.keys())
        for marker in (b"Exif", b"GPS", b"xmpmeta", b"secret", b"PhoneMaker", b"SERIAL"):
            assert marker not in rendition.data, (rendition.name, marker)


def test_orientation_is_applied():
    renditions = by_name(make_renditions(io.BytesIO(photo_with_metadata(orientation=6))))

    # Stored 800x400 with "rotate 90 clockwise to display": shown 400x800, the red left half
    # on top.
    for name in ("w400", "fallback"):
        image = decode(renditions[name]).convert("RGB")
        assert image.size == (400, 800), name
        assert close_to(image.getpixel((200, 100)), RED), name
        assert close_to(image.getpixel((200, 700)), BLUE), name


# --- the set of renditions ------------------------------------------------------------------------


def test_renditions_of_a_large_photo():
    source = encode(Image.new("RGB", (3000, 2000), "olive"), "JPEG")

    renditions = make_renditions(io.BytesIO(source))

    sizes = {r.name: (r.width, r.height, r.mime) for r in renditions}
    assert sizes == {
        "w320": (320, 213, "image/webp"),
        "w640": (640, 427, "image/webp"),
        "w1024": (1024, 683, "image/webp"),
        "w1600": (1600, 1067, "image/webp"),
        "fallback": (1024, 683, "image/jpeg"),
        "thumb": (240, 240, "image/webp"),
        "social": (1200, 630, "image/jpeg"),
    }
    for rendition in renditions:
        image = decode(rendition)
        assert image.size == (rendition.width, rendition.height)
        assert image.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[rendition.mime]
        assert rendition.extension in ("webp", "jpg")


def test_small_images_are_never_upscaled_except_for_the_social_card():
    renditions = by_name(make_renditions(io.BytesIO(encode(Image.new("RGB", (500, 300)), "PNG"))))

    assert [n for n in renditions if n.startswith("w")] == ["w320", "w500"]
    assert (renditions["w500"].width, renditions["w500"].height) == (500, 300)
    assert (renditions["fallback"].width, renditions["fallback"].height) == (500, 300)
    assert (renditions["thumb"].width, renditions["thumb"].height) == (240, 240)
    assert (renditions["social"].width, renditions["social"].height) == (1200, 630)


def test_tiny_image():
    renditions = by_name(make_renditions(io.BytesIO(encode(Image.new("RGB", (100, 50)), "GIF"))))
    assert [n for n in renditions if n.startswith("w")] == ["w100"]
    assert (renditions["thumb"].width, renditions["thumb"].height) == (50, 50)
    assert decode(renditions["social"]).size == (1200, 630)


def test_social_card_is_a_centred_cover_crop():
    # A wide image with red edges and a blue centre: the 1200x630 crop keeps the centre.
    image = Image.new("RGB", (4000, 1000), RED)
    ImageDraw.Draw(image).rectangle((1000, 0, 2999, 999), fill=BLUE)
    social = by_name(make_renditions(io.BytesIO(encode(image, "PNG"))))["social"]
    card = decode(social).convert("RGB")
    assert card.size == (1200, 630)
    assert close_to(card.getpixel((20, 315)), BLUE)
    assert close_to(card.getpixel((1180, 315)), BLUE)


# --- colour modes ---------------------------------------------------------------------------------


def test_png_alpha_is_kept_in_webp_and_flattened_in_jpeg():
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 199, 399), fill=(*RED, 255))

    renditions = by_name(make_renditions(io.BytesIO(encode(image, "PNG"))))

    webp = decode(renditions["w400"])
    assert webp.mode == "RGBA"
    assert webp.getpixel((300, 200))[3] == 0
    assert webp.getpixel((100, 200))[3] == 255
    jpeg = decode(renditions["fallback"])
    assert jpeg.mode == "RGB"
    assert close_to(jpeg.getpixel((300, 200)), (255, 255, 255), 10)
    assert close_to(jpeg.getpixel((100, 200)), RED)


def test_opaque_alpha_channel_is_dropped():
    image = Image.new("RGBA", (300, 300), (*RED, 255))
    webp = decode(by_name(make_renditions(io.BytesIO(encode(image, "PNG"))))["w300"])
    assert webp.mode == "RGB"


def test_palette_gif_with_transparency():
    image = Image.new("P", (64, 64), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((0, 0, 31, 63), fill=1)
    webp = decode(by_name(make_renditions(io.BytesIO(encode(image, "GIF", transparency=0))))["w64"])
    assert webp.mode == "RGBA"
    assert webp.getpixel((48, 32))[3] == 0
    assert close_to(webp.getpixel((16, 32))[:3], (200, 0, 0))


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    image = Image.new("I;16", (64, 64), 32768)  # mid grey in 16 bits
    webp = decode(by_name(make_renditions(io.BytesIO(encode(image, "PNG"))))["w64"])
    assert abs(webp.convert("L").getpixel((32, 32)) - 128) <= 3


def test_cmyk_jpeg_becomes_rgb():
    image = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # red in CMYK
    renditions = make_renditions(io.BytesIO(encode(image, "JPEG")))
    for rendition in renditions:
        assert decode(rendition).mode in ("RGB", "RGBA")
    assert close_to(decode(by_name(renditions)["w64"]).getpixel((32, 32)), (255, 0, 0), 50)


def test_embedded_colour_profile_is_applied_then_dropped():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (64, 64), RED)
    webp = decode(
        by_name(make_renditions(io.BytesIO(encode(image, "PNG", icc_profile=profile))))["w64"]
    )
    assert "icc_profile" not in webp.info
    assert close_to(webp.getpixel((32, 32)), RED, 8)


# --- hostile and broken input ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [(20_000, 20_000), (7_000, 6_000)], ids=["far-over", "just-over"])
def test_decompression_bombs_are_refused_before_decoding(size):
    bomb = png_header_only(*size)
    assert len(bomb) < 1000
    assert size[0] * size[1] > MAX_IMAGE_PIXELS

    started = time.monotonic()
    with pytest.raises(InvalidInput) as caught:
        make_renditions(io.BytesIO(bomb))

    assert (caught.value.field, caught.value.reason) == ("file", "image_too_large")
    assert time.monotonic() - started < 1


def test_a_real_compressed_bomb_is_refused():
    # 9000x9000 1-bit white: 81 megapixels compress to a few kilobytes.
    bomb = encode(Image.new("1", (9000, 9000), 1), "PNG", optimize=True)
    assert len(bomb) < 100_000
    with pytest.raises(InvalidInput) as caught:
        make_renditions(io.BytesIO(bomb))
    assert caught.value.reason == "image_too_large"


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def noisy(size=(300, 300)) -> Image.Image:
    return Image.effect_noise(size, 60).convert("RGB")


@pytest.mark.parametrize(
    "data",
    [
        truncated(encode(noisy(), "JPEG")),
        truncated(encode(noisy(), "PNG")),
        truncated(encode(noisy(), "WEBP")),
        encode(noisy(), "PNG")[:40],
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
        b"<html><body><script>alert(1)</script></body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        encode(noisy((20, 20)), "BMP"),  # Pillow reads BMP; the hub does not
        encode(noisy((20, 20)), "TIFF"),
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",  # never reaches Ghostscript
        b"",
    ],
    ids=[
        "truncated-jpeg",
        "truncated-png",
        "truncated-webp",
        "png-header-only",
        "jpeg-garbage",
        "html",
        "svg",
        "bmp",
        "tiff",
        "eps",
        "empty",
    ],
)
def test_unreadable_images_are_refused(data):
    with pytest.raises(InvalidInput) as caught:
        make_renditions(io.BytesIO(data))
    assert (caught.value.field, caught.value.reason) == ("file", "unreadable")


# --- streams --------------------------------------------------------------------------------------


class ReadOnlyStream:
    """Like an S3 body: read() only, no seek."""

    def __init__(self, data: bytes):
        self._buffer = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._buffer.read(n)

    def seekable(self) -> bool:
        return False


def test_unseekable_streams_are_spooled():
    renditions = make_renditions(ReadOnlyStream(photo_with_metadata()))
    assert by_name(renditions)["w400"].height == 800


def test_renditions_straight_from_a_store(tmp_path):
    store = LocalMediaStore(tmp_path)
    store.put("uploads/aa/photo", io.BytesIO(photo_with_metadata()), "image/jpeg")
    with store.open("uploads/aa/photo") as stream:
        renditions = make_renditions(stream)
    assert by_name(renditions)["social"].width == 1200
