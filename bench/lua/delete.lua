-- DELETE /api/user/me for the shared-file mode, each request with a token never used before: the lines
-- of a pool file from the one a cursor file names on. At the end the cursor file gets the next unused line
-- and how many requests found the pool empty (those go without a token, answer 401 and count as non2xx).
-- Run it with -t1: one thread owns the cursor. Arguments: the pool file (one token a line), the cursor file.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local tokens = {}
used, empty, first = 0, 0, 1
local thread

function setup(t)
   thread = t
end

function init(args)
   local cursor = io.open(args[2])
   if cursor then
      first = tonumber(cursor:read("*n")) or 1
      cursor:close()
   end
   local n = 0
   for line in io.lines(args[1]) do
      n = n + 1
      if n >= first then
         tokens[#tokens + 1] = line
      end
   end
   cursor_file = args[2]
end

function request()
   if used < #tokens then
      used = used + 1
      return wrk.format("DELETE", "/api/user/me", { ["Authorization"] = "Bearer " .. tokens[used] })
   end
   empty = empty + 1
   return wrk.format("DELETE", "/api/user/me")
end

function done(summary, latency, requests)
   local cursor = assert(io.open(thread:get("cursor_file"), "w"))
   cursor:write(thread:get("first") + thread:get("used"), " ", thread:get("empty"), "\n")
   cursor:close()
   report(summary, latency)
end
