#!/usr/bin/env bash
# The detection corpus (tests/corpus/README.md): every built-in scenario
# alerts on its own file, for that file's client, and every app profile
# keeps its users' lines from being held against them.
source "$(dirname "$0")/lib/common.sh"
corpus="$SOURCE_DIR/tests/corpus"

rules=$("$DEFENDER_SCAN" rules)
# behaviour-anomaly is a model that learns the site first: one file of its
# own cannot show it (tests/e2e/behaviour.sh and bench/behaviour.sh do).
scenarios=$(awk 'NR > 1 && NF == 0 {exit} NR > 1 && $1 != "behaviour-anomaly" {print $1}' <<<"$rules")
# Everything on, so that a scenario that is off by default is tested too.
{
  echo "scenarios:"
  for s in $scenarios; do printf '  %s:\n    enabled: true\n' "$s"; done
} > "$TMP/all-on.yaml"

# One run over all the files: each has its own client, and each starts at
# the same log time, so the tolerance for lines older than the newest is
# widened to cover the longest file.
missing=() files=()
for s in $scenarios; do
  file="$corpus/scenarios/$s.log"
  if [[ -f "$file" ]]; then files+=("$file"); else missing+=("$s"); fi
done
expect_eq "every built-in scenario has a corpus file" "${missing[*]}" ""
expect_eq "no corpus file for a scenario that does not exist" "$(ls "$corpus/scenarios" | wc -l)" "$(wc -w <<<"$scenarios")"
out=$("$DEFENDER_SCAN" --config "$TMP/all-on.yaml" --late-tolerance 1h "${files[@]}")
silent=()
for s in $scenarios; do
  file="$corpus/scenarios/$s.log"
  [[ -f "$file" ]] || continue
  # The file's client: the first field, or the error log's "client: ADDR".
  client=$(head -n 1 "$file" | grep -oP '(?<=, client: )[^,]+' || head -n 1 "$file" | cut -d' ' -f1)
  grep -qF "\"rule\":{\"name\":\"$s\"},\"source\":{\"ip\":\"$client\"}" <<<"$out" || silent+=("$s")
done
expect_eq "every scenario alerts on its corpus, for the corpus's client" "${silent[*]}" ""

apps=$(awk '/^APP / {on = 1; next} /^SETTINGS/ {exit} on && /^[a-z]/ {print $1}' <<<"$rules")
missing=() unbanned=() banned=()
for app in $apps; do
  file="$corpus/apps/$app.log"
  if [[ ! -f "$file" ]]; then missing+=("$app"); continue; fi
  "$DEFENDER_SCAN" "$file" | grep -q '"action":"ban"' || unbanned+=("$app")
  printf 'apps: [%s]\n' "$app" > "$TMP/app.yaml"
  [[ -z "$("$DEFENDER_SCAN" --config "$TMP/app.yaml" "$file")" ]] || banned+=("$app")
done
expect_eq "every app profile has a corpus file" "${missing[*]}" ""
expect_eq "without its profile, each app's corpus looks like an attack" "${unbanned[*]}" ""
expect_eq "with its profile, each app's corpus raises nothing" "${banned[*]}" ""
expect_eq "apps covered" "$(wc -w <<<"$apps")" 9

finish
