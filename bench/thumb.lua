-- GET /api/v1/attachments/{id}/thumb: the case page's strip of photos,
-- for random ids of the LX_ATTACHMENTS files the upload run stored.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local n = tonumber(os.getenv("LX_ATTACHMENTS") or "1")
local auth = "Bearer " .. (os.getenv("LX_READ_TOKEN") or "")
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
	return wrk.format("GET", "/api/v1/attachments/" .. rand(n) .. "/thumb", { ["Authorization"] = auth })
end
done = c.done
