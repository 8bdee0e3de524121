-- Shared by me.lua and write.lua: requests built once in init(), then sent one after another from a
-- random start, so request() only picks the next one. request() stays a global function defined when the
-- script loads: wrk decides then whether the script builds requests at all.
require "report"

local requests = {}
local i = 0

function rotate(built)
   requests = built
   i = math.random(#built)
end

function request()
   i = i % #requests + 1
   return requests[i]
end

done = report
