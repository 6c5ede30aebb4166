"""Make the benchmark modules importable, as run.py imports them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
