#!/bin/sh
# The --on-unban companion of nft-ban.sh: nft-unban.sh IP
# Removes exactly this element; nothing to do if its timeout already did.
set -eu
ip=${1:?usage: nft-unban.sh IP}
case "$ip" in
  *:*) set=ban6; case "$ip" in *[!0-9a-fA-F:/]*) echo "nft-unban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=ban4; case "$ip" in *[!0-9./]*) echo "nft-unban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
# An element that is not there is fine; any other failure is reported (not
# `nft get` first: it fails at random while other nft commands run).
if ! out=$(nft delete element inet defender "$set" "{ $ip }" 2>&1); then
  case "$out" in *"does not exist"*|*"No such file or directory"*) exit 0 ;; esac
  printf '%s
' "$out" >&2
  exit 1
fi
