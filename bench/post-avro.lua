-- wrk script: POST a 1 KB Avro binary record (schema bench/bench-order.avsc, subject BENCH_SUBJECT) with
-- schemavalidation=true and an API key.
local key = os.getenv("BENCH_API_KEY")
local topic = os.getenv("BENCH_TOPIC") or "bench"
local subject = os.getenv("BENCH_SUBJECT") or "bench-order"
wrk.method = "POST"
wrk.path = "/topics/" .. topic .. "/records?schemaname=" .. subject .. "&schemavalidation=true"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Accept"] = "application/json"
-- Avro binary of {"id":"order-01","amount":12,"note":<1000 x>}: strings are a zig-zag varint length then the
-- bytes (8 -> 0x10, 1000 -> 0xD0 0x0F), the int 12 is 0x18
wrk.body = "\16" .. "order-01" .. "\24" .. "\208\15" .. string.rep("x", 1000)

dofile("bench/count.lua")
