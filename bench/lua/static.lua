-- The cheapest generator: no request() function, so wrk sends one prebuilt request over and over and
-- never enters Lua per request. Arguments: the path, then an optional Authorization header value.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

function init(args)
   wrk.path = args[1] or "/"
   if args[2] and args[2] ~= "" then
      wrk.headers["Authorization"] = args[2]
   end
end

done = report
