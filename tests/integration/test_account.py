"""The account page: changing the password revokes every session."""
import unittest

import harness

GOOD_PW = "correct horse battery"


class Account(unittest.TestCase):
    def setUp(self):
        self.stack = harness.shared
        self.email = harness.unique_email("acct")
        self.a = self.stack.client()
        self.assertEqual(self.a.register(self.email).status, 303)
        self.b = self.stack.client()
        self.assertEqual(self.b.login(self.email).status, 303)

    def test_page(self):
        r = self.a.get("/account")
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.validate_html(r.text), "")
        self.assertIn(self.email, harness.page_text(r.text))

    def test_change_password_revokes_other_sessions(self):
        self.a.get("/account")
        old_sid = self.a.cookies["__Host-sid"]
        r = self.a.post("/account", {"current_password": GOOD_PW,
                                     "new_password": "another fine password"})
        self.assertEqual(r.status, 303)
        self.assertNotEqual(self.a.cookies["__Host-sid"], old_sid)
        r = self.a.get("/account?changed=1")
        self.assertEqual(r.status, 200)
        self.assertIn("password was changed", harness.page_text(r.text))
        self.assertEqual(self.b.get("/").status, 303)
        self.assertEqual(self.stack.client().login(self.email).status, 422)
        self.assertEqual(self.stack.client().login(self.email, "another fine password")
                         .status, 303)

    def test_wrong_current_password(self):
        self.a.get("/account")
        r = self.a.post("/account", {"current_password": "not my password",
                                     "new_password": "another fine password"})
        self.assertEqual(r.status, 422)
        self.assertIn("not your current password", harness.page_text(r.text))
        self.assertEqual(self.b.get("/").status, 200)

    def test_weak_new_password(self):
        self.a.get("/account")
        r = self.a.post("/account", {"current_password": GOOD_PW, "new_password": "short"})
        self.assertEqual(r.status, 422)
        self.assertEqual(self.b.get("/").status, 200)

    def test_needs_sign_in(self):
        self.assertEqual(self.stack.client().get("/account").status, 303)
