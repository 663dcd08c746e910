-- Coverage (due, done, overdue) of every plan for LX_COV_UNIT (a grid, or the
-- district), as a leader reads it.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local path = "/api/v1/visits/coverage?unit_id=" .. (os.getenv("LX_COV_UNIT") or "1")
function request()
	return wrk.format("GET", path, { ["Authorization"] = c.auth() })
end
done = c.done
