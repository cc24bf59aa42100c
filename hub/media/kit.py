"""A campaign kit as a zip, streamed: files are read from the store chunk by chunk and the
archive is written as it goes (no file is held whole in memory, no temporary archive)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from content.media.sniff import clean_filename
from content.media.store import MediaStore

CHUNK = 256 * 1024


class _Pipe:
    """A write-only, unseekable file that hands what is written to the response."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def kit_entries(stories) -> list[tuple[str, str]]:
    """(key, name in the archive) of every ready file: images as their largest rendition."""
    entries, used = [], set()
    for story in stories:
        for asset in story.assets:
            if asset.status != "ready":
                continue
            if asset.kind == "image":
                widths = [
                    (info["width"], info)
                    for name, info in (asset.renditions or {}).items()
                    if name[1:].isdigit()
                ]
                if not widths:
                    continue
                info = max(widths, key=lambda w: w[0])[1]
                key, ext = info["key"], "webp"
            else:
                key, ext = (
                    asset.key,
                    (asset.filename.rsplit(".", 1)[-1] if "." in asset.filename else "bin"),
                )
            base = clean_filename(asset.filename.rsplit(".", 1)[0] or "file")
            name = f"{story.id}-{base}.{ext}"
            n = 2
            while name in used:
                name = f"{story.id}-{base}-{n}.{ext}"
                n += 1
            used.add(name)
            entries.append((key, name))
    return entries


def stream_zip(store: MediaStore, entries: list[tuple[str, str]]) -> Iterator[bytes]:
    pipe = _Pipe()
    # Media are already compressed: storing them keeps the server's CPU for pages.
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for key, name in entries:
            with archive.open(name, mode="w", force_zip64=True) as target, store.open(key) as src:
                while True:
                    chunk = src.read(CHUNK)
                    if not chunk:
                        break
                    target.write(chunk)
                    if pipe.offset and len(pipe.parts) > 4:
                        yield pipe.drain()
            yield pipe.drain()
    yield pipe.drain()
