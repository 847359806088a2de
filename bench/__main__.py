"""``python -m bench`` (``make bench``): run every benchmark module of this package in turn.

Each ``bench/<name>.py`` with a ``main()`` runs in its own process (each sets up Django against
its own scratch database), with the caller's environment (DATABASE_URL=postgres://…).
"""

import pkgutil
import subprocess
import sys
from pathlib import Path


def main():
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_") and m.name != "common")
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=here.parent).returncode:
            failed.append(name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
