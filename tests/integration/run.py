"""Runs every integration test against one private stack.

Usage: python3 tests/integration/run.py [-k PATTERN[,PATTERN...]]
Prints each test's result and a last line "integration: N passed, N failed".
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    pattern = None
    if len(sys.argv) > 2 and sys.argv[1] == "-k":
        pattern = sys.argv[2]
    t0 = time.time()
    stack = harness.Stack()
    try:
        stack.start()
    except Exception as e:
        print(e)
        stack.cleanup()
        print("integration: 0 passed, 1 failed")
        return 1
    harness.shared = stack
    loader = unittest.TestLoader()
    if pattern:
        loader.testNamePatterns = ["*%s*" % p.strip() for p in pattern.split(",")
                                   if p.strip()]
    suite = loader.discover(os.path.dirname(os.path.abspath(__file__)),
                            pattern="test_*.py")
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    try:
        stack.cleanup()
    except AssertionError as e:
        print(e)
        failed += 1
    passed = max(0, result.testsRun - failed - len(result.skipped))
    print("integration took %.1f s" % (time.time() - t0))
    print("integration: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
