"""make soak: half an hour of mixed load on a private stack, then figures.

- 1,000 open /live streams (liveload, as in the live benchmark) of 2,000
  users with a portfolio of 20 holdings each; every 30 seconds every
  price moves and a valuation run pushes an event down each stream;
- pages at about 1,000 requests a second (wrk, its connections paced by
  a delay): the dashboard, a portfolio, its API and its transactions,
  in turn, each with one of the users' sessions;
- the workers' memory taken after a warm-up and at the end, and
  printed every five minutes between.

Targets: no 5xx answer, no stream missing an event, and the workers'
memory grown by less than 10%.  SOAK_SECONDS sets the length (1,800).

Usage: python3 tests/bench/soak.py
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import live  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "1800"))
STREAMS = 1000
RATE = 1000                 # requests a second, about
CONNECTIONS = 20
WARMUP = 120
ROUND = 30
TRACE = 10                  # rounds between two prints of the memory

LUA = r"""
local tokens, pids, paths, n = {}, {}, {"/", "/portfolios/%d", "/api/v1/portfolios/%d",
    "/portfolios/%d/transactions"}, 0
for line in io.lines("%TOKENS%") do
  tokens[#tokens + 1] = line
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) fives = 0; others = 0 end
function delay() return %DELAY% end
function request()
  n = n + 1
  local i = (n * 7919) % #tokens + 1
  local path = string.format(paths[n % #paths + 1], 600000 + i - 1)
  return wrk.format("GET", path, {["Cookie"] = "__Host-sid=" .. tokens[i]})
end
function response(status, headers, body)
  if status >= 500 then fives = fives + 1 elseif status >= 400 then others = others + 1 end
end
function done(summary, latency, requests)
  local f, o = 0, 0
  for _, t in ipairs(threads) do f = f + t:get("fives"); o = o + t:get("others") end
  io.write(string.format("soak: requests %d 5xx %d 4xx %d p50 %.1f p99 %.1f max %.1f\n",
    summary.requests, f, o, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def workers_rss(stack):
    out = {}
    for name, pid in stack.pids().items():
        if pid and (name.endswith(".worker") or name == "mariadb"):
            out[name] = live.rss_kb(pid)
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="nestegg-soak-")
    os.chmod(tmp, 0o755)
    tokens = os.path.join(tmp, "tokens")
    stack = harness.Stack(NESTEGG_WORKERS="2", NESTEGG_THREADS="16",
                          NESTEGG_LIVE_PER_ADDR="20000", NESTEGG_LIVE_PER_SESSION="100",
                          NESTEGG_DB_BUFFER_POOL="1G")
    ok = True
    try:
        stack.start()
        print("setting up: %d users, a portfolio of 20 holdings each ..." % live.USERS,
              flush=True)
        live.setup(stack, tokens)
        delay = max(1, int(CONNECTIONS * 1000 / RATE) - 4)
        script = os.path.join(tmp, "soak.lua")
        with open(script, "w") as f:
            f.write(LUA.replace("%TOKENS%", tokens).replace("%DELAY%", str(delay)))
        load = subprocess.Popen([os.path.join(harness.BUILD, "liveload"),
                                 str(stack.https_port), tokens, str(STREAMS)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        if not load.stdout.readline().startswith("ready"):
            raise RuntimeError("liveload did not start: " + load.stderr.read())
        wrk = subprocess.Popen(["wrk", "-t2", "-c%d" % CONNECTIONS, "-d%ds" % SECONDS,
                                "--timeout", "10s", "-s", script,
                                "https://127.0.0.1:%d" % stack.https_port],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t0 = time.monotonic()
        first, rounds = None, 0
        while time.monotonic() - t0 < SECONDS:
            time.sleep(ROUND)
            run, commit = live.round_of_changes(stack)
            load.stdin.write("RUN %d %d\n" % (run, commit))
            load.stdin.flush()
            rounds += 1
            if first is None and time.monotonic() - t0 >= WARMUP:
                first = workers_rss(stack)
                print("after the warm-up:", first, flush=True)
            elif rounds % TRACE == 0:
                now = workers_rss(stack)
                print("%4d s: %s" % (time.monotonic() - t0, " ".join(
                    "%s %d KB" % kv for kv in sorted(now.items()))), flush=True)
        out, _ = wrk.communicate(timeout=SECONDS + 120)
        last = workers_rss(stack)
        s, lout = live.finish(load)
        line = [l for l in out.splitlines() if l.startswith("soak:")]
        print(out)
        if not line:
            raise RuntimeError("wrk gave no summary")
        f = line[0].split()
        w = dict(zip(f[1::2], f[2::2]))
        rps = int(w["requests"]) / SECONDS
        web0 = sum(v for k, v in first.items() if k != "mariadb")
        web1 = sum(v for k, v in last.items() if k != "mariadb")
        growth = (web1 - web0) * 100.0 / web0
        rows = [
            ("pages", "%.0f req/s" % rps, "%s requests, p50 %s ms, p99 %s ms" % (
                w["requests"], w["p50"], w["p99"]), "about %d" % RATE, None),
            ("5xx answers", w["5xx"], "4xx: %s" % w["4xx"], "0", int(w["5xx"]) == 0),
            ("open streams", "%d" % STREAMS, "%d rounds, p99 event delay %.0f ms" % (
                rounds, s["p99"]), "no event missing", s["missing"] == 0),
            ("workers' memory", "%+.1f%%" % growth, "%d KB after the warm-up, %d KB at the "
             "end" % (web0, web1), "< 10%", growth < 10),
        ] + [
            ("  " + k, "%+.1f%%" % ((last[k] - first[k]) * 100.0 / first[k]),
             "%d KB, then %d KB" % (first[k], last[k]), "-", None)
            for k in sorted(first) if k != "mariadb" and k in last
        ] + [
            ("MariaDB's memory", "%d MB" % (last["mariadb"] // 1024), "%d MB after the "
             "warm-up (its buffer pool fills by design)" % (first["mariadb"] // 1024),
             "-", None),
        ]
        print("%-18s %12s  %-58s %-16s %s" % ("soak, %d s" % SECONDS, "nestegg",
                                             "beside it", "target", "met"))
        for name, v, base, target, good in rows:
            ok &= good is not False
            print("%-18s %12s  %-58s %-16s %s" % (name, v, base, target,
                                                 "" if good is None else
                                                 ("yes" if good else "NO")))
        print()
        print("soak passed" if ok else "SOAK FAILED")
    finally:
        stack.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
