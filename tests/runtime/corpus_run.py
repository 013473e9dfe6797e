#!/usr/bin/env python3
"""corpus_run.py — run the corpus's compile+run tests through `dtrace -s`.

For every MANIFEST row with compile_checkable == compile+run:
  success        dtrace must exit 0, and stdout must equal <name>.d.out
                 byte for byte when that file exists;
  runtime-error  dtrace must exit 1.
Each test gets a time limit (tick-N tests end by themselves; a hang is a
failure).  Prints a table per category and, with -v, every failure and
why.  With --floor P the exit status is 1 when the overall pass rate is
below P percent (the suite's floor: it may only go up).  Exit 77 (skip)
when the corpus is absent.

  corpus_run.py --dtrace build/dtrace/dtrace --corpus ../shared/corpus [-v] [--floor P]
"""
import argparse
import concurrent.futures as cf
import os
import subprocess
import sys


def run_one(dtrace, sun, row, timeout):
    rel, kind = row["relpath"], row["kind"]
    path = os.path.join(sun, rel)
    args = [dtrace, "-s", path]
    if "needs -C" in row.get("note", "") or "/preprocessor/" in rel:
        args.insert(1, "-C")
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, cwd=os.path.dirname(path))
    except subprocess.TimeoutExpired:
        return rel, kind, False, f"timed out after {timeout} s"
    if kind == "runtime-error":
        ok = p.returncode == 1
        return rel, kind, ok, "" if ok else f"exit {p.returncode}, want 1"
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip().splitlines()
        return rel, kind, False, f"exit {p.returncode}: {err[0] if err else ''}"
    want = path + ".out"
    if os.path.exists(want):
        with open(want, "rb") as f:
            if f.read() != p.stdout:
                return rel, kind, False, "stdout differs from .out"
    return rel, kind, True, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dtrace", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--floor", type=float, default=0.0)
    ap.add_argument("--timeout", type=float, default=15.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    manifest = os.path.join(a.corpus, "MANIFEST.tsv")
    if not os.path.exists(manifest):
        print(f"corpus not found at {a.corpus}; skipping")
        return 77
    with open(manifest, encoding="utf-8") as f:
        lines = f.read().splitlines()
    cols = lines[0].split("\t")
    rows = [dict(zip(cols, l.split("\t"))) for l in lines[1:] if l.strip()]
    rows = [r for r in rows if r.get("compile_checkable") == "compile+run"]
    sun = os.path.abspath(os.path.join(a.corpus, "sun"))
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(lambda r: run_one(os.path.abspath(a.dtrace), sun, r,
                                                 a.timeout), rows))
    cats = {}
    for rel, kind, ok, why in results:
        has_out = os.path.exists(os.path.join(sun, rel) + ".out")
        cat = kind + (" (with .out)" if has_out else "")
        t, p = cats.get(cat, (0, 0))
        cats[cat] = (t + 1, p + (1 if ok else 0))
    total = len(results)
    passed = sum(1 for r in results if r[2])
    print(f"{'category':<26} {'total':>6} {'pass':>6} {'fail':>6} {'rate':>7}")
    for cat in sorted(cats):
        t, p = cats[cat]
        print(f"{cat:<26} {t:>6} {p:>6} {t - p:>6} {100.0 * p / t:>6.1f}%")
    rate = 100.0 * passed / total if total else 0.0
    print(f"{'all compile+run':<26} {total:>6} {passed:>6} {total - passed:>6} {rate:>6.1f}%")
    if a.v:
        for rel, kind, ok, why in sorted(results):
            if not ok:
                print(f"FAIL {rel}: {why}")
    if rate < a.floor:
        print(f"pass rate {rate:.1f}% is below the floor {a.floor}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
