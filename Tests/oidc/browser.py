"""A scripted browser that plays the user's part in OpenID Connect tests.

It speaks plain HTTP through ``requests`` (cookies kept in a session, as a
browser keeps them), reads the HTML forms of the provider's pages, fills them
in and submits them, and follows redirects one by one, so that a test sees
exactly where the provider sent the user:

* :meth:`Browser.sign_in` opens an authorization URL, signs in on the login
  form (unless the SSO session already covers it) and follows the redirects
  to the client's loopback callback; it returns the final URL, the one a user
  would see in the address bar (and paste back in the paste-the-code flow).
* :meth:`Browser.device_login` opens a device verification URI, enters the
  user code if asked, signs in if asked, and approves or denies.

The form ids and field names are Keycloak's (``kc-form-login`` with
``username``/``password``; ``device_user_code``; ``accept``/``cancel``), and so
are those of the test provider.

It also runs as a command, for tests written in other languages (a Swift test
that drives BookClient, a shell script)::

    python Tests/oidc/browser.py sign-in URL --username U --password P [--no-follow]
    python Tests/oidc/browser.py device URL --username U --password P [--user-code C] [--deny]

``sign-in`` prints the final URL (the loopback callback with ``code`` and
``state``); ``device`` prints ``approved`` or ``denied``. Exit status 1 with a
message on stderr when the provider refuses.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

import requests

__all__ = ["Browser", "Page", "Form", "BrowserError", "LoginFailed"]


class BrowserError(RuntimeError):
    pass


class LoginFailed(BrowserError):
    pass


@dataclass
class Form:
    id: str | None
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # non-submit inputs
    submits: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of buttons
    field_names: set[str] = field(default_factory=set)

    def has(self, name: str) -> bool:
        return name in self.field_names or any(n == name for n, _ in self.submits)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.text: list[str] = []
        self.errors: list[str] = []
        self._current: Form | None = None
        self._in_error = 0

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._current = Form(id=a.get("id"), action=a.get("action", ""),
                                 method=(a.get("method") or "get").lower())
            self.forms.append(self._current)
        elif tag in ("input", "button") and self._current is not None:
            name = a.get("name")
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if not name:
                return
            if kind in ("submit", "image"):
                self._current.submits.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio") and "checked" not in a:
                self._current.field_names.add(name)
            else:
                self._current.fields.append((name, a.get("value", "")))
                self._current.field_names.add(name)
        elif tag == "textarea" and self._current is not None and a.get("name"):
            self._current.fields.append((a["name"], ""))
            self._current.field_names.add(a["name"])
        if a.get("id") in ("input-error", "error") or "error" in a.get("class", "").split():
            self._in_error += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        if self._in_error and tag in ("p", "span", "div"):
            self._in_error -= 1

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())
            if self._in_error:
                self.errors.append(data.strip())


@dataclass
class Page:
    url: str
    status: int | None  # None: nothing answered at that URL (e.g. no callback listener)
    text: str = ""
    history: list[str] = field(default_factory=list)  # every URL visited on the way
    forms: list[Form] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.url).query))

    def form_with(self, name: str) -> Form | None:
        return next((f for f in self.forms if f.has(name)), None)

    def __contains__(self, needle: str) -> bool:
        return needle in self.text


class Browser:
    """One browser profile: cookies persist between calls, as an SSO session would."""

    def __init__(self, timeout: float = 10.0, max_redirects: int = 20):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "booktui-tests-browser/1.0"
        self.timeout = timeout
        self.max_redirects = max_redirects

    # -- low level ------------------------------------------------------------------
    def request(self, method: str, url: str, data=None, stop_outside: str | None = None) -> Page:
        """Send a request and follow redirects by hand.

        With ``stop_outside`` (an origin such as ``http://127.0.0.1:8080``) the
        browser stops at the first redirect that leaves that origin and returns
        the URL it was sent to without fetching it.
        """
        history: list[str] = []
        for _ in range(self.max_redirects):
            history.append(url)
            try:
                resp = self.session.request(method, url, data=data, allow_redirects=False,
                                            timeout=self.timeout)
            except requests.ConnectionError:
                # As a browser shows "unable to connect" with the URL in the
                # address bar: nothing listens there (the paste-the-code case).
                return Page(url=url, status=None, history=history)
            location = resp.headers.get("Location")
            if resp.status_code in (301, 302, 303, 307, 308) and location:
                target = urllib.parse.urljoin(url, location)
                if resp.status_code in (301, 302, 303):
                    method, data = "GET", None
                if stop_outside and _origin(target) != stop_outside:
                    history.append(target)
                    return Page(url=target, status=None, history=history)
                url = target
                continue
            return self._page(url, resp, history)
        raise BrowserError(f"too many redirects, last at {url}")

    def open(self, url: str, stop_outside: str | None = None) -> Page:
        return self.request("GET", url, stop_outside=stop_outside)

    def submit(self, page: Page, form: Form, values: dict[str, str] | None = None,
               button: str | None = None, stop_outside: str | None = None) -> Page:
        data = [(n, v) for n, v in form.fields if n not in (values or {})]
        data += list((values or {}).items())
        if button is not None:
            match = next(((n, v) for n, v in form.submits if n == button), None)
            if match is None:
                raise BrowserError(f"form {form.id!r} has no button {button!r}")
            data.append(match)
        elif form.submits:
            data.append(form.submits[0])
        action = urllib.parse.urljoin(page.url, form.action or page.url)
        if form.method == "post":
            return self.request("POST", action, data=data, stop_outside=stop_outside)
        split = urllib.parse.urlsplit(action)
        query = urllib.parse.urlencode(data)
        return self.request("GET", urllib.parse.urlunsplit(split._replace(query=query)),
                            stop_outside=stop_outside)

    # -- what a user does ---------------------------------------------------------------
    def sign_in(self, authorization_url: str, username: str, password: str,
                follow_callback: bool = True) -> Page:
        """Open an authorization URL, sign in if asked, and follow the redirects.

        Returns the last page: with ``follow_callback`` the client's callback
        as fetched (``status`` None if nothing listened there), otherwise the
        callback URL unvisited. Its ``query`` holds ``code`` and ``state`` (or
        ``error``). Raises :class:`LoginFailed` when the credentials are refused.
        """
        stop = None if follow_callback else _origin(authorization_url)
        page = self.open(authorization_url, stop_outside=stop)
        form = page.form_with("password")
        if form is not None:
            page = self.submit(page, form, {"username": username, "password": password},
                               stop_outside=stop)
            if page.form_with("password") is not None:
                raise LoginFailed("; ".join(page.errors) or "login form shown again")
        return page

    def device_login(self, verification_uri: str, username: str, password: str,
                     user_code: str | None = None, approve: bool = True) -> Page:
        """Do the user's part of the device grant on the verification page."""
        page = self.open(verification_uri)
        for _ in range(6):
            form = page.form_with("device_user_code")
            if form is not None:
                if not user_code:
                    raise BrowserError("the verification page asks for a user code")
                page = self.submit(page, form, {"device_user_code": user_code})
                if page.form_with("device_user_code") is not None:
                    raise BrowserError("; ".join(page.errors) or "user code refused")
                continue
            form = page.form_with("password")
            if form is not None:
                page = self.submit(page, form, {"username": username, "password": password})
                if page.form_with("password") is not None:
                    raise LoginFailed("; ".join(page.errors) or "login form shown again")
                continue
            form = page.form_with("accept")
            if form is not None:
                return self.submit(page, form, button="accept" if approve else "cancel")
            raise BrowserError(f"unexpected page at {page.url}: {' '.join(page.text)[:200]}")
        raise BrowserError("device login did not finish")

    def logout(self, end_session_url: str, confirm: bool = True) -> Page:
        """Open an end-session URL and confirm the logout if asked."""
        page = self.open(end_session_url, stop_outside=_origin(end_session_url))
        form = page.form_with("confirm") or page.form_with("logout")
        if form is not None and confirm:
            page = self.submit(page, form, stop_outside=_origin(end_session_url))
        return page

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def _page(url, resp, history) -> Page:
        parser = _FormParser()
        ctype = resp.headers.get("Content-Type", "")
        if "html" in ctype:
            parser.feed(resp.text)
        return Page(url=url, status=resp.status_code, text="\n".join(parser.text) or resp.text,
                    history=history, forms=parser.forms, errors=parser.errors)

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Play the user's part of an OpenID Connect sign-in.")
    sub = ap.add_subparsers(dest="command", required=True)
    p_sign = sub.add_parser("sign-in", help="open an authorization URL, sign in, follow redirects")
    p_sign.add_argument("url")
    p_sign.add_argument("--no-follow", action="store_true",
                        help="do not fetch the client's callback, only print its URL")
    p_dev = sub.add_parser("device", help="approve (or deny) a device sign-in")
    p_dev.add_argument("url", help="verification_uri or verification_uri_complete")
    p_dev.add_argument("--user-code")
    p_dev.add_argument("--deny", action="store_true")
    for p in (p_sign, p_dev):
        p.add_argument("--username", required=True)
        p.add_argument("--password", required=True)
    args = ap.parse_args(argv)
    with Browser() as browser:
        try:
            if args.command == "sign-in":
                page = browser.sign_in(args.url, args.username, args.password,
                                       follow_callback=not args.no_follow)
                print(page.url)
            else:
                page = browser.device_login(args.url, args.username, args.password,
                                            user_code=args.user_code, approve=not args.deny)
                print("denied" if args.deny else "approved")
        except BrowserError as exc:
            print(f"browser: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
