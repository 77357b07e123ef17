-- wrk: POST /api/token/ for users storm1 .. storm<BENCH_LOGIN_USERS> in turn; counts answers by
-- status so 503 (bounded waiting) and other 5xx can be told apart. Prints "statuses 200=... 503=..."
-- at the end.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local users = tonumber(os.getenv("BENCH_LOGIN_USERS"))
local password = os.getenv("BENCH_LOGIN_PASSWORD")
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"username": "storm%d", "password": "%s"}', n % users + 1, password))
end

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("statuses " .. table.concat(parts, " ") .. "\n")
end
