#!/bin/sh
# An example simulation for lackey: it reports its start, does a little work, and reports its stop
# with its log and exit code. It needs only sh and curl. The local cloud (and the ECS task in AWS)
# hands it LACKEY_API, LACKEY_RUN_ID and LACKEY_RUN_TOKEN (and LACKEY_PARAMS, the run's params as JSON).
set -u
: "${LACKEY_API:?LACKEY_API is not set: run me through lackey (see README.md here)}"
: "${LACKEY_RUN_ID:?LACKEY_RUN_ID is not set}"
: "${LACKEY_RUN_TOKEN:?LACKEY_RUN_TOKEN is not set}"

log=$(mktemp "${TMPDIR:-/tmp}/lackey-hello.XXXXXX")
trap 'rm -f "$log"' EXIT

# In ECS (and in the local cloud) the task's metadata endpoint names this task; the start call passes its
# ARN on, so that cancelling the run can stop the task. Outside ECS there is no task, and no task field.
task=""
if [ -n "${ECS_CONTAINER_METADATA_URI_V4:-}" ]; then
  task=$(curl -sS -f "$ECS_CONTAINER_METADATA_URI_V4/task" | sed -n 's/.*"TaskARN" *: *"\([^"]*\)".*/\1/p')
fi
if [ -n "$task" ]; then set -- --data-urlencode "task=$task"; else set --; fi

curl -sS -f -o /dev/null -H "Accept: application/json" -X PUT \
  --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" "$@" \
  "$LACKEY_API/api/run/start/$LACKEY_RUN_ID" || exit 1

# The "simulation": a few lines of output, standing in for real work.
status=0
{
  echo "hello from run $LACKEY_RUN_ID"
  echo "task: ${task:-none}"
  echo "params: ${LACKEY_PARAMS:-{\}}"
  for step in 1 2 3; do
    echo "step $step of 3"
  done
  echo "done"
} > "$log" 2>&1 || status=$?

curl -sS -f -o /dev/null -H "Accept: application/json" -X PUT \
  --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" -d "exit=$status" \
  --data-urlencode "log@$log" \
  "$LACKEY_API/api/run/stop/$LACKEY_RUN_ID"
