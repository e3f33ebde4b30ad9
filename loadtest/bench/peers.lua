-- wrk script of loadtest/bench/peers.sh: GET <PREFIX><random 0..KEYS-1>, the same for every server.
-- Environment: PREFIX (the URL up to the key's number, e.g. http://127.0.0.1:8080/GET/k),
-- KEYS (default 10000), HEADER (optional "Name: value", e.g. the gateway's bearer token).
local prefix = os.getenv("PREFIX")
local keys = tonumber(os.getenv("KEYS") or "10000")
local header = os.getenv("HEADER") or ""
local headers = {}
local name, value = header:match("^([^:]+):%s*(.*)$")
if name then headers[name] = value end
local path = prefix:gsub("^https?://[^/]+", "")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("GET", path .. math.random(0, keys - 1), headers)
end
