#!/bin/sh
# A long example simulation for lackey, one to cancel: it reports its start (with its ECS task ARN when
# it runs as an ECS task), sends a heartbeat every 2 seconds for up to 5 minutes, then reports its stop.
# It stops early, without a stop call, when a heartbeat is refused because the run is no longer live
# (cancelled, or declared lost), and at once on SIGTERM, which is how ECS StopTask (and the local cloud's)
# stops it. It needs only sh, curl and sed. Params: {"seconds": N} shortens or lengthens the run (max 300).
set -u
: "${LACKEY_API:?LACKEY_API is not set: run me through lackey (see README.md here)}"
: "${LACKEY_RUN_ID:?LACKEY_RUN_ID is not set}"
: "${LACKEY_RUN_TOKEN:?LACKEY_RUN_TOKEN is not set}"

seconds=$(printf '%s' "${LACKEY_PARAMS:-}" | sed -n 's/.*"seconds" *: *\([0-9][0-9]*\).*/\1/p')
seconds=${seconds:-300}
[ "$seconds" -gt 300 ] && seconds=300
[ "$seconds" -lt 2 ] && seconds=2

# The task's metadata endpoint names this task; the start call passes its ARN on, so that cancelling
# the run can stop the task.
task=""
if [ -n "${ECS_CONTAINER_METADATA_URI_V4:-}" ]; then
  task=$(curl -sS -f "$ECS_CONTAINER_METADATA_URI_V4/task" | sed -n 's/.*"TaskARN" *: *"\([^"]*\)".*/\1/p')
fi
if [ -n "$task" ]; then set -- --data-urlencode "task=$task"; else set --; fi

echo "sleepy: run $LACKEY_RUN_ID, process $$, task ${task:-none}, $seconds s"
curl -sS -f -o /dev/null -H "Accept: application/json" -X PUT \
  --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" "$@" \
  "$LACKEY_API/api/run/start/$LACKEY_RUN_ID" || exit 1

elapsed=0
sleeper=""
# `sleep & wait` rather than a plain sleep: the shell runs a trap only once its foreground child is done.
trap 'echo "sleepy: SIGTERM after $elapsed s, stopping"; [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null; exit 143' TERM
while [ "$elapsed" -lt "$seconds" ]; do
  sleep 2 &
  sleeper=$!
  wait "$sleeper"
  sleeper=""
  elapsed=$((elapsed + 2))
  progress=$((elapsed * 100 / seconds))
  [ "$progress" -gt 100 ] && progress=100
  code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Accept: application/json" -X PUT \
    --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" -d "progress=$progress" \
    "$LACKEY_API/api/run/heartbeat/$LACKEY_RUN_ID")
  case "$code" in
    2??) ;;
    403|409) echo "sleepy: heartbeat refused ($code): the run is no longer live, stopping"; exit 0 ;;
    *) echo "sleepy: heartbeat answered $code; going on" ;;
  esac
done

echo "sleepy: done after $elapsed s"
curl -sS -f -o /dev/null -H "Accept: application/json" -X PUT \
  --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" -d "exit=0" \
  --data-urlencode "log=sleepy: slept $elapsed s in 2 s steps, a heartbeat after each" \
  "$LACKEY_API/api/run/stop/$LACKEY_RUN_ID"
