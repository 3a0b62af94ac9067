"""InvokeAI's `controlnet` node: pairs a ControlNet model with its control image and settings
(`ControlField`); `denoise_latents` loads the model and applies it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from gesso.engine.nodes.sd_models import checked
from gesso.engine.registry import BaseNode, BaseOutput, ModelRequirement
from gesso.engine.types import ControlField, ControlMode, ImageField, ModelIdentifierField, ResizeMode

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext


class ControlOutput(BaseOutput):
    output_type: ClassVar[str] = "control_output"

    control: ControlField


class ControlNetNode(BaseNode):
    """A ControlNet and the image that guides it, for `denoise_latents.control`."""

    node_type: ClassVar[str] = "controlnet"
    output_class: ClassVar[type[BaseOutput]] = ControlOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "control_model": ModelRequirement(("controlnet",))
    }

    image: ImageField
    control_model: ModelIdentifierField
    control_weight: float | list[float] = Field(default=1.0)
    begin_step_percent: float = Field(default=0.0, ge=0, le=1)
    end_step_percent: float = Field(default=1.0, ge=0, le=1)
    control_mode: ControlMode = "balanced"
    resize_mode: ResizeMode = "just_resize"

    def invoke(self, ctx: NodeContext) -> ControlOutput:
        if self.begin_step_percent > self.end_step_percent:
            raise ValueError("controlnet: begin_step_percent is after end_step_percent")
        info = checked(ctx, self.control_model, self.model_requirements["control_model"], self.node_type)
        ctx.load_image(self.image.image_name)  # the owner may read it, and it is an image
        return ControlOutput(
            control=ControlField(
                image=self.image,
                control_model=ModelIdentifierField.model_validate(info.identifier()),
                control_weight=self.control_weight,
                begin_step_percent=self.begin_step_percent,
                end_step_percent=self.end_step_percent,
                control_mode=self.control_mode,
                resize_mode=self.resize_mode,
            )
        )


CONTROL_NODES: tuple[type[BaseNode], ...] = (ControlNetNode,)
