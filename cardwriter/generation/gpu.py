"""GPU offload: how many of a model's layers llama.cpp puts on the GPU, from the writer's setting.

The setting is "auto" or a number of layers (0 keeps everything on the CPU).
"auto" means all layers when the installed llama-cpp-python was built with a
GPU backend (CUDA, Metal, Vulkan...: ``llama_supports_gpu_offload()``) and 0
otherwise. A CPU-only build offloads nothing whatever is asked, so the layers
*in use* are 0 there and the status bar says "CPU".
"""

from __future__ import annotations

from cardwriter.errors import UserError
from cardwriter.generation.setting_ranges import GPU_LAYERS

AUTO = "auto"
ALL_LAYERS = -1  # llama.cpp's n_gpu_layers for "every layer"


def supports_gpu_offload() -> bool:
    """Whether this llama-cpp-python build can put layers on a GPU (False where it cannot even load)."""
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:  # no library, no GPU: the engine will say what is wrong when it loads
        return False


def parse_gpu_layers(value: str | int | None) -> str | int:
    """ "auto" or a whole number of layers in ``GPU_LAYERS``; a ``UserError`` for anything else."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", AUTO)):
        return AUTO
    try:
        layers = int(str(value).strip())
    except ValueError:
        layers = -2
    if GPU_LAYERS.problem(layers):
        raise UserError(
            f"GPU layers must be 'auto' or a whole number from 0 up to {GPU_LAYERS.upper()} (0: CPU only), "
            f"not {value!r}"
        )
    return layers


def layers_to_offload(setting: str | int | None, gpu: bool | None = None) -> int:
    """The ``n_gpu_layers`` to load with: all for "auto" on a GPU build, 0 on a CPU build."""
    gpu = supports_gpu_offload() if gpu is None else gpu
    wanted = parse_gpu_layers(setting)
    if not gpu:
        return 0
    return ALL_LAYERS if wanted == AUTO else int(wanted)


def backend_label(layers: int) -> str:
    """ "GPU" when any layer is offloaded, else "CPU"."""
    return "GPU" if layers != 0 else "CPU"
