-- wrk script: POST a 1 KB JSON value as one of BENCH_SCRAM_USERS (default 10) Kafka users, HTTP Basic
-- bench-user-N:bench-pw-N (gateway.auth.kafka-identity=scram), the next user with each request.
local users = tonumber(os.getenv("BENCH_SCRAM_USERS") or "10")
local topic = os.getenv("BENCH_TOPIC") or "bench"
local filler = string.rep("x", 1024 - 12)

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = {}
    for k = 1, 4 do
      local index = math.floor(n / 64 ^ (4 - k)) % 64
      chars[k] = alphabet:sub(index + 1, index + 1)
    end
    if not b then chars[3] = "=" end
    if not c then chars[4] = "=" end
    out[#out + 1] = table.concat(chars)
  end
  return table.concat(out)
end

dofile("bench/count.lua")

-- the requests, one per user, made once per thread (after wrk has set the Host header); request() only picks the next
local requests = {}
local next_user = 0
local count_init = init
function init(args)
  count_init(args)
  for n = 0, users - 1 do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Authorization"] = "Basic " .. base64("bench-user-" .. n .. ":bench-pw-" .. n)
    headers["Content-Type"] = "application/json"
    headers["Accept"] = "application/json"
    requests[n] = wrk.format("POST", "/topics/" .. topic .. "/records", headers, '{"data":"' .. filler .. '"}')
  end
end

function request()
  local r = requests[next_user]
  next_user = (next_user + 1) % users
  return r
end
