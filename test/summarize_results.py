#!/usr/bin/python3
"""Prints the plain closing line "N passed, N failed, N skipped" from a lit JSON results file (lit -o FILE)."""
import json
import sys

with open(sys.argv[1]) as f:
    tests = json.load(f)["tests"]
codes = [t["code"] for t in tests]
passed = sum(c in ("PASS", "XFAIL") for c in codes)
skipped = sum(c in ("UNSUPPORTED", "SKIPPED", "EXCLUDED") for c in codes)
failed = len(codes) - passed - skipped
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
