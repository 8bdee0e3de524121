-- POST /api/user/login with a never-used code on every request (so each one creates a user).
-- First argument: a prefix unique to this run; each thread adds its own number and a counter.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local threads = 0
local prefix = "bench"
local counter = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_id", threads)
end

function init(args)
   prefix = (args[1] or "bench") .. "-" .. tostring(thread_id or 0)
end

function request()
   counter = counter + 1
   return wrk.format("POST", "/api/user/login", { ["Content-Type"] = "application/json" },
      string.format('{"code":"%s-%d"}', prefix, counter))
end

done = report
