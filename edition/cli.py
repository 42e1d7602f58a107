"""Command line: ``python build.py [build|encode|totext|validate] …``.

Only :class:`~edition.errors.EditionError` is caught here (printed, exit 1):
anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config, pipeline, seed_documents, validate
from .errors import EditionError, Location
from .write import write_file


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Encode FRUS documents as TEI P5 and build the edition.",
    )
    p.add_argument("--config", default=str(config.DEFAULT_PATH), help="edition config (default: %(default)s)")
    sub = p.add_subparsers(dest="command")

    b = sub.add_parser("build", help="build the edition site (the default command)")
    _site_options(b)

    s = sub.add_parser("serve", help="build, serve the site on 127.0.0.1 and rebuild on changes")
    _site_options(s)
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: %(default)s)")

    e = sub.add_parser("encode", help="plain-text FRUS document(s) → standalone TEI P5 file(s)")
    e.add_argument("texts", nargs="+", help="plain-text document(s), e.g. seeds/frus1981-88v03-d156.txt")
    _register_options(e)
    e.add_argument("-o", "--output", help="output file (one input only; '-' for standard output);"
                   " default: _build/tei/<name>.xml")

    t = sub.add_parser("totext", help="TEI → the plain-text format (the inverse of encode)")
    t.add_argument("tei", help="a TEI file (ours, or official FRUS TEI)")
    t.add_argument("-o", "--output", help="output file (default: standard output)")

    v = sub.add_parser("validate", help="check TEI files against tei_all.rng")
    v.add_argument("files", nargs="+")
    v.add_argument("--schema", help="path of tei_all.rng (default: [edition] schema of the config)")
    return p


def _register_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--persons", action="append", default=[], metavar="FILE",
                   help="a persons register (TOML, or an official FRUS persons.xml); adds to the config's")
    p.add_argument("--terms", action="append", default=[], metavar="FILE",
                   help="a terms register (TOML, or an official FRUS terms.xml); adds to the config's")


def _site_options(p: argparse.ArgumentParser) -> None:
    _register_options(p)
    p.add_argument("--seeds", help="the seeds folder; its edition.toml is the config (default: seeds)")
    p.add_argument("--out", default="_site", help="output folder (default: %(default)s)")
    p.add_argument("--no-cache", action="store_true",
                   help="do everything anew, reusing nothing of the previous build (kept in .<out>-cache/)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="processes to share the work among (default: one per core)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except EditionError as exc:
        print(exc, file=sys.stderr)
        return 1


def _read(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise EditionError(Location(name), f"cannot read: {exc.strerror}") from None


def _run(args) -> int:
    command = args.command or "build"
    if command == "totext":
        text = seed_documents.text_of_tei(args.tei)
        if args.output:
            write_file(args.output, text.encode("utf-8"))
        else:
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.flush()
        return 0

    if command == "validate":
        schema_path = args.schema or config.load(args.config).schema
        failed = 0
        for name in args.files:
            problems = validate.errors(_read(name), name, schema_path)
            for line in problems:
                print(line, file=sys.stderr)
            if problems:
                failed += 1
            else:
                print(f"{name}: valid TEI P5 (tei_all)")
        return 1 if failed else 0

    config_path = Path(args.seeds) / "edition.toml" if getattr(args, "seeds", None) else args.config
    edition = config.with_registers(config.load(config_path), persons=getattr(args, "persons", []),
                                    terms=getattr(args, "terms", []))
    if command == "encode":
        if args.output and len(args.texts) > 1:
            raise SystemExit("build.py encode: -o takes one input file only")
        # Encode everything first: one bad file means no file is written.
        results = seed_documents.encode_files(args.texts, edition)
        for name, data, warnings in results:
            for warning in warnings:
                print(warning, file=sys.stderr)
            if args.output == "-":
                sys.stdout.buffer.write(data)
                continue
            out = Path(args.output) if args.output else Path("_build") / "tei" / (Path(name).stem + ".xml")
            write_file(out, data)
            print(f"{name} → {out}")
        return 0

    out = getattr(args, "out", "_site")
    if command == "serve":
        from . import serve

        return serve.serve(config_path, out, args.port)
    report = pipeline.build_edition(edition, out, progress=lambda m: print(m, file=sys.stderr),
                                    cache=not getattr(args, "no_cache", False), workers=getattr(args, "jobs", None))
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(report.summary())
    return 0
