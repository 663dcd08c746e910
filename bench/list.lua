-- Lists and search within one street: by status, overdue, and q=暖气.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local unit = os.getenv("LX_STREET") or "2"
local paths = {
	"/api/v1/cases?limit=20&status=accepted&unit_id=" .. unit,
	"/api/v1/cases?limit=20&overdue=true&unit_id=" .. unit,
	"/api/v1/cases?limit=20&q=%E6%9A%96%E6%B0%94&unit_id=" .. unit,
}
local i = 0
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], { ["Authorization"] = c.auth() })
end
done = c.done
