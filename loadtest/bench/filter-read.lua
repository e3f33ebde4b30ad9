-- wrk script: filtered reads ?grp=g<random> of a view seeded with `streamgate seed --groups G`
-- (each group holds rows/G rows), limit 50, with a bearer token.
-- Environment: TOKEN (required), VIEW (default bench_rows), GROUP_COUNT (default 2000).
local token = os.getenv("TOKEN")
local view = os.getenv("VIEW") or "bench_rows"
local groups = tonumber(os.getenv("GROUP_COUNT") or "2000")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local path = "/v1/views/" .. view .. "?limit=50&grp=g" .. math.random(0, groups - 1)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for status, n in pairs(statuses) do
    io.write(string.format("status %d: %d\n", status, n))
  end
end
