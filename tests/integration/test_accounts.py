"""Registration, sign-in, sign-out, sessions and their cookies, CSRF;
registration's one answer whether or not an account has the address, and
the notice its owner gets; names without invisible characters."""
import re
import statistics
import time
import unittest

import harness
from pf_helpers import User

GOOD_PW = "correct horse battery"


class Register(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.c = self.stack.client()

    def test_register_then_sign_in_with_secure_cookie(self):
        email = harness.unique_email()
        r = self.c.register(email)              # registers, then signs in
        self.assertEqual(self.c.registered.status, 303)
        self.assertEqual(self.c.registered.header("location"), "/login?registered=1")
        self.assertEqual(self.c.registered.header_all("set-cookie"), [])
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/")
        cookies = [harness.parse_set_cookie(v) for v in r.header_all("set-cookie")]
        sid = [c for c in cookies if c[0] == "__Host-sid"]
        self.assertEqual(len(sid), 1)
        name, value, attrs = sid[0]
        self.assertRegex(value, r"^[0-9a-f]{64}$")
        self.assertIs(attrs.get("secure"), True)
        self.assertIs(attrs.get("httponly"), True)
        self.assertEqual(attrs.get("samesite"), "Lax")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn("domain", attrs)
        # Only the token's hash is stored.
        rows = self.stack.sql("SELECT HEX(token_hash) FROM sessions s JOIN users u "
                              "ON u.id = s.user_id WHERE u.email = '%s'" % email)
        self.assertEqual(len(rows), 1)
        self.assertNotEqual(rows[0][0].lower(), value)
        import hashlib
        self.assertEqual(rows[0][0].lower(), hashlib.sha256(value.encode()).hexdigest())

    def test_password_stored_as_yescrypt(self):
        email = harness.unique_email()
        self.c.register(email)
        rows = self.stack.sql("SELECT password_hash FROM users WHERE email = '%s'" % email)
        self.assertTrue(rows[0][0].startswith("$y$"))
        self.assertNotIn(GOOD_PW, rows[0][0])

    def test_email_is_normalised(self):
        local = harness.unique_email()
        r = self.c.register("  " + local.upper() + " ")
        self.assertEqual(r.status, 303)
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                        % local), [["1"]])

    def assert_form_error(self, r, field, words):
        self.assertEqual(r.status, 422)
        self.assertEqual(harness.validate_html(r.text), "")
        m = re.search(r'<p class="error" id="%s-error">([^<]*)</p>' % field, r.text)
        self.assertIsNotNone(m, "no error shown for " + field)
        self.assertIn(words, m.group(1))

    def test_bad_email(self):
        self.c.get("/register")
        r = self.c.post("/register", {"email": "not-an-address", "password": GOOD_PW})
        self.assert_form_error(r, "email", "email address like")
        self.assertIn('value="not-an-address"', r.text)

    def test_short_password(self):
        email = harness.unique_email()
        self.c.get("/register")
        r = self.c.post("/register", {"email": email, "password": "short"})
        self.assert_form_error(r, "password", "at least 10")
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                        % email), [["0"]])

    def test_missing_fields(self):
        self.c.get("/register")
        r = self.c.post("/register", {})
        self.assert_form_error(r, "email", "Enter your email")
        self.assertIn('id="password-error"', r.text)

    def test_markup_in_input_is_escaped(self):
        self.c.get("/register")
        payload = '"><script>alert(1)</script>'
        r = self.c.post("/register", {"email": payload, "password": GOOD_PW})
        self.assertEqual(r.status, 422)
        self.assertNotIn("<script>alert(1)", r.text)
        self.assertIn("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;", r.text)


class RegisterSameAnswer(unittest.TestCase):
    """POST /register answers a valid form the same whether or not an
    account has the address, in about the same time, and signs nobody in:
    it tells no one who has an account.  The account stays as it was; its
    owner is told of the attempt once, after signing in."""

    ATTACKER_PW = "attacker's own password"

    def setUp(self):
        self.stack = harness.shared
        self.email = harness.unique_email("owner")
        self.assertEqual(self.stack.client().register(self.email).status, 303)

    def attempt(self, email, password=ATTACKER_PW):
        """A fresh browser (address) registers email; returns the answer,
        the seconds it took and the client."""
        c = self.stack.client()
        c.get("/register")
        t0 = time.monotonic()
        r = c.post("/register", {"email": email, "password": password})
        return r, time.monotonic() - t0, c

    @staticmethod
    def shape(r):
        """What a visitor can see of an answer, but the date and the
        request id: status, headers in order (cookies by name), body
        without its CSRF token."""
        headers = []
        for k, v in r.headers:
            if k in ("date", "x-request-id"):
                continue
            if k == "set-cookie":
                v = harness.parse_set_cookie(v)[0]
            headers.append((k, v))
        return r.status, headers, re.sub(r"[0-9a-f]{64}", "", r.text)

    def test_taken_and_free_addresses_get_one_answer(self):
        taken, _, _ = self.attempt("  " + self.email.upper() + " ")
        free, _, c = self.attempt(harness.unique_email("free"))
        self.assertEqual(taken.status, 303)
        self.assertEqual(taken.header("location"), "/login?registered=1")
        self.assertEqual(self.shape(taken), self.shape(free))
        for r in (taken, free):
            names = [harness.parse_set_cookie(v)[0] for v in r.header_all("set-cookie")]
            self.assertNotIn("__Host-sid", names)
        self.assertNotIn("__Host-sid", c.cookies)
        self.assertEqual(c.get("/").status, 303)             # not signed in
        page = c.get(free.header("location"))
        self.assertEqual(page.status, 200)
        self.assertEqual(harness.validate_html(page.text), "")
        self.assertIn("Thank you. Sign in with your email address and password.",
                      harness.page_text(page.text))
        self.assertNotIn("already", page.text)

    def test_taken_address_costs_the_same_hash(self):
        """The password is hashed at the same cost either way: the taken
        address is not answered sooner (or much later)."""
        taken, free = [], []
        for _ in range(5):
            taken.append(self.attempt(self.email)[1])
            free.append(self.attempt(harness.unique_email("timing"))[1])
        t, f = statistics.median(taken), statistics.median(free)
        self.assertGreater(t, 0.5 * f, (taken, free))
        self.assertLess(t, 2 * f + 0.05, (taken, free))

    def test_existing_account_is_unchanged(self):
        before = self.stack.sql("SELECT id, password_hash, is_admin, disabled_at "
                                "FROM users WHERE email = '%s'" % self.email)
        r, _, attacker = self.attempt(self.email)
        self.assertEqual(r.status, 303)
        self.assertEqual(self.stack.sql("SELECT id, password_hash, is_admin, disabled_at "
                                        "FROM users WHERE email = '%s'" % self.email),
                         before)
        self.assertEqual(attacker.login(self.email, self.ATTACKER_PW).status, 422)
        self.assertNotIn("__Host-sid", attacker.cookies)
        owner = self.stack.client()
        self.assertEqual(owner.login(self.email).status, 303)
        self.assertEqual(owner.get("/").status, 200)

    def notice(self, text):
        m = re.search(r'<p class="notice" role="status">(Someone tried[^<]*)</p>', text)
        return harness.page_text(m.group(1)) if m else None

    def test_owner_sees_the_notice_once_after_signing_in(self):
        r, _, attacker = self.attempt(self.email)
        self.assertEqual(r.status, 303)
        # Stored: when and from where, never the password.
        rows = self.stack.sql("SELECT n.* FROM account_notices n JOIN users u ON "
                              "u.id = n.user_id WHERE u.email = '%s'" % self.email)
        self.assertEqual(len(rows), 1)
        self.assertIn(attacker.address, rows[0])
        self.assertNotIn(self.ATTACKER_PW, " ".join(map(str, rows[0])))
        owner = self.stack.client()
        self.assertEqual(owner.login(self.email).status, 303)
        page = owner.get("/")
        self.assertEqual(page.status, 200)
        self.assertEqual(harness.validate_html(page.text), "")
        said = self.notice(page.text)
        self.assertIsNotNone(said, page.text)
        self.assertRegex(said, r"^Someone tried to create an account with your email "
                         r"address on \d{4}-\d\d-\d\d \d\d:\d\d UTC from %s\. If it "
                         r"was you, nothing needs doing; if not, your account is "
                         r"unchanged\.$" % re.escape(attacker.address))
        when = self.stack.sql("SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d')")[0][0]
        self.assertIn(" on " + when, said)
        # Once: not again on this page, nor after signing in again.
        self.assertIsNone(self.notice(owner.get("/").text))
        again = self.stack.client()
        again.login(self.email)
        self.assertIsNone(self.notice(again.get("/").text))
        # The attacker's own new account, or anyone else's, has none.
        other = self.stack.client()
        other.register(harness.unique_email("other"))
        self.assertIsNone(self.notice(other.get("/").text))

    def test_attempts_kept_are_bounded(self):
        clients = [self.attempt(self.email)[2] for _ in range(7)]
        self.assertEqual(self.stack.sql(
            "SELECT COUNT(*), MAX(c.unseen) FROM account_notices n JOIN users u ON "
            "u.id = n.user_id JOIN account_notice_counts c ON c.user_id = u.id "
            "WHERE u.email = '%s'" % self.email), [["5", "7"]])
        owner = self.stack.client()
        owner.login(self.email)
        said = self.notice(owner.get("/").text)
        self.assertIsNotNone(said)
        self.assertTrue(said.startswith("Someone tried 7 times to create an account "
                                        "with your email address: on "), said)
        self.assertIn("; and 2 time(s) before.", said)
        # The latest five, newest first.
        shown = re.findall(r"from (127\.[0-9.]+)", said)
        self.assertEqual(shown, [c.address for c in reversed(clients[2:])])
        self.assertIsNone(self.notice(owner.get("/").text))
        self.assertEqual(self.stack.sql(
            "SELECT c.unseen FROM account_notice_counts c JOIN users u ON "
            "u.id = c.user_id WHERE u.email = '%s'" % self.email), [["0"]])

    def test_new_account_works_after_signing_in(self):
        email = harness.unique_email("fresh")
        r, _, c = self.attempt(email, GOOD_PW)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/login?registered=1")
        self.assertEqual(c.get("/").status, 303)             # not signed in yet
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                        % email), [["1"]])
        c.get(r.header("location"))
        r = c.post("/login", {"email": email, "password": GOOD_PW})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/")
        page = c.get("/")
        self.assertEqual(page.status, 200)
        self.assertIn(email, page.text)
        self.assertIsNone(self.notice(page.text))

    def test_bad_input_is_still_a_form_error(self):
        for fields, field in [({"email": self.email, "password": "short"}, "password"),
                              ({"email": "not-an-address", "password": GOOD_PW}, "email")]:
            c = self.stack.client()
            c.get("/register")
            r = c.post("/register", fields)
            self.assertEqual(r.status, 422, fields)
            self.assertIn('id="%s-error"' % field, r.text)
        self.assertEqual(self.stack.sql(
            "SELECT COUNT(*) FROM account_notices n JOIN users u ON u.id = n.user_id "
            "WHERE u.email = '%s'" % self.email), [["0"]])


class SignIn(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.email = harness.unique_email()
        first = self.stack.client()
        self.assertEqual(first.register(self.email).status, 303)
        self.first_sid = first.cookies["__Host-sid"]
        self.c = self.stack.client()

    def test_login_gives_new_session_token(self):
        r = self.c.login(self.email)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/")
        sid = self.c.cookies["__Host-sid"]
        self.assertNotEqual(sid, self.first_sid)
        self.assertEqual(self.c.get("/").status, 200)

    def test_login_replaces_existing_session(self):
        self.c.login(self.email)
        old = self.c.cookies["__Host-sid"]
        self.c.get("/")             # the CSRF token changes at sign-in
        r = self.c.post("/login", {"email": self.email, "password": GOOD_PW})
        self.assertEqual(r.status, 303)
        self.assertNotEqual(self.c.cookies["__Host-sid"], old)
        probe = self.stack.client()
        probe.cookies["__Host-sid"] = old
        self.assertEqual(probe.get("/").status, 303)

    def test_wrong_password_and_unknown_email_look_the_same(self):
        self.c.get("/login")
        wrong = self.c.post("/login", {"email": self.email, "password": "wrong password!"})
        unknown = self.c.post("/login", {"email": "nobody-" + self.email,
                                         "password": "wrong password!"})
        self.assertEqual(wrong.status, 422)
        self.assertEqual(unknown.status, 422)
        strip = lambda t: re.sub(r'value="[^"]*"', "", re.sub(r'content="[^"]*"', "", t))
        self.assertEqual(strip(wrong.text), strip(unknown.text))
        self.assertIn("do not match an account", harness.page_text(wrong.text))
        self.assertNotIn("__Host-sid", self.c.cookies)

    def test_logout_ends_session(self):
        self.c.login(self.email)
        sid = self.c.cookies["__Host-sid"]
        self.assertEqual(self.c.get("/").status, 200)
        r = self.c.post("/logout")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/login")
        cleared = [harness.parse_set_cookie(v) for v in r.header_all("set-cookie")]
        self.assertIn(("__Host-sid", "0"), [(n, a.get("max-age")) for n, v, a in cleared])
        probe = self.stack.client()
        probe.cookies["__Host-sid"] = sid
        self.assertEqual(probe.get("/").status, 303)
        import hashlib
        h = hashlib.sha256(sid.encode()).hexdigest()
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM sessions WHERE "
                                        "token_hash = UNHEX('%s')" % h), [["0"]])

    def test_idle_session_expires(self):
        self.c.login(self.email)
        import hashlib
        h = hashlib.sha256(self.c.cookies["__Host-sid"].encode()).hexdigest()
        self.stack.sql("UPDATE sessions SET last_seen_at = NOW() - INTERVAL 25 HOUR "
                       "WHERE token_hash = UNHEX('%s')" % h)
        self.assertEqual(self.c.get("/").status, 303)

    def test_absolute_session_expiry(self):
        self.c.login(self.email)
        import hashlib
        h = hashlib.sha256(self.c.cookies["__Host-sid"].encode()).hexdigest()
        self.stack.sql("UPDATE sessions SET created_at = NOW() - INTERVAL 31 DAY "
                       "WHERE token_hash = UNHEX('%s')" % h)
        self.assertEqual(self.c.get("/").status, 303)

    def test_session_use_is_recorded(self):
        self.c.login(self.email)
        import hashlib
        h = hashlib.sha256(self.c.cookies["__Host-sid"].encode()).hexdigest()
        self.stack.sql("UPDATE sessions SET last_seen_at = NOW() - INTERVAL 23 HOUR "
                       "WHERE token_hash = UNHEX('%s')" % h)
        self.assertEqual(self.c.get("/").status, 200)
        rows = self.stack.sql("SELECT TIMESTAMPDIFF(SECOND, last_seen_at, NOW()) FROM "
                              "sessions WHERE token_hash = UNHEX('%s')" % h)
        self.assertLess(int(rows[0][0]), 60)

    def test_forged_session_cookie_is_ignored(self):
        self.c.cookies["__Host-sid"] = "0" * 64
        r = self.c.get("/")
        self.assertEqual(r.status, 303)
        self.c.cookies["__Host-sid"] = "not-hex"
        self.assertEqual(self.c.get("/").status, 303)


class Csrf(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.c = self.stack.client()

    def test_login_without_token_is_403(self):
        self.c.get("/login")
        r = self.c.post("/login", {"email": "a@example.com", "password": "x"}, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertEqual(harness.validate_html(r.text), "")

    def test_register_with_wrong_token_is_403_and_creates_nothing(self):
        email = harness.unique_email()
        self.c.get("/register")
        r = self.c.post("/register", {"email": email, "password": GOOD_PW},
                        csrf="0" * 64)
        self.assertEqual(r.status, 403)
        self.assertEqual(self.stack.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                        % email), [["0"]])

    def test_post_without_csrf_cookie_is_403(self):
        self.c.get("/login")
        token = self.c.csrf
        self.c.cookies.clear()
        r = self.c.post("/login", {"email": "a@example.com", "password": "x"}, csrf=token)
        self.assertEqual(r.status, 403)

    def test_token_of_another_browser_is_rejected(self):
        other = self.stack.client()
        other.get("/login")
        self.c.get("/login")
        r = self.c.post("/login", {"email": "a@example.com", "password": "x"},
                        csrf=other.csrf)
        self.assertEqual(r.status, 403)

    def test_logout_needs_token(self):
        email = harness.unique_email()
        self.c.register(email)
        r = self.c.post("/logout", csrf=False)
        self.assertEqual(r.status, 403)
        self.assertEqual(self.c.get("/").status, 200)

    def test_signed_out_token_does_not_work_after_sign_in(self):
        email = harness.unique_email()
        self.c.get("/register")
        anon = self.c.csrf
        self.assertEqual(self.c.register(email).status, 303)
        self.assertIn("__Host-sid", self.c.cookies)
        r = self.c.post("/logout", csrf=anon)
        self.assertEqual(r.status, 403)

    def test_header_token_accepted(self):
        email = harness.unique_email()
        self.c.register(email)
        self.c.get("/")
        r = self.c.request("POST", "/logout", body="",
                           headers={"X-CSRF-Token": self.c.csrf,
                                    "Content-Type": "text/plain"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.c.get("/").status, 303)


class InvisibleNames(unittest.TestCase):
    """Names show what they hold: a zero width joiner in a portfolio's name
    or a byte order mark in an instrument's is refused, 422 naming the
    field, through the form and the JSON API; variation selectors (emoji)
    are not."""

    def setUp(self):
        self.stack = harness.shared
        self.u = User(self.stack, "invisible")

    def count(self, sql):
        return int(self.stack.sql(sql)[0][0])

    def test_portfolio_name_with_zero_width_joiner(self):
        name = "Pen\u200dsion"
        before = self.count("SELECT COUNT(*) FROM portfolios")
        r = self.u.api("POST", "/api/v1/portfolios", {"name": name, "currency": "USD"})
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["field"], "name")
        self.assertIn("invisible characters", r.json["error"]["message"])
        self.u.c.get("/portfolios/new")
        r = self.u.c.post("/portfolios/new", {"name": name, "currency": "USD",
                                              "cost_method": "fifo"})
        self.assertEqual(r.status, 422)
        m = re.search(r'<p class="error" id="name-error">([^<]*)</p>', r.text)
        self.assertIsNotNone(m, r.text)
        self.assertIn("invisible characters", m.group(1))
        self.assertEqual(self.count("SELECT COUNT(*) FROM portfolios"), before)
        # Renaming is held to the same rule.
        pid = self.u.portfolio("Plain")
        self.u.c.get("/portfolios/%d/edit" % pid)
        r = self.u.c.post("/portfolios/%d/edit" % pid, {"name": name, "cost_method": "fifo"})
        self.assertEqual(r.status, 422)
        self.assertIn('id="name-error"', r.text)
        self.assertEqual(self.u.view(pid)["name"], "Plain")
        # An emoji with its variation selector is a name like any other.
        r = self.u.api("POST", "/api/v1/portfolios",
                       {"name": "Love \u2764\ufe0f", "currency": "USD"})
        self.assertEqual(r.status, 201, r.body)

    def test_instrument_name_with_byte_order_mark(self):
        sym = "INV%d" % (int(time.time() * 1000) % 100000)
        fields = {"symbol": sym, "name": "\ufeffAcme Corp", "kind": "stock",
                  "currency": "USD", "source": "manual"}
        r = self.u.api("POST", "/api/v1/instruments", fields)
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["field"], "name")
        self.assertIn("invisible characters", r.json["error"]["message"])
        self.u.c.get("/instruments/new")
        r = self.u.c.post("/instruments/new", fields)
        self.assertEqual(r.status, 422)
        m = re.search(r'<p class="error" id="name-error">([^<]*)</p>', r.text)
        self.assertIsNotNone(m, r.text)
        self.assertIn("invisible characters", m.group(1))
        self.assertEqual(self.count("SELECT COUNT(*) FROM instruments WHERE symbol = '%s'"
                                    % sym), 0)
        # In a symbol too.
        r = self.u.api("POST", "/api/v1/instruments",
                       dict(fields, symbol=sym + "\u200b", name="Acme Corp"))
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(r.json["error"]["field"], "symbol")
        r = self.u.api("POST", "/api/v1/instruments", dict(fields, name="Acme Corp"))
        self.assertEqual(r.status, 201, r.body)
