"""Start-up stays light: building the app (what `gesso serve` does before it answers) imports
neither the model stack nor the HTTP clients used only for model downloads, nor socket.io (created
by the first socket.io request), the Redis client (only with `redis_url`), joserfc (single
sign-on), PyJWT or `cryptography` (the first sign-in or 2FA use) or Pillow (the first image handled).

Each of these costs tens to hundreds of milliseconds of start-up; they are imported on first use
(a generation, a download, a hub call, a socket). A new top-level import of one of them fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = (
    "torch", "diffusers", "transformers", "huggingface_hub", "httpx", "httpx2", "httpcore", "rich", "numpy",
    "socketio", "engineio", "redis", "requests", "joserfc", "jwt", "cryptography", "PIL",
)  # fmt: skip
# The node types (about sixty pydantic models) load when a graph is first checked or run.
NODE_MODULES = "gesso.engine.nodes"


def test_starting_the_server_imports_no_model_or_download_stack(tmp_path: Path) -> None:
    # Builds the app and runs its start-up (worker and heartbeat included), as `gesso serve` does.
    script = (
        "import asyncio, sys\n"
        "import gesso.cli.main, gesso.cli.serve\n"
        "from gesso.app import create_app\n"
        "from gesso.config import Settings\n"
        f"app = create_app(Settings(root={str(tmp_path)!r}))\n"
        "async def start_and_stop():\n"
        "    async with app.router.lifespan_context(app):\n"
        "        pass\n"
        "asyncio.run(start_and_stop())\n"
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.startswith({NODE_MODULES!r}))))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    heavy, nodes = run.stdout.split("\n")[:2]
    assert heavy.split() == []
    assert nodes.split() == []
