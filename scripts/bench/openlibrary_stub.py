"""A local stand-in for Open Library's Books API for `make bench` (the real site is not reachable
here, and a benchmark must not hammer it): every ISBN asked for is a book, answered at once."""
import http.server
import json
import sys
from urllib.parse import parse_qs, urlparse


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        answer = {}
        for key in query.get("bibkeys", [""])[0].split(","):
            isbn = key.removeprefix("ISBN:")
            answer[key] = {"title": f"Scanned {isbn}", "authors": [{"name": "Bench Author"}],
                           "publishers": [{"name": "Bench Press"}], "publish_date": "2001", "number_of_pages": 200}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
