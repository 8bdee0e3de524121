-- Seeds users for the shared-file mode: POST /api/user/login with the codes <prefix>-1, <prefix>-2, …
-- and appends "<openId>\t<token>" of each 200 to a file. wrk cannot stop after N requests, so once the
-- file has N lines the script ends the process itself (-d bounds it otherwise). Run it with -t1: one
-- thread owns the file. Arguments: the prefix, N, the file.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "report"

local prefix, wanted, out
local counter, got = 0, 0

function init(args)
   prefix, wanted = args[1], tonumber(args[2])
   out = assert(io.open(args[3], "a"))
end

function request()
   counter = counter + 1
   return wrk.format("POST", "/api/user/login", { ["Content-Type"] = "application/json" },
      string.format('{"code":"%s-%d"}', prefix, counter))
end

function response(status, headers, body)
   local token = status == 200 and body:match('"token":"([^"]+)"')
   local openId = status == 200 and body:match('"openId":"([^"]+)"')
   if token and openId and got < wanted then
      out:write(openId, "\t", token, "\n")
      got = got + 1
      if got == wanted then
         out:close()
         os.exit(0)
      end
   end
end

done = report
