"""What the ISBN lookup tests run against: a real Zebra (Index Data's catalogue server, the one Koha
uses) on loopback, loaded with MARC 21 records written here, and a local stand-in for Open Library's
Books API (the real site cannot be reached from the test machine).

Zebra's stock `usmarc.abs`/`marc21.abs` profiles do not index field 020, so a search by ISBN (Bib-1
use attribute 7) finds nothing; like Koha, we ship our own indexing profile (ZEBRA_PROFILE) and a CQL
mapping for SRU (CQL_MAPPING), which zebrasrv answers on the same port as Z39.50.
"""
from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from conftest import free_port, wait_until


@dataclass
class Record:
    """One MARC 21 bibliographic record, as a cataloguer would have entered it."""
    isbns: list[str]                       # 020 $a, qualifiers included, e.g. "9780441172719 (pbk.)"
    title: str                             # 245 $a with ISBD punctuation, e.g. "Good omens :"
    subtitle: str | None = None            # 245 $b
    responsibility: str | None = None      # 245 $c
    main_author: str | None = None         # 100 $a, "Surname, Forename,"
    added_authors: list[str] = field(default_factory=list)  # 700 $a
    edition: str | None = None             # 250 $a
    publisher: str | None = None           # 264 $b (or 260 $b with old_style)
    date: str | None = None                # 264/260 $c, e.g. "c1990."
    old_style: bool = False                # 260 instead of 264
    extent: str | None = None              # 300 $a, e.g. "412 p. ;"
    language: str = "eng"                  # 008/35-37 and 041 $a
    year008: str = "    "                  # 008/07-10
    subjects: list[str] = field(default_factory=list)  # 650 $a
    control: str = ""

    def marcxml(self) -> str:
        def datafield(tag, subfields, ind1=" ", ind2=" "):
            subs = "".join(f'<subfield code="{c}">{escape(v)}</subfield>' for c, v in subfields if v is not None)
            return f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{subs}</datafield>'

        f008 = f"900101s{self.year008}    xx            000 1 {self.language} d"
        assert len(f008) == 40, f008
        fields = [f'<controlfield tag="001">{self.control}</controlfield>',
                  f'<controlfield tag="008">{f008}</controlfield>']
        fields += [datafield("020", [("a", isbn)]) for isbn in self.isbns]
        fields.append(datafield("041", [("a", self.language)], ind1="0"))
        if self.main_author:
            fields.append(datafield("100", [("a", self.main_author)], ind1="1"))
        fields.append(datafield("245", [("a", self.title), ("b", self.subtitle), ("c", self.responsibility)],
                                ind1="1", ind2="0"))
        if self.edition:
            fields.append(datafield("250", [("a", self.edition)]))
        if self.publisher or self.date:
            if self.old_style:
                fields.append(datafield("260", [("a", "London :"), ("b", self.publisher), ("c", self.date)]))
            else:
                fields.append(datafield("264", [("a", "New York :"), ("b", self.publisher), ("c", self.date)], ind2="1"))
        if self.extent:
            fields.append(datafield("300", [("a", self.extent), ("c", "24 cm")]))
        fields += [datafield("650", [("a", s)], ind2="0") for s in self.subjects]
        fields += [datafield("700", [("a", a)], ind1="1") for a in self.added_authors]
        return (f'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 i 4500</leader>'
                + "".join(fields) + "</record>")


# A book with a subtitle and several authors; one without any year; one in Cyrillic, catalogued in
# the 1980s with only its ISBN-10 and the older 260 field.
GOOD_OMENS = Record(
    control="zb0001", isbns=["9780060853976 (pbk.)"], title="Good omens :",
    subtitle="the nice and accurate prophecies of Agnes Nutter, witch /",
    responsibility="Neil Gaiman & Terry Pratchett.", main_author="Gaiman, Neil,",
    added_authors=["Pratchett, Terry,"], edition="1st Harper Torch ed.", publisher="HarperTorch,",
    date="2006.", extent="412 p. ;", year008="2006",
    subjects=["Antichrist", "End of the world", "Good and evil"])
NO_YEAR = Record(
    control="zb0002", isbns=["9780441172719"], title="Dune /", responsibility="Frank Herbert.",
    main_author="Herbert, Frank.", publisher="Ace Books,", extent="535 p. ;", subjects=["Science fiction."])
CYRILLIC = Record(
    control="zb0003", isbns=["590000001X"], title="Мастер и Маргарита :", subtitle="роман /",
    main_author="Булгаков, Михаил Афанасьевич,", publisher="Художественная литература,", date="1988.",
    old_style=True, extent="384 с. ;", language="rus", year008="1988", subjects=["Москва"])
RECORDS = [GOOD_OMENS, NO_YEAR, CYRILLIC]
UNKNOWN_ISBN = "9785800000023"

# Our indexing profile: grs.marcxml reads ISO 2709 records (in UTF-8: without `encoding` Zebra takes
# them for Latin-1); `melm 020$a ISBN:w` is what the stock profiles lack. The rest is the few indexes
# a catalogue search needs. SRU's recordSchema is an element set name to Zebra: `marcxml`, the schema
# SRU clients ask for (the Library of Congress's name for it), is the full record.
ZEBRA_PROFILE = """\
name booklookup
encoding utf-8
attset bib1.att
marc usmarc.mar
esetname F @
esetname B @
esetname marcxml @
xpath disable
all any
melm 020$a    ISBN:w
melm 100      author,author:p
melm 245$a    title,title:p
melm 245      title
melm 700$a    author,author:p
"""

# CQL indexes for SRU: bath.isbn and dc.identifier (what SRU clients send for an ISBN) to Bib-1 7.
CQL_MAPPING = """\
set.bath = http://zing.z3950.org/cql/bath/2.0/
set.dc = info:srw/cql-context-set/1/dc-v1.1
index.bath.isbn = 1=7
index.dc.identifier = 1=7
index.dc.title = 1=4
index.cql.serverChoice = 1=1016
relation.eq = 2=3
relation.scr = 2=3
structure.* = 4=2
truncation.none = 5=100
position.any = 3=3 6=1
"""


class Zebra:
    """zebrasrv on a free loopback port, with its own register, indexed from RECORDS."""

    DATABASE = "books"

    def __init__(self, workdir: Path, records: list[Record] = RECORDS):
        for tool in ("zebraidx", "zebrasrv", "yaz-marcdump"):
            assert shutil.which(tool), f"{tool} is missing: scripts/test-setup.sh installs idzebra-2.0 and yaz"
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None
        (self.dir / "reg").mkdir(exist_ok=True)
        (self.dir / "tmp").mkdir(exist_ok=True)
        (self.dir / "booklookup.abs").write_text(ZEBRA_PROFILE)
        (self.dir / "cql.properties").write_text(CQL_MAPPING)
        (self.dir / "zebra.cfg").write_text(
            f"profilePath: {self.dir}:/usr/share/idzebra-2.0/tab\n"
            "attset: bib1.att\nattset: explain.att\n"
            "recordType: grs.marcxml.booklookup\n"
            f"register: {self.dir}/reg:50M\n"
            f"keyTmpDir: {self.dir}/tmp\nlockDir: {self.dir}/tmp\nsetTmpDir: {self.dir}/tmp\n"
            "encoding: utf-8\n")
        (self.dir / "yazgfs.xml").write_text(
            f'<yazgfs><listen id="main">tcp:127.0.0.1:{self.port}</listen>'
            f'<server id="zebra" listenref="main"><config>{self.dir}/zebra.cfg</config>'
            f'<cql2rpn>{self.dir}/cql.properties</cql2rpn></server></yazgfs>')
        collection = ('<collection xmlns="http://www.loc.gov/MARC21/slim">'
                      + "".join(r.marcxml() for r in records) + "</collection>")
        (self.dir / "records.xml").write_text(collection, encoding="utf-8")
        # ISO 2709, as catalogues exchange records; leader/09 'a' says UTF-8.
        iso = subprocess.run(["yaz-marcdump", "-i", "marcxml", "-o", "marc", "-l", "9=97",
                              str(self.dir / "records.xml")], capture_output=True, check=True).stdout
        (self.dir / "records.mrc").write_bytes(iso)
        self._zebraidx("init")
        self._zebraidx("update", str(self.dir / "records.mrc"))

    def _zebraidx(self, *args):
        out = subprocess.run(["zebraidx", "-c", str(self.dir / "zebra.cfg"), "-d", self.DATABASE, *args],
                             cwd=self.dir, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, f"zebraidx {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"

    @property
    def z3950_source(self) -> str:
        return f"z3950:127.0.0.1:{self.port}/{self.DATABASE}"

    @property
    def sru_source(self) -> str:
        return f"sru:http://127.0.0.1:{self.port}/{self.DATABASE}"

    def start(self) -> "Zebra":
        self.log = open(self.dir / "zebrasrv.log", "ab")
        self.process = subprocess.Popen(
            ["zebrasrv", "-f", str(self.dir / "yazgfs.xml"), "-l", str(self.dir / "zebrasrv.log")],
            cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT)

        def listening():
            if self.process.poll() is not None:
                raise AssertionError(f"zebrasrv exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_until(listening, timeout=20, what="zebrasrv to listen")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()

    def log_text(self) -> str:
        path = self.dir / "zebrasrv.log"
        return path.read_text(errors="replace") if path.exists() else ""


class OpenLibraryStub:
    """A local HTTP server answering `/api/books?bibkeys=ISBN:…&jscmd=data&format=json` in the Books
    API's documented shape: an object keyed by the bibkey asked for, empty when unknown. `delay`
    seconds before answering an ISBN listed in `slow`; `requests` keeps every path asked for."""

    def __init__(self, books: dict[str, dict], slow: set[str] = frozenset(), delay: float = 0.0):
        self.books = books
        self.slow = set(slow)
        self.delay = delay
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                from urllib.parse import parse_qs, urlparse
                url = urlparse(self.path)
                stub.requests.append(self.path)
                stub.user_agents.append(self.headers.get("User-Agent", ""))
                query = parse_qs(url.query)
                if url.path != "/api/books" or query.get("format") != ["json"] or query.get("jscmd") != ["data"]:
                    self.send_error(400)
                    return
                answer = {}
                for key in query.get("bibkeys", [""])[0].split(","):
                    isbn = key.removeprefix("ISBN:")
                    if isbn in stub.slow:
                        time.sleep(stub.delay)
                    if isbn in stub.books:
                        answer[key] = stub.books[isbn]
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the server under test gave up waiting

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
