"""Deterministic sample-data generator for the landing zone (../shared/CONTRACT.md, section 1;
docs/landing_zone.md) and its ground truth.

    python -m sms_attribution.generator --scale tiny --out data/landing --truth-dir data/truth

or, from Python, ``generate(out_dir, truth_dir, subscribers=..., days=..., seed=...)``.
"""

from .core import DEFAULT_START, SCALES, SOURCES, generate

__all__ = ["DEFAULT_START", "SCALES", "SOURCES", "generate"]
