-- Sends POST requests (headers from the environment) and prints the latency percentiles and
-- counts as one JSON line for benchmarks/load.py to read. The body file holds one body a line:
-- one line is sent every time; several are sent in turn, one a request, so that a target
-- that remembers what it has seen (the router's PHI field cache) meets new text each time.
local body_file = os.getenv("WRK_BODY_FILE")
local token = os.getenv("WRK_TOKEN")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local bodies = {}
for line in io.lines(body_file) do
  if line ~= "" then
    bodies[#bodies + 1] = line
  end
end
assert(#bodies > 0, "no body in " .. body_file)
wrk.body = bodies[1]
if #bodies > 1 then
  -- Defined only here: wrk keeps one prebuilt request when a script has no request function.
  local turn = 0
  request = function()
    turn = turn % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[turn])
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
