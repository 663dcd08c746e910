-- The stats summary over the whole year, for LX_STATS_UNIT (district or street).
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local path = "/api/v1/stats/summary?from=" .. (os.getenv("LX_FROM") or "2025-01-01") ..
	"&unit_id=" .. (os.getenv("LX_STATS_UNIT") or "1")
function request()
	return wrk.format("GET", path, { ["Authorization"] = c.auth() })
end
done = c.done
