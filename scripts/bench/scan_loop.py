"""booktui's scan mode, book after book, as one client does it: the duplicate check (search by
ISBN), the lookup (a miss in the cache: asked of the local Open Library stand-in), and the save.
Prints `books mean_ms p99_ms`."""
import json
import sys
import time
import urllib.request

base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def isbn13(n):
    body = f"97910{n:07d}"
    return body + str((10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10)


times = []
for n in range(1, count + 1):
    isbn = isbn13(n)
    t = time.perf_counter()
    call("GET", f"/api/books/?search={isbn}&page_size=5")
    d = call("GET", f"/api/lookup/isbn/{isbn}/")
    call("POST", "/api/books/", {"title": d["title"], "author": d["author"], "published_year": d["published_year"],
                                 "isbn": d["isbn"], "publisher": d["publisher"], "pages": d["pages"]})
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(count, f"{sum(times) / len(times):.2f}", f"{times[int(len(times) * 0.99) - 1]:.2f}")
