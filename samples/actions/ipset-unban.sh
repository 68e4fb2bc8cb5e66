#!/bin/sh
# The --on-unban companion of ipset-ban.sh: ipset-unban.sh IP
# Removes exactly this entry; nothing to do if its timeout already did.
set -eu
ip=${1:?usage: ipset-unban.sh IP}
case "$ip" in
  *:*) set=defender6; case "$ip" in *[!0-9a-fA-F:/]*) echo "ipset-unban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=defender4; case "$ip" in *[!0-9./]*) echo "ipset-unban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
ipset del "$set" "$ip" -exist
