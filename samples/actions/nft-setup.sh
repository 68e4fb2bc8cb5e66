#!/bin/sh
# Creates, once, the nftables table and sets that nft-ban.sh fills: run it at
# boot or before defender-scan starts (ExecStartPre=). Idempotent.
#   defender-scan --on-ban '/etc/defender-scan/actions/nft-ban.sh {ip} {duration}' \
#                 --on-unban '/etc/defender-scan/actions/nft-unban.sh {ip}'
set -eu
nft -f - <<'NFT'
table inet defender {
  set ban4 { type ipv4_addr; flags interval, timeout; }
  set ban6 { type ipv6_addr; flags interval, timeout; }
  chain input {
    type filter hook input priority -10;
  }
}
flush chain inet defender input
table inet defender {
  chain input {
    ip saddr @ban4 drop
    ip6 saddr @ban6 drop
  }
}
NFT
