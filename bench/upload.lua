-- POST /api/v1/cases/{id}/attachments: a 2 MB, 12-megapixel phone photo
-- (LX_PHOTO, made by run.py) on a random one of the open cases LX_IDS,
-- decoded, written again without EXIF and thumbnailed by the server,
-- stored in parts.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local ids = {}
for id in string.gmatch(os.getenv("LX_IDS") or "1", "[^,]+") do
	ids[#ids + 1] = id
end
local auth = "Bearer " .. (os.getenv("LX_READ_TOKEN") or "")
local f = assert(io.open(os.getenv("LX_PHOTO"), "rb"))
local photo = f:read("*a")
f:close()
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end
local rand
function init(args)
	rand = c.rng(tid * 15485863)
end
function request()
	return wrk.format("POST", "/api/v1/cases/" .. ids[rand(#ids)] .. "/attachments?stage=handling",
		{ ["Authorization"] = auth, ["Content-Type"] = "image/jpeg" }, photo)
end
done = c.done
