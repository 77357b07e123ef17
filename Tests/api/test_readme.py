"""The README's curl session works as written (against a test server instead of `make server`)."""
import re
import subprocess

from conftest import ROOT


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
