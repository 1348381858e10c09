"""Files are chosen by their content, not their names: a renamed or extension-less camera file is
ingested, a non-image named like a camera file is rejected with its reason, anything else is left
alone; visible photos ride with their thermal images."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.ingest import IngestResult, ingest_folder
from irpatrol.ingest.discovery import discover, sniff_file
from irpatrol.registry.model import Image


def _ingest(sessions: sessionmaker[Session], folder: Path, settings: Settings) -> IngestResult:
    return ingest_folder(
        sessions, folder, feeder="10kV Ingest Line", date="2026-06-01", workers=1, settings=settings
    )


def test_a_renamed_or_extension_less_camera_file_is_ingested(
    sessions: sessionmaker[Session], flight: Path, settings: Settings
) -> None:
    (flight / "IRP_00001.tiff").rename(flight / "IRP_00001.dat")  # renamed: the name says nothing
    (flight / "IRP_00002.tiff").rename(flight / "IRP_00002")  # no extension at all
    assert sniff_file(flight / "IRP_00002") == "tiff"
    found = discover(flight)
    assert [c.path.name for c in found.candidates] == ["IRP_00001.dat", "IRP_00002", "IRP_00003.tiff"]
    assert all(c.reason is None for c in found.candidates)
    assert {p.name for p in found.ignored} == {"ground_truth.json"}  # not a camera file, not named one
    result = _ingest(sessions, flight, settings)
    assert (result.files, result.analysed, result.rejected) == (3, 3, 0)
    with sessions() as session:
        names = set(session.scalars(select(Image.original_name)))
        assert names == {"IRP_00001.dat", "IRP_00002", "IRP_00003.tiff"}
        assert all(i.pole_id is not None for i in session.scalars(select(Image)))


def test_a_non_image_named_like_a_camera_file_is_rejected_with_its_reason(
    sessions: sessionmaker[Session], flight: Path, settings: Settings
) -> None:
    (flight / "notes.jpg").write_text("pole N2: bird nest, see photo\n")
    (flight / "readme.txt").write_text("flown by crew 3\n")
    found = discover(flight)
    refused = {c.path.name: c.reason for c in found.candidates if c.reason}
    assert list(refused) == ["notes.jpg"]
    assert "not a camera file" in (refused["notes.jpg"] or "")
    result = _ingest(sessions, flight, settings)
    assert (result.files, result.analysed, result.rejected) == (4, 3, 1)
    assert [name for name, _ in result.rejected_files] == ["notes.jpg"]
    assert "not a camera file" in result.rejected_files[0][1]
    with sessions() as session:
        image = session.scalar(select(Image).where(Image.original_name == "notes.jpg"))
        assert (
            image is not None and image.status == "rejected" and "not a camera file" in (image.reason or "")
        )
        assert image.stored_path and (settings.data_dir / image.stored_path).is_file()  # kept as evidence
        assert session.scalar(select(Image).where(Image.original_name == "readme.txt")) is None


def test_visible_photos_are_paired_not_ingested(flight: Path) -> None:
    import io

    from PIL import Image as PILImage

    jpeg = io.BytesIO()
    PILImage.new("RGB", (8, 8)).save(jpeg, "JPEG")
    (flight / "IRP_00001_V.JPG").write_bytes(jpeg.getvalue())  # its partner: the visible photo
    (flight / "IRP_00009_V.JPG").write_bytes(jpeg.getvalue())  # no partner: a (plain) camera file
    found = discover(flight)
    by_name = {c.path.name: c for c in found.candidates}
    assert list(by_name) == ["IRP_00001.tiff", "IRP_00002.tiff", "IRP_00003.tiff", "IRP_00009_V.JPG"]
    assert by_name["IRP_00001.tiff"].photo == flight / "IRP_00001_V.JPG"
    assert by_name["IRP_00009_V.JPG"].reason is None  # a JPEG: the decoder says why it is refused


def test_listed_files_are_never_ignored(flight: Path) -> None:
    """An upload names its files: one that is no camera file is rejected with its reason."""
    from irpatrol.ingest.discovery import choose

    (flight / "readme.txt").write_text("flown by crew 3\n")
    found = choose([flight / "readme.txt", flight / "IRP_00001.tiff"], listed=True)
    assert [(c.path.name, c.reason is None) for c in found.candidates] == [
        ("IRP_00001.tiff", True), ("readme.txt", False)
    ]
    assert found.ignored == []
