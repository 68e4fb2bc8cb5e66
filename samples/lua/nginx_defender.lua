-- nginx_defender.lua: asks `defender-scan serve` about a client from
-- lua-nginx-module (Debian: libnginx-mod-http-lua), as in the guide:
--
--   lua_package_path "/etc/nginx/lua/?.lua;;";
--   lua_shared_dict defender_cache 1m;
--   init_by_lua_block { require("nginx_defender").init("http://127.0.0.1:8080") }
--   ...
--   access_by_lua_block {
--     local defender = require("nginx_defender")
--     local ip = ngx.var.remote_addr
--     if defender.should_block(ip) then return ngx.exit(ngx.HTTP_FORBIDDEN) end
--     ngx.req.set_header("X-Threat-Score", defender.get_threat_score(ip))
--   }
--
-- Answers are cached per address in the lua_shared_dict for `cache_ttl`
-- seconds (default 5), so most requests cost no round trip; a ban or unban
-- takes effect within that time. The service is asked with a keep-alive
-- cosocket (GET /api/check with X-Real-IP). It asks about the client, not
-- the request (that is what makes the per-address cache right); to have
-- each request's URI checked against the signatures too, use auth_request
-- (samples/nginx/serve/). When the service cannot be reached the module
-- fails open (serves) unless init() was given fail_open = false.
local _M = { _VERSION = "1.0" }

local config = {
  host = "127.0.0.1",
  port = 8080,
  timeout_ms = 500,
  cache_ttl = 5,
  dict = "defender_cache",
  fail_open = true,
}

-- url: "http://HOST:PORT" or "http://[IPV6]:PORT". opts may set cache_ttl,
-- dict, timeout_ms and fail_open.
function _M.init(url, opts)
  local host, port = string.match(url or "", "^http://([%w%.%-]+):(%d+)/?$")
  if not host then
    host, port = string.match(url or "", "^http://%[([%x:]+)%]:(%d+)/?$")
  end
  if not host then
    error("nginx_defender.init: the url must be http://HOST:PORT, got " .. tostring(url))
  end
  config.host, config.port = host, tonumber(port)
  for k, v in pairs(opts or {}) do
    config[k] = v
  end
end

-- GET /api/check for ip: returns blocked (boolean) and score (number), or
-- nil and an error.
local function ask(ip)
  local sock = ngx.socket.tcp()
  sock:settimeout(config.timeout_ms)
  local ok, err = sock:connect(config.host, config.port)
  if not ok then
    return nil, "connect: " .. tostring(err)
  end
  local _, send_err = sock:send("GET /api/check HTTP/1.1\r\nHost: defender-scan\r\nX-Real-IP: " .. ip .. "\r\n\r\n")
  if send_err then
    sock:close()
    return nil, "send: " .. send_err
  end
  local status_line, read_err = sock:receive("*l")
  local status = status_line and tonumber(string.match(status_line, "^HTTP/1%.%d (%d%d%d)"))
  if not status then
    sock:close()
    return nil, "bad answer: " .. tostring(status_line or read_err)
  end
  local length, score, close = 0, 0, false
  while true do
    local line, err2 = sock:receive("*l")
    if not line then
      sock:close()
      return nil, "headers: " .. tostring(err2)
    end
    if line == "" then
      break
    end
    local name, value = string.match(line, "^([^:]+):%s*(.-)%s*$")
    if name then
      name = string.lower(name)
      if name == "content-length" then
        length = tonumber(value) or 0
      elseif name == "x-threat-score" then
        score = tonumber(value) or 0
      elseif name == "connection" and string.lower(value) == "close" then
        close = true
      end
    end
  end
  if length > 0 then
    sock:receive(length)
  end
  if close then
    sock:close()
  else
    sock:setkeepalive(10000, 32)
  end
  if status ~= 200 and status ~= 403 then
    return nil, "status " .. status
  end
  return status == 403, score
end

-- The cached answer for ip: blocked, score.
local function lookup(ip)
  -- Only an address goes on the wire (ngx.var.remote_addr always is one).
  if type(ip) ~= "string" or not string.match(ip, "^[%x%.:]+$") or #ip > 45 then
    return false, 0
  end
  local dict = ngx.shared[config.dict]
  if dict then
    local cached = dict:get(ip)
    if cached then
      local b, s = string.match(cached, "^(%d):(%d+)$")
      return b == "1", tonumber(s)
    end
  end
  local blocked, score = ask(ip)
  if blocked == nil then
    ngx.log(ngx.WARN, "nginx_defender: ", score)
    return not config.fail_open, 0
  end
  if dict then
    dict:set(ip, (blocked and "1:" or "0:") .. score, config.cache_ttl)
  end
  return blocked, score
end

function _M.should_block(ip)
  local blocked = lookup(ip)
  return blocked
end

function _M.get_threat_score(ip)
  local _, score = lookup(ip)
  return score
end

return _M
