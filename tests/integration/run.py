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


class TimedResult(unittest.TextTestResult):
    """Keeps how long each test took, and each module (its tests, and
    the setup of its classes: the time before a class's first test)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.times = {}
        self.modules = {}
        self._seen = set()
        self._last = time.time()

    def startTest(self, test):
        now = time.time()
        cls = "%s.%s" % (type(test).__module__, type(test).__name__)
        mod = type(test).__module__
        if cls not in self._seen:
            self._seen.add(cls)
            self.modules[mod] = self.modules.get(mod, 0.0) + now - self._last
        self._t0 = now
        super().startTest(test)

    def stopTest(self, test):
        self._last = time.time()
        took = self._last - self._t0
        self.times[test.id()] = took
        mod = type(test).__module__
        self.modules[mod] = self.modules.get(mod, 0.0) + took
        super().stopTest(test)


def slowest(result, n=10):
    """Prints the n slowest tests and modules: a suite must stay short."""
    print("slowest tests:")
    for tid, t in sorted(result.times.items(), key=lambda kv: -kv[1])[:n]:
        print("  %6.1f s  %s" % (t, tid))
    print("slowest modules, their classes' setup included:")
    for mod, t in sorted(result.modules.items(), key=lambda kv: -kv[1])[:n]:
        print("  %6.1f s  %s" % (t, mod))


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
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout,
                                     resultclass=TimedResult).run(suite)
    slowest(result)
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
