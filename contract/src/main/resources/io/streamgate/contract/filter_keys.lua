-- Read only: keys that are in every one of the given value indexes, in key order, from a lex
-- range. Walks the smallest index and checks the others, so the cost follows the smallest set;
-- at most ARGV[4] keys are walked per call, so one call never holds Redis for long.
-- KEYS[1..n]  value index zsets (Keyspace.valueIndex) of one view table: one slot
-- ARGV[1]  lex start, exclusive or inclusive as ZRANGE BYLEX takes it: '-', '[a' or '(a'
-- ARGV[2]  lex end: '+' or '(b' / '[b'
-- ARGV[3]  how many matching keys to return at most (limit)
-- ARGV[4]  how many keys of the smallest index to walk at most
-- Returns {resume, key...}: the matching keys, and resume = '' if the range has no further
-- match, else the key to continue after (exclusive): the last key returned when there are more
-- matches, or the last key walked when the walk budget ran out first.
local limit = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local smallest, size = nil, nil
for i = 1, #KEYS do
  local n = redis.call('ZCARD', KEYS[i])
  if n == 0 then
    return {''}
  end
  if size == nil or n < size then
    smallest, size = i, n
  end
end
local out = {''}
local start = ARGV[1]
local walked = 0
local chunk = math.min(budget, math.max(limit + 1, 100))
while true do
  local keys = redis.call('ZRANGE', KEYS[smallest], start, ARGV[2], 'BYLEX', 'LIMIT', 0, chunk)
  for _, key in ipairs(keys) do
    walked = walked + 1
    local member = true
    for i = 1, #KEYS do
      if i ~= smallest and not redis.call('ZSCORE', KEYS[i], key) then
        member = false
        break
      end
    end
    if member then
      if #out - 1 == limit then
        out[1] = out[#out]
        return out
      end
      out[#out + 1] = key
    end
    if walked >= budget then
      out[1] = key
      return out
    end
  end
  if #keys < chunk then
    return out
  end
  start = '(' .. keys[#keys]
end
