-- Removes a deleted row's index entries (paging, rank and value indexes), keeping its delete
-- version so that an older index call cannot re-add it, and expires such remembered versions
-- after the tombstone retention (a bounded number per call). One cluster slot: the view's hash
-- tag.
-- KEYS[1]  keys index zset (Keyspace.keysIndex)
-- KEYS[2]  rank zset (Keyspace.rankIndex)
-- KEYS[3]  index version hash (Keyspace.indexVersions)
-- KEYS[4]  deleted keys zset (Keyspace.deletedIndex): key -> deletedAt
-- KEYS[5]  indexed values hash (Keyspace.indexedValues): key -> JSON {column: indexed text}
-- ARGV[1]  row key
-- ARGV[2]  version of the delete
-- ARGV[3]  deletedAt: epoch milliseconds
-- ARGV[4]  tombstone retention in milliseconds
-- ARGV[5]  value index prefix (Keyspace.valueIndexPrefix), as for index_row.lua
-- Returns 1 if the entries were removed, 0 if ignored as not newer.
local stored = redis.call('HGET', KEYS[3], ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local old = redis.call('HGET', KEYS[5], ARGV[1])
if old then
  for column, text in pairs(cjson.decode(old)) do
    redis.call('ZREM', ARGV[5] .. column .. ':' .. text, ARGV[1])
  end
  redis.call('HDEL', KEYS[5], ARGV[1])
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf',
  tonumber(ARGV[3]) - tonumber(ARGV[4]), 'LIMIT', 0, 100)
for _, key in ipairs(expired) do
  redis.call('HDEL', KEYS[3], key)
  redis.call('ZREM', KEYS[4], key)
end
return 1
