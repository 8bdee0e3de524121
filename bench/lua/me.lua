-- GET /api/user/me with tokens seeded by run.sh (one per line in the file named by the first argument).
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
