// nestegg's live panel: keeps the dashboard's and a portfolio page's
// figures current from GET /live (Server-Sent Events), without a reload.
//
// An event says which portfolios changed (a valuation run, or a change
// of their transactions in another tab or by an import).  The page then
// fetches itself again and puts in the regions the server rendered
// (data-region): every figure, holdings row, chart and recent
// transaction is the server's, so the page equals a fresh reload,
// figure by figure; nothing is computed here.  The fetches of all open
// pages are spread over the event's spread_ms, and a hidden tab fetches
// when it is shown again.  A changed figure is marked for a few seconds
// with an arrow (up or down, not colour alone), and a polite
// announcement says what changed.  The status line says whether the
// figures are live, reconnecting or offline, and when they last
// changed.  EventSource reconnects by itself, sending the last event's
// id so that nothing is missed; when it gives up (the server said no),
// this script tries again later.
"use strict";

(function () {
  const status = document.getElementById("live-status");
  const announcer = document.getElementById("live-announce");
  if (!status || typeof EventSource === "undefined") return;
  const line = status.parentNode;
  let source = null;
  let retry = null;
  let lastUpdate = null;

  // An exact decimal string as [BigInt units, decimals].
  function units(s) {
    const neg = s.startsWith("-");
    const body = neg ? s.slice(1) : s;
    const dot = body.indexOf(".");
    const places = dot < 0 ? 0 : body.length - dot - 1;
    const v = BigInt(body.replace(".", "") || "0");
    return [neg ? -v : v, places];
  }

  // -1, 0 or 1 as the figure a is below, at or above b (text as shown:
  // "+1,234.50", "(-2.10%)"; no digits compare equal).
  function compare(a, b) {
    const x = a.replace(/[^\d.-]/g, ""), y = b.replace(/[^\d.-]/g, "");
    if (!/\d/.test(x) || !/\d/.test(y)) return 0;
    const [u, p] = units(x), [v, q] = units(y);
    const m = Math.max(p, q);
    const l = u * 10n ** BigInt(m - p), r = v * 10n ** BigInt(m - q);
    return l < r ? -1 : l > r ? 1 : 0;
  }

  // What a figure is called across a reload: its row's and its own name.
  function key(el) {
    const row = el.closest("[data-holding], tr[data-pf]");
    return (row ? (row.dataset.holding || "pf" + row.dataset.pf) : "") + "/" + el.dataset.live;
  }

  function text(el) {
    return el.textContent.trim();
  }

  // Marks a figure that went up or down: an arrow and a highlight, for
  // MARK_MS.  A mark outlives the next fetch while its figure stays as
  // it was marked (a second event in the same seconds keeps the arrow).
  const MARK_MS = 4000;
  const marks = new Map(); // key -> { dir, text, until }

  function mark(el, dir, until) {
    marks.set(key(el), { dir: dir, text: text(el), until: until });
    const tick = document.createElement("span");
    tick.className = "tick";
    tick.setAttribute("aria-hidden", "true");
    tick.textContent = dir > 0 ? "\u25b2 " : "\u25bc ";
    el.prepend(tick);
    el.classList.add(dir > 0 ? "went-up" : "went-down");
    setTimeout(function () {
      tick.remove();
      el.classList.remove("went-up", "went-down");
    }, until - Date.now());
  }

  const say = [];

  // What has the keyboard's focus in a region, to find it again there.
  function focused() {
    const el = document.activeElement;
    const region = el && el.closest && el.closest("[data-region]");
    if (!region || el === region) return null;
    const attr = ["id", "href", "name"].find((a) => el.getAttribute(a));
    return attr ? '[data-region="' + region.dataset.region + '"] ' + el.tagName +
      "[" + attr + '="' + CSS.escape(el.getAttribute(attr)) + '"]' : null;
  }

  // Puts the regions of doc (the page as the server renders it now) in
  // place of this page's, marking the figures that moved.
  function replace(doc) {
    const focus = focused();
    const before = new Map();
    document.querySelectorAll("[data-region] [data-live]").forEach(function (el) {
      el.querySelectorAll(".tick").forEach(function (t) { t.remove(); });
      before.set(key(el), text(el));
    });
    let changed = false;
    document.querySelectorAll("[data-region]").forEach(function (old) {
      const neu = doc.querySelector('[data-region="' + old.dataset.region + '"]');
      if (!neu) return;
      if (neu.innerHTML !== old.innerHTML) changed = true;
      old.replaceWith(document.importNode(neu, true));
    });
    if (focus) {
      const el = document.querySelector(focus);
      if (el) el.focus({ preventScroll: true });
    }
    const now0 = Date.now();
    document.querySelectorAll("[data-region] [data-live]").forEach(function (el) {
      const was = before.get(key(el)), now = text(el);
      const kept = marks.get(key(el));
      if (kept && kept.until > now0 && kept.text === now) {
        mark(el, kept.dir, kept.until);
        return;
      }
      marks.delete(key(el));
      if (was === undefined || was === now) return;
      const dir = compare(now, was);
      if (dir === 0) return;
      mark(el, dir, now0 + MARK_MS);
      if (el.dataset.live !== "value") return;
      // The value of a portfolio (the page's, or a dashboard row's).
      const owner = el.closest("tr[data-pf], section[data-pf]");
      if (!owner) return;
      const name = owner.dataset.name || owner.querySelector("th a").textContent;
      say.push(name + " " + (dir > 0 ? "up" : "down") + " to " + now + " " +
        owner.dataset.currency);
    });
    return changed;
  }

  // Fetches the page again, at most one fetch at a time; an event
  // during one asks for another after it.  A failed fetch is tried
  // again, later each time (up to a minute); a page that is gone or
  // signed out says so and stops.
  let timer = null, busy = false, again = false, dirty = false, ended = null;
  let backoff = 0;

  function refresh() {
    timer = null;
    if (document.hidden) {
      dirty = true;
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    // With the last event's id: figures cached before it are not taken.
    const url = new URL(location.href);
    if (line.dataset.since) url.searchParams.set("live", line.dataset.since);
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 404) return end("This portfolio was deleted.");
        if (r.redirected && new URL(r.url).pathname === "/login")
          return end("Signed out: figures as of " + when() + ".");
        if (!r.ok) throw new Error(r.status);
        return r.text();
      })
      .then(function (html) {
        if (html === null) return;
        backoff = 0;
        const doc = new DOMParser().parseFromString(html, "text/html");
        if (replace(doc)) lastUpdate = new Date();
        if (say.length > 0) {
          announcer.textContent = say.join(". ") + ".";
          say.length = 0;
        }
        state("live");
      })
      .catch(function () {
        // Busy or unreachable: again in 2, 4, ... 60 seconds.
        backoff = Math.min(backoff ? backoff * 2 : 2000, 60000);
        state("reconnecting");
        again = true;
      })
      .finally(function () {
        busy = false;
        if (again && !ended) {
          again = false;
          if (backoff) timer = setTimeout(refresh, backoff);
          else refresh();
        }
      });
  }

  // The page is over: it says why from now on, and the stream closes.
  function end(why) {
    ended = why;
    status.textContent = why;
    line.dataset.state = "offline";
    if (source) source.close();
    return null;
  }

  function soon(spread) {
    if (timer === null && !ended) timer = setTimeout(refresh, Math.random() * spread);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && dirty) {
      dirty = false;
      refresh();
    }
  });

  function time(d) {
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function when() {
    return lastUpdate ? time(lastUpdate) : "the page's loading";
  }

  function state(s) {
    if (ended) return;
    line.dataset.state = s;
    const updated = lastUpdate ? ", updated " + time(lastUpdate) : "";
    status.textContent = s === "live" ? "Live" + updated :
      s === "reconnecting" ? "Reconnecting\u2026" + updated :
      "Offline: figures as of " + when();
  }

  function onValuation(e) {
    const data = JSON.parse(e.data);
    if (e.lastEventId) line.dataset.since = e.lastEventId;
    const box = document.querySelector("section[data-pf]");
    const mine = data.portfolios.filter(function (p) {
      return !box || String(p.id) === box.dataset.pf;
    });
    if (box && mine.some(function (p) { return p.deleted; })) {
      end("This portfolio was deleted.");
      return;
    }
    if (mine.length > 0) soon(data.spread_ms || 250);
    state("live");
  }

  function connect() {
    retry = null;
    // From the moment the page read its figures, or the last event
    // told: what changed since.
    const since = line.dataset.since;
    source = new EventSource(since ? "/live?since=" + encodeURIComponent(since) : "/live");
    source.addEventListener("valuation", onValuation);
    source.addEventListener("open", function () { state("live"); });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (signed out, too many streams): try again later.
        state("offline");
        if (!retry && !ended) retry = setTimeout(connect, 30000);
      } else {
        state("reconnecting");
      }
    });
  }

  window.addEventListener("online", function () { if (retry) { clearTimeout(retry); connect(); } });
  window.addEventListener("offline", function () { state("offline"); });
  connect();
})();
