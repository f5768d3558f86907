"""Benchmark the build and the pages, as ratios against baselines run in the same invocation.

    .venv/bin/python tools/benchmark.py [--runs 3]

1. Full build: `alliance build --force` (run every lesson once, export both editions)
   against plain `jupyter nbconvert --execute --to html` of the same notebooks (one edition).
2. Incremental rebuild after one lesson's text changes, against a full build.
3. Weight: a lesson page's own bytes against the shared assets that load once per site.
4. Time until the widgets are interactive: a site page against the single-file page.
5. What the trainer pack (site/slides/ and site/pack/) adds: a full build and a one-lesson rebuild
   (its seminar file changed), each against the same build with the printing left out.

Nothing here is a test: it prints figures for docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from alliance.build import build  # noqa: E402
from alliance.paths import CONTENT_DIR, EXERCISES_DIR, NOTEBOOKS_DIR  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(runs: int, fn) -> float:
    return statistics.median(timed(fn) for _ in range(runs))


def workspace(tmp: Path) -> dict[str, Path]:
    for name, src in (("content", CONTENT_DIR), ("exercises", EXERCISES_DIR), ("notebooks", NOTEBOOKS_DIR)):
        shutil.copytree(src, tmp / name)
    return {"content_dir": tmp / "content", "exercises_dir": tmp / "exercises",
            "notebooks_dir": tmp / "notebooks", "site_dir": tmp / "site"}


def alliance_build(dirs: dict[str, Path], without_pack: bool = False, **options) -> None:
    """`alliance build` in its own process, as a trainer runs it, on the benchmark's copy of the sources;
    `without_pack` leaves out the trainer pack (the slide decks and the PDFs), as the baseline for what it adds."""
    args = ", ".join(f"{k}=Path({str(v)!r})" for k, v in dirs.items())
    opts = "".join(f", {k}={v!r}" for k, v in options.items())
    skip = ("import alliance.build as b; b.print_packs = lambda *a, **k: ({}, 0); "
            "b.export_decks = lambda *a, **k: ({}, 0); ") if without_pack else ""
    code = f"from pathlib import Path; {skip}from alliance.build import build; build(quiet=True, {args}{opts})"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def plain_nbconvert(notebooks: list[Path], out: Path) -> None:
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", "html",
                    "--output-dir", str(out), *map(str, notebooks)],
                   check=True, capture_output=True, cwd=NOTEBOOKS_DIR)


def time_to_interactive(url: str, runs: int) -> float:
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_context().new_page()
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-alliance-ready]", state="attached", timeout=60_000)
            times.append(time.perf_counter() - start)
            page.context.close()
        browser.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing; the median is reported")
    args = parser.parse_args()
    os.environ["ALLIANCE_JOURNAL"] = str(Path(tempfile.mkdtemp()) / "journal.sqlite3")  # never the learner's
    cores = os.cpu_count()
    print(f"Machine: {cores} core(s); median of {args.runs} run(s) each.\n")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dirs = workspace(tmp / "ours")
        notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))

        baseline = median_of(args.runs, lambda: plain_nbconvert(notebooks, tmp / "plain"))
        full = median_of(args.runs, lambda: alliance_build(dirs, force=True))
        print("1. Full build")
        print(f"   plain `jupyter nbconvert --execute --to html`, one edition: {baseline:6.2f} s")
        print(f"   `alliance build --force`, both editions:                  {full:6.2f} s")
        print(f"   ratio: {full / baseline:.2f}x   (target 0.5x or less)\n")

        lesson = dirs["content_dir"] / "02-empathy-and-validation.md"
        exercises = dirs["exercises_dir"] / "02-empathy-and-validation.yaml"
        text, specs = lesson.read_text(encoding="utf-8"), exercises.read_text(encoding="utf-8")

        def change_text_and_rebuild():
            lesson.write_text(text + f"\n<!-- edit {time.time()} -->\n", encoding="utf-8")
            alliance_build(dirs)

        def change_an_exercise_and_rebuild():
            exercises.write_text(specs.replace("title: ", f"title: {time.time():.0f} ", 1), encoding="utf-8")
            alliance_build(dirs)

        text_only = median_of(args.runs, change_text_and_rebuild)
        exercise = median_of(args.runs, change_an_exercise_and_rebuild)
        exercises.write_text(specs, encoding="utf-8")
        print("2. Incremental rebuild after one lesson changes, against the full build")
        print(f"   full build: {full:6.2f} s")
        print(f"   one lesson's text changed (no lesson runs again): {text_only:6.2f} s  ratio {text_only / full:.2f}x")
        print(f"   one lesson's exercise changed (that lesson runs): {exercise:6.2f} s  ratio {exercise / full:.2f}x")
        print("   (target 0.25x or less)\n")

        build(quiet=True, single_file=True, **dirs)
        site = dirs["site_dir"]
        pages = sorted(site.glob("learner/*.html")) + sorted(site.glob("facilitator/*.html"))
        sizes = {p: p.stat().st_size for p in pages}
        shared = sum(p.stat().st_size for p in (site / "assets").iterdir())
        plain_pages = sorted((tmp / "plain").glob("*.html"))
        biggest = max(sizes, key=sizes.get)
        print("3. Weight")
        print(f"   a lesson page's own bytes: median {statistics.median(sizes.values()) / 1024:.0f} KB, "
              f"largest {sizes[biggest] / 1024:.0f} KB ({biggest.parent.name}/{biggest.name}); target 150 KB or less")
        print(f"   shared assets, loaded once per site: {shared / 1024:.0f} KB "
              f"(page/shared: {statistics.median(sizes.values()) / shared:.3f}x)")
        print(f"   plain nbconvert page (CDN scripts, styles inline): median "
              f"{statistics.median(p.stat().st_size for p in plain_pages) / 1024:.0f} KB, and it needs the network")
        single = sorted((site / "single-file").glob("*.html"))
        print(f"   single-file page: median {statistics.median(p.stat().st_size for p in single) / 1024:.0f} KB\n")

        lesson_page = "01-trust-and-safety.html"
        site_tti = time_to_interactive((site / "learner" / lesson_page).as_uri(), args.runs)
        single_tti = time_to_interactive((site / "single-file" / lesson_page).as_uri(), args.runs)
        print("4. Time until the widgets are interactive (file://, every exercise bound)")
        print(f"   site page: {site_tti:.2f} s;  single-file page: {single_tti:.2f} s")
        print(f"   ratio: {site_tti / single_tti:.2f}x\n")

        # The baseline runs first: a build without the pack leaves none in site/ to reuse.
        seminar = dirs["content_dir"] / "seminars" / "02-empathy-and-validation.yaml"
        plan = seminar.read_text(encoding="utf-8")

        def change_a_seminar_and_rebuild(**options):
            seminar.write_text(plan.replace("activity: ", f"activity: {time.time():.0f} ", 1), encoding="utf-8")
            alliance_build(dirs, **options)

        full_without = median_of(args.runs, lambda: alliance_build(dirs, force=True, without_pack=True))
        one_without = median_of(args.runs, lambda: change_a_seminar_and_rebuild(without_pack=True))
        full_with = median_of(args.runs, lambda: alliance_build(dirs, force=True))
        one_with = median_of(args.runs, change_a_seminar_and_rebuild)
        seminar.write_text(plan, encoding="utf-8")
        print("5. What the trainer pack adds (7 slide decks, and 8 PDFs: 7 lessons and the course)")
        print(f"   full build (--force): {full_without:6.2f} s without the pack, {full_with:6.2f} s with it: "
              f"ratio {full_with / full_without:.2f}x")
        print(f"   one lesson's seminar changed: {one_without:6.2f} s without, {one_with:6.2f} s with it "
              f"(that lesson's deck and PDF made again): ratio {one_with / one_without:.2f}x")


if __name__ == "__main__":
    main()
