"""Engine test support: an in-memory `NodeImages` (the one protocol boundary nodes touch) and contexts
around it. Saved images make a real PNG round trip, as the gallery's files do."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from gesso.auth.actor import Actor
from gesso.engine.context import NodeContext, ProgressReporter

OWNER = Actor(user_id="u-1", email="owner@example.com", display_name="Owner", is_admin=False)


@dataclass(frozen=True)
class SavedImage:
    image_name: str
    width: int
    height: int
    board_id: str | None
    is_intermediate: bool
    node_id: str | None
    metadata: dict[str, Any] | None


@dataclass
class MemoryImages:
    pixels: dict[str, Image.Image] = field(default_factory=dict)
    saved: list[SavedImage] = field(default_factory=list)
    loads: list[tuple[str, str]] = field(default_factory=list)

    def add(self, image: Image.Image, name: str | None = None) -> str:
        name = name or f"upload-{len(self.pixels)}.png"
        self.pixels[name] = image.copy()
        return name

    def load_pil(self, owner: Actor, image_name: str) -> Image.Image:
        self.loads.append((owner.user_id, image_name))
        return self.pixels[image_name].copy()

    def save_generated(
        self,
        owner: Actor,
        image: Image.Image,
        *,
        board_id: str | None,
        is_intermediate: bool,
        image_category: str,
        session_id: str | None,
        node_id: str | None,
        metadata: dict[str, Any] | None,
        graph: dict[str, Any] | None,
    ) -> SavedImage:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        buffer.seek(0)
        name = f"generated-{len(self.saved)}.png"
        self.pixels[name] = Image.open(buffer)
        self.pixels[name].load()
        record = SavedImage(name, image.width, image.height, board_id, is_intermediate, node_id, metadata)
        self.saved.append(record)
        return record

    def image(self, name: str) -> Image.Image:
        return self.pixels[name]


@dataclass
class Progress:
    reports: list[tuple[float | None, str]] = field(default_factory=list)
    canceled: bool = False

    def report(self, percentage: float | None, message: str, preview: Image.Image | None) -> None:
        self.reports.append((percentage, message))


ContextFactory = Callable[[str, str, ProgressReporter], NodeContext]


@pytest.fixture
def images() -> MemoryImages:
    return MemoryImages()


@pytest.fixture
def progress() -> Progress:
    return Progress()


@pytest.fixture
def make_context(images: MemoryImages, progress: Progress) -> ContextFactory:
    def _make(node_id: str, source_node_id: str, report: ProgressReporter) -> NodeContext:
        return NodeContext(
            owner=OWNER,
            node_id=node_id,
            source_node_id=source_node_id,
            session_id="session-1",
            graph={},
            images=images,
            report_progress=report,
            is_canceled=lambda: progress.canceled,
        )

    return _make
