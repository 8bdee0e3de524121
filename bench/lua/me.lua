-- GET /api/user/me with tokens seeded by run.sh (one per line in the file named by the first argument),
-- a different token on each request. The requests are built once in init(), so request() only picks
-- the next one: wrk still calls into Lua per request, but formats nothing. With "format" as the second
-- argument every request is built by wrk.format when it is sent instead, to measure what that costs wrk.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local tokens = {}
local requests = {}
local i = 0

local function header(token)
   return { ["Authorization"] = "Bearer " .. token }
end

function init(args)
   for line in io.lines(args[1]) do
      tokens[#tokens + 1] = line
      requests[#requests + 1] = wrk.format("GET", "/api/user/me", header(line))
   end
   i = math.random(#tokens)
   if args[2] == "format" then
      request = function()
         i = i % #tokens + 1
         return wrk.format("GET", "/api/user/me", header(tokens[i]))
      end
   end
end

function request()
   i = i % #requests + 1
   return requests[i]
end

done = report
