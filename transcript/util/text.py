"""Characters no one-line text we write or accept may carry."""

from __future__ import annotations

#: A regular-expression class body: C0 and C1 controls, line and paragraph separators,
#: zero-width characters and marks, bidirectional embeddings, overrides and isolates, and the
#: byte-order mark. Any of them can break a line or make text read otherwise than it is.
INVISIBLE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
