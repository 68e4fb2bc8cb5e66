#!/bin/sh
# The --on-unban companion of nft-ban.sh: nft-unban.sh IP
# Removes exactly this element; nothing to do if its timeout already did.
set -eu
ip=${1:?usage: nft-unban.sh IP}
case "$ip" in
  *:*) set=ban6; case "$ip" in *[!0-9a-fA-F:/]*) echo "nft-unban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=ban4; case "$ip" in *[!0-9./]*) echo "nft-unban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
if nft get element inet defender "$set" "{ $ip }" >/dev/null 2>&1; then
  nft delete element inet defender "$set" "{ $ip }"
fi
