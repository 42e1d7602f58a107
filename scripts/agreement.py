"""Print how faithfully the encoder recovers the official FRUS TEI from plain text.

    python scripts/agreement.py [EXAMPLES_DIR]

For every pair ``tei/dN.xml`` / ``text/dN.txt`` under EXAMPLES_DIR (default
``../shared/examples/frus1981-88v05``) it encodes the text and compares the
result with the official TEI: head text, each block's words and kind, every
footnote (number, text, block, offset), every page break (number, block,
offset) and the subject line.  Datelines and italics are not in the text
format and are not compared.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition import compare, encode, seeds, tei  # noqa: E402


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent.parent / "shared/examples/frus1981-88v05"
    rows = []
    for official_path in sorted((root / "tei").glob("d*.xml"), key=lambda p: int(p.stem[1:])):
        text_path = root / "text" / f"{official_path.stem}.txt"
        ours = encode.encode_text(seeds.read_text(text_path))
        official = tei.read_documents(official_path)[0]
        rows.append(compare.compare(ours, official))
    header = f"{'doc':6} {'head':5} {'blocks':>9} {'kinds':>9} {'¶ text':>9} {'notes':>7} {'pages':>7} {'subject':8}"
    print(header)
    print("-" * len(header))
    total = {k: 0 for k in ("head", "b", "bt", "k", "p", "pe", "n", "ne", "g", "ge", "s")}
    for r in rows:
        print(f"{r.doc:6} {'yes' if r.head else 'NO':5} {r.blocks_text_equal:>4}/{r.blocks_official:<4}"
              f" {r.kinds_equal:>4}/{r.blocks_official:<4} {r.paragraphs_equal:>4}/{r.paragraphs_official:<4}"
              f" {r.notes_equal:>3}/{r.notes_official:<3} {r.pages_equal:>3}/{r.pages_official:<3}"
              f" {'yes' if r.subject_equal else 'NO':8}")
        total["head"] += r.head
        total["b"] += r.blocks_official
        total["bt"] += r.blocks_text_equal
        total["k"] += r.kinds_equal
        total["p"] += r.paragraphs_official
        total["pe"] += r.paragraphs_equal
        total["n"] += r.notes_official
        total["ne"] += r.notes_equal
        total["g"] += r.pages_official
        total["ge"] += r.pages_equal
        total["s"] += r.subject_equal
    print("-" * len(header))
    print(f"{'all':6} {total['head']:>2}/{len(rows):<2} {total['bt']:>4}/{total['b']:<4} {total['k']:>4}/{total['b']:<4}"
          f" {total['pe']:>4}/{total['p']:<4} {total['ne']:>3}/{total['n']:<3} {total['ge']:>3}/{total['g']:<3}"
          f" {total['s']:>2}/{len(rows)}")
    print()
    print("Differences:")
    for r in rows:
        for d in r.differences:
            print(f"  {r.doc}: {d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
