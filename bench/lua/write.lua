-- One EF Core write per request for the shared-file mode: PUT /api/user/profile, POST /api/user/phone or
-- POST /api/user/userinfo, each with the token and JSON body of one seeded user, the users in turn.
-- Arguments: the method, the path, a file of "<token>\t<body>" lines (run.sh computes the bodies).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua"
require "rotation"

function init(args)
   local requests = {}
   for line in io.lines(args[3]) do
      local token, body = line:match("^([^\t]+)\t(.*)$")
      requests[#requests + 1] = wrk.format(args[1], args[2],
         { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
   end
   rotate(requests)
end
