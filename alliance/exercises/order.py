"""A fixed shuffle per exercise: seeded from its id, so every build, JupyterLab and the
exported page show the same order, and the best answer is not always first."""

from __future__ import annotations

import hashlib
import random
import re


def seeded_order(seed: str, count: int) -> list[int]:
    """Positions 0..count-1 in an order that depends only on `seed`."""
    order = list(range(count))
    random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)).shuffle(order)
    return order


def sentences(text: str) -> int:
    """Roughly how many sentences a response has: ends of sentence followed by a space or the end."""
    stripped = re.sub(r"[\"'”’)]+", "", text.strip())
    return max(1, len(re.findall(r"[.!?…]+(?=\s|$)", stripped)))
