-- wrk script: every request creates a new subscriber with a unique address.
-- Environment: HERALD_KEY (API key), HERALD_LIST (list id).
local counter = 0
local key = os.getenv("HERALD_KEY")
local list = os.getenv("HERALD_LIST")

-- Each thread of each run gets its own prefix, so every request is a new address.
local threads = 0
math.randomseed(os.time())
function setup(thread)
  threads = threads + 1
  thread:set("prefix", string.format("%d-%d-%d", os.time(), threads, math.random(1, 1000000000)))
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"b%s.%d@bench.example.com","name":"Bench %d","attributes":{"plan":"pro","n":%d},"lists":["%s"]}',
    prefix, counter, counter, counter, list)
  return wrk.format("POST", "/api/v1/subscribers",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end

local errors = 0
function response(status, headers, body)
  if status ~= 201 then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d seconds=%.2f rate=%.0f/s p50=%.1fms p99=%.1fms non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
