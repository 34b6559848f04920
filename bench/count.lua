-- Shared by the wrk scripts: counts 200 answers per thread and prints one RESULT line for bench/run.sh.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  other = 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok_total, other_total = 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    other_total = other_total + thread:get("other")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d ok=%d other=%d socket_errors=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, ok_total, other_total, errors, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
