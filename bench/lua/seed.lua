-- Seeds users for the shared-file mode: login.lua's new users (codes <prefix>-<thread>-1, -2, …), and
-- "<openId>\t<token>" of each 200 appended to a file. wrk cannot stop after N requests, so once the file
-- has N lines the script ends the process itself (-d bounds it otherwise). Run it with -t1: one thread
-- owns the file, and its codes are <prefix>-1-<n>. Arguments: the prefix, N, the file.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "login"

local login_init = init
local wanted, out
local got = 0

function init(args)
   login_init(args)
   wanted = tonumber(args[2])
   out = assert(io.open(args[3], "a"))
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
