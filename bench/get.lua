-- wrk script for a GET workload: every request from its own address (X-Forwarded-For), so a
-- per-address rate limit never throttles the benchmark. Arguments: PATH ROUND. The env var
-- BENCH_OUT names the JSON file that done() writes.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local path, round
local seq = 0

function init(args)
  path, round = args[1], tonumber(args[2] or "1")
end

function request()
  seq = seq + 1
  local address = string.format("fd01:%x:%x:%x::1", round, id, seq % 65536)
  return wrk.format("GET", path, { ["X-Forwarded-For"] = address })
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  local errors = summary.errors
  out:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, "non_2xx_3xx": %d,'
      .. ' "socket_errors": %d, "p50_ms": %.3f, "p99_ms": %.3f}',
    summary.duration, summary.requests, summary.bytes, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000
  ))
  out:close()
end
