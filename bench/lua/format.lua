-- The costliest generator, kept to measure what it costs wrk: like me.lua, but every request is built
-- by wrk.format in Lua when it is sent. Argument: the seeded token file.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local tokens = {}
local i = 0

function init(args)
   for line in io.lines(args[1]) do
      tokens[#tokens + 1] = line
   end
   i = math.random(#tokens)
end

function request()
   i = i % #tokens + 1
   return wrk.format("GET", "/api/user/me", { ["Authorization"] = "Bearer " .. tokens[i] })
end

done = report
