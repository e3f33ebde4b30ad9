-- (A part of scripts, not a script: `-- include: write_value` puts it in.)
-- Versioned write of a row's value and its change message, as one atomic step.
-- If the stored version (of a row or a tombstone) is at least `version`, returns 0 and does
-- nothing. Otherwise sets version, updatedAt and value (dropping a tombstone's `deleted`), sets
-- or clears the TTL (ttl in ms, 0 for none), publishes head .. value .. '}' on channel, and
-- returns 1. A tombstone (delete_row.lua) keeps its version, so an older write cannot bring the
-- row back; a newer one replaces the tombstone.
local function write_value(row, version, updated_at, value, ttl, channel, head)
  local stored = redis.call('HGET', row, 'version')
  if stored and tonumber(stored) >= tonumber(version) then
    return 0
  end
  redis.call('HSET', row, 'version', version, 'updatedAt', updated_at, 'value', value)
  redis.call('HDEL', row, 'deleted')
  if tonumber(ttl) > 0 then
    redis.call('PEXPIRE', row, ttl)
  else
    redis.call('PERSIST', row)
  end
  redis.call('PUBLISH', channel, head .. value .. '}')
  return 1
end
