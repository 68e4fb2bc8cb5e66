#!/usr/bin/env bash
# App profiles (config.yaml `apps:`): lines that Nextcloud, Jellyfin and
# Actual Budget really write look like probing and get their users banned
# by default; with the app's profile they do not, and an attacker of the
# same site is still banned.
source "$(dirname "$0")/lib/common.sh"

line() {  # line CLIENT SECOND "METHOD TARGET" STATUS UA
  echo "$1 - alice [31/Mar/2024:01:00:$2 +0000] \"$3 HTTP/1.1\" $4 512 \"-\" \"$5\""
}
{
  # Nextcloud: the desktop client polls status.php and syncs over WebDAV;
  # the phone's contacts app asks for photos that do not exist (404).
  for s in 10 11 12; do
    line 198.51.100.21 $s "GET /status.php" 200 "Mozilla/5.0 (Linux) mirall/3.12.3 (Nextcloud)"
    line 198.51.100.21 $s "PROPFIND /remote.php/dav/files/alice/" 207 "Mozilla/5.0 (Linux) mirall/3.12.3 (Nextcloud)"
  done
  for i in $(seq 1 14); do
    line 198.51.100.22 13 "GET /remote.php/dav/addressbooks/users/alice/contacts/card-$i.vcf?photo" 404 \
      "DAVx5/4.3.13-ose (2024/03/01; dav4jvm; okhttp/4.12.0) Android/14"
    line 198.51.100.22 13 "GET /index.php/avatar/user$i/64" 404 "Nextcloud-android/3.28.0"
  done
  # Jellyfin: a TV app browsing a library whose items have no backdrops.
  for i in $(seq 1 16); do
    line 198.51.100.23 20 "GET /Items/a1b2c3d4e5f6$i/Images/Backdrop/0?maxWidth=1920" 404 "Jellyfin-Roku/2.1.4"
  done
  # Actual Budget: a new browser loads the app, then its SQL migrations.
  for m in 1548957970627_remove-db-version 1550601598648_payees 1555786194328_remove_category_group_unique \
           1561751833510_indexes 1567699552727_budget 1582384163573_cleared 1597756566448_rules 1608652596043_parent_field; do
    line 198.51.100.24 30 "GET /data/migrations/$m.sql" 200 "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"
  done
  # An attacker of the same site.
  for f in .env .git/config backup.sql id_rsa .htpasswd; do line 203.0.113.66 40 "GET /$f" 404 "x"; done
} > "$TMP/apps.log"

out=$("$DEFENDER_SCAN" --dry-run "$TMP/apps.log")
for client in 198.51.100.22 198.51.100.23 198.51.100.24; do
  expect_contains "without its profile the app's users are banned ($client)" "$out" "\"value\":\"$client\""
done

printf 'apps: [nextcloud, jellyfin, actual]\n' > "$TMP/config.yaml"
out=$("$DEFENDER_SCAN" --dry-run -c "$TMP/config.yaml" "$TMP/apps.log")
for client in 198.51.100.21 198.51.100.22 198.51.100.23 198.51.100.24; do
  expect_not_contains "with its profile no user of the app is banned ($client)" "$out" "\"value\":\"$client\""
done
expect_contains "the attacker still is" "$out" '"value":"203.0.113.66"'

printf 'apps: [nextcloud, owncloudd]\n' > "$TMP/bad.yaml"
set +e
err=$("$DEFENDER_SCAN" --dry-run -c "$TMP/bad.yaml" "$TMP/apps.log" 2>&1); s=$?
set -e
expect_eq "an unknown app: exit 2" "$s" 2
expect_contains "an unknown app: named, with the known ones" "$err" \
  "bad.yaml:1: apps: unknown application 'owncloudd' (known: nextcloud, jellyfin, jellyseerr, actual"
finish
