-- GET /api/user/me with tokens seeded by run.sh (one per line in the file named by the first argument),
-- a different token on each request. The requests are built once in init(), so request() only picks
-- the next one: wrk still calls into Lua per request, but formats nothing. With "format" as the second
-- argument every request is built by wrk.format when it is sent instead, to measure what that costs wrk.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "rotation"

local tokens = {}

local function header(token)
   return { ["Authorization"] = "Bearer " .. token }
end

function init(args)
   local requests = {}
   for line in io.lines(args[1]) do
      tokens[#tokens + 1] = line
      requests[#requests + 1] = wrk.format("GET", "/api/user/me", header(line))
   end
   rotate(requests)
   if args[2] == "format" then
      local i = math.random(#tokens)
      request = function()
         i = i % #tokens + 1
         return wrk.format("GET", "/api/user/me", header(tokens[i]))
      end
   end
end
