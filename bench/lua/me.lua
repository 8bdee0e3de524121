-- GET /api/user/me with tokens seeded by run.sh (one per line in the file named by the first argument),
-- a different token on each request. The requests are built once in init(), so request() only picks
-- the next one: wrk still calls into Lua per request, but formats nothing.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local requests = {}
local i = 0

function init(args)
   for line in io.lines(args[1]) do
      requests[#requests + 1] = wrk.format("GET", "/api/user/me", { ["Authorization"] = "Bearer " .. line })
   end
   i = math.random(#requests)
end

function request()
   i = i % #requests + 1
   return requests[i]
end

done = report
