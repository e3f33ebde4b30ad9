-- wrk script: POST /v1/events/<STREAM> with BATCH events per request (1: one JSON object,
-- >1: a JSON array), keys spread over KEYS orderIds. Bodies are built once per thread, so wrk
-- spends its CPU on sending. Environment: TOKEN (required), STREAM (default bench_events),
-- BATCH (default 1), KEYS (default 10000), BODIES (distinct bodies per thread, default 256).
local token = os.getenv("TOKEN")
local stream = os.getenv("STREAM") or "bench_events"
local batch = tonumber(os.getenv("BATCH") or "1")
local keys = tonumber(os.getenv("KEYS") or "10000")
local count = tonumber(os.getenv("BODIES") or "256")
local bodies = {}
local next_body = 1
local headers = nil

local function event()
  return string.format(
    '{"orderId":"o%d","userId":"u%d","productId":"p%d","amount":%.2f,"status":"paid","ts":"2026-11-25T10:00:00Z"}',
    math.random(0, keys - 1), math.random(0, 999), math.random(0, 99), math.random() * 100)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for i = 1, count do
    if batch == 1 then
      bodies[i] = event()
    else
      local events = {}
      for j = 1, batch do events[j] = event() end
      bodies[i] = "[" .. table.concat(events, ",") .. "]"
    end
  end
  headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function request()
  local body = bodies[next_body]
  next_body = next_body % count + 1
  return wrk.format("POST", "/v1/events/" .. stream, headers, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
