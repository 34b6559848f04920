-- wrk script: POST 100 records of 1 KB (v2 envelopes, text values) per request.
local key = os.getenv("BENCH_API_KEY")
local topic = os.getenv("BENCH_TOPIC") or "bench"
wrk.method = "POST"
wrk.path = "/v2/topics/" .. topic .. "/records"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
local filler = string.rep("x", 1024)
local envelope = '{"value":{"type":"text","data":"' .. filler .. '"}}'
local records = {}
for i = 1, 100 do
  records[i] = envelope
end
wrk.body = "[" .. table.concat(records, ",") .. "]"

dofile("bench/count.lua")
