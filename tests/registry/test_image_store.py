"""Content-addressed image store: ingest copies every recorded file under data_dir/images, atomically;
simulated raw-count images are recomputed end to end with other emissivity, distance, reflected °C."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol import db, radiometry
from irpatrol.config import Settings
from irpatrol.errors import InputError
from irpatrol.ingest import IngestResult, ingest_folder
from irpatrol.registry import store
from irpatrol.registry.assets import import_assets
from irpatrol.registry.findings import recompute
from irpatrol.registry.model import Finding, Image
from irpatrol.registry.store import image_relpath, store_image, stored_file
from irpatrol.simulate.flight import FlightSpec, HotSpec, line_of_poles, write_flight

POLES = line_of_poles(10)
HOT = [HotSpec("4", "parallel-groove-clamp", 40.0, "B")]


@pytest.fixture(scope="module")
def flight(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store-flight")
    write_flight(
        out, "F1", POLES, FlightSpec(width=320, height=256, start=datetime(2026, 7, 15, 9, tzinfo=UTC)), HOT
    )
    (out / "IRP_99999.TIFF").write_bytes(b"II*\0 not a thermal image")  # rejected, upper-case suffix
    return out


@pytest.fixture
def loaded(session: Session, feeder_csv: Path) -> Session:
    import_assets(session, feeder_csv)
    session.commit()
    return session


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "images").rglob("*") if p.is_file())


def _run(
    factory: sessionmaker[Session], folder: Path, data_dir: Path, workers: int = 1
) -> IngestResult:
    return ingest_folder(
        factory,
        folder,
        feeder="F1",
        date="2026-07-15",
        crew="C1",
        settings=Settings(data_dir=data_dir),
        workers=workers,
    )


def test_ingest_copies_every_recorded_file_into_the_store(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    r = _run(factory, flight, data_dir, workers=2)
    assert (r.analysed, r.rejected) == (10, 1)
    loaded.expire_all()
    images = list(loaded.scalars(select(Image)))
    assert len(images) == 11
    for img in images:
        source = flight / img.original_name
        suffix = ".tiff"  # the rejected file's ".TIFF" is lower-cased
        assert img.stored_path == f"images/{img.sha256[:2]}/{img.sha256}{suffix}"
        stored = data_dir / img.stored_path
        assert stored.read_bytes() == source.read_bytes() and _sha(stored) == img.sha256
        assert stored_file(img, data_dir) == stored
    assert {i.status for i in images} == {"analysed", "rejected"}  # the rejected file is kept as evidence
    assert len(_store_files(data_dir)) == 11  # nothing else: no temporary file left behind


def test_reingest_adds_and_rewrites_nothing(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    _run(factory, flight, data_dir)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in _store_files(data_dir)}
    again = _run(factory, flight, data_dir, workers=2)
    assert again.skipped == 11 and again.analysed == again.rejected == 0
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in _store_files(data_dir)} == before
    # a second folder holding the same bytes under other names adds neither rows nor files
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in sorted(flight.glob("IRP_0000*.tiff"))[:3]:
        (copy / f"renamed-{p.name}").write_bytes(p.read_bytes())
    r = _run(factory, copy, data_dir)
    assert r.analysed == r.rejected == 0 and r.skipped == 3
    assert int(loaded.scalar(select(func.count()).select_from(Image)) or 0) == 11
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in _store_files(data_dir)} == before


def test_store_image_names_and_idempotence(tmp_path: Path) -> None:
    data = b"thermal bytes"
    sha = hashlib.sha256(data).hexdigest()
    assert image_relpath(sha, "DJI_0001.JPG") == f"images/{sha[:2]}/{sha}.jpg"
    assert image_relpath(sha, "no-suffix") == f"images/{sha[:2]}/{sha}"
    assert image_relpath(sha, "odd.t!ff") == f"images/{sha[:2]}/{sha}"
    with pytest.raises(InputError):
        image_relpath("../../etc/passwd", "x.jpg")
    rel = store_image(tmp_path, sha, "a.jpg", data)
    first = (tmp_path / rel).stat()
    assert store_image(tmp_path, sha, "b.jpg", data) == rel
    assert (tmp_path / rel).stat().st_ino == first.st_ino  # not written again
    assert [p.name for p in (tmp_path / rel).parent.iterdir()] == [f"{sha}.jpg"]


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_a_failed_copy_leaves_nothing_under_the_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    data = b"x" * 100_000
    sha = hashlib.sha256(data).hexdigest()

    def crash(*args: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(store.os, fail_at, crash)
    with pytest.raises(OSError, match="disk gone"):
        store_image(tmp_path, sha, "a.tiff", data)
    folder = tmp_path / "images" / sha[:2]
    assert list(folder.iterdir()) == []  # neither the final name nor the temporary file
    monkeypatch.undo()
    rel = store_image(tmp_path, sha, "a.tiff", data)
    assert (tmp_path / rel).read_bytes() == data


def _leftovers(folder: Path) -> tuple[Path, Path, Path]:
    """A stale hidden ``.part`` file (2 min old), a fresh one (a live writer's) and an old visible
    file that merely ends in ``.part``, in a sub-folder of ``folder``."""
    sub = folder / "ab"
    sub.mkdir(parents=True, exist_ok=True)
    stale, fresh = sub / ".ab12.tiff.4242.0a0b.part", sub / ".ab34.tiff.4243.0c0d.part"
    visible = sub / "x.part"
    for p in (stale, fresh, visible):
        p.write_bytes(b"half a file")
    old = time.time() - 120
    os.utime(stale, (old, old))
    os.utime(visible, (old, old))
    return stale, fresh, visible


def test_ingest_starts_by_removing_stale_part_files(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    stale, fresh, visible = _leftovers(data_dir / "images")
    r = _run(factory, flight, data_dir)
    assert r.analysed + r.rejected == 11
    assert not stale.exists() and fresh.exists() and visible.exists()


def test_photo_store_removes_stale_part_files(tmp_path: Path) -> None:
    from irpatrol.registry.photos import store_photo
    from irpatrol.registry.store import remove_stale_parts

    data_dir = tmp_path / "data"
    stale, fresh, visible = _leftovers(data_dir / "photos")
    photo = tmp_path / "p.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    rel, _ = store_photo(photo, data_dir)
    assert (data_dir / rel).read_bytes() == photo.read_bytes()
    assert not stale.exists() and fresh.exists() and visible.exists()
    assert remove_stale_parts(data_dir / "photos", now=time.time() + 61) == 1  # the fresh one, later
    assert remove_stale_parts(tmp_path / "missing") == 0


_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from irpatrol import db
    from irpatrol.config import Settings
    from irpatrol.ingest import ingest_folder
    url, folder, data_dir = sys.argv[1:4]
    eng = db.make_engine(url)
    ingest_folder(db.session_factory(eng), Path(folder), feeder="F1", date="2026-07-15", crew="C1",
                  settings=Settings(data_dir=Path(data_dir)), workers=1)
    """
)


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_only_whole_files_and_a_rerun_completes(
    db_url: str, feeder_csv: Path, tmp_path: Path
) -> None:
    engine = db.make_engine(db_url)
    factory = db.session_factory(engine)
    with factory() as s:
        import_assets(s, feeder_csv)
        s.commit()
    flight = tmp_path / "flight"
    write_flight(flight, "F1", POLES, FlightSpec(width=640, height=512, images_per_pole=4), HOT)
    n_files = len(list(flight.glob("*.tiff")))
    data_dir = tmp_path / "data"

    def images() -> int:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM image")).scalar() or 0)

    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, db_url, str(flight), str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and images() < 5:
        time.sleep(0.005)
    assert proc.poll() is None, (
        f"ingest ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
    )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert 0 < images() < n_files
    for p in _store_files(data_dir):  # every file under its final name is whole
        assert p.name.startswith(".") or p.stem == _sha(p), p
    r = ingest_folder(
        factory,
        flight,
        feeder="F1",
        date="2026-07-15",
        crew="C1",
        settings=Settings(data_dir=data_dir),
        workers=1,
    )
    assert images() == n_files and r.skipped + r.analysed + r.rejected == n_files
    with factory() as s:
        for img in s.scalars(select(Image)):
            assert _sha(stored_file(img, data_dir)) == img.sha256
    finals = [p for p in _store_files(data_dir) if not p.name.startswith(".")]
    assert len(finals) == n_files
    engine.dispose()


def test_simulated_finding_is_recomputed_from_its_raw_counts(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    r = _run(factory, flight, data_dir)
    assert r.defects_opened == 1
    loaded.expire_all()
    finding = loaded.scalar(select(Finding).where(Finding.defect_id.is_not(None)))
    assert finding is not None and finding.image.params is not None
    assert finding.image.params["emissivity"] == 0.95 and finding.image.source_format == "tiff"
    before, grade = finding.t_max_c, finding.grade
    # the recomputed maximum is the Planck equation applied to the stored raw counts at ε 0.7
    th = radiometry.read(data_dir / (finding.image.stored_path or ""))
    assert th.details["unit"] == "raw" and th.raw is not None
    expected = th.with_params(emissivity=0.7).celsius
    recompute(loaded, finding.id, emissivity=0.7, user="ana", data_dir=data_dir)
    loaded.commit()
    assert finding.t_max_c > before + 3.0  # 40 K above a healthy clamp: far above the reflected 25 °C
    assert finding.params is not None and finding.params["emissivity"] == 0.7
    assert finding.max_x is not None and finding.max_y is not None
    assert finding.t_max_c == pytest.approx(float(expected[finding.max_y, finding.max_x]), abs=1e-4)
    assert finding.t_max_c == pytest.approx(
        float(
            np.max(
                expected[
                    finding.bbox_y : finding.bbox_y + finding.bbox_h,
                    finding.bbox_x : finding.bbox_x + finding.bbox_w,
                ]
            )
        ),
        abs=1e-4,
    )
    # distance and reflected temperature too, and back to the capture parameters restores the value
    recompute(loaded, finding.id, distance_m=30.0, reflected_c=40.0, data_dir=data_dir)
    assert finding.params["distance_m"] == 30.0 and finding.params["reflected_c"] == 40.0
    recompute(
        loaded,
        finding.id,
        emissivity=0.95,
        distance_m=th.params.distance_m,
        reflected_c=25.0,
        data_dir=data_dir,
    )
    loaded.commit()
    assert finding.t_max_c == pytest.approx(before, abs=1e-3) and finding.grade == grade


def test_one_stored_file_for_every_reader(tmp_path: Path) -> None:
    """The registry, the API, the viewer and the reports find an image's file the same way: a
    relative path under the data folder, an absolute one as is; NotFound (never None) when it has
    none or it is gone — the report then simply leaves the picture out."""
    from irpatrol.errors import NotFound
    from irpatrol.reports.images import file_loader

    data = b"not really a thermogram"
    sha = hashlib.sha256(data).hexdigest()
    rel = store_image(tmp_path, sha, "a.tiff", data)
    image = Image(id=7, sha256=sha, original_name="a.tiff", stored_path=rel)
    assert stored_file(image, tmp_path) == tmp_path / rel
    assert stored_file(Image(id=8, stored_path=str(tmp_path / rel)), tmp_path / "elsewhere") == tmp_path / rel
    for gone in (Image(id=9, stored_path=None), Image(id=10, stored_path="images/00/missing.tiff")):
        with pytest.raises(NotFound, match=f"image #{gone.id}"):
            stored_file(gone, tmp_path)
        assert file_loader(tmp_path)(gone, None) == (None, None)
