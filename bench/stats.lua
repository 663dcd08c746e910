-- The stats summary over the whole year, for LX_STATS_UNIT (district or street),
-- by handling unit or, with LX_BASIS=location, by the unit where a case lies.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local path = "/api/v1/stats/summary?from=" .. (os.getenv("LX_FROM") or "2025-01-01") ..
	"&unit_id=" .. (os.getenv("LX_STATS_UNIT") or "1") ..
	(os.getenv("LX_BASIS") and ("&basis=" .. os.getenv("LX_BASIS")) or "")
function request()
	return wrk.format("GET", path, { ["Authorization"] = c.auth() })
end
done = c.done
