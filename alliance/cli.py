"""The `alliance` command: build the collection and look after the learner's journal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build(args) -> int:
    from .assets import AssetError
    from .build import build
    from .execute import ExecutionError
    from .exercises import SpecError
    from .export import AnswerError
    from .pack import PackError
    from .paths import CHECKOUT

    if CHECKOUT is None:
        print("`alliance build` works in a copy of the collection's repository: run it in the folder you cloned "
              "(the one with content/ and exercises/).", file=sys.stderr)
        return 2
    try:
        index = build(force=args.force, single_file=args.single_file, paper=args.paper)
    except SpecError as error:
        print("The build stopped before writing anything. Please fix:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except (ExecutionError, AssetError, AnswerError, PackError) as error:
        print(f"The build stopped before writing anything: {error}", file=sys.stderr)
        exit_codes = {ExecutionError: 3, AssetError: 4, AnswerError: 5, PackError: 7}  # one per kind of failure
        return next(code for kind, code in exit_codes.items() if isinstance(error, kind))
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"The build stopped: {error.strerror or error}{where}. The previous site/ is unchanged.", file=sys.stderr)
        return 6
    print(f"\nDone. Open the lessons in your browser:\n  {index.as_uri()}")
    return 0


def _check(args) -> int:
    from .build import is_current
    from .exercises import SpecError
    from .notebooks import build_notebook
    from .paths import NOTEBOOKS_DIR
    from .sources import load_all

    try:
        lessons = load_all()  # also lists files in content/ and exercises/ that are not part of a lesson
    except SpecError as error:
        print("\n".join(f"  - {p}" for p in error.problems), file=sys.stderr)
        return 2
    from . import coverage, references

    try:
        content = coverage.check(lessons, coverage.load())
    except SpecError as error:
        content = [str(p) for p in error.problems]
    content += [p for lesson in lessons for p in references.check_lesson(lesson.files[0], lesson.files[1])]
    for problem in content:
        print(f"  - {problem}", file=sys.stderr)
    stale = [l.id for l in lessons if not is_current(NOTEBOOKS_DIR / f"{l.id}.ipynb", build_notebook(l))]
    for lesson_id in stale:
        print(f"notebooks/{lesson_id}.ipynb is out of date with its sources, or was changed since the build "
              "made it: run `make html`.", file=sys.stderr)
    if not stale and not content:
        print(f"All {len(lessons)} lesson(s) are valid, covered and referenced, and their notebooks are up to date.")
    return 1 if stale or content else 0


def _schema(args) -> int:
    from .exercises import write_schema
    from .paths import SCHEMA_PATH

    write_schema(SCHEMA_PATH)
    print(f"Wrote {SCHEMA_PATH}")
    return 0


def _journal_path(args) -> int:
    from .journal import default_path

    print(default_path())
    return 0


def _journal_export(args) -> int:
    from .journal import Journal, JournalError, cause, default_path, export_files

    path = default_path()
    journal = Journal(path, read_only=True)  # a read-only journal can be exported too
    try:
        if journal.problem:
            print(journal.problem, file=sys.stderr)
            return 1
        answers = journal.answers()
    except JournalError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        journal.close()
    out_dir = Path(args.output_dir)
    try:
        written = export_files(answers, out_dir)
    except OSError as error:
        print(f"Your journal could not be exported to {out_dir}, because {cause(error)}: nothing was written "
              "there, and your journal is unchanged.", file=sys.stderr)
        return 1
    print(f"Exported {len(answers)} answer(s) to:")
    for target in written:
        print(f"  {target}")
    return 0


def _journal_delete(args) -> int:
    from .journal import cause, companions, default_path

    path = default_path()
    if path.is_dir():
        print(f"{path} is a folder, not a journal file, so nothing was deleted "
              "(check what ALLIANCE_JOURNAL is set to).", file=sys.stderr)
        return 1
    files = [p for p in companions(path) if p.exists()]
    if not files:
        print(f"There is no journal at {path}; nothing to delete.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("Refusing to delete without confirmation: run it in a terminal, or add --yes.", file=sys.stderr)
            return 1
        print(f"This permanently deletes every answer in your journal at {path}.")
        print("Consider `alliance journal export` first to keep a copy.")
        if input("Type 'delete' to confirm: ").strip().lower() != "delete":
            print("Nothing was deleted.")
            return 1
    try:
        for p in files:
            p.unlink()
    except OSError as error:
        print(f"Your journal at {path} could not be deleted, because {cause(error)}.", file=sys.stderr)
        return 1
    print(f"Deleted your journal at {path}.")
    return 0


def _journal_reset(args) -> int:
    from .journal import JournalError, default_path, reset

    path = default_path()
    try:
        backup = reset(path)
    except JournalError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Your journal at {path} could not be read, so it was moved to {backup} as a backup "
          f"(keep it: answers may still be recovered from it). A new, empty journal was started at {path}.")
    return 0


def voila_command(folder: str, port: int | None = None, ip: str = "127.0.0.1") -> tuple[list[str], dict[str, str]]:
    """Voilà with the lessons' template and configuration (alliance/jupyter/): each visitor
    gets a journal of their own, idle kernels of closed pages are culled, nothing loads
    from outside. The template and configuration are found through Jupyter's own paths."""
    import os

    from .paths import PACKAGE_DIR

    ours = str(PACKAGE_DIR / "jupyter")
    env = dict(os.environ)
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
        env[name] = os.pathsep.join(filter(None, [ours, os.environ.get(name)]))
    command = [sys.executable, "-m", "voila", "--no-browser", f"--Voila.ip={ip}", folder]
    if port:
        command.append(f"--port={port}")
    return command, env


def _voila(args) -> int:
    import os

    command, env = voila_command(args.folder, args.port, args.ip)
    print(f"Serving the lessons in {args.folder} with Voilà on http://{args.ip}:{args.port or 8866}/ (Ctrl-C stops it).")
    os.execve(command[0], command, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="alliance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="check, build, run and export every lesson into site/")
    build.add_argument("--force", action="store_true", help="re-run every lesson, even if up to date")
    build.add_argument("--single-file", action="store_true",
                       help="also write site/single-file/: one self-contained page per lesson, e.g. for an LMS")
    build.add_argument("--paper", choices=["a4", "letter"], default="a4",
                       help="paper size of the printable trainer pack in site/pack/ (default: a4)")
    build.set_defaults(run=_build)

    commands.add_parser("check", help="check the sources and that notebooks are up to date").set_defaults(run=_check)
    commands.add_parser("schema", help="rewrite exercises/exercises.schema.json").set_defaults(run=_schema)

    voila = commands.add_parser("voila", help="serve lessons to learners with Voilà: no code, a journal per visitor")
    voila.add_argument("folder", nargs="?", default="notebooks", help="folder of lesson notebooks (default: notebooks)")
    voila.add_argument("--port", type=int, default=None, help="port (default: Voilà's 8866)")
    voila.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: this computer only)")
    voila.set_defaults(run=_voila)

    journal = commands.add_parser("journal", help="your private journal of answers").add_subparsers(dest="action", required=True)
    journal.add_parser("path", help="show where the journal is kept").set_defaults(run=_journal_path)
    export = journal.add_parser("export", help="write the journal as Markdown and HTML")
    export.add_argument("--output-dir", default=".", help="folder to write into (default: here)")
    export.set_defaults(run=_journal_export)
    delete = journal.add_parser("delete", help="delete the journal, after confirmation")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(run=_journal_delete)
    journal.add_parser("reset", help="keep a damaged journal as a backup beside it and start a new one"
                       ).set_defaults(run=_journal_reset)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
