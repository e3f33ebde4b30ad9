-- Folds events into the running aggregates of one row of a real-time aggregate view, each event
-- exactly once, and returns the row's state. The caller then writes the row's value
-- (write_row.lua) with the returned sequence as its version, or predicts that write and has it
-- made here, in the same call (below).
-- The state lives in the row hash itself, beside the fields the gateway reads (HMGET of version,
-- updatedAt, value), so it is in the row's slot and expires with the row:
--   agg_n          events folded in so far (the sequence, the version of the row's next write)
--   agg_<i>        partial aggregate i (absent while null)
--   agg_off_<p>    highest offset of Kafka partition p folded in
-- An event is folded in only if its offset is above its partition's agg_off: the events of one
-- partition reach this script in offset order (one task reads a partition, in order), so a replay
-- after a crash skips exactly what was folded in before.
-- KEYS[1]  row hash (Keyspace.row)
-- ARGV[1]  one letter per partial: 'a' adds, 'n' keeps the smallest, 'x' the largest (numbers)
-- ARGV[2]  number of events e
-- then per event: partition, offset, and one value per partial ('' = null: leaves it as it is)
-- then, optionally, the write the caller predicts: the m partials it expects after the fold
-- ('' = null), and the ARGV of write_row.lua for the row's value computed from them (its version
-- the expected sequence). The write is made only if every event was folded in and the sequence
-- and every partial are the ones expected (the caller folded the state this script returned
-- last time, and nothing else changed the row since); otherwise the caller writes it itself.
-- Returns {folded, sequence, written, partial 1, ..., partial m}: written 1 if the predicted write
-- was made, else 0; each partial '' when null; numbers as text ('%.17g': a double's text reads
-- back to the same double).
-- include: write_value
local kinds = ARGV[1]
local m = #kinds
local events = tonumber(ARGV[2])
local fields = {'agg_n'}
for i = 1, m do
  fields[i + 1] = 'agg_' .. i
end
local stored = redis.call('HMGET', KEYS[1], unpack(fields))
local sequence = tonumber(stored[1]) or 0
local state = {}
for i = 1, m do
  state[i] = stored[i + 1] and tonumber(stored[i + 1]) or nil
end
local offsets = {}
local changed = {}
local folded = 0
local at = 3
for _ = 1, events do
  local partition = ARGV[at]
  local offset = tonumber(ARGV[at + 1])
  local last = offsets[partition]
  if last == nil then
    last = tonumber(redis.call('HGET', KEYS[1], 'agg_off_' .. partition)) or -1
  end
  if offset > last then
    for i = 1, m do
      local text = ARGV[at + 1 + i]
      if text ~= '' then
        local v = tonumber(text)
        local kind = string.sub(kinds, i, i)
        local s = state[i]
        if kind == 'a' then
          state[i] = (s or 0) + v
        elseif kind == 'n' then
          if s == nil or v < s then state[i] = v end
        elseif s == nil or v > s then
          state[i] = v
        end
      end
    end
    last = offset
    changed[partition] = offset
    sequence = sequence + 1
    folded = folded + 1
  end
  offsets[partition] = last
  at = at + 2 + m
end
local out = {folded, string.format('%d', sequence), 0}
for i = 1, m do
  out[i + 3] = state[i] == nil and '' or string.format('%.17g', state[i])
end
if folded > 0 then
  local set = {'agg_n', out[2]}
  for i = 1, m do
    if state[i] ~= nil then
      set[#set + 1] = 'agg_' .. i
      set[#set + 1] = out[i + 3]
    end
  end
  for partition, offset in pairs(changed) do
    set[#set + 1] = 'agg_off_' .. partition
    set[#set + 1] = string.format('%d', offset)
  end
  redis.call('HSET', KEYS[1], unpack(set))
end
-- The predicted write: ARGV[at .. at+m-1] the partials, ARGV[at+m .. at+m+5] write_row's ARGV.
if #ARGV >= at + m + 5 and folded == events and sequence == tonumber(ARGV[at + m]) then
  local expected = true
  for i = 1, m do
    local text = ARGV[at + i - 1]
    if text == '' then
      expected = expected and state[i] == nil
    else
      expected = expected and state[i] == tonumber(text)
    end
  end
  if expected then
    out[3] = write_value(KEYS[1], ARGV[at + m], ARGV[at + m + 1], ARGV[at + m + 2],
        ARGV[at + m + 3], ARGV[at + m + 4], ARGV[at + m + 5])
  end
end
return out
