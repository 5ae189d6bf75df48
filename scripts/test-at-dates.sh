#!/usr/bin/env bash
# Runs the date-sensitive tests at hard calendar dates and hours with libfaketime (Debian's
# `faketime`), so a test that only passes on today's date, month length, hour or time zone fails
# here instead of on 31 January. Every workspace's unit tier runs at each date, plus the
# integration files whose behaviour depends on the calendar (certificate validity and expiry,
# attributes with dates, schedules, digests). The clock starts at each date and keeps ticking.
#
# Usage: scripts/test-at-dates.sh [--more | 'YYYY-MM-DD HH:MM:SS|Time/Zone' ...]   (default: the dates below)
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null 2>&1; then
  echo "test-at-dates: the faketime command is missing (apt-get install -y faketime)" >&2
  exit 2
fi

# Each entry: "<date and time>|<time zone>". Local zones far from UTC make a test that mixes
# local and UTC calendar fields fail too.
default_dates=(
  '2027-01-31 23:59:40|Pacific/Kiritimati' # 31-day month end, last minute of the day (UTC+14)
  '2028-02-29 23:59:40|America/St_Johns'   # leap day, last minute (UTC-3:30)
  '2027-03-31 23:59:40|Asia/Kolkata'       # March after a 28-day February: "one month back" does not exist (UTC+5:30)
  '2026-12-31 23:59:40|Pacific/Pago_Pago'  # year end (UTC-11: local time is still the 31st)
)
# More hard dates for a longer local run: scripts/test-at-dates.sh --more
more_dates=(
  '2027-02-28 23:59:40|UTC'                # last day of a 28-day February
  '2027-06-30 23:59:40|UTC'                # 30-day month end
)
if [ "${1:-}" = --more ]; then
  dates=("${default_dates[@]}" "${more_dates[@]}")
elif [ "$#" -gt 0 ]; then
  dates=("$@")
else
  dates=("${default_dates[@]}")
fi

unit_workspaces=(libs/* services/* test/*)
# "<workspace>|<TEST_FILES regular expression>": the integration files that touch the calendar.
int_files=(
  'libs/keyvault-emulator|certificates|eventgrid/event-grid|secrets/secrets'
  'libs/keyvault|certificates/|azure-secret-store\.int'
  'services/certificate-converter|app\.int|cert-manager-push'
  'services/notifier|app\.int'
  'libs/core|.'
)

run_at() { # <when> <zone> <workspace> <tier> [files regex]
  local when=$1 zone=$2 ws=$3 tier=$4 files=${5:-} log
  [ -d "$ws/src" ] || return 0
  log=$(mktemp)
  if (cd "$ws" && TZ="$zone" TEST_TIER="$tier" TEST_FILES="$files" FAKETIME_DONT_FAKE_MONOTONIC=1 \
        faketime "$when" node ../../scripts/run-tests.mjs >"$log" 2>&1); then
    echo "   ok    $ws ($tier)"
  else
    echo "   FAIL  $ws ($tier) at $when $zone"
    grep -E '✖|Error|expected|actual' "$log" | head -n 40 | sed 's/^/      /'
  fi
  rm -f "$log"
}

check_date() { # <"date|zone">
  local when=${1%%|*} zone=UTC
  [[ "$1" == *"|"* ]] && zone=${1#*|}
  echo "== tests at $when ($zone)"
  for ws in "${unit_workspaces[@]}"; do run_at "$when" "$zone" "$ws" unit; done
  for spec in "${int_files[@]}"; do run_at "$when" "$zone" "${spec%%|*}" int "${spec#*|}"; done
}

# Dates run in parallel lanes (default 2, one per core: most of a run is process start-up and
# TypeScript loading); each date's report is printed whole, in order, when all are done.
lanes=${DATE_CHECK_LANES:-2}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
count=0
for entry in "${dates[@]}"; do
  check_date "$entry" >"$logs/$count.log" 2>&1 &
  count=$((count + 1))
  while [ "$(jobs -rp | wc -l)" -ge "$lanes" ]; do wait -n || true; done
done
wait
for ((i = 0; i < count; i++)); do cat "$logs/$i.log"; done

failures=$(cat "$logs"/*.log | grep -c '^   FAIL' || true)
if [ "$failures" -gt 0 ]; then
  echo "test-at-dates: $failures run(s) failed:"
  cat "$logs"/*.log | grep '^   FAIL' | sed 's/^   FAIL  /  /'
  exit 1
fi
echo "test-at-dates: all date-sensitive tests passed at ${#dates[@]} dates"
