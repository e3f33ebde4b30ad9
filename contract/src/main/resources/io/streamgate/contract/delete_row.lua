-- Versioned delete of one view row, and its change message, as one atomic step.
-- The row hash becomes a tombstone (version, updatedAt = deletedAt, deleted = 1, no value) that
-- expires after the tombstone retention; until then a write older than the delete is ignored.
-- KEYS[1]  row hash (Keyspace.row)
-- ARGV[1]  version: integer, must be greater than the stored one or nothing happens
-- ARGV[2]  deletedAt: epoch milliseconds
-- ARGV[3]  tombstone retention in milliseconds (> 0)
-- ARGV[4]  change channel (Keyspace.changeChannel)
-- ARGV[5]  change message (Tombstone.toJson)
-- Returns 1 if applied, 0 if ignored as not newer.
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'updatedAt', ARGV[2], 'deleted', '1')
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
