"""Accounts in the terminal: the server's field errors beside their fields, resending the
activation mail, forgot password with a pasted link, changing the password, and a user without
the librarian role."""
import requests

from conftest import STRONG_PASSWORD, mail_link, signup, unique_name
from tuiharness import booktui_cli, login_with_cli, tui  # noqa: F401  (fixture)

NEW_PASSWORD = "another-Quiet-river-42"
THIRD_PASSWORD = "third-Lantern-orbit-77"


def test_register_errors_resend_and_forgot_password(sqlite_server, tui):
    server = sqlite_server
    taken = signup(server)
    pane = tui(server, 100, 30)
    user = unique_name("reg")
    address = f"{user}@example.org"
    pane.run_booktui()
    pane.wait_for("Ctrl-R  Create an account", absent=("Esc cancels",))

    # the server refuses a taken username and a common password: shown beside the fields,
    # everything typed is kept
    pane.keys("C-r")
    pane.wait_for("Create an account on")
    pane.type(taken.username); pane.keys("Tab")
    pane.type(address); pane.keys("Tab")
    pane.type("password"); pane.keys("Tab")
    pane.type("password"); pane.keys("Enter")
    screen = pane.wait_for("The server did not accept this", "too common")
    username_line = next(l for l in screen.split("\n") if "Username" in l)
    assert taken.username in username_line and "✗" in username_line, screen
    assert address in screen
    # fix both: the focus is on the first bad field
    pane.keys("C-u"); pane.type(user)
    pane.wait_gone("✗ A user with that")
    pane.keys("Tab", "Tab", "C-u"); pane.type(STRONG_PASSWORD)
    pane.keys("Tab", "C-u"); pane.type(STRONG_PASSWORD)
    pane.keys("Enter")
    pane.wait_for("Check your mail", address)

    # resend: a second mail; its link works
    pane.keys("C-r")
    pane.wait_for(f"Sent again to {address}.")
    mails = lambda: [m for m in server.mailbox.messages() if address in str(m["To"])]  # noqa: E731
    from conftest import wait_until
    wait_until(lambda: len(mails()) >= 2, 20, what="the second activation mail")
    pane.type("not a link")
    pane.keys("Enter")
    pane.wait_for("That does not look like an activation link")
    pane.keys("C-u")
    pane.type(mail_link(mails()[-1], "activate"))
    pane.keys("Enter")
    pane.wait_for("Account activated.")

    # forgot password: mail, paste the reset link, a new password
    pane.keys("C-f")
    pane.wait_for("Reset your password")
    pane.type(address); pane.keys("Enter")
    pane.wait_for("a reset link is on its way")
    link = mail_link(server.mailbox.wait_for(address, "Reset"), "reset")
    pane.type(link); pane.keys("Tab")
    pane.type(NEW_PASSWORD); pane.keys("Tab")
    pane.type(NEW_PASSWORD); pane.keys("Enter")
    pane.wait_for("Password changed. Log in with the new one.")
    pane.type(user); pane.keys("Tab")
    pane.type(STRONG_PASSWORD); pane.keys("Enter")
    pane.wait_for("Wrong username or password")
    pane.type(NEW_PASSWORD); pane.keys("Enter")
    pane.wait_for("No books yet", f"{user} (librarian)")

    # change the password from the profile; this session carries on
    pane.keys("p")
    pane.wait_for(f"Profile of {user}")
    pane.keys("c")
    pane.wait_for("Change your password")
    pane.type("wrong-old-password"); pane.keys("Tab")
    pane.type(THIRD_PASSWORD); pane.keys("Tab")
    pane.type(THIRD_PASSWORD); pane.keys("C-s")
    pane.wait_for("✗ Current: Your old password was entered incorrectly")   # focus is back on it
    pane.keys("C-u")
    pane.type(NEW_PASSWORD); pane.keys("C-s")
    pane.wait_for("Password changed.")
    pane.keys("q")
    pane.wait_for("No books yet")
    pane.keys("r")
    pane.wait_for("0 of 0", absent=("Esc cancels",))
    assert requests.post(server.url + "/api/token/", json={"username": user, "password": THIRD_PASSWORD},
                         timeout=10).status_code == 200
    r = booktui_cli(pane.config_dir.parent, "status", server=server)
    assert r.returncode == 0 and f"User:           {user}" in r.stdout
    pane.keys("q")
    pane.wait_exit()


def test_without_the_librarian_role_the_keys_say_why(sqlite_server, tui):
    api = signup(sqlite_server)
    requests.post(api.base + "/api/books/", json={"title": "Kept", "author": "Someone", "published_year": 2001},
                  headers={"Authorization": f"Bearer {api.access}"}, timeout=10)
    sqlite_server.command("roles", "revoke", api.username, "librarian")
    pane = tui(sqlite_server, 80, 24)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.wait_for(f"{api.username} (no roles)", "Kept")
    for key, what in (("a", "add books"), ("e", "change books"), ("d", "delete books")):
        pane.keys(key)
        pane.wait_for(f"You need the librarian role to {what} (your roles: none).")
    pane.keys("q")
    pane.wait_exit()


def test_an_unreachable_server_is_said_and_not_fatal(tui):
    from conftest import free_port
    pane = tui(None, 80, 24)
    url = f"http://127.0.0.1:{free_port()}"      # nothing listens there
    pane.run_booktui("--server", url)
    pane.wait_for(f"Log in to {url}", "Cannot reach the server (connection refused). Logging in tries again.")
    pane.type("someone"); pane.keys("Enter")
    pane.type("a-password"); pane.keys("Enter")
    pane.wait_for("Cannot reach the server (connection refused)", absent=("Esc cancels", "tries again"))
    pane.keys("Escape")
    pane.wait_exit()
    pane.wait_for("READY$", absent=("Log in to",))


def test_a_hanging_server_never_freezes_the_screen_and_Esc_cancels(tui):
    import socket
    # A server that accepts connections and never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        pane = tui(None, 100, 30)
        pane.run_booktui("--server", url, "--timeout", "60")
        pane.wait_for("Contacting server…", "(Esc cancels)")
        # typing goes on while the call hangs
        pane.type("patient")
        pane.wait_for("Username patient", "Contacting server…")
        pane.keys("Escape")
        pane.wait_for("Cancelled", absent=("Esc cancels",))
        pane.keys("Enter")
        pane.type("a-password")
        pane.keys("Enter")
        pane.wait_for("Logging in…", "(Esc cancels)")
        pane.keys("Escape")
        pane.wait_for("Cancelled", absent=("Logging in…",))
        pane.keys("Escape")                      # nothing in flight: Esc now quits
        pane.wait_exit()
    finally:
        silent.close()


def test_changing_the_email_asks_for_the_password_and_keeps_what_was_typed(sqlite_server, tui):
    api = signup(sqlite_server)
    new = f"{unique_name('moved')}@example.org"
    pane = tui(sqlite_server, 100, 30)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    pane.run_booktui()
    pane.keys("p")
    pane.wait_for(f"Profile of {api.username}", api.email)
    pane.keys("e")
    pane.wait_for("Edit your details", "Password")
    pane.keys("C-u"); pane.type(new)
    pane.keys("C-s")
    screen = pane.wait_for("your password, to change the e-mail address")
    assert new in screen
    # a wrong password: the server's answer beside the field, the new address still there
    pane.keys("C-u"); pane.type("not-my-password-1")
    pane.keys("C-s")
    screen = pane.wait_for("Your password was entered incorrectly")
    assert new in screen
    pane.keys("C-u"); pane.type(STRONG_PASSWORD)
    pane.keys("C-s")
    pane.wait_for(f"Saved. The new e-mail counts once you open the link sent to {new}.")
    assert api.get("/api/profile/").json()["email"] == api.email
    link = mail_link(sqlite_server.mailbox.wait_for(new, "Confirm your new"), "confirm-email")
    assert requests.get(link).status_code == 200
    assert api.get("/api/profile/").json()["email"] == new
    pane.keys("q", "q")
    pane.wait_exit()
