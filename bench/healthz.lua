-- The floor: what the HTTP layer alone can do.
package.path = "bench/?.lua;" .. package.path
local c = require("common")
done = c.done
