"""Print precision and recall of the automatic tagging against the official hand tagging.

    python scripts/tagging_scores.py [EXAMPLES_DIR]

The twelve example texts are encoded and tagged with that volume's persons and
terms lists (``persons.xml``, ``terms.xml``); each tag is compared with the
official TEI by kind, register id, place (block and offset) and words.  The
editor's resolutions are those an editor of Volume V would give: ``Reagan`` is
the President, ``Shultz`` the Secretary of State.  Misses and false tags are
listed after the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition import compare, encode, registers, seeds, tagging, tei  # noqa: E402

RULES = tagging.Rules(resolve=(("Reagan", "p_RRW_1"), ("Shultz", "p_SGP_1")))


def scores(root: Path):
    regs = registers.load({"person": [str(root / "persons.xml")], "term": [str(root / "terms.xml")]})
    counts = {kind: [0, 0, 0] for kind in ("person", "term")}  # true positives, ours, official
    misses, false = [], []
    for official_path in sorted((root / "tei").glob("d*.xml"), key=lambda p: int(p.stem[1:])):
        doc = encode.encode_text(seeds.read_text(root / "text" / f"{official_path.stem}.txt"))
        ours, _ = tagging.tag(doc, regs, RULES)
        official = tei.read_documents(official_path)[0]
        a, b = compare.tags(ours), compare.tags(official)
        for kind in counts:
            mine = {t for t in a if t[0] == kind}
            theirs = {t for t in b if t[0] == kind}
            counts[kind][0] += len(mine & theirs)
            counts[kind][1] += len(mine)
            counts[kind][2] += len(theirs)
            misses += [(official_path.stem, t) for t in sorted(theirs - mine)]
            false += [(official_path.stem, t) for t in sorted(mine - theirs)]
    return counts, misses, false


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent.parent / "shared/examples/frus1981-88v05"
    counts, misses, false = scores(root)
    print(f"{'kind':8} {'precision':>9} {'recall':>7} {'tagged':>7} {'official':>8} {'agreeing':>8}")
    for kind, (tp, ours, theirs) in counts.items():
        print(f"{kind:8} {tp / ours if ours else 0:9.3f} {tp / theirs if theirs else 0:7.3f} {ours:7} {theirs:8} {tp:8}")
    print("\nOfficial tags we do not make:")
    for doc, t in misses:
        print(f"  {doc} {t[2]}@{t[3]}: {t[4]!r} → {t[1]}")
    print("\nTags we make that the official TEI does not have:")
    for doc, t in false:
        print(f"  {doc} {t[2]}@{t[3]}: {t[4]!r} → {t[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
