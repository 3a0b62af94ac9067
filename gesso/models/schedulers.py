"""Scheduler names (InvokeAI's) and the diffusers classes and settings behind them.

A scheduler is built with `from_config(pipe.scheduler.config, **overrides)`, so it keeps the
model's own noise schedule (betas, prediction type, …). The `_k` names use Karras sigmas.
`dpmpp_sde`/`dpmpp_sde_k` are left out (their diffusers class needs the `torchsde` package, which
the `gen` extra does not install), and so is `er_sde` (InvokeAI's own scheduler, not diffusers').
diffusers is imported only when a scheduler is made.
"""

from __future__ import annotations

import typing
from typing import Any, Literal

SchedulerName = Literal[
    "ddim",
    "ddpm",
    "deis",
    "deis_k",
    "lms",
    "lms_k",
    "pndm",
    "heun",
    "heun_k",
    "euler",
    "euler_k",
    "euler_a",
    "kdpm_2",
    "kdpm_2_k",
    "kdpm_2_a",
    "kdpm_2_a_k",
    "dpmpp_2s",
    "dpmpp_2s_k",
    "dpmpp_2m",
    "dpmpp_2m_k",
    "dpmpp_2m_sde",
    "dpmpp_2m_sde_k",
    "dpmpp_3m",
    "dpmpp_3m_k",
    "unipc",
    "unipc_k",
    "lcm",
    "tcd",
]

_PLAIN = {"use_karras_sigmas": False}
_KARRAS = {"use_karras_sigmas": True}

# name -> (diffusers class name, overrides passed to from_config)
SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    "ddim": ("DDIMScheduler", {}),
    "ddpm": ("DDPMScheduler", {}),
    "deis": ("DEISMultistepScheduler", _PLAIN),
    "deis_k": ("DEISMultistepScheduler", _KARRAS),
    "lms": ("LMSDiscreteScheduler", _PLAIN),
    "lms_k": ("LMSDiscreteScheduler", _KARRAS),
    "pndm": ("PNDMScheduler", {}),
    "heun": ("HeunDiscreteScheduler", _PLAIN),
    "heun_k": ("HeunDiscreteScheduler", _KARRAS),
    "euler": ("EulerDiscreteScheduler", _PLAIN),
    "euler_k": ("EulerDiscreteScheduler", _KARRAS),
    "euler_a": ("EulerAncestralDiscreteScheduler", {}),
    "kdpm_2": ("KDPM2DiscreteScheduler", _PLAIN),
    "kdpm_2_k": ("KDPM2DiscreteScheduler", _KARRAS),
    "kdpm_2_a": ("KDPM2AncestralDiscreteScheduler", _PLAIN),
    "kdpm_2_a_k": ("KDPM2AncestralDiscreteScheduler", _KARRAS),
    "dpmpp_2s": ("DPMSolverSinglestepScheduler", _PLAIN),
    "dpmpp_2s_k": ("DPMSolverSinglestepScheduler", _KARRAS),
    "dpmpp_2m": ("DPMSolverMultistepScheduler", {**_PLAIN, "algorithm_type": "dpmsolver++"}),
    "dpmpp_2m_k": ("DPMSolverMultistepScheduler", {**_KARRAS, "algorithm_type": "dpmsolver++"}),
    "dpmpp_2m_sde": ("DPMSolverMultistepScheduler", {**_PLAIN, "algorithm_type": "sde-dpmsolver++"}),
    "dpmpp_2m_sde_k": ("DPMSolverMultistepScheduler", {**_KARRAS, "algorithm_type": "sde-dpmsolver++"}),
    "dpmpp_3m": (
        "DPMSolverMultistepScheduler",
        {**_PLAIN, "algorithm_type": "dpmsolver++", "solver_order": 3},
    ),
    "dpmpp_3m_k": (
        "DPMSolverMultistepScheduler",
        {**_KARRAS, "algorithm_type": "dpmsolver++", "solver_order": 3},
    ),
    "unipc": ("UniPCMultistepScheduler", _PLAIN),
    "unipc_k": ("UniPCMultistepScheduler", _KARRAS),
    "lcm": ("LCMScheduler", {}),
    "tcd": ("TCDScheduler", {}),
}

SCHEDULER_NAMES: tuple[str, ...] = typing.get_args(SchedulerName)
assert set(SCHEDULER_NAMES) == set(SCHEDULERS)


class UnknownScheduler(ValueError):
    pass


def make_scheduler(name: str, config: Any) -> Any:
    """A fresh diffusers scheduler `name`, from a model's scheduler config."""
    if name not in SCHEDULERS:
        raise UnknownScheduler(f"Unknown scheduler {name!r} (known: {', '.join(SCHEDULER_NAMES)})")
    import diffusers

    class_name, overrides = SCHEDULERS[name]
    scheduler_class = getattr(diffusers, class_name)
    return scheduler_class.from_config(config, **overrides)
