"""Benchmark: build synthetic editions of growing size and print what it costs.

    python -m edition.bench [--sizes 10,100,1000] [--repeat 3] [--settle 330] [--keep DIR]

Each edition is generated from the seed and the example texts: documents are
renumbered, page numbers shifted, and one footnote and one name varied per
document, so no two documents are the same.  Every build runs in a fresh
process (so that peak memory is that build's own: the main process and the
largest worker), after the previous build's writes have reached the disk (``sync``).
For each size it prints:

* ``no search``: the first build without the search index (``search = false``),
  and its time per document: the build the targets speak of, the index reported apart;
  ``cpu``: the processor time that build took in all (its own and its workers', user and
  system), against which the wall time shows how much of the machine's cores it used;
  ``sys``: the part of it spent in the kernel (making files, mostly);
* ``cold``: the same first build with the search index, after it (``search``: the
  index's own run time, which overlaps the rest of the build);
* ``warm``: the same build again, nothing changed;
* ``one``: after one document's text changed (the incremental build), and its
  share of the cold build;
* of ``warm`` and ``one`` (each a second or two at a thousand documents, and moved
  by a third from one run to the next by the disk), the median of ``--repeat``
  builds, each ``one`` after a change of its own;
* the *floor*: reading and parsing every input and writing the bytes of the build
  without search, the least any build of that output could cost.

Each size's builds come after five and a half minutes in which nothing was removed
(``--settle``; see :data:`SETTLE`), and the bench removes nothing of its own until its
last build is done.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SOURCES = [PROJECT / "seeds" / "frus1981-88v03-d156.txt",
           *sorted((SHARED / "examples" / "frus1981-88v05" / "text").glob("d*.txt"))]
NAMES = ["Gromyko", "Brezhnev", "Clark", "Reagan", "Stalin", "Pipes"]


def generate(folder: Path, count: int) -> None:
    """``count`` varied documents and a config, in ``folder``."""
    folder.mkdir(parents=True)
    shutil.copytree(PROJECT / "seeds" / "registers", folder / "registers")
    shutil.copytree(PROJECT / "seeds" / "pages", folder / "pages")
    config = (PROJECT / "seeds" / "edition.toml").read_text(encoding="utf-8")
    config = re.sub(r'(?m)^schema = .*$', 'schema = ""', config)
    config = config.replace("[documents.d156]", "[documents.d1]")
    (folder / "edition.toml").write_text(config, encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in SOURCES if p.is_file()]
    for n in range(1, count + 1):
        text = texts[n % len(texts)]
        text = re.sub(r"^(\[Page \d+\] )?\d+\. ", lambda m: f"{m.group(1) or ''}{n}. ", text, count=1)
        shift = 1000 * n  # page numbers keep rising within a document and differ between them
        text = re.sub(r"\[Page (\d+)\]", lambda m: f"[Page {int(m.group(1)) + shift}]", text)
        name = NAMES[n % len(NAMES)]
        text = text.replace("the following day", f"the following day (as {name} noted)", 1)
        (folder / f"d{n}.txt").write_text(text, encoding="utf-8")


def _without_search(seeds: Path) -> Path:
    """A config beside the edition's that leaves the search index out."""
    config = seeds / "edition-nosearch.toml"
    text = (seeds / "edition.toml").read_text(encoding="utf-8")
    config.write_text(text.replace("[edition]\n", "[edition]\nsearch = false\n", 1), encoding="utf-8")
    return config


def _build(seeds: Path, out: Path, config: str = "edition.toml") -> dict:
    """One build in a fresh process (:func:`_measured_build`), and what it measured."""
    os.sync()  # the previous build's writes reach the disk first, so that no build pays for another's
    call = f"from edition.bench import _measured_build; _measured_build({str(seeds / config)!r}, {str(out)!r})"
    result = subprocess.run([sys.executable, "-c", call], cwd=PROJECT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _measured_build(config_path: str, out: str) -> None:
    """Build, then print (as JSON) its wall time, processor time (all, and the kernel's
    share) and peak memory: this process's and its largest worker's."""
    import resource

    from . import config, pipeline

    def cpu() -> tuple[float, float]:
        me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime, me.ru_stime + workers.ru_stime

    start, (busy, kernel) = time.perf_counter(), cpu()
    report = pipeline.build_edition(config.load(config_path), out)
    seconds, (busy_after, kernel_after) = time.perf_counter() - start, cpu()
    print(json.dumps({"seconds": seconds, "documents": report.documents, "search": report.search_seconds,
                      "reused": report.reused, "redone": report.redone,
                      "cpu": busy_after - busy, "system": kernel_after - kernel, "peak_kb": _peak_kb(),
                      "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))


def _peak_kb() -> int:
    # this process's own high-water mark (Linux's VmHWM), not ru_maxrss: that one keeps the resident
    # size of the process it was forked from (the bench, 0.9 GB after the floor at 10,000 documents),
    # which a build that peaked lower would report as its own
    import resource

    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _change_one(seeds: Path, count: int) -> None:
    """Edit the words of one document in the middle of the edition (not its head)."""
    path = seeds / f"d{max(1, count // 2)}.txt"
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n")
    path.write_text(head + sep + body.replace(" the ", " the very ", 1), encoding="utf-8")


def _one_changed(seeds: Path, out: Path, count: int) -> float:
    _change_one(seeds, count)
    return _build(seeds, out)["seconds"]


# On an ext4 without a journal (this machine's), the kernel passes over every inode removed
# in the last 30 seconds when it makes a new file, and over one removed in the last five and
# a half minutes if its inode table block has been changed since (which making files beside
# it does): ext4's "recently deleted" check, made only without a journal.  A first build at
# 1,000 documents, the same inputs each time, measured on this machine: 4.47 s (the
# workers' system time 0.50 s) with nothing removed for minutes; 8.15 s (6.84 s) a minute
# after a site of 8,000 files was removed and synced; 5.73 s (1.23 s) after 340 s.  So each
# size's builds come after five and a half minutes without removals (and a sync), and the
# bench defers its own removals to its end; the builds themselves remove what they replace.
SETTLE = 330.0


def _settle(seconds: float) -> None:
    os.sync()  # an inode table block not yet written counts its removals as recent for longer
    time.sleep(seconds)


def _floor(seeds: Path, out: Path, target: Path) -> float:
    """Parse every input and write every output byte once, into ``target`` (removed with
    the bench's other folders, at its end): the cost no build can avoid."""
    from lxml import etree

    files = [p for p in out.rglob("*") if p.is_file()]
    target.mkdir()
    start = time.perf_counter()
    for text in seeds.glob("*.txt"):
        text.read_bytes().decode("utf-8").split("\n")
    for xml in out.rglob("*.xml"):
        etree.fromstring(xml.read_bytes(), etree.XMLParser(collect_ids=False))
    for path in files:
        data = path.read_bytes()
        dest = target / path.relative_to(out)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edition.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="edition sizes to build (default: %(default)s)")
    parser.add_argument("--keep", help="keep the generated editions in this folder")
    parser.add_argument("--repeat", type=int, default=3,
                        help="builds of each kind after the first, whose median is shown (default: %(default)s)")
    parser.add_argument("--settle", type=float, default=SETTLE,
                        help="seconds without removals to wait before each size's builds"
                             " (default: %(default)s; see _settle)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="edition-bench-"))
    print(f"{'documents':>9} {'cold s':>8} {'search s':>8} {'no search s':>11} {'ms/doc':>7} {'cpu s':>6} {'sys s':>6} {'peak MB':>13}"
          f" {'output MB':>9} {'floor s':>7} {'warm s':>7} {'one s':>6} {'one/cold':>8}")
    for size in sizes:
        seeds, out = work / f"seeds-{size}", work / f"site-{size}"
        bare = work / f"site-{size}-nosearch"
        for old in (seeds, out, out.with_name(f".{out.name}-cache"), bare, bare.with_name(f".{bare.name}-cache"),
                    work / f"floor-{size}"):
            if old.exists():
                shutil.rmtree(old)
        generate(seeds, size)
        _settle(args.settle)
        plain = _build(seeds, bare, _without_search(seeds).name)
        # the build without search removes nothing, so neither the floor nor the cold build waits for it;
        # the floor comes before the cold build, which removes the search index's scratch folder at its end
        floor = _floor(seeds, bare, work / f"floor-{size}")
        cold = _build(seeds, out)
        output = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        warm = statistics.median(_build(seeds, out)["seconds"] for _ in range(args.repeat))
        one = statistics.median(_one_changed(seeds, out, size) for _ in range(args.repeat))
        peak = f"{cold['peak_kb'] / 1024:.0f}/{cold['worker_kb'] / 1024:.0f}"
        print(f"{cold['documents']:>9} {cold['seconds']:>8.2f} {cold['search']:>8.2f} {plain['seconds']:>11.2f}"
              f" {1000 * plain['seconds'] / size:>7.1f} {plain['cpu']:>6.2f} {plain['system']:>6.2f} {peak:>13} {output / 1024 / 1024:>9.1f} {floor:>7.2f}"
              f" {warm:>7.2f} {one:>6.2f} {100 * one / cold['seconds']:>7.1f}%",
              flush=True)
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


