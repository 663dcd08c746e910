-- POST /api/v1/cases with a location and a category: locate, dispatch by
-- the duty list, deadlines, timeline and search index on every request.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
local points = {}
for p in string.gmatch(os.getenv("LX_POINTS") or "37.86,113.58", "[^;]+") do
	local lat, lon = string.match(p, "([^,]+),([^,]+)")
	points[#points + 1] = { lat, lon }
end
local cats = { "0101", "0102", "0201", "0301", "0302", "0401", "0403", "0503", "0603", "0801" }
local texts = { "暖气不热，家里有老人", "停水两天了，请尽快处理", "路灯不亮，晚上出行不便",
	"垃圾清运不及时，气味很大", "楼道堆放杂物，存在消防隐患", "物业不作为，电梯经常坏",
	"房屋漏水，墙体开裂", "小区乱停车，消防通道被堵", "电动车在楼道充电", "邻里噪音纠纷" }
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end
local rand
function init(args)
	rand = c.rng(tid * 104729)
end
function request()
	local p = points[rand(#points)]
	local k = rand(#cats)
	local body = string.format(
		'{"type":"request","channel":"hotline","category_code":"%s","title":"压测工单%d",' ..
		'"description":"%s（压测）","lat":%s,"lon":%s,"reporter":{"name":"测试","phone":"13800000000"}}',
		cats[k], rand(1000000), texts[k], p[1], p[2])
	return wrk.format("POST", "/api/v1/cases",
		{ ["Authorization"] = c.auth(), ["Content-Type"] = "application/json" }, body)
end
done = c.done
