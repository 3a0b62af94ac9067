"""`NodeContext`: everything a running node may touch, acting as the queue item's owner.

Nodes never reach services directly: images are loaded and saved through the context with the
owner's read and write rights, and `progress()` both reports and honours cancellation.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from gesso.auth.actor import Actor
from gesso.engine.tensors import SessionTensors

if TYPE_CHECKING:
    from PIL import Image


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
class ModelInfo:
    """An installed model as nodes see it; `identifier()` is InvokeAI's `ModelIdentifierField`."""

    key: str
    hash: str
    name: str
    base: str
    type: str
    format: str

    def identifier(self, submodel_type: str | None = None) -> dict[str, Any]:
        found = {"key": self.key, "hash": self.hash, "name": self.name, "base": self.base, "type": self.type}
        return found | ({"submodel_type": submodel_type} if submodel_type else {})


class NodeModels(Protocol):
    """What generation nodes may ask of the model manager (implemented by
    `gesso.models.loader.ModelLoader`). Every call names the queue item's owner, so model access
    rules can be applied to the person a graph runs for."""

    @property
    def device(self) -> str: ...

    @property
    def known_device(self) -> str | None:
        """The device once chosen, without choosing it (which imports torch)."""
        ...

    @property
    def torch_dtype(self) -> Any: ...

    @property
    def patch_lock(self) -> AbstractContextManager[Any]:
        """Held while a node changes shared, cached modules for one use (LoRA, seamless, clip skip)."""
        ...

    def describe(self, model_key: str, *, owner: Actor | None = None) -> ModelInfo: ...

    def load(self, model_key: str, submodel: str | None = None, *, owner: Actor | None = None) -> Any:
        """A main model's component (`unet`, `text_encoder`, `text_encoder_2`, `tokenizer`,
        `tokenizer_2`, `vae`, `scheduler`), a VAE, a LoRA's layers, a ControlNet or an upscaler."""
        ...


ProgressReporter = Callable[[float | None, str, "Image.Image | None"], None]


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
    tensors: SessionTensors | None = field(default=None, repr=False)

    def raise_if_canceled(self) -> None:
        if self.is_canceled():
            raise Canceled()

    def progress(
        self, percentage: float | None = None, message: str = "", preview: Image.Image | None = None
    ) -> None:
        """Report step progress (0..1) with an optional preview; stops here if canceled."""
        self.raise_if_canceled()
        self.report_progress(percentage, message, preview)

    @property
    def model_manager(self) -> NodeModels:
        if self.models is None:
            raise RuntimeError("this server runs without a model manager")
        return self.models

    def describe_model(self, model_key: str) -> ModelInfo:
        return self.model_manager.describe(model_key, owner=self.owner)

    def load_model(self, model_key: str, submodel: str | None = None) -> Any:
        """Load through the model manager as the queue item's owner."""
        return self.model_manager.load(model_key, submodel, owner=self.owner)

    @property
    def store(self) -> SessionTensors:
        if self.tensors is None:
            raise RuntimeError("this run has no tensor store")
        return self.tensors

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
