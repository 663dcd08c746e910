-- A grid worker's due list for today (GET /api/v1/visits/due), from a point
-- in their grid: overdue first, then nearest. LX_TOKEN is the worker's.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local path = "/api/v1/visits/due?limit=500" .. (os.getenv("LX_POINT") and ("&" .. os.getenv("LX_POINT")) or "")
function request()
	return wrk.format("GET", path, { ["Authorization"] = c.auth() })
end
done = c.done
