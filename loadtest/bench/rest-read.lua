-- wrk script: point reads of random keys k0..k<KEYS-1> of one view, with a bearer token.
-- Environment: TOKEN (required), VIEW (default bench_rows), KEYS (default 10000).
local token = os.getenv("TOKEN")
local view = os.getenv("VIEW") or "bench_rows"
local keys = tonumber(os.getenv("KEYS") or "10000")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local path = "/v1/views/" .. view .. "/k" .. math.random(0, keys - 1)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
