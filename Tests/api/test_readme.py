"""The README's curl session works as written (against a test server instead of `make server`)."""
import re
import subprocess
import time

import requests

from conftest import ROOT, STRONG_PASSWORD


def test_readme_curl_session(make_server):
    srv = make_server()
    readme = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "curl" in b)
    script = block.replace("localhost:8000", srv.url.removeprefix("http://")).replace("data/mail", str(srv.mail_dir))
    script = script.replace("curl -s \"$(grep", "sleep 1; curl -s \"$(grep")  # let the mail worker write the file
    out = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Account activated" in out.stdout
    assert '"title":"Dune"' in out.stdout.replace(" ", "") and '"isbn":"9780441172719"' in out.stdout.replace(" ", "")
    assert '"count":1' in out.stdout.replace(" ", "")
    assert out.stdout.rstrip().endswith("205")


def test_make_mail_prints_the_newest_link_from_the_local_mailbox(make_server, tmp_path):
    srv = make_server()
    empty = subprocess.run(["make", "-s", "mail"], cwd=ROOT, env={"PATH": "/usr/bin:/bin", "MAIL_DIR": str(tmp_path)},
                           capture_output=True, text=True, timeout=30)
    assert empty.returncode != 0 and "no mail in" in empty.stderr
    name = f"mailuser{int(time.time() * 1000) % 10**8}"
    r = requests.post(srv.url + "/api/register/", json={"username": name, "email": f"{name}@example.org",
                                                        "password": STRONG_PASSWORD}, timeout=30)
    assert r.status_code == 201, r.text
    srv.mailbox.wait_for(f"{name}@example.org", "")
    out = subprocess.run(["make", "-s", "mail"], cwd=ROOT, env={"PATH": "/usr/bin:/bin", "MAIL_DIR": str(srv.mail_dir)},
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    link = out.stdout.strip().splitlines()[-1]
    assert link.startswith(srv.url + "/activate/"), out.stdout
    assert "activated" in requests.get(link, timeout=30).text.lower()
