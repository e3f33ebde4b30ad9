-- Removes a view (or a stream) from its registry hash and announces it, as register_view does;
-- readers that re-read the entry find it gone.
-- KEYS[1]  catalog hash (Keyspace.catalog) or streams hash
-- ARGV[1]  name
-- ARGV[2]  channel (Keyspace.catalogChannel or streamsChannel)
-- Returns 1 if an entry was removed, 0 if there was none.
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1
