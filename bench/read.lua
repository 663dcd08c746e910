-- GET /api/v1/cases/{id} for random ids of the generated city.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local ncases = tonumber(os.getenv("LX_CASES") or "1000")
-- ids across the whole city: a token whose scope holds every district
local read_auth = "Bearer " .. (os.getenv("LX_READ_TOKEN") or os.getenv("LX_TOKEN") or "")
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end
local rand
function init(args)
	rand = c.rng(tid * 7919)
end
function request()
	return wrk.format("GET", "/api/v1/cases/" .. rand(ncases), { ["Authorization"] = read_auth })
end
done = c.done
