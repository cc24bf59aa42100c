"""Media from the browser's side: uploads streamed through the hub (and straight to S3),
metadata stripped, refused files leave nothing, private until published, kit, check."""

from __future__ import annotations

import io
import json
import urllib.request
import uuid
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from content.models import MediaAsset
from tests.unit.media.test_images import photo_with_metadata


def store_of(app):
    return app.extensions["hub.media"]


def upload(b, story_id: int, data: bytes, name: str = "photo.jpg", **kwargs):
    token = b.token(f"/editorial/stories/{story_id}/media")
    return b.client.post(
        f"/editorial/stories/{story_id}/media/upload",
        data=kwargs.pop("input", data),
        headers={
            "X-CSRFToken": token,
            "X-Filename": urllib.request.quote(name),
            "Content-Type": "application/octet-stream",
            "Accept": "application/json",
        },
        **kwargs,
    )


def keys_in(app) -> set[str]:
    return set(store_of(app).iter_keys(""))


def assets(session):
    session.rollback()
    return session.scalars(select(MediaAsset)).all()


@pytest.fixture
def writer(make_user, make_story, browser_as):
    author = make_user("contributor")
    story = make_story(author, state="draft")
    return browser_as(author), story


def test_uploaded_photo_loses_every_trace_of_location(app, session, writer):
    b, t = writer
    response = upload(b, t.story_id, photo_with_metadata(), name="تصویر.jpg")
    assert response.status_code == 200, response.get_data(as_text=True)
    (asset,) = assets(session)
    assert asset.status == "ready" and asset.kind == "image" and asset.filename == "تصویر.jpg"
    assert {"thumb", "social", "fallback"} <= set(asset.renditions)
    for name in asset.renditions:
        got = b.get(f"/media/{asset.id}/{name}")
        assert got.status_code == 200
        data = got.get_data()
        assert b"Exif" not in data and b"GPS" not in data and b"xmpmeta" not in data
        assert b"PhoneMaker" not in data and b"SERIAL123456" not in data
        image = Image.open(io.BytesIO(data))
        assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(b.get(f"/media/{asset.id}/social").get_data())).size == (
        1200,
        630,
    )
    # The original, which carried GPS, is not in the store at all.
    assert all(
        not key.endswith(".jpg") or "fallback" in key or "social" in key for key in keys_in(app)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<!doctype html><script>alert(1)</script>", "not accepted"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "not accepted"),
        (b"", "empty"),
        (photo_with_metadata()[:2000], "could not be read"),
    ],
    ids=["html-named-jpg", "svg", "empty", "truncated"],
)
def test_refused_files_get_a_message_and_leave_nothing(app, session, writer, data, message):
    b, t = writer
    response = upload(b, t.story_id, data, name="innocent.jpg")
    assert response.status_code == 400
    assert message in response.json["error"]
    assert assets(session) == [] and keys_in(app) == set()


def test_decompression_bomb_is_refused(app, session, writer):
    b, t = writer
    big = Image.new("1", (20000, 20000))
    buf = io.BytesIO()
    big.save(buf, "PNG", optimize=True)
    response = upload(b, t.story_id, buf.getvalue(), name="bomb.png")
    assert response.status_code == 400 and "too many pixels" in response.json["error"]
    assert assets(session) == [] and keys_in(app) == set()


def test_too_large_file_is_refused_while_streaming(app, session, writer):
    app.extensions["hub.media_limits"] = type(app.extensions["hub.media_limits"])(
        document=64 * 1024
    )
    b, t = writer
    response = upload(b, t.story_id, b"%PDF-1.4\n" + b"0" * 200_000, name="big.pdf")
    assert response.status_code == 400 and "too large" in response.json["error"]
    assert assets(session) == [] and keys_in(app) == set()


class BrokenStream(io.RawIOBase):
    """A client that disconnects after some bytes."""

    def __init__(self, data: bytes, cut: int):
        self.data, self.cut, self.pos = data, cut, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.pos >= self.cut:
            raise OSError("client went away")
        n = min(len(buffer), self.cut - self.pos)
        buffer[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n


def test_interrupted_upload_leaves_no_object_and_no_row(app, session, writer):
    b, t = writer
    data = b"%PDF-1.4\n" + b"1" * 3_000_000
    with pytest.raises(OSError):
        upload(b, t.story_id, b"", name="toolkit.pdf", input=BrokenStream(data, 1_500_000))
    assert assets(session) == [] and keys_in(app) == set()


def test_path_traversal_and_bidi_names_are_neutralised(session, writer):
    b, t = writer
    pdf = b"%PDF-1.4\nhello"
    upload(b, t.story_id, pdf, name="../../etc/passwd\u202egpj.pdf")
    (asset,) = assets(session)
    assert "/" not in asset.filename and ".." not in asset.filename.split("passwd")[0]
    assert "\u202e" not in asset.filename
    assert asset.key.startswith(f"stories/{t.story_id}/") and "passwd" not in asset.key


def test_form_upload_without_javascript(session, writer):
    b, t = writer
    response = b.submit(
        f"/editorial/stories/{t.story_id}/media",
        {"file": (io.BytesIO(b"%PDF-1.4\nkit"), "toolkit.pdf")},
        action=f"/editorial/stories/{t.story_id}/media/upload",
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    (asset,) = assets(session)
    assert asset.kind == "document" and asset.filename == "toolkit.pdf"
    got = b.get(f"/media/{asset.id}/file")
    assert got.headers["Content-Disposition"].startswith("attachment")


def test_draft_media_is_private_until_published(
    app, session, make_user, make_story, make_org, browser_as
):
    author = make_user("contributor")
    t = make_story(author, state="approved")
    b = browser_as(author)
    upload(b, t.story_id, photo_with_metadata())
    (asset,) = assets(session)
    anon = app.test_client()
    outsider = browser_as(make_user("contributor", org=make_org()))
    for client in (anon, outsider.client):
        for url in (
            f"/media/{asset.id}/thumb",
            f"/media/{asset.id}/file",
            f"/media/{asset.id}/../{asset.id}/thumb",
            f"/media/{asset.id + 1}/thumb",
            f"/media/{asset.id}/{asset.renditions['thumb']['key']}",
        ):
            assert client.get(url).status_code == 404, url
    # Publishing needs alt text in the story's language (and consent if it shows people).
    editor = browser_as(make_user("editor", all_languages=True))
    page = editor.get(f"/editorial/t/{t.id}").get_data(as_text=True)
    assert "Alt text is missing" in page
    token = editor.token(f"/editorial/t/{t.id}")
    r = editor.client.post(
        f"/editorial/t/{t.id}/action",
        data={"csrf_token": token, "action": "publish", "version": str(t.version)},
    )
    assert "media are not ready" in editor.get(r.headers["Location"]).get_data(as_text=True)
    b.submit(
        f"/editorial/stories/{t.story_id}/media",
        {
            "langs": "en",
            "alt-en": "Two children painting a wall",
            "caption-en": "",
            "credit": "",
            "licence": "CC BY 4.0",
            "shows_people": "1",
        },
        action=f"/editorial/media/{asset.id}",
    )
    assert "record their consent" in editor.get(f"/editorial/t/{t.id}").get_data(as_text=True)
    b.submit(
        f"/editorial/stories/{t.story_id}/media",
        {
            "langs": "en",
            "alt-en": "Two children painting a wall",
            "shows_people": "1",
            "consent_recorded": "1",
        },
        action=f"/editorial/media/{asset.id}",
    )
    token = editor.token(f"/editorial/t/{t.id}")
    session.rollback()
    version = session.get(type(t), t.id).version
    r = editor.client.post(
        f"/editorial/t/{t.id}/action",
        data={"csrf_token": token, "action": "publish", "version": str(version)},
    )
    session.rollback()
    session.expire_all()
    fresh = session.get(type(t), t.id)
    assert fresh.is_live, (fresh.state, fresh.version, r.status_code)
    got = anon.get(f"/media/{asset.id}/thumb")
    assert got.status_code == 200 and got.headers["Cache-Control"].startswith("public")
    story_page = anon.get(f"/en/stories/{t.slug}").get_data(as_text=True)
    assert 'alt="Two children painting a wall"' in story_page and "srcset=" in story_page
    assert 'loading="lazy"' in story_page
    # Unpublishing makes it private again.
    token = editor.token(f"/editorial/t/{t.id}")
    session.rollback()
    editor.client.post(
        f"/editorial/t/{t.id}/action",
        data={
            "csrf_token": token,
            "action": "unpublish",
            "version": str(session.get(type(t), t.id).version),
        },
    )
    assert anon.get(f"/media/{asset.id}/thumb").status_code == 404


def test_deleting_removes_every_rendition(app, session, writer):
    b, t = writer
    upload(b, t.story_id, photo_with_metadata())
    (asset,) = assets(session)
    assert len(keys_in(app)) == len(asset.renditions)
    b.submit(
        f"/editorial/stories/{t.story_id}/media", {}, action=f"/editorial/media/{asset.id}/delete"
    )
    assert assets(session) == [] and keys_in(app) == set()


def test_media_check_reports_and_repairs(app, session, runner, writer):
    b, t = writer
    upload(b, t.story_id, b"%PDF-1.4\nok", name="ok.pdf")
    store = store_of(app)
    store.put(f"stories/{t.story_id}/orphan-{uuid.uuid4().hex}", io.BytesIO(b"x"), "text/plain")
    (asset,) = assets(session)
    from datetime import timedelta

    stale = MediaAsset(
        story_id=t.story_id,
        uploaded_by_id=asset.uploaded_by_id,
        status="pending",
        key=f"stories/{t.story_id}/pending-{uuid.uuid4().hex}",
        created_at=asset.created_at - timedelta(days=1),
    )
    session.add(stale)
    session.commit()
    report = runner.invoke(args=["hub", "media", "check"])
    assert report.exit_code == 1
    assert "orphan object" in report.output and "abandoned upload" in report.output
    fixed = runner.invoke(args=["hub", "media", "check", "--fix"])
    assert fixed.exit_code == 0 and "Repaired" in fixed.output
    clean = runner.invoke(args=["hub", "media", "check"])
    assert clean.exit_code == 0 and "agree" in clean.output
    assert [a.id for a in assets(session)] == [asset.id]


def test_campaign_kit_is_a_zip_of_published_files(
    app, session, make_user, make_story, browser_as, runner
):
    from content.services import campaigns as campaign_services

    editor = make_user("editor", all_languages=True)
    campaign = campaign_services.create_campaign(
        session, actor=editor, slug="kit-week", lang="en", title="Kit week"
    )
    author = make_user("contributor")
    t = make_story(author, state="approved", campaign_id=campaign.id)
    b = browser_as(author)
    upload(b, t.story_id, b"%PDF-1.4\n" + b"p" * 300_000, name="toolkit.pdf")
    upload(b, t.story_id, b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 5000, name="radio.mp3")
    ed = browser_as(make_user("editor", all_languages=True))
    token = ed.token(f"/editorial/t/{t.id}")
    ed.client.post(
        f"/editorial/t/{t.id}/action",
        data={"csrf_token": token, "action": "publish", "version": str(t.version)},
    )
    anon = app.test_client()
    page = anon.get("/en/campaigns/kit-week").get_data(as_text=True)
    assert "Download the whole kit" in page and "toolkit.pdf" in page
    response = anon.get("/en/campaigns/kit-week/kit.zip")
    assert response.status_code == 200 and response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    assert any(n.endswith("toolkit.pdf") for n in names) and len(names) == 2
    assert archive.read(next(n for n in names if n.endswith(".pdf"))).startswith(b"%PDF-1.4")


# --- the same on S3 (moto's real HTTP server on loopback) ---------------------------------


@pytest.fixture
def s3_app(app_config, s3_server, s3_bucket):
    from hub import create_app

    app = create_app(
        {
            **app_config,
            "MEDIA_BACKEND": "s3",
            "MEDIA_S3_BUCKET": s3_bucket,
            "MEDIA_S3_ENDPOINT_URL": s3_server,
            "MEDIA_S3_REGION": "us-east-1",
        }
    )
    yield app
    app.extensions["hub.engine"].dispose()


@pytest.mark.s3
def test_s3_upload_through_the_hub_and_presigned_download(s3_app, session, make_user, make_story):
    from tests.conftest import Browser

    author = make_user("contributor")
    t = make_story(author, state="draft")
    b = Browser(s3_app.test_client())
    b.login(author.email)
    response = upload(b, t.story_id, photo_with_metadata())
    assert response.status_code == 200, response.get_data(as_text=True)
    (asset,) = assets(session)
    got = b.get(f"/media/{asset.id}/thumb")
    assert got.status_code == 302 and "X-Amz-Signature" in got.headers["Location"]
    with urllib.request.urlopen(got.headers["Location"]) as fetched:  # noqa: S310 - loopback
        assert b"Exif" not in fetched.read()
    assert s3_app.test_client().get(f"/media/{asset.id}/thumb").status_code == 404


@pytest.mark.s3
def test_s3_direct_upload_from_the_browser_is_verified(s3_app, session, make_user, make_story):
    from tests.conftest import Browser

    author = make_user("contributor")
    t = make_story(author, state="draft")
    b = Browser(s3_app.test_client())
    b.login(author.email)
    token = b.token(f"/editorial/stories/{t.story_id}/media")
    start = b.client.post(
        f"/editorial/stories/{t.story_id}/media/direct",
        json={"filename": "video.mp4"},
        headers={"X-CSRFToken": token},
    )
    assert start.status_code == 200, start.get_data(as_text=True)
    plan = start.json
    # What the page's script does: a multipart POST straight to S3.
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 50_000
    for name, value in plan["fields"].items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        body.write(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.mp4"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + mp4
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 - the moto server on loopback
        plan["url"],
        data=body.getvalue(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request) as sent:  # noqa: S310 - loopback
        assert sent.status in (200, 204)
    done = b.client.post(plan["complete"], headers={"X-CSRFToken": token})
    assert done.status_code == 200, done.get_data(as_text=True)
    (asset,) = assets(session)
    assert asset.status == "ready" and asset.kind == "video" and asset.size == len(mp4)
    # A file that is not what it claims is refused after the fact and removed from S3.
    start = b.client.post(
        f"/editorial/stories/{t.story_id}/media/direct",
        json={"filename": "x.mp4"},
        headers={"X-CSRFToken": token},
    ).json
    store_of(s3_app).put(
        json.loads(json.dumps(start["fields"]))["key"], io.BytesIO(b"<html>hi</html>"), "text/html"
    )
    refused = b.client.post(start["complete"], headers={"X-CSRFToken": token})
    assert refused.status_code == 400
    assert [a.id for a in assets(session)] == [asset.id]
    assert not store_of(s3_app).exists(start["fields"]["key"])
