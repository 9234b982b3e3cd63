-- Sends one request shape (method POST, body and headers from the environment) and prints
-- the latency percentiles and counts as one JSON line for benchmarks/load.py to read.
local body_file = os.getenv("WRK_BODY_FILE")
local token = os.getenv("WRK_TOKEN")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local handle = assert(io.open(body_file, "rb"))
wrk.body = handle:read("*a")
handle:close()

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
