"""`gesso db backup` while a real server is busy, and `gesso db restore` into a new root.

A backup taken under load (uploads and generated images arriving the whole time) must be
consistent in itself: every image row has its files, byte for byte those of the live root. A
backup taken once the server is idle must restore to exactly the same rows and files.
"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from tests.e2e.server import StartServer, clean_env
from tests.queue_helpers import image_graph

API = "/api/v1"


def gesso(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gesso", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=120, check=False)


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (seed % 256, seed * 7 % 256, 90)).save(buffer, "PNG")
    return buffer.getvalue()


class Load(threading.Thread):
    """Uploads images and enqueues image-making graphs until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.done = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                n = self.done
                upload = client.post(
                    f"{API}/images/upload",
                    params={"image_category": "user", "is_intermediate": "false"},
                    files={"file": (f"{n}.png", png(n), "image/png")},
                )
                enqueue = client.post(
                    f"{API}/queue/default/enqueue_batch", json={"batch": {"graph": image_graph()}}
                )
                for response in (upload, enqueue):
                    if response.status_code >= 400:
                        self.errors.append(f"{response.status_code} {response.text[:200]}")
                self.done += 1


# Live state of running processes, not data: the server's worker row turns `stopped` when it stops.
LIVE_TABLES = {"workers"}


def rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(db)) as conn:
        found = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        tables = [r[0] for r in found if r[0] not in LIVE_TABLES]
        # Table names come from the database's own catalogue.
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}  # noqa: S608


def files(root: Path) -> dict[str, bytes]:
    outputs = root / "outputs"
    return {
        str(p.relative_to(outputs)): p.read_bytes()
        for folder in ("images", "thumbnails")
        for p in sorted((outputs / folder).glob("*"))
    }


def wait_idle(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        queue = httpx.get(f"{url}{API}/queue/default/status").json()["queue"]
        if queue["pending"] == 0 and queue["in_progress"] == 0:
            return
        time.sleep(0.2)
    raise AssertionError("the queue did not drain")


def test_backup_under_load_restores_consistently(tmp_path: Path, start_server: StartServer) -> None:
    live = tmp_path / "live"
    live.mkdir()
    server = start_server(live)
    load = Load(server.url)
    load.start()
    try:
        while load.done < 5:
            load.stop.wait(0.05)
        busy = gesso("db", "backup", tmp_path / "busy", "--root", live)
        assert busy.returncode == 0, busy.stderr
    finally:
        load.stop.set()
        load.join(timeout=60)
    assert load.errors == []
    assert load.done >= 5

    # Consistent in itself: every image row has both files, identical to the live root's.
    restored = tmp_path / "restored"
    result = gesso("db", "restore", tmp_path / "busy", "--root", restored)
    assert result.returncode == 0, result.stderr
    snapshot = rows(restored / "databases" / "gesso.db")
    names = {row[0] for row in snapshot["images"]}
    assert names, "the backup holds images made before it started"
    copied = files(restored)
    originals = files(live)
    for name in names:
        for key in (f"images/{name}", f"thumbnails/{name.removesuffix('.png')}.webp"):
            assert copied[key] == originals[key], key
    assert set(copied) <= set(originals)
    with closing(sqlite3.connect(restored / "databases" / "gesso.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    # Once idle, a backup restores to exactly the same rows and files.
    wait_idle(server.url)
    calm = gesso("db", "backup", tmp_path / "calm", "--root", live)
    assert calm.returncode == 0, calm.stderr
    server.stop()
    again = tmp_path / "again"
    assert gesso("db", "restore", tmp_path / "calm", "--root", again).returncode == 0
    assert rows(again / "databases" / "gesso.db") == rows(live / "databases" / "gesso.db")
    assert files(again) == files(live)

    # The restored root serves its images.
    restarted = start_server(again)
    listed = httpx.get(f"{restarted.url}{API}/images/", params={"limit": 1}).json()["total"]
    assert listed == len(rows(live / "databases" / "gesso.db")["images"])


def test_restore_refuses_a_root_with_data_unless_forced(tmp_path: Path, start_server: StartServer) -> None:
    live = tmp_path / "live"
    live.mkdir()
    server = start_server(live)
    httpx.post(
        f"{server.url}{API}/images/upload",
        params={"image_category": "user", "is_intermediate": "false"},
        files={"file": ("a.png", png(1), "image/png")},
    )
    assert gesso("db", "backup", tmp_path / "b", "--root", live).returncode == 0
    server.stop()
    refused = gesso("db", "restore", tmp_path / "b", "--root", live)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert gesso("db", "restore", tmp_path / "b", "--root", live, "--force").returncode == 0
    not_empty = gesso("db", "backup", tmp_path / "b", "--root", live)
    assert not_empty.returncode == 1 and "not an empty folder" in not_empty.stderr
    not_backup = gesso("db", "restore", tmp_path, "--root", tmp_path / "new")
    assert not_backup.returncode == 1 and "not a Gesso backup" in not_backup.stderr
