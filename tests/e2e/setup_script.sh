#!/usr/bin/env bash
# scripts/setup.sh never touches the machine's own nginx: it stops only an
# nginx it has just installed. apt-get, dpkg-query and systemctl are shims
# here that record what they were asked, so the test changes nothing.
source "$(dirname "$0")/lib/common.sh"

mkdir "$TMP/bin"
for tool in apt-get systemctl; do
  printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n' "$tool" "$TMP" > "$TMP/bin/$tool"
done
# dpkg-query: every package installed except those in $MISSING.
cat > "$TMP/bin/dpkg-query" <<'SH'
#!/bin/sh
for last; do :; done
for p in $MISSING; do [ "$p" = "$last" ] && exit 1; done
printf 'install ok installed'
SH
printf '#!/bin/sh\nexec "$@"\n' > "$TMP/bin/sudo"
chmod +x "$TMP"/bin/*

run_setup() {  # run_setup MISSING...: the calls setup.sh made
  : > "$TMP/calls"
  MISSING="$*" PATH="$TMP/bin:$PATH" bash "$SOURCE_DIR/scripts/setup.sh" $SETUP_MODE > /dev/null 2>&1
  cat "$TMP/calls"
}
SETUP_MODE=
calls=$(run_setup jq)
expect_contains "a missing package is installed" "$calls" "apt-get install -y -q --no-install-recommends jq"
expect_not_contains "the machine's own nginx is left alone" "$calls" "systemctl"
calls=$(run_setup nginx jq)
expect_contains "an nginx installed just now is stopped again" "$calls" "systemctl disable --now nginx"
calls=$(run_setup redis-server jq)
expect_contains "a redis-server installed just now is stopped again" "$calls" "systemctl disable --now redis-server"
expect_not_contains "... and the nginx it did not install is left alone" "$calls" "disable --now nginx"
calls=$(run_setup)
expect_eq "nothing missing: nothing done" "$calls" ""
# The demo's set-up installs what the build needs, not the test tools.
SETUP_MODE=build
calls=$(run_setup nginx php-cli wrk valgrind redis-server chromium libhyperscan-dev)
expect_contains "demo: the build's libraries" "$calls" "apt-get install -y -q --no-install-recommends libhyperscan-dev"
for p in nginx php-cli wrk valgrind redis-server chromium; do expect_not_contains "demo: no $p" "$calls" " $p"; done
expect_contains "the demo asks for the build set-up" "$(cat "$SOURCE_DIR/scripts/demo.sh")" "scripts/setup.sh build"

finish
