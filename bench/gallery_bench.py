"""Gallery benchmark: first-page latency at 1,000 and 100,000 images, and upload throughput.

Seeds 50 users and 500 boards, then image records in bulk through the images store (records
only: listing never opens files). Queries go through the real app over HTTP (in-process
TestClient) as an ordinary user, so access filtering is included.

    .venv/bin/python bench/gallery_bench.py [--images 100000] [--repeat 200] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

warnings.filterwarnings("ignore")

from fastapi.testclient import TestClient  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gesso.app import create_app  # noqa: E402
from gesso.auth.actor import SYSTEM_ACTOR  # noqa: E402
from gesso.boards.store import Board, insert_board  # noqa: E402
from gesso.config import Settings  # noqa: E402
from gesso.images import store as image_store  # noqa: E402
from gesso.images.service import UploadOptions  # noqa: E402
from gesso.images.store import ImageRecord  # noqa: E402
from gesso.services import Services  # noqa: E402

USERS = 50
BOARDS = 500
PASSWORD = "Bench-pass1"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed_users(services: Services) -> list[str]:
    services.users.setup_admin("admin@bench.local", PASSWORD)
    return [services.users.create_user(f"user{n}@bench.local", PASSWORD).user_id for n in range(USERS)]


def seed_boards(services: Services, user_ids: list[str]) -> list[Board]:
    now = datetime.now(UTC)
    boards = [
        Board(str(uuid.uuid4()), user_ids[n % USERS], f"Board {n}", "private", False, None, now, now)
        for n in range(BOARDS)
    ]
    with services.db.write() as conn:
        for board in boards:
            insert_board(conn, board)
    return boards


def seed_images(
    services: Services, owners: list[str], boards: list[Board], start: int, count: int, board_share: float
) -> None:
    """`count` images spread over `owners`; `board_share` of them on one of the owner's boards."""
    rng = random.Random(start)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    boards_by_user: dict[str, list[Board]] = {}
    for board in boards:
        boards_by_user.setdefault(board.user_id, []).append(board)
    batch: list[ImageRecord] = []
    for n in range(start, start + count):
        owner = owners[n % len(owners)]
        board = rng.choice(boards_by_user[owner]) if rng.random() < board_share else None
        when = base + timedelta(seconds=n)
        batch.append(
            ImageRecord(
                image_name=f"{uuid.uuid4()}.png",
                user_id=owner,
                board_id=board.board_id if board else None,
                image_origin="internal",
                image_category="general",
                width=512,
                height=512,
                is_intermediate=False,
                starred=rng.random() < 0.05,
                has_workflow=False,
                session_id=None,
                node_id=None,
                metadata=json.dumps({"prompt": f"bench prompt {n}"}),
                created_at=when,
                updated_at=when,
            )
        )
        if len(batch) == 5000:
            _insert(services, batch)
            batch = []
    _insert(services, batch)


def _insert(services: Services, batch: list[ImageRecord]) -> None:
    if batch:
        with services.db.write() as conn:
            conn.execute(image_store.images.insert(), [r.__dict__ for r in batch])


def measure(client: TestClient, token: str, board_id: str, repeat: int) -> dict[str, dict[str, float]]:
    headers = {"Authorization": f"Bearer {token}"}
    paths = {
        "gallery page (all own images)": "/api/v1/images/?limit=50&categories=general",
        "gallery page (uncategorized)": "/api/v1/images/?board_id=none&limit=50&categories=general",
        "board page": f"/api/v1/images/?board_id={board_id}&limit=50&categories=general",
        "names (uncategorized)": "/api/v1/images/names?board_id=none&categories=general",
    }
    results = {}
    for label, path in paths.items():
        for _ in range(10):
            client.get(path, headers=headers)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        results[label] = {"p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 0.95)}
    return results


def upload_throughput(services: Services, count: int) -> float:
    rng = random.Random(7)
    payloads = []
    for _ in range(count):
        buffer = io.BytesIO()
        noise = Image.effect_noise((512, 512), rng.uniform(20, 80)).convert("RGB")
        noise.save(buffer, "PNG")
        payloads.append(buffer.getvalue())
    started = time.perf_counter()
    for data in payloads:
        services.images.upload(SYSTEM_ACTOR, data, UploadOptions(image_category="general"))
    return count / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--uploads", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(root=Path(tmp), multiuser=True, login_throttle_per_ip=10_000)
        app = create_app(settings)
        services: Services = app.state.services
        with TestClient(app) as client:
            user_ids = seed_users(services)
            boards = seed_boards(services, user_ids)
            token = client.post(
                "/api/v1/auth/login", json={"email": "user0@bench.local", "password": PASSWORD}
            )
            token_value = token.json()["token"]
            board_id = next(b.board_id for b in boards if b.user_id == user_ids[0])

            # The measured user owns a fixed gallery (300 uncategorized, 200 on one board) at
            # both sizes, so any slowdown at 100k comes from the other users' rows, i.e. scans.
            measured, others = user_ids[0], user_ids[1:]
            measured_board = [b for b in boards if b.board_id == board_id]
            seed_images(services, [measured], [], 0, 300, board_share=0.0)
            seed_images(services, [measured], measured_board, 300, 200, board_share=1.0)
            seed_images(services, others, boards, 500, 500, board_share=0.7)
            small = measure(client, token_value, board_id, args.repeat)
            started = time.perf_counter()
            seed_images(services, others, boards, 1_000, args.images - 1_000, board_share=0.7)
            seed_seconds = time.perf_counter() - started
            large = measure(client, token_value, board_id, args.repeat)
        uploads_per_second = upload_throughput(services, args.uploads)

    print(f"seeded {args.images:,} images for {USERS} users on {BOARDS} boards ({seed_seconds:.1f} s);")
    print("the measured user's gallery: 300 uncategorized images and a board of 200, at both sizes")
    print(f"{'query':32} {'p50 1k':>9} {'p95 1k':>9} {'p50 big':>9} {'p95 big':>9} {'ratio':>6}  goal")
    report: dict[str, object] = {"images": args.images, "queries": {}}
    for label in small:
        ratio = large[label]["p50_ms"] / small[label]["p50_ms"]
        ok = large[label]["p50_ms"] < 20 and ratio <= 1.5
        print(
            f"{label:32} {small[label]['p50_ms']:8.2f}ms {small[label]['p95_ms']:8.2f}ms "
            f"{large[label]['p50_ms']:8.2f}ms {large[label]['p95_ms']:8.2f}ms {ratio:6.2f}  "
            + ("met" if ok else "MISSED")
        )
        report["queries"][label] = {"small": small[label], "large": large[label], "ratio": ratio}  # type: ignore[index]
    print(f"upload of 512x512 PNGs incl. thumbnail: {uploads_per_second:.1f} images/s")
    report["uploads_per_second"] = uploads_per_second
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
