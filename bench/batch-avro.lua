-- wrk script: POST 100 Avro records of 1 KB per request (v2 envelopes, type avro, the registered subject
-- BENCH_SUBJECT of bench/bench-order.avsc, Confluent framing).
local key = os.getenv("BENCH_API_KEY")
local topic = os.getenv("BENCH_TOPIC") or "bench"
local subject = os.getenv("BENCH_SUBJECT") or "bench-order"
wrk.method = "POST"
wrk.path = "/v2/topics/" .. topic .. "/records?serializer=confluent"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
-- the Avro JSON text of {"id":"order-01","amount":12,"note":<1000 x>}, as a JSON string
local data = '{\\"id\\":\\"order-01\\",\\"amount\\":12,\\"note\\":\\"' .. string.rep("x", 1000) .. '\\"}'
local envelope = '{"value":{"type":"avro","subject":"' .. subject .. '","data":"' .. data .. '"}}'
local records = {}
for i = 1, 100 do
  records[i] = envelope
end
wrk.body = "[" .. table.concat(records, ",") .. "]"

dofile("bench/count.lua")
