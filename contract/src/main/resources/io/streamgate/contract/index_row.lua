-- Index entries of one row: its key for paging, for ranked views its rank score, and for views
-- with declared indexes its key in the value index of each indexed column's value.
-- All keys share the view's hash tag, so this runs on one cluster slot.
-- KEYS[1]  keys index zset (Keyspace.keysIndex), score 0, ordered by key
-- KEYS[2]  rank zset (Keyspace.rankIndex)
-- KEYS[3]  index version hash (Keyspace.indexVersions): key -> version of its index entries
-- KEYS[4]  deleted keys zset (Keyspace.deletedIndex): key -> deletedAt, for tombstone expiry
-- KEYS[5]  indexed values hash (Keyspace.indexedValues): key -> JSON {column: indexed text}
-- ARGV[1]  row key
-- ARGV[2]  version of the row write these index entries belong to
-- ARGV[3]  rank score, or '' for a view without a rank column or a null rank value
-- ARGV[4]  value index prefix (Keyspace.valueIndexPrefix); a value index is prefix..column..':'..text
-- ARGV[5]  the row's indexed values, JSON {column: text} (Indexes.valuesJson), or '' for a view
--          that declares no indexes
-- Value index keys are built here from ARGV[4]: the old ones are only known from KEYS[5]. They
-- share the view's hash tag, so they are in this script's slot.
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
if ARGV[5] ~= '' then
  local old = redis.call('HGET', KEYS[5], ARGV[1])
  local before = old and cjson.decode(old) or {}
  local after = cjson.decode(ARGV[5])
  for column, text in pairs(before) do
    if after[column] ~= text then
      -- ZREM of a set's last member deletes the set: no empty value index stays behind.
      redis.call('ZREM', ARGV[4] .. column .. ':' .. text, ARGV[1])
    end
  end
  for column, text in pairs(after) do
    if before[column] ~= text then
      redis.call('ZADD', ARGV[4] .. column .. ':' .. text, 0, ARGV[1])
    end
  end
  if next(after) == nil then
    redis.call('HDEL', KEYS[5], ARGV[1])
  else
    redis.call('HSET', KEYS[5], ARGV[1], ARGV[5])
  end
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
