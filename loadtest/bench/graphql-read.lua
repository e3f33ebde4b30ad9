-- wrk script: GraphQL point queries of random keys k0..k<KEYS-1> of one view, with a bearer
-- token: POST /v1/graphql {"query":"query($k: String!) { VIEW(key: $k) { FIELDS } }",
-- "variables":{"k":"kN"}}, the GraphQL twin of rest-read.lua. One document text with
-- variables, as GraphQL clients send it (the gateway parses and validates it once). Environment: TOKEN (required), VIEW (default bench_rows), KEYS (default
-- 10000), FIELDS (default "key version updatedAt n label": every field of a seeded row).
local token = os.getenv("TOKEN")
local view = os.getenv("VIEW") or "bench_rows"
local keys = tonumber(os.getenv("KEYS") or "10000")
local fields = os.getenv("FIELDS") or "key version updatedAt n label"

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local body = '{"query":"query($k: String!) { ' .. view .. '(key: $k) { ' .. fields
    .. ' } }","variables":{"k":"k' .. math.random(0, keys - 1) .. '"}}'
  return wrk.format("POST", "/v1/graphql", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

local statuses = {}
local errors = 0
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- A GraphQL error is a 200 too: count answers that carry one.
  if status == 200 and body:find('"errors"', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  for status, n in pairs(statuses) do
    io.write(string.format("status %d: %d\n", status, n))
  end
  io.write(string.format("graphql errors: %d\n", errors))
end
