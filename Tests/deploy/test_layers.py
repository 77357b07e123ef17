"""The layers keep their promises (docs/tui-design.md, docs/server.md): only booktui's Driver/
talks to curses; BookClient, shared by every client, has neither curses nor Vapor; the server
reads its environment only in Core/AppConfig.swift; no source file grows past 400 lines."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "Sources"
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:(?:public|internal|package|private|fileprivate)\s+)?import\s+(\w+)", re.M)


def imports(path: Path) -> set[str]:
    return set(IMPORT.findall(path.read_text(encoding="utf-8")))


def swift_files(folder: str) -> list[Path]:
    files = sorted((SOURCES / folder).rglob("*.swift"))
    assert files, f"no Swift files under Sources/{folder}"
    return files


def relative(paths) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in paths)


def test_only_the_driver_imports_curses():
    outside = [p for p in SOURCES.rglob("*.swift") if "CNcurses" in imports(p) and "Driver" not in p.relative_to(SOURCES).parts]
    assert relative(outside) == [], "curses is the Driver's business (Sources/BookTUI/Driver/)"
    assert any("CNcurses" in imports(p) for p in swift_files("BookTUI/Driver"))


def test_the_client_library_has_no_terminal_and_no_server_code():
    forbidden = {"CNcurses", "Vapor", "Fluent", "FluentKit", "SQLKit", "BookServer", "BookTUI", "NIOHTTP1"}
    found = {str(p.relative_to(ROOT)): sorted(imports(p) & forbidden) for p in swift_files("BookClient")}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_server_reads_its_environment_in_one_place():
    reads = re.compile(r"ProcessInfo\.processInfo\.environment\[|Environment\.get\(|getenv\(")
    allowed = {SOURCES / "BookServer" / "Core" / "AppConfig.swift"}
    elsewhere = [p for p in swift_files("BookServer") if p not in allowed and reads.search(p.read_text(encoding="utf-8"))]
    assert relative(elsewhere) == [], "read variables in Core/AppConfig.swift and pass the values in"


def test_no_source_file_passes_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in SOURCES.rglob("*.swift")
            if (n := p.read_text(encoding="utf-8").count("\n")) > 400}
    assert long == {}
