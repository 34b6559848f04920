-- wrk script: POST a 1 KB JSON value with an API key.
local key = os.getenv("BENCH_API_KEY")
local topic = os.getenv("BENCH_TOPIC") or "bench"
wrk.method = "POST"
wrk.path = "/topics/" .. topic .. "/records"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local filler = string.rep("x", 1024 - 12)
wrk.body = '{"data":"' .. filler .. '"}'

dofile("bench/count.lua")
