-- The soak mix: 80% GET /api/user/me, 15% login (a new user each time), 5% logout of a token this
-- thread obtained by logging in. Arguments: the seeded token file and a prefix unique to this run.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local threads = 0
local seeded = {}
local mine = {}
local prefix = "soak"
local counter = 0
local i = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_id", threads)
end

function init(args)
   for line in io.lines(args[1]) do
      seeded[#seeded + 1] = line
   end
   prefix = (args[2] or "soak") .. "-" .. tostring(thread_id or 0)
   i = math.random(#seeded)
end

function request()
   local roll = math.random(100)
   if roll <= 15 then
      counter = counter + 1
      return wrk.format("POST", "/api/user/login", { ["Content-Type"] = "application/json" },
         string.format('{"code":"%s-%d"}', prefix, counter))
   elseif roll <= 20 and #mine > 0 then
      local token = table.remove(mine)
      return wrk.format("POST", "/api/user/logout", { ["Authorization"] = "Bearer " .. token })
   end
   i = i % #seeded + 1
   return wrk.format("GET", "/api/user/me", { ["Authorization"] = "Bearer " .. seeded[i] })
end

function response(status, headers, body)
   local token = body:match('"token":"([^"]+)"')
   if token and #mine < 1000 then
      mine[#mine + 1] = token
   end
end

done = report
