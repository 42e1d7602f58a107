"""Finding the footnote callouts in the text.

A callout is the footnote's number glued to the character before it
(``Reagan1``, ``evening.2``).  Glued to a number it cannot be told from the
number (``Directive 2031`` is NSDD 203 and note 1), so callouts are not found
one by one but all together: the notes run 1, 2, 3… and each has exactly one
callout, so we choose, among all places where each number *could* stand, the
one increasing sequence that is most plausible.  Plausibility is a small,
fixed penalty by what the digits are glued to (a letter or closing punctuation
costs nothing, a digit or dash costs more); ties go to the earliest places.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# What a callout may be glued to, and what that costs.
_CLOSING = set(".,;:!?)]”’\"'…")
_DASHES = set("-‐‑‒–—―/")


@dataclass(frozen=True)
class Candidate:
    offset: int  # of the first digit, in the source text
    length: int
    penalty: int


def _penalty(before: str, after: str) -> int | None:
    if before.isspace():
        return None
    if after.isdigit():
        return None
    cost = 0
    if before.isdigit():
        cost = 2
    elif before in _DASHES:
        cost = 3
    elif not (before in _CLOSING or unicodedata.category(before).startswith("L")):
        cost = 4  # after an opening bracket or other sign: unusual
    if after and unicodedata.category(after).startswith("L"):
        cost += 1  # a callout is rarely followed straight by a letter
    return cost


def candidates(segments: list[tuple[str, int]], number: int) -> list[Candidate]:
    """Every place in ``segments`` (text, source offset) where ``number`` could be a callout."""
    digits = str(number)
    found: list[Candidate] = []
    for text, base in segments:
        for match in re.finditer(re.escape(digits), text):
            i = match.start()
            if i == 0:
                continue  # nothing to be glued to
            end = i + len(digits)
            after = text[end] if end < len(text) else ""
            cost = _penalty(text[i - 1], after)
            if cost is not None:
                found.append(Candidate(base + i, len(digits), cost))
    found.sort(key=lambda c: c.offset)
    return found


class NoCallout(Exception):
    def __init__(self, number: int, after: Candidate | None):
        self.number = number
        self.after = after


def resolve(segments: list[tuple[str, int]], count: int) -> list[Candidate]:
    """The callouts of notes 1..count, in order; raises :class:`NoCallout`."""
    if count == 0:
        return []
    options = [candidates(segments, n) for n in range(1, count + 1)]
    _check_feasible(options)
    # best[k][j]: least total penalty of notes 1..k+1 with note k+1 at options[k][j],
    # and the index of note k's choice (back pointer).
    best: list[list[tuple[int, int]]] = [[(c.penalty, -1) for c in options[0]]]
    for k in range(1, count):
        prev, prev_best = options[k - 1], best[k - 1]
        prev_offsets = [c.offset for c in prev]
        # running minimum over the previous note's options, earliest on ties
        running: list[tuple[int, int]] = []
        low = (10**9, -1)
        for j, (cost, _) in enumerate(prev_best):
            if cost < low[0]:
                low = (cost, j)
            running.append(low)
        row: list[tuple[int, int]] = []
        for cand in options[k]:
            upto = bisect.bisect_left(prev_offsets, cand.offset) - 1
            if upto < 0 or running[upto][0] >= 10**9:
                row.append((10**9, -1))
            else:
                row.append((running[upto][0] + cand.penalty, running[upto][1]))
        best.append(row)
    last = min(range(len(best[-1])), key=lambda j: (best[-1][j][0], options[-1][j].offset))
    chosen: list[Candidate] = []
    j = last
    for k in range(count - 1, -1, -1):
        chosen.append(options[k][j])
        j = best[k][j][1]
    chosen.reverse()
    return chosen


def _check_feasible(options: list[list[Candidate]]) -> None:
    """Greedy earliest placement: the first note that cannot follow its predecessor."""
    previous: Candidate | None = None
    for n, opts in enumerate(options, start=1):
        after = previous.offset if previous else -1
        nxt = next((c for c in opts if c.offset > after), None)
        if nxt is None:
            raise NoCallout(n, previous)
        previous = nxt


def stray_callout(segments: list[tuple[str, int]], number: int, after: int) -> Candidate | None:
    """A place after ``after`` that looks unmistakably like a callout for ``number``
    (glued to a lower-case letter or closing punctuation, followed by a space or
    the end): evidence of a callout whose footnote is missing."""
    for cand in candidates(segments, number):
        if cand.offset <= after or cand.penalty != 0:
            continue
        for text, base in segments:
            if base <= cand.offset < base + len(text):
                i = cand.offset - base
                before = text[i - 1]
                end = i + cand.length
                after_char = text[end] if end < len(text) else ""
                if (before.islower() or before in _CLOSING) and (after_char in ("", " ") or after_char in _CLOSING):
                    return cand
    return None
