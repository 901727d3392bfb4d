"""`python -m pristine_docker …` runs the `pristine` binary with the same arguments."""

from __future__ import annotations

import os
import sys

from pristine_docker import find_pristine_bin


def main() -> "int | None":
    binary = find_pristine_bin()
    if sys.platform == "win32":
        import subprocess

        return subprocess.run([binary, *sys.argv[1:]]).returncode
    os.execvp(binary, [binary, *sys.argv[1:]])
    return None


if __name__ == "__main__":
    sys.exit(main())
