"""Reading the file mailbox that worker subprocesses write (filebased email backend)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_NOTICE_ID = re.compile(rb"^X-Notice-Id: (\d+)\r?$", re.MULTILINE)


def delivered(mail_dir: Path) -> Counter:
    """How many times each notice id was written to the mailbox."""
    counts: Counter = Counter()
    if not mail_dir.exists():
        return counts
    for path in mail_dir.iterdir():
        if path.is_file():
            counts.update(int(m) for m in _NOTICE_ID.findall(path.read_bytes()))
    return counts
