-- Versioned write of one view row, and its change message, as one atomic step.
-- KEYS[1]  row hash (Keyspace.row)
-- ARGV[1]  version: integer, must be greater than the stored one or nothing happens
-- ARGV[2]  updatedAt: epoch milliseconds
-- ARGV[3]  value: JSON object text
-- ARGV[4]  ttl in milliseconds, 0 for none
-- ARGV[5]  change channel (Keyspace.changeChannel)
-- ARGV[6]  change message head (Row.jsonHead); the message is head .. value .. '}'
-- Returns 1 if applied, 0 if ignored as not newer.
-- A tombstone (delete_row.lua) keeps its version, so an older write cannot bring the row back;
-- a newer one replaces the tombstone.
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'updatedAt', ARGV[2], 'value', ARGV[3])
redis.call('HDEL', KEYS[1], 'deleted')
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('PERSIST', KEYS[1])
end
redis.call('PUBLISH', ARGV[5], ARGV[6] .. ARGV[3] .. '}')
return 1
