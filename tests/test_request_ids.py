"""Request ids keep their shape and sort by time, so audit indexes on them grow at the end."""

from __future__ import annotations

import re
import time

from router.context import new_request_id


def test_a_request_id_is_req_and_32_hex_digits() -> None:
    assert re.fullmatch(r"req_[0-9a-f]{32}", new_request_id())


def test_ids_made_later_sort_after_and_never_repeat() -> None:
    earlier = [new_request_id() for _ in range(100)]
    time.sleep(0.002)  # past the millisecond the ids start with
    later = [new_request_id() for _ in range(100)]
    assert max(earlier) < min(later)
    assert len(set(earlier + later)) == 200
