#!/usr/bin/env python3
"""corpus_run.py -- run dtc over the Sun DTrace test corpus and score it.

Categories (rows of the summary table):
  a            every compile-error test with compile_checkable=compile: dtc -x errtags
               must fail (exit 1) and the first error must carry the expected tag.
               preprocessor/ tests and tests whose note says "needs -C" get -C.
  b-success    every success test whose needs is not "options" (or only needs -C
               or macro arguments, which are supplied): dtc must compile it (exit 0).
  b-runtime    the same for runtime-error tests (dtrace must exit 1 at run time,
               so the compile must still succeed; some of these fail already in
               DTrace's compiler, e.g. preprocessor errors, and count as failures).
  b            b-success + b-runtime.
Tests of macOS-only providers (mach_trap, objc, usdt_apple, fbt:mach_kernel) are
out of scope and skipped.

usage: corpus_run.py --dtc PATH [--corpus DIR] [--floor-a PCT] [--floor-b PCT] [-v]
Exit: 0 when every floor is met, 1 otherwise, 77 when the corpus is absent.
"""
import argparse
import concurrent.futures
import csv
import os
import re
import subprocess
import sys

MACOS_ONLY = ("mach_trap", "objc", "usdt_apple")


def wants_cpp(row):
    return "/preprocessor/" in row["relpath"] or "needs -C" in row["note"]


def macro_args(text):
    """Dummy macro arguments, as DTrace's harness gives a pid as $1."""
    nums = [int(m) for m in re.findall(r"\$\$?([0-9]+)", text)]
    return ["1"] * (max(nums) if nums else 0)


def run(dtc, path, flags, macros):
    cmd = [dtc] + flags + [path]
    if macros:
        cmd += ["--"] + macros
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return r.returncode, r.stderr.decode("utf-8", "replace")


def out_of_scope(row):
    rel = row["relpath"]
    if any(("/%s/" % p) in rel for p in MACOS_ONLY):
        return True
    if "mach_kernel" in open_text(row["path"]) or "mach_trap" in row["providers"]:
        return True
    return False


def open_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1")
    except OSError:
        return ""


def check(dtc, row):
    path = row["path"]
    text = open_text(path)
    flags = []
    if wants_cpp(row):
        flags.append("-C")
    if row["cat"] == "a":
        rc, err = run(dtc, path, ["-x", "errtags"] + flags, [])
        if rc is None:
            return False, "timeout"
        if rc != 1:
            return False, "exit %s (expected 1); %s" % (rc, err.strip()[:200])
        m = re.search(r"\[(D_[A-Z0-9_]+)\]", err)
        got = m.group(1) if m else "no tag"
        if got != row["expected_tag"]:
            first = err.strip().splitlines()[0] if err.strip() else ""
            return False, "got %s, expected %s: %s" % (got, row["expected_tag"], first[:200])
        return True, ""
    rc, err = run(dtc, path, flags, macro_args(text))
    if rc is None:
        return False, "timeout"
    if rc != 0:
        first = err.strip().splitlines()[0] if err.strip() else ""
        return False, "exit %d: %s" % (rc, first[:220])
    return True, ""


def categorise(row):
    kind, needs, note = row["kind"], row["needs"], row["note"]
    if kind == "compile-error":
        return "a" if row["compile_checkable"] == "compile" else None
    if kind not in ("success", "runtime-error"):
        return None
    if "options" in needs.split(","):
        if not ("needs -C" in note or "macro args" in note):
            return None
    return "b-success" if kind == "success" else "b-runtime"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dtc", required=True)
    ap.add_argument("--corpus", default=os.environ.get("CORPUS", ""))
    ap.add_argument("--floor-a", type=float, default=0.0)
    ap.add_argument("--floor-b", type=float, default=0.0)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 4)
    args = ap.parse_args()

    manifest = os.path.join(args.corpus, "MANIFEST.tsv")
    if not args.corpus or not os.path.exists(manifest):
        print("corpus not found (%s); skipping" % (args.corpus or "unset"))
        return 77
    rows = []
    with open(manifest, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            row = {k: (v or "") for k, v in row.items()}
            row["path"] = os.path.join(args.corpus, "sun", row["relpath"])
            row["cat"] = categorise(row)
            if row["cat"] is None or out_of_scope(row):
                continue
            rows.append(row)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = list(ex.map(lambda r: check(args.dtc, r), rows))

    stats = {}
    failures = []
    for row, (ok, why) in zip(rows, results):
        s = stats.setdefault(row["cat"], [0, 0])
        s[0] += 1
        s[1] += ok
        if not ok:
            failures.append((row["cat"], row["relpath"], why))
    b = [stats.get("b-success", [0, 0])[i] + stats.get("b-runtime", [0, 0])[i]
         for i in (0, 1)]
    stats["b"] = b

    if args.verbose:
        for cat, rel, why in sorted(failures):
            print("FAIL %-9s %s: %s" % (cat, rel, why))
    print("%-10s %6s %6s %6s %7s" % ("category", "total", "pass", "fail", "rate"))
    rates = {}
    for cat in ("a", "b-success", "b-runtime", "b"):
        total, ok = stats.get(cat, [0, 0])
        rate = 100.0 * ok / total if total else 100.0
        rates[cat] = rate
        print("%-10s %6d %6d %6d %6.1f%%" % (cat, total, ok, total - ok, rate))
    bad = False
    if rates["a"] < args.floor_a:
        print("category a: %.1f%% is below the floor %.1f%%" % (rates["a"], args.floor_a))
        bad = True
    if rates["b"] < args.floor_b:
        print("category b: %.1f%% is below the floor %.1f%%" % (rates["b"], args.floor_b))
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
