-- Index entries of one row: its key for paging and, for ranked views, its rank score.
-- All three keys share the view's hash tag, so this runs on one cluster slot.
-- KEYS[1]  keys index zset (Keyspace.keysIndex), score 0, ordered by key
-- KEYS[2]  rank zset (Keyspace.rankIndex)
-- KEYS[3]  rank version hash (Keyspace.rankVersions)
-- ARGV[1]  row key
-- ARGV[2]  version of the row write this index entry belongs to
-- ARGV[3]  rank score, or '' for a view without a rank column
-- Returns 1 if the rank entry changed, 0 otherwise.
redis.call('ZADD', KEYS[1], 0, ARGV[1])
if ARGV[3] == '' then
  return 0
end
local stored = redis.call('HGET', KEYS[3], ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return 1
