"""`NodeContext`: everything a running node may touch, acting as the queue item's owner.

Nodes never reach services directly: images are loaded and saved through the context with the
owner's read and write rights, and `progress()` both reports and honours cancellation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image

from gesso.auth.actor import Actor


class Canceled(Exception):
    """Raised inside a node when its queue item has been canceled."""


class NodeImages(Protocol):
    def load_pil(self, owner: Actor, image_name: str) -> Image.Image: ...

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
    ) -> Any: ...


@dataclass(frozen=True)
class PreparedPipeline:
    """A diffusers pipeline ready to call, with what it was made of (for the image's metadata).

    `model`, `vae` and each LoRA's `model` are InvokeAI `ModelIdentifierField`s
    ({key, hash, name, base, type}); `loras` is [{"model": ..., "weight": w}] as in InvokeAI's
    metadata."""

    pipe: Any
    base: str
    device: str
    model: dict[str, Any]
    vae: dict[str, Any] | None = None
    loras: list[dict[str, Any]] = field(default_factory=list)


class NodeModels(Protocol):
    """What generation nodes may ask of the model manager (implemented in `gesso.models.loader`)."""

    def load(self, model_key: str, **options: Any) -> Any: ...

    def pipeline(
        self,
        model_key: str,
        *,
        mode: str,
        scheduler: str,
        vae: str | None = None,
        loras: Sequence[tuple[str, float]] = (),
    ) -> AbstractContextManager[PreparedPipeline]:
        """The main model as a `mode` ("txt2img" | "img2img") pipeline with `scheduler`, the VAE
        and the weighted LoRAs applied, for the duration of the `with` block."""
        ...


ProgressReporter = Callable[[float | None, str, Image.Image | None], None]


@dataclass
class NodeContext:
    owner: Actor
    node_id: str
    source_node_id: str
    session_id: str
    graph: dict[str, Any]
    images: NodeImages
    report_progress: ProgressReporter = field(repr=False)
    is_canceled: Callable[[], bool] = field(repr=False)
    models: NodeModels | None = field(default=None, repr=False)

    def raise_if_canceled(self) -> None:
        if self.is_canceled():
            raise Canceled()

    def progress(
        self, percentage: float | None = None, message: str = "", preview: Image.Image | None = None
    ) -> None:
        """Report step progress (0..1) with an optional preview; stops here if canceled."""
        self.raise_if_canceled()
        self.report_progress(percentage, message, preview)

    def load_image(self, image_name: str) -> Image.Image:
        return self.images.load_pil(self.owner, image_name)

    def save_image(
        self,
        image: Image.Image,
        *,
        board_id: str | None = None,
        is_intermediate: bool = False,
        metadata: dict[str, Any] | None = None,
        image_category: str = "general",
    ) -> Any:
        return self.images.save_generated(
            self.owner,
            image,
            board_id=board_id,
            is_intermediate=is_intermediate,
            image_category=image_category,
            session_id=self.session_id,
            node_id=self.source_node_id,
            metadata=metadata,
            graph=self.graph,
        )
