-- wrk: POST /api/books/ with a JSON body; the bearer token comes from the command line (-H).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    string.format('{"title": "Bench %d", "author": "Wrk", "published_year": 2024, "is_available": true}', n))
end
