#!/bin/sh
# An example simulation that uses its exchange folder: it reports its start, waits for its input
# params.txt, copies it to its output result.txt, and reports its stop. It needs only sh and curl.
#
# Local only: it reads and writes LACKEY_EXCHANGE_DIR, the run's exchange folder as a folder on disk,
# which only the local cloud gives. On AWS a container has LACKEY_EXCHANGE (s3://<bucket>/exchange/<id>/)
# and would copy with an S3 client instead, e.g.
#   aws s3 cp "${LACKEY_EXCHANGE}in/params.txt" - | aws s3 cp - "${LACKEY_EXCHANGE}out/result.txt"
#
# Why it waits: a dispatched run starts as soon as it is scheduled, and its inputs are uploaded through
# the URLs the schedule's answer gives, so they may land a moment after the simulation starts.
set -u
: "${LACKEY_API:?LACKEY_API is not set: run me through lackey (see README.md here)}"
: "${LACKEY_RUN_ID:?LACKEY_RUN_ID is not set}"
: "${LACKEY_RUN_TOKEN:?LACKEY_RUN_TOKEN is not set}"
: "${LACKEY_EXCHANGE_DIR:?LACKEY_EXCHANGE_DIR is not set: the local cloud sets it (on AWS use LACKEY_EXCHANGE)}"
wait_seconds=${LACKEY_INPUT_WAIT:-60}

curl -sS -f -o /dev/null -H "Accept: application/json" -X PUT \
  --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" \
  "$LACKEY_API/api/run/start/$LACKEY_RUN_ID" || exit 1

echo "copy: run $LACKEY_RUN_ID, exchange ${LACKEY_EXCHANGE:-none}, folder $LACKEY_EXCHANGE_DIR"
input="${LACKEY_EXCHANGE_DIR}in/params.txt"
status=0
waited=0
while [ ! -s "$input" ] && [ "$waited" -lt "$((wait_seconds * 10))" ]; do
  sleep 0.1
  waited=$((waited + 1))
done
if [ -s "$input" ]; then
  sleep 0.2 # let a write that has just begun finish
  mkdir -p "${LACKEY_EXCHANGE_DIR}out" && cp "$input" "${LACKEY_EXCHANGE_DIR}out/result.txt" || status=$?
  message="copied params.txt ($(wc -c < "$input") bytes) to out/result.txt"
else
  status=2
  message="params.txt did not arrive within $wait_seconds s"
fi

curl -sS -f -o /dev/null -H "Accept: application/json" -X PUT \
  --data-urlencode "token=$LACKEY_RUN_TOKEN" -d "ts=$(date +%s)" -d "exit=$status" \
  --data-urlencode "log=$message" \
  "$LACKEY_API/api/run/stop/$LACKEY_RUN_ID"
