"""Image files and records stay consistent; `gesso db check` finds and repairs what a crash
or a hand-deleted file leaves behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from gesso.auth.actor import SYSTEM_ACTOR
from gesso.boards.access import BoardNotFound
from gesso.cli.main import main
from gesso.images.files import InvalidImageName, check_image_name, new_image_name
from gesso.images.upload_options import UploadOptions
from gesso.services import Services
from tests import databases


def png_bytes(size: tuple[int, int] = (32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def services(root: Path) -> Services:
    built = Services.open(databases.settings(root))
    yield built  # type: ignore[misc]
    built.close()


def test_generated_names_pass_validation_and_tricks_do_not() -> None:
    assert check_image_name(new_image_name())
    for bad in [
        "../x.png",
        "a/b.png",
        "a\\b.png",
        "..png",
        ".hidden.png",
        "x.png/..",
        "x.jpg",
        "",
        "x" * 200 + ".png",
    ]:
        with pytest.raises(InvalidImageName):
            check_image_name(bad)


def test_failed_record_write_leaves_no_file(services: Services, root: Path) -> None:
    # The board vanishes between the access check and the insert: the record is refused and
    # the file written for it must be removed again.
    with pytest.raises(BoardNotFound):
        services.images.store_new(
            "system",
            Image.new("RGB", (8, 8)),
            {},
            origin="external",
            image_category="general",
            is_intermediate=False,
            board_id="no-such-board",
            session_id=None,
            node_id=None,
        )
    assert list((root / "outputs" / "images").iterdir()) == []
    assert list((root / "outputs" / "thumbnails").iterdir()) == []


def test_db_check_finds_and_cleans_orphans(
    services: Services, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = services.images.upload(SYSTEM_ACTOR, png_bytes(), UploadOptions(image_category="general"))
    lost = services.images.upload(SYSTEM_ACTOR, png_bytes(), UploadOptions(image_category="general"))
    (root / "outputs" / "images" / lost.image_name).unlink()  # a file deleted by hand
    orphan = new_image_name()  # a crash after the file write, before the record
    services.images.files.write(orphan, Image.new("RGB", (4, 4)), None)
    (root / "outputs" / "images" / f".{orphan}.1234.tmp").write_bytes(b"partial")

    assert main(["db", "check", "--root", str(root)]) == 1
    report = capsys.readouterr().out
    assert "1 image records without a file" in report
    assert "1 image files without a record" in report
    assert "1 unfinished temporary files" in report

    assert main(["db", "check", "--root", str(root), "--clean"]) == 0
    assert main(["db", "check", "--root", str(root)]) == 0
    assert "everything is consistent" in capsys.readouterr().out
    remaining = {p.name for p in (root / "outputs" / "images").iterdir()}
    assert remaining == {kept.image_name}
    assert services.images.get_image(SYSTEM_ACTOR, kept.image_name)
