# A throw-away nginx for the end-to-end tests: everything under one
# directory, stopped when the test exits.
# write_nginx_conf DIR [MAIN_CONTEXT_LINES] < HTTP_BLOCK_BODY
write_nginx_conf() {
  local dir=$1 main=${2:-}
  mkdir -p "$dir/logs"
  {
    echo "$main"
    cat <<CONF
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http {
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
CONF
    cat
    echo "}"
  } > "$dir/nginx.conf"
}
# start_nginx DIR: checks the configuration, starts nginx, stops it at exit.
start_nginx() {
  nginx -p "$1" -c "$1/nginx.conf" -t 2>"$1/nginx-t.err" || { cat "$1/nginx-t.err" >&2; return 1; }
  nginx -p "$1" -c "$1/nginx.conf" 3>&-
  nginx_dirs+=("$1")
  trap 'for d in "${nginx_dirs[@]}"; do nginx -p "$d" -c "$d/nginx.conf" -s stop 2>/dev/null; done; cleanup' EXIT
}
nginx_dirs=()
