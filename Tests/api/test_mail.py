"""Mail through a real SMTP server (aiosmtpd): delivery, TLS, failure and retry, nothing lost."""
import socket
import ssl
import subprocess
import threading
import time

import pytest
import requests

from conftest import STRONG_PASSWORD, SMTPCollector, free_port, link_parts, mail_link, unique_name, wait_until


def smtp_env(collector, **extra):
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(collector.port), "SMTP_SECURITY": "none",
           "SMTP_USERNAME": "brevo-login", "SMTP_PASSWORD": "brevo-key", "MAIL_FROM": "Books <books@example.org>"}
    env.update(extra)
    return env


@pytest.fixture
def smtp():
    collector = SMTPCollector(auth={"brevo-login": "brevo-key"})
    yield collector
    collector.stop()


def body_of(message):
    return message.get_content()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_register_activate_and_reset_through_smtp(make_server, smtp, kind):
    srv = make_server(kind, env=smtp_env(smtp))
    name = unique_name()
    address = f"{name}@example.org"
    r = requests.post(srv.url + "/api/register/", json={"username": name, "email": address, "password": STRONG_PASSWORD})
    assert r.status_code == 201
    mail = smtp.wait_for(address)
    assert "Books <books@example.org>" in str(mail["From"]) and "Activate" in str(mail["Subject"])
    assert smtp.envelopes[-1].mail_from == "books@example.org" and smtp.envelopes[-1].rcpt_tos == [address]
    assert requests.get(mail_link(mail, "activate")).status_code == 200
    token = requests.post(srv.url + "/api/token/", json={"username": name, "password": STRONG_PASSWORD})
    assert token.status_code == 200
    assert requests.get(srv.url + "/api/books/", headers={"Authorization": f"Bearer {token.json()['access']}"}).status_code == 200

    assert requests.post(srv.url + "/api/password-reset/", json={"email": address}).status_code == 202
    reset = wait_until(lambda: next((m for m in smtp.messages if "Reset" in str(m["Subject"])), None), 30, what="reset mail")
    uid, tok = link_parts(mail_link(reset, "reset"))
    r = requests.post(srv.url + "/api/password-reset/confirm/", json={"uid": uid, "token": tok, "new_password": "fresh-Secret-11"})
    assert r.status_code == 204
    assert requests.post(srv.url + "/api/token/", json={"username": name, "password": "fresh-Secret-11"}).status_code == 200
    # The SMTP key never reaches the log.
    assert "brevo-key" not in srv.log_text()


def test_failed_sends_are_retried_until_they_go(make_server, smtp):
    smtp.fail_next = 2
    srv = make_server(env=smtp_env(smtp))
    name = unique_name()
    requests.post(srv.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": STRONG_PASSWORD})
    mail = smtp.wait_for(f"{name}@example.org", timeout=60)
    assert "Activate" in str(mail["Subject"])
    assert smtp.fail_next == 0
    assert "retrying" in srv.log_text()


def test_wrong_smtp_password_keeps_the_message(make_server, smtp):
    srv = make_server(env=smtp_env(smtp, SMTP_PASSWORD="wrong-key"))
    name = unique_name()
    r = requests.post(srv.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": STRONG_PASSWORD})
    assert r.status_code == 201
    # aiosmtpd stalls after a failed AUTH; our client gives up at its 30 s deadline and retries later.
    wait_until(lambda: "not sent" in srv.log_text(), 45, what="a failed send in the log")
    assert smtp.messages == []
    assert "wrong-key" not in srv.log_text()


class Blackhole:
    """Accepts TCP connections and never says a word: the slowest mail server there is."""

    def __init__(self):
        self.port = free_port()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(16)
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


SECRET = "a-shared-secret-key-for-both-processes-0123456789"


def test_a_hanging_mail_server_neither_slows_signup_nor_loses_it(make_server, smtp, postgres):
    hole = Blackhole()
    db = postgres.new()
    try:
        slow = make_server("postgres", database_url=db, env=smtp_env(smtp, SMTP_PORT=str(hole.port)), secret=SECRET)
        name = unique_name()
        address = f"{name}@example.org"
        started = time.monotonic()
        r = requests.post(slow.url + "/api/register/", json={"username": name, "email": address, "password": STRONG_PASSWORD})
        assert r.status_code == 201
        assert time.monotonic() - started < 5
        assert requests.post(slow.url + "/api/register/resend/", json={"email": address}).status_code == 202
        wait_until(lambda: hole.conns, 10, what="the server to try the hanging mail server")
        slow.stop()
    finally:
        hole.close()
    # The same database, now with a working mail server: the queued mails go out.
    fixed = make_server("postgres", database_url=db, env=smtp_env(smtp), secret=SECRET)
    mail = smtp.wait_for(address, timeout=60)
    assert requests.get(mail_link(mail, "activate").replace(slow.url, fixed.url)).status_code == 200


def test_starttls_with_a_private_certificate(make_server, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    collector = SMTPCollector(auth={"brevo-login": "brevo-key"}, tls_context=context, require_starttls=True)
    try:
        srv = make_server(env=smtp_env(collector, SMTP_HOST="localhost", SMTP_SECURITY="starttls", SMTP_CA_FILE=str(cert)))
        name = unique_name()
        requests.post(srv.url + "/api/register/", json={"username": name, "email": f"{name}@example.org", "password": STRONG_PASSWORD})
        assert "Activate" in str(collector.wait_for(f"{name}@example.org")["Subject"])
    finally:
        collector.stop()
