-- Index entries of one row: its key for paging and, for ranked views, its rank score.
-- All keys share the view's hash tag, so this runs on one cluster slot.
-- KEYS[1]  keys index zset (Keyspace.keysIndex), score 0, ordered by key
-- KEYS[2]  rank zset (Keyspace.rankIndex)
-- KEYS[3]  index version hash (Keyspace.indexVersions): key -> version of its index entries
-- KEYS[4]  deleted keys zset (Keyspace.deletedIndex): key -> deletedAt, for tombstone expiry
-- ARGV[1]  row key
-- ARGV[2]  version of the row write these index entries belong to
-- ARGV[3]  rank score, or '' for a view without a rank column or a null rank value
-- Returns 1 if the entries changed, 0 if ignored as not newer (a replay, or the key was deleted
-- by a newer version: a late index call must not bring a deleted key back).
local stored = redis.call('HGET', KEYS[3], ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], 0, ARGV[1])
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
