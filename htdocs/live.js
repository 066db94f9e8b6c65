// nestegg's live panel: keeps the dashboard's and a portfolio page's
// figures current from GET /live (Server-Sent Events), without a reload.
//
// The server sends amounts as exact decimal strings; this script only
// groups their digits and sums them as integers of the smallest unit
// (BigInt), never as floating point.  A changed figure is marked for a
// few seconds with an arrow (up or down, not colour alone), and a
// polite announcement says what changed.  The status line says whether
// the figures are live, reconnecting or offline, and when they last
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

  // "-1234567.5" -> "-1,234,567.5"
  function group(s) {
    const neg = s.startsWith("-");
    const body = neg ? s.slice(1) : s;
    const dot = body.indexOf(".");
    const whole = dot < 0 ? body : body.slice(0, dot);
    const frac = dot < 0 ? "" : body.slice(dot);
    return (neg ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + frac;
  }

  // An exact decimal string as [BigInt units, decimals].
  function units(s) {
    const neg = s.startsWith("-");
    const body = neg ? s.slice(1) : s;
    const dot = body.indexOf(".");
    const places = dot < 0 ? 0 : body.length - dot - 1;
    const v = BigInt(body.replace(".", "") || "0");
    return [neg ? -v : v, places];
  }

  function scaled(s, places) {
    const [v, p] = units(s);
    return v * 10n ** BigInt(places - p);
  }

  function fromUnits(v, places) {
    const neg = v < 0n;
    let digits = (neg ? -v : v).toString().padStart(places + 1, "0");
    if (places > 0) digits = digits.slice(0, -places) + "." + digits.slice(-places);
    return (neg ? "-" : "") + digits;
  }

  function compare(a, b) {
    const p = Math.max(units(a)[1], units(b)[1]);
    const x = scaled(a, p), y = scaled(b, p);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function sign(s) {
    return compare(s, "0");
  }

  // The text of an element without its change arrow.
  function plain(el) {
    return el.dataset.raw !== undefined ? el.dataset.raw : el.textContent.replace(/[^\d.-]/g, "");
  }

  // Shows text (for the exact value raw) in el; marks the change.
  function show(el, raw, text, signed) {
    if (!el) return 0;
    const before = plain(el);
    el.dataset.raw = raw;
    if (signed) {
      el.classList.remove("gain", "loss", "flat");
      el.classList.add(["loss", "flat", "gain"][sign(raw) + 1]);
    }
    if (el.textContent === text) return 0;
    const dir = before && /\d/.test(before) ? compare(raw, before) : 0;
    el.textContent = text;
    if (dir !== 0) {
      const tick = document.createElement("span");
      tick.className = "tick";
      tick.setAttribute("aria-hidden", "true");
      tick.textContent = dir > 0 ? "\u25b2 " : "\u25bc ";
      el.prepend(tick);
      el.classList.remove("went-up", "went-down");
      void el.offsetWidth;  // restart the highlight
      el.classList.add(dir > 0 ? "went-up" : "went-down");
      setTimeout(function () {
        tick.remove();
        el.classList.remove("went-up", "went-down");
      }, 4000);
    }
    return dir;
  }

  function money(el, s) {
    if (s === null || s === undefined) return 0;
    return show(el, s, group(s), false);
  }

  function signed(el, s) {
    if (s === null || s === undefined) return 0;
    return show(el, s, (sign(s) > 0 ? "+" : "") + group(s), true);
  }

  function pct(el, s) {
    if (!el) return;
    el.textContent = s === null || s === undefined ? "" : "(" + (sign(s) > 0 ? "+" : "") + s + "%)";
  }

  function price(s) {
    const dot = s.indexOf(".");
    if (dot < 0) return group(s) + ".00";
    return group(s.length - dot - 1 < 2 ? s + "0" : s);
  }

  const say = [];
  function announce(name, value, currency, dir) {
    if (dir === 0) return;
    say.push(name + " " + (dir > 0 ? "up" : "down") + " to " + group(value) + " " + currency);
  }

  // The dashboard: a row per portfolio and the total across them.
  function dashboard(p) {
    const row = document.querySelector('tr[data-pf="' + p.id + '"]');
    if (!row) return;
    if (p.deleted) {
      row.classList.add("gone");
      return;
    }
    const name = row.querySelector("th a").textContent;
    announce(name, p.value, p.currency, money(row.querySelector('[data-live="value"]'), p.value));
    if (p.day_change !== null) signed(row.querySelector('[data-live="day"]'), p.day_change);
    signed(row.querySelector('[data-live="gain"]'), p.total_gain);
    if (p.user) {
      row.dataset.userValue = p.user.value;
      row.dataset.userDay = p.user.day_change;
      row.dataset.userGain = p.user.total_gain;
    }
  }

  function total() {
    const box = document.querySelector("[data-total]");
    if (!box) return;
    const rows = document.querySelectorAll("tr[data-pf]:not(.gone)");
    const sums = { value: 0n, day: 0n, gain: 0n };
    let places = 0;
    rows.forEach(function (r) {
      ["userValue", "userDay", "userGain"].forEach(function (k) {
        if (r.dataset[k]) places = Math.max(places, units(r.dataset[k])[1]);
      });
    });
    rows.forEach(function (r) {
      if (r.dataset.userValue) sums.value += scaled(r.dataset.userValue, places);
      if (r.dataset.userDay) sums.day += scaled(r.dataset.userDay, places);
      if (r.dataset.userGain) sums.gain += scaled(r.dataset.userGain, places);
    });
    money(box.querySelector('[data-live="value"]'), fromUnits(sums.value, places));
    signed(box.querySelector('[data-live="day"]'), fromUnits(sums.day, places));
    signed(box.querySelector('[data-live="gain"]'), fromUnits(sums.gain, places));
  }

  // A portfolio's own page: its totals and each holding.
  function portfolio(box, p) {
    if (p.deleted) {
      status.textContent = "This portfolio was deleted.";
      return;
    }
    announce(box.dataset.name || p.name, p.value, p.currency,
      money(box.querySelector('[data-live="value"]'), p.value));
    if (p.day_change !== null) signed(box.querySelector('[data-live="day"]'), p.day_change);
    pct(box.querySelector('[data-live="day_pct"]'), p.day_pct);
    signed(box.querySelector('[data-live="unrealized"]'), p.unrealized);
    pct(box.querySelector('[data-live="unrealized_pct"]'), p.unrealized_pct);
    signed(box.querySelector('[data-live="gain"]'), p.total_gain);
    money(document.querySelector('dd[data-live="holdings_value"]'), p.holdings_value);
    money(document.querySelector('dd[data-live="cash"]'), p.cash);
    p.holdings.forEach(function (h) {
      const row = document.querySelector('tr[data-holding="' + h.id + '"]');
      if (!row) return;
      if (h.price !== null) show(row.querySelector('[data-live="price"]'), h.price, price(h.price), false);
      money(row.querySelector('[data-live="value"]'), h.value);
      if (h.day_change !== null) signed(row.querySelector('[data-live="day"]'), h.day_change);
      if (h.unrealized !== null) signed(row.querySelector('[data-live="gain"]'), h.unrealized);
      row.classList.toggle("is-stale", h.stale);
    });
  }

  function time(d) {
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function state(s) {
    line.dataset.state = s;
    const when = lastUpdate ? ", updated " + time(lastUpdate) : "";
    status.textContent = s === "live" ? "Live" + when :
      s === "reconnecting" ? "Reconnecting\u2026" + when :
      "Offline: figures as of " + (lastUpdate ? time(lastUpdate) : "the page's loading");
  }

  function onValuation(e) {
    const data = JSON.parse(e.data);
    const box = document.querySelector("section[data-pf]");
    data.portfolios.forEach(function (p) {
      if (box) {
        if (String(p.id) === box.dataset.pf) portfolio(box, p);
      } else {
        dashboard(p);
      }
    });
    if (!box) total();
    if (data.portfolios.length > 0) lastUpdate = new Date();
    if (say.length > 0) {
      announcer.textContent = say.join(". ") + ".";
      say.length = 0;
    }
    state("live");
  }

  function connect() {
    retry = null;
    source = new EventSource("/live");
    source.addEventListener("valuation", onValuation);
    source.addEventListener("open", function () { state("live"); });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (signed out, too many streams): try again later.
        state("offline");
        if (!retry) retry = setTimeout(connect, 30000);
      } else {
        state("reconnecting");
      }
    });
  }

  window.addEventListener("online", function () { if (retry) { clearTimeout(retry); connect(); } });
  window.addEventListener("offline", function () { state("offline"); });
  connect();
})();
