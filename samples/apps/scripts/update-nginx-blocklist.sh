#!/bin/sh
# update-nginx-blocklist.sh [INCLUDE]: writes the bans of defender-scan serve
# (/api/blocked-ips) as nginx deny lines, checks the configuration with
# nginx -t and reloads; if the check fails, the previous list is put back.
# Run it from cron, or use serve's own --nginx-conf, which does the same.
#   DEFENDER_URL, DEFENDER_TOKEN as for ban-ip.sh
#   NGINX_CMD       the nginx command (default nginx), e.g. "nginx -p /srv/nginx -c /srv/nginx/nginx.conf"
set -eu
include=${1:-/etc/nginx/conf.d/defender-blocklist.conf}
url=${DEFENDER_URL:-http://127.0.0.1:8080}
nginx=${NGINX_CMD:-nginx}

tmp=$(mktemp "$include.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  echo "# written by update-nginx-blocklist.sh from $url/api/blocked-ips"
  curl -sS --fail "$url/api/blocked-ips" ${DEFENDER_TOKEN:+-H "Authorization: Bearer $DEFENDER_TOKEN"} |
    jq -r '.[]' |
    # Only addresses and prefixes reach the configuration.
    grep -E '^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]+)(/[0-9]{1,3})?$' |
    sed 's/.*/deny &;/'
} > "$tmp"
chmod 644 "$tmp"
if [ -f "$include" ] && cmp -s "$tmp" "$include"; then
  exit 0  # nothing changed
fi
backup=""
if [ -f "$include" ]; then
  backup="$include.previous"
  cp -p "$include" "$backup"
fi
mv "$tmp" "$include"
if $nginx -t 2>/dev/null; then
  $nginx -s reload
else
  echo "update-nginx-blocklist.sh: nginx -t failed; the previous list is back" >&2
  if [ -n "$backup" ]; then mv "$backup" "$include"; else rm -f "$include"; fi
  exit 1
fi
