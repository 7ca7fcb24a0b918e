"""Keywords IOS/IOS-XE and the ASA spell alike; each platform's names.py re-exports what it uses, so
render and read keep looking in one table per vendor."""

from __future__ import annotations


def pfs(group: int) -> str:
    """``set pfs groupN`` (crypto ipsec profile / crypto map entry)."""
    return f"group{group}"


def pfs_read(word: str) -> int | None:
    w = word.lower()
    return int(w[5:]) if w.startswith("group") and w[5:].isdigit() else None
