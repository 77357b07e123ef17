"""`booktui export` and `booktui import` as a script runs them, against a real book-server (and the
seed's backend): files other tools write, in their documented layouts, with bad rows, duplicates,
a second run, a dry run and Ctrl-C; our exports read back by Python's csv module and LibreOffice."""
import csv
import io
import json
import shutil
import signal
import subprocess
import time

from conftest import BOOKTUI_BIN, STRONG_PASSWORD, signup, wait_until
from seedharness import seed_server  # noqa: F401  (fixture)
from tuiharness import booktui_cli, login_with_cli, tui  # noqa: F401  (fixture)

UNICODE_BOOKS = [
    {"title": "Wuthering Heights", "author": "Emily Brontë", "published_year": 1847, "is_available": True,
     "isbn": "9780141439556", "publisher": "Penguin", "pages": 416, "notes": "Moors, \"ghosts\", and\nrain"},
    {"title": "東京物語", "author": "小津安二郎", "published_year": 1953, "is_available": False,
     "isbn": None, "publisher": None, "pages": None, "notes": "Ünïcödé 📚, commas, ; and tabs\tinside"},
    {"title": "Cien años de soledad", "author": "Gabriel García Márquez", "published_year": 1967,
     "is_available": True, "isbn": None, "publisher": "Sudamericana", "pages": 471, "notes": None},
]


def signed_in(tmp_path, server, api):
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    r = booktui_cli(config, "login", "--username", api.username, stdin=STRONG_PASSWORD + "\n", server=server)
    assert r.returncode == 0, r.stderr
    return lambda *args: booktui_cli(config, *args, server=server)


def titles(api) -> list[str]:
    return sorted(b["title"] for b in api.get("/api/books/").json())


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_opens_in_pythons_csv_module_and_round_trips_through_an_empty_account(server, tmp_path):
    api = signup(server)
    for b in UNICODE_BOOKS:
        assert api.post("/api/books/", json=b).status_code == 201
    run = signed_in(tmp_path, server, api)
    r = run("export")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("\ufeff") and "█" not in r.stderr   # BOM for spreadsheets; no bar when piped
    rows = read_csv(r.stdout.lstrip("\ufeff"))
    assert [row["title"] for row in rows] == [b["title"] for b in UNICODE_BOOKS]
    assert rows[0]["notes"] == "Moors, \"ghosts\", and\nrain" and rows[1]["author"] == "小津安二郎"
    assert rows[1]["notes"] == "Ünïcödé 📚, commas, ; and tabs\tinside"
    assert rows[0]["isbn"] == "9780141439556" and rows[0]["pages"] == "416" and rows[1]["pages"] == ""

    exported = tmp_path / "books.csv"
    assert run("export", "--output", str(exported)).returncode == 0
    assert exported.read_text(encoding="utf-8") == r.stdout
    assert run("export", "--format", "json", "--output", str(tmp_path / "books.json")).returncode == 0
    as_json = json.loads((tmp_path / "books.json").read_text(encoding="utf-8"))
    assert [{k: b[k] for k in UNICODE_BOOKS[0]} for b in as_json] == UNICODE_BOOKS

    # Into an empty account: the same file, but for the new books' ids and times.
    other = signup(server)
    (tmp_path / "other").mkdir()
    run2 = signed_in(tmp_path / "other", server, other)
    imported = run2("import", str(exported))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "added:  3" in imported.stdout and "refused:        0" in imported.stdout
    again = run2("export").stdout
    strip = lambda rows: [{k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")} for row in rows]
    assert strip(read_csv(again.lstrip("\ufeff"))) == strip(rows)
    assert again.splitlines()[0] == r.stdout.splitlines()[0]

    # Our JSON export goes back in too, and adds nothing to an account that has them.
    from_json = run2("import", str(tmp_path / "books.json"))
    assert from_json.returncode == 0 and "already there:  3" in from_json.stdout, from_json.stdout
    assert len(other.get("/api/books/").json()) == 3


def test_export_survives_libreoffice_xlsx_with_unicode_intact(sqlite_server, tmp_path):
    assert shutil.which("soffice"), "soffice missing: run scripts/test-setup.sh"
    api = signup(sqlite_server)
    for b in UNICODE_BOOKS:
        api.post("/api/books/", json=b)
    run = signed_in(tmp_path, sqlite_server, api)
    source = tmp_path / "books.csv"
    assert run("export", "--output", str(source)).returncode == 0
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    out = tmp_path / "out"
    subprocess.run(["soffice", profile, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    xlsx = out / "books.xlsx"
    assert xlsx.stat().st_size > 0
    back = tmp_path / "back"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(back), str(xlsx)], check=True, capture_output=True, timeout=180)
    rows = read_csv((back / "books.csv").read_text(encoding="utf-8-sig"))
    for row, b in zip(rows, UNICODE_BOOKS, strict=True):
        assert (row["title"], row["author"], row["notes"]) == (b["title"], b["author"], b["notes"] or "")


GOODREADS_HEADER = ("Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,"
                    "Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
                    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies")


def goodreads_row(book_id, title, author, isbn10, isbn13, publisher, pages, year, original, review):
    fields = [book_id, title, author, "", "", f'="{isbn10}"', f'="{isbn13}"', "4", "3.9", publisher, "Paperback",
              pages, year, original, "", "2024/01/02", "", "", "read", review, "", "", "1", "0"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()


def test_goodreads_export_with_bad_rows_duplicates_a_dry_run_and_a_second_run(sqlite_server, tmp_path):
    api = signup(sqlite_server)
    api.post("/api/books/", json={"title": "Already Mine", "author": "Me Myself", "published_year": 2001})
    run = signed_in(tmp_path, sqlite_server, api)
    lines = [GOODREADS_HEADER + "\n",
             goodreads_row("1", "Dune", "Frank Herbert", "0441013597", "9780441013593", "Ace", "604", "2005", "1965",
                           "Spice,\nmust flow"),                                                  # lines 2-3
             goodreads_row("2", "Emma", "Jane Austen", "", "", "", "", "", "1815", ""),           # 4: original year
             goodreads_row("3", "Dune (again)", "F. Herbert", "", "9780441013593", "", "", "2005", "", ""),  # 5: dup ISBN
             goodreads_row("4", "", "Nobody", "", "", "", "", "2000", "", ""),                     # 6: no title
             goodreads_row("5", "Bad Number", "Someone", "", "9780441013594", "", "", "2000", "", ""),  # 7: checksum
             goodreads_row("6", "No Year", "Someone", "", "", "", "", "", "", ""),                 # 8: no year
             goodreads_row("7", "already mine", "me myself", "", "", "", "", "2001", "", "")]      # 9: theirs already
    path = tmp_path / "goodreads_library_export.csv"
    path.write_text("".join(lines), encoding="utf-8")

    dry = run("import", str(path), "--dry-run")
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert "would be added:  2" in dry.stdout and "already there:  2" in dry.stdout, dry.stdout
    assert titles(api) == ["Already Mine"]

    first = run("import", str(path))
    assert first.returncode == 1, first.stdout + first.stderr
    out = first.stdout
    assert "(goodreads)" in out and "added:  2" in out and "already there:  2" in out and "refused:        3" in out
    assert "line 6: title: missing" in out
    assert "line 7: isbn: ISBN check digit is wrong" in out
    assert "line 8: published_year: missing" in out
    assert titles(api) == ["Already Mine", "Dune", "Emma"]
    books = {b["title"]: b for b in api.get("/api/books/").json()}
    assert books["Dune"]["isbn"] == "9780441013593" and books["Dune"]["pages"] == 604
    assert books["Dune"]["published_year"] == 2005 and books["Dune"]["notes"] == "Spice,\nmust flow"
    assert books["Emma"]["published_year"] == 1815 and books["Emma"]["isbn"] is None

    second = run("import", str(path))
    assert "added:  0" in second.stdout and "already there:  4" in second.stdout, second.stdout
    assert titles(api) == ["Already Mine", "Dune", "Emma"]

    missing = run("import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "cannot import" in missing.stderr


def test_librarything_tab_separated_and_csv_and_calibre_catalogue(sqlite_server, tmp_path):
    api = signup(sqlite_server)
    run = signed_in(tmp_path, sqlite_server, api)
    tsv = tmp_path / "librarything.tsv"
    tsv.write_text(
        "Book Id\tTitle\tSort Character\tPrimary Author\tPrimary Author Role\tPublication\tDate\tReview\tPage Count\tISBN\n"
        "101\tThe Hobbit\t5\tJ. R. R. Tolkien\tAuthor\tHoughton Mifflin (1997), Paperback, 320 pages\t1997\t"
        "Second breakfast\t320\t[0618002219]\n"
        "102\tUntitled\t1\t\tAuthor\t\t1990\t\t\t\n"
        "103\tThe Hobbit\t5\tJ. R. R. Tolkien\tAuthor\t\t1997\t\t\t[0618002219]\n", encoding="utf-8")
    r = run("import", str(tsv))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "(librarything)" in r.stdout and "added:  1" in r.stdout and "already there:  1" in r.stdout
    assert "line 3: author: missing" in r.stdout
    [hobbit] = api.get("/api/books/").json()
    assert (hobbit["publisher"], hobbit["pages"], hobbit["isbn"], hobbit["notes"]) == \
        ("Houghton Mifflin", 320, "9780618002214", "Second breakfast")

    lt_csv = tmp_path / "librarything.csv"
    lt_csv.write_text('"TITLE","AUTHOR (last, first)","DATE","ISBN","PUBLICATION INFO","REVIEW"\r\n'
                      '"Middlemarch","Eliot, George","1871","","",""\r\n', encoding="utf-8")
    r = run("import", str(lt_csv))
    assert r.returncode == 0, r.stdout + r.stderr
    assert {b["title"]: b["author"] for b in api.get("/api/books/").json()}["Middlemarch"] == "George Eliot"

    calibre = tmp_path / "books.csv"
    calibre.write_text(
        "\ufeffauthor_sort,authors,comments,id,isbn,pubdate,publisher,rating,tags,timestamp,title,uuid\r\n"
        'Pratchett Terry & Gaiman Neil,Terry Pratchett & Neil Gaiman,"<p>Nice &amp; funny</p>",1,9780060853983,'
        "2006-11-28T00:00:00+00:00,Harper,5,,2024-01-01T00:00:00+00:00,Good Omens,u1\r\n"
        ",Nobody,,2,123,2006-01-01T00:00:00+00:00,,,,,Bad ISBN,u2\r\n", encoding="utf-8")
    r = run("import", str(calibre))
    assert r.returncode == 1 and "(calibre)" in r.stdout, r.stdout + r.stderr
    assert "line 3: isbn: ISBN must have 10 or 13 digits" in r.stdout
    omens = {b["title"]: b for b in api.get("/api/books/").json()}["Good Omens"]
    assert (omens["author"], omens["published_year"], omens["notes"]) == ("Terry Pratchett, Neil Gaiman", 2006, "Nice & funny")

    # Any CSV with our column names, in any case; --format overrides detection.
    plain = tmp_path / "mine.csv"
    plain.write_text("TITLE,Author,Published_Year,ISBN\nOdd Book,Odd Author,1999,\n", encoding="utf-8")
    r = run("import", "--format", "csv", str(plain))
    assert r.returncode == 0 and "added:  1" in r.stdout, r.stdout + r.stderr

    # A JSON file has items, not lines: a refusal names the item.
    items = tmp_path / "items.json"
    items.write_text(json.dumps([{"title": "JSON Book", "author": "J. Son", "published_year": 2002}, "oops",
                                 {"title": "No Author", "published_year": 2003}], indent=2), encoding="utf-8")
    r = run("import", str(items))
    assert r.returncode == 1 and "added:  1" in r.stdout, r.stdout + r.stderr
    assert "item 2: not an object" in r.stdout and "item 3: author: missing" in r.stdout, r.stdout


def test_ctrl_c_stops_after_a_batch_and_a_rerun_resumes(sqlite_server, tmp_path):
    api = signup(sqlite_server)
    run = signed_in(tmp_path, sqlite_server, api)
    path = tmp_path / "many.csv"
    path.write_text("title,author,published_year\n" + "".join(f"Many {i:05d},Writer {i % 50},{1900 + i % 100}\n"
                                                            for i in range(10_000)), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "LANG": "C.UTF-8", "BOOKTUI_SERVER": sqlite_server.url}
    proc = subprocess.Popen([str(BOOKTUI_BIN), "import", str(path)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    count = lambda: api.get("/api/books/", params={"page_size": 1}).json()["count"]
    wait_until(lambda: count() > 0, timeout=60, interval=0.02, what="the first batch")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    after = count()
    assert proc.returncode == 130, out + err
    assert f"Stopped by Ctrl-C after {after} of 10000 books" in out, out
    assert 0 < after < 10_000 and after % 500 == 0
    time.sleep(0.5)
    assert count() == after                      # nothing goes on behind our back

    rerun = run("import", str(path))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"added:  {10_000 - after}" in rerun.stdout and f"already there:  {after}" in rerun.stdout
    assert count() == 10_000


def test_import_and_export_against_the_seed_fall_back_to_one_post_a_book(seed_server, tmp_path):
    seed = seed_server()
    api = seed.user()
    run = signed_in(tmp_path, seed, api)
    path = tmp_path / "goodreads.csv"
    path.write_text(GOODREADS_HEADER + "\n"
                    + goodreads_row("1", "Dune", "Frank Herbert", "", "9780441013593", "Ace", "604", "2005", "", "")
                    + goodreads_row("2", "Brontë", "Émily", "", "", "", "", "1847", "", "")
                    + goodreads_row("3", "BRONTE", "emily", "", "", "", "", "1847", "", "")
                    + goodreads_row("4", "", "x", "", "", "", "", "1847", "", ""), encoding="utf-8")
    r = run("import", str(path))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "added:  2" in r.stdout and "already there:  1" in r.stdout and "line 5: title: missing" in r.stdout
    books = api.get("/api/books/").json()
    assert sorted((b["title"], b["published_year"]) for b in books) == [("Brontë", 1847), ("Dune", 2005)]
    assert "added:  0" in run("import", str(path)).stdout
    assert len(api.get("/api/books/").json()) == 2

    exported = run("export")
    assert exported.returncode == 0, exported.stderr
    rows = read_csv(exported.stdout.lstrip("\ufeff"))
    assert list(rows[0]) == ["id", "title", "author", "published_year", "is_available"]   # the seed's fields
    assert sorted(row["title"] for row in rows) == ["Brontë", "Dune"]


def test_on_a_terminal_a_progress_bar_with_rate_and_time_left_and_ctrl_c(sqlite_server, tui, tmp_path):
    api = signup(sqlite_server)
    pane = tui(sqlite_server, 110, 20)
    login_with_cli(pane, sqlite_server, api, STRONG_PASSWORD)
    path = tmp_path / "tty.csv"
    path.write_text("title,author,published_year\n" + "".join(f"Tty {i:05d},W {i % 40},{1950 + i % 50}\n"
                                                            for i in range(20_000)), encoding="utf-8")
    pane.run_booktui("import", str(path))
    screen = pane.wait_for("rows", "/s", "s left", timeout=60)
    assert "Importing" in screen and "/20000 rows" in screen, screen
    pane.keys("C-c")
    screen = pane.wait_for("Stopped by Ctrl-C after", timeout=60)
    assert "Stopping after the current batch" in screen and "added:" in screen, screen
