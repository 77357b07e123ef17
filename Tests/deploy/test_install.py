"""`make install PREFIX=<dir>`: release booktui and book-server in <dir>/bin, man pages generated from
booktui's command-line definitions in <dir>/share/man/man1; `make uninstall` removes them.

This runs a release build of the whole package (several minutes on 2 cores, once per build folder;
later runs reuse it). It is part of `make test` unless SKIP_INSTALL_TEST is set."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from deployfiles import ROOT, swift_executable

pytestmark = [
    pytest.mark.timeout(3600),
    pytest.mark.skipif(bool(os.environ.get("SKIP_INSTALL_TEST")), reason="SKIP_INSTALL_TEST is set"),
]


@pytest.fixture(scope="module")
def prefix(tmp_path_factory) -> Path:
    swift = swift_executable()
    assert swift, "no swift toolchain"
    prefix = tmp_path_factory.mktemp("prefix")
    env = dict(os.environ, PATH=f"{Path(swift).parent}:{os.environ['PATH']}")
    result = subprocess.run(["make", "install", f"PREFIX={prefix}"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return prefix


def _subcommands(booktui: Path) -> list[str]:
    """The subcommands as swift-argument-parser itself describes them."""
    dump = subprocess.run([str(booktui), "--experimental-dump-help"], capture_output=True, text=True, check=True)
    command = json.loads(dump.stdout)["command"]
    return [c["commandName"] for c in command.get("subcommands", []) if c["commandName"] != "help"]


def test_installs_the_binaries(prefix):
    for name in ("booktui", "book-server"):
        path = prefix / "bin" / name
        assert path.is_file() and os.access(path, os.X_OK), name


def test_installed_booktui_runs_without_the_toolchain(prefix):
    booktui = prefix / "bin/booktui"
    # No Swift runtime from the toolchain is needed: it is linked in.
    libs = subprocess.run(["ldd", str(booktui)], capture_output=True, text=True).stdout
    assert "libswiftCore" not in libs and "/opt/swift" not in libs, libs
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(prefix), "LANG": "C.UTF-8"}
    out = subprocess.run([str(booktui), "--help"], capture_output=True, text=True, env=clean, timeout=30)
    assert out.returncode == 0, out.stderr
    subcommands = _subcommands(booktui)
    assert {"login", "logout", "status"} <= set(subcommands)
    for name in subcommands:
        assert name in out.stdout, f"--help does not list {name}"
    server = subprocess.run([str(prefix / "bin/book-server"), "--help"], capture_output=True, text=True,
                            env=clean, timeout=30)
    assert "serve" in server.stdout + server.stderr and "migrate" in server.stdout + server.stderr


def test_book_server_needs_only_what_the_runtime_image_has(prefix):
    # The Dockerfile's runtime stage adds no libraries for the binary: everything it links beyond
    # these must be compiled in (same toolchain, same RELEASE_FLAGS as the image's build).
    libs = subprocess.run(["ldd", str(prefix / "bin/book-server")], capture_output=True, text=True).stdout
    names = {line.split()[0].split(".so")[0] for line in libs.splitlines() if line.strip()}
    allowed = {"linux-vdso", "libm", "libstdc++", "libz", "libgcc_s", "libc"}
    names = {n for n in names if "/ld-linux" not in n}
    # The runtime stage installs libyaz5 (ISBN lookup over Z39.50/SRU) and libmariadb3 (import-django
    # from a seed's MySQL database); what each links comes with it.
    for soname, package, what in [("libyaz", "libyaz5", "YAZ (the ISBN lookup's CYaz module)"),
                                  ("libmariadb", "libmariadb3", "MariaDB Connector/C (CMariaDB)")]:
        path = next((line.split("=>")[1].split()[0] for line in libs.splitlines() if f"{soname}.so" in line), None)
        assert path, f"book-server does not link {what}"
        assert package in (ROOT / "Dockerfile").read_text()
        its_libs = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
        allowed |= {soname} | {line.split()[0].split(".so")[0] for line in its_libs.splitlines() if line.strip()}
    assert names <= allowed, f"book-server links {sorted(names - allowed)}: add them to the Dockerfile's runtime stage"


def test_man_booktui_shows_the_commands(prefix):
    if not shutil.which("man"):
        pytest.fail("man is not installed (scripts/test-setup.sh installs man-db)")
    page = prefix / "share/man/man1/booktui.1"
    assert page.is_file()
    env = dict(os.environ, MANPATH=str(prefix / "share/man"), MANPAGER="cat", PAGER="cat", MANWIDTH="200",
               LANG="C.UTF-8")
    shown = subprocess.run(["man", "booktui"], capture_output=True, text=True, env=env, timeout=60)
    assert shown.returncode == 0, shown.stderr
    direct = subprocess.run(["man", "-l", str(page)], capture_output=True, text=True, env=env, timeout=60)
    assert direct.stdout == shown.stdout
    text = shown.stdout
    assert "booktui" in text and "SYNOPSIS" in text.upper()
    for name in _subcommands(prefix / "bin/booktui"):
        assert name in text, f"the man page does not show {name}"
    # Options come from the same definitions as --help.
    assert "--server" in text


def test_uninstall_removes_what_install_put(prefix):
    result = subprocess.run(["make", "uninstall", f"PREFIX={prefix}"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (prefix / "bin/booktui").exists() and not (prefix / "bin/book-server").exists()
    assert not list((prefix / "share/man/man1").glob("booktui*.1"))
