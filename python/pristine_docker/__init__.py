"""pristine: a BuildKit-exact linter for Dockerfiles, .dockerignore files and build contexts.

The package only carries the `pristine` binary; `find_pristine_bin()` locates it.
"""

from __future__ import annotations

import os
import sys
import sysconfig


def find_pristine_bin() -> str:
    """Return the path to the `pristine` binary installed with this package."""
    exe = "pristine" + sysconfig.get_config_var("EXE") if sysconfig.get_config_var("EXE") else "pristine"
    candidates = [
        os.path.join(sysconfig.get_path("scripts"), exe),
        os.path.join(sysconfig.get_path("scripts", vars={"base": sys.base_prefix}), exe),
    ]
    user_scheme = sysconfig.get_preferred_scheme("user") if hasattr(sysconfig, "get_preferred_scheme") else None
    if user_scheme:
        candidates.append(os.path.join(sysconfig.get_path("scripts", scheme=user_scheme), exe))
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"the pristine binary was not found (looked in: {', '.join(candidates)})")


__all__ = ["find_pristine_bin"]
