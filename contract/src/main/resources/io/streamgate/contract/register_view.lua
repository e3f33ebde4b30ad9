-- Registers (or re-registers) a view in the catalog and announces it.
-- KEYS[1]  catalog hash (Keyspace.catalog)
-- ARGV[1]  view name
-- ARGV[2]  catalog entry JSON (CatalogEntry.toJson)
-- ARGV[3]  catalog channel (Keyspace.catalogChannel)
-- Returns 1 if the entry changed, 0 if it was already identical.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[1])
return 1
