-- common.lua: shared by every wrk script of `make bench`. Each script sets
-- `request` and uses this `done` to print one JSON line the harness reads.
local M = {}

function M.done(summary, latency, requests)
	local secs = summary.duration / 1e6
	io.write(string.format(
		'{"requests":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
		summary.requests, summary.requests / secs,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.errors.status))
end

function M.auth()
	return "Bearer " .. (os.getenv("LX_TOKEN") or "")
end

-- A small deterministic generator per thread (math.random is shared state).
function M.rng(seed)
	local s = seed
	return function(n)
		s = (s * 1103515245 + 12345) % 2147483648
		return s % n + 1
	end
end

return M
