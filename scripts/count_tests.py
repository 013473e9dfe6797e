#!/usr/bin/env python3
"""count_tests.py — sum meson test logs into one 'N passed, N failed' line.

A Check suite prints 'NN%: Checks: N, Failures: F, Errors: E'; we count its
checks.  A test that prints its own 'N passed, N failed' line is counted by
that line.  Any other test counts as one.  A test whose process failed is
always at least one failure, whatever it printed (a crash after a good
summary is still a failure).  Exit status: 1 if anything failed.
"""
import json
import re
import sys

CHECK_RE = re.compile(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)")
PLAIN_RE = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.M)

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        print(f"count_tests: {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        result = t.get("result", "")
        out = t.get("stdout", "") or ""
        if result == "SKIP":
            skipped += 1
            continue
        ok = result in ("OK", "EXPECTEDFAIL")
        p = f = 0
        m = CHECK_RE.findall(out)
        if m:
            for n, fl, er in m:
                p += int(n) - int(fl) - int(er)
                f += int(fl) + int(er)
        else:
            m = PLAIN_RE.findall(out)
            if m:
                for a, b in m:
                    p += int(a)
                    f += int(b)
            else:
                p, f = (1, 0) if ok else (0, 1)
        if not ok and f == 0:
            f = 1
        if not ok:
            print(f"FAILED: {t.get('name')} ({result})")
        passed += p
        failed += f

if skipped:
    print(f"({skipped} test(s) skipped)")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
