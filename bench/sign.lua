-- wrk script for the full sign path, one signer per wrk thread (run it with -t N -c N so that
-- each thread's state belongs to one connection): GET the embed form, POST it back with its
-- token, follow the 303 to the thank-you page, and again. Every signature comes from its own
-- address (X-Forwarded-For) and email. Arguments: PATH ROUND. The env var BENCH_OUT names the
-- JSON file that done() writes.
local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]])
local clock = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

-- Main state: count threads and keep them for done().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- Thread state: one signer.
local path, round
local step, seq, token, email, address, location, started, posted = "form", 0
acked, post_ms, flow_ms, failures = {}, {}, {}, 0

function init(args)
  path, round = args[1], tonumber(args[2] or "1")
end

local function fail()
  failures = failures + 1
  step = "form"
end

function request()
  -- What a browser sends: without them the widget stores a signature as suspect (abuse.py).
  local headers = {
    ["X-Forwarded-For"] = address,
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ["Accept-Language"] = "en-US,en;q=0.5",
  }
  if step == "form" then
    seq = seq + 1
    -- A unique-local IPv6 /64 per signature: rate limits key IPv6 addresses by /64.
    address = string.format("fd00:%x:%x:%x::1", round, id, seq)
    headers["X-Forwarded-For"] = address
    started = now_ms()
    return wrk.format("GET", path, headers)
  elseif step == "post" then
    email = string.format("r%d-t%d-%d@bench.example", round, id, seq)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = "csrf_token=" .. token .. "&first_name=Bench&last_name=Signer&email="
      .. email:gsub("@", "%%40") .. "&postal_code=60608&optin_org=y"
    if path:find("partner=", 1, true) then
      body = body .. "&optin_partner=y" -- through a partner's embed: its opt-in too
    end
    posted = now_ms()
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", location, headers)
end

function response(status, headers, body)
  if step == "form" then
    token = status == 200 and body:match('name="csrf_token" type="hidden" value="([^"]+)"')
    if not token then return fail() end
    step = "post"
  elseif step == "post" then
    location = headers["Location"] or headers["location"] -- granian sends lower case
    if status ~= 303 or not location then return fail() end
    post_ms[#post_ms + 1] = now_ms() - posted
    acked[#acked + 1] = email
    location = location:gsub("^https?://[^/]+", "")
    step = "thanks"
  else
    if status ~= 200 then return fail() end
    flow_ms[#flow_ms + 1] = now_ms() - started
    step = "form"
  end
end

local function json_numbers(list)
  local parts = {}
  for i, value in ipairs(list) do parts[i] = string.format("%.3f", value) end
  return "[" .. table.concat(parts, ",") .. "]"
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  local posts, flows, emails, failed = {}, {}, {}, 0
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("post_ms")) do posts[#posts + 1] = v end
    for _, v in ipairs(thread:get("flow_ms")) do flows[#flows + 1] = v end
    for _, v in ipairs(thread:get("acked")) do emails[#emails + 1] = '"' .. v .. '"' end
    failed = failed + thread:get("failures")
  end
  local errors = summary.errors
  out:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, "non_2xx_3xx": %d,'
      .. ' "socket_errors": %d, "failures": %d, "p50_ms": %.3f, "p99_ms": %.3f,'
      .. ' "post_ms": %s, "flow_ms": %s, "acked": [%s]}',
    summary.duration, summary.requests, summary.bytes, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, failed,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    json_numbers(posts), json_numbers(flows), table.concat(emails, ",")
  ))
  out:close()
end
