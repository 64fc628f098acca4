#!/bin/sh
# lackey-wrap.sh: runs any command as a lackey run and reports on it, with nothing but sh, curl and the utilities
# every image has (sed, grep, tr, wc, mkfifo, tee, mktemp, date, sleep). What `lackey wrap` does, without Java:
#
#   sh lackey-wrap.sh [--name NAME] [-p KEY=VALUE]... [-t TAG]... [--heartbeat 30s] [--outputs DIR]
#                     [--report-timeout 5m] [--kill-after 10s] -- COMMAND [ARG]...
#
# In a container lackey dispatched, LACKEY_RUN_ID and LACKEY_RUN_TOKEN name the run; anywhere else it schedules a
# tracked run at LACKEY_API first. It reports the start (with the ECS task ARN when it runs as an ECS task), sends
# heartbeats while the command runs, tees the command's stdout and stderr to the terminal and, byte for byte, to
# the run's log, uploads the files of the outputs folder (LACKEY_OUTPUTS for the command), stops the run with the
# command's exit status, and exits with it. Every report goes out in the background, so the command never waits
# for the API; each is resent unchanged (curl --retry) while the API cannot be reached, and once the command has
# ended for at most --report-timeout. A cancelled run stops the command. docs/wrap.md tells the whole story.
#
# template.yaml holds a byte-identical copy (LACKEY_WRAP in the simulation's task definition): a run scheduled with
# "wrap": true runs `sh -c 'eval "$LACKEY_WRAP"' lackey-wrap -- sh -c COMMAND`. TemplateTest checks the copy.

set -u
lw_me=lackey-wrap
lw_nl='
'

lw_say() {
  printf '%s: %s\n' "$lw_me" "$*" >&2
}

lw_usage() {
  printf '%s\n' "usage: sh lackey-wrap.sh [options] -- COMMAND [ARG]..." \
    "  -n, --name NAME          the run's name when it is scheduled here (default: the command's file name)" \
    "  -p, --param KEY=VALUE    a param of the scheduled run (repeatable; numbers and true/false are typed)" \
    "  -t, --tag TAG            a tag of the scheduled run (repeatable)" \
    "      --heartbeat TIME     how often to send a heartbeat while the command runs (default 30s; 0 for none)" \
    "      --outputs DIR        upload the files directly in DIR as outputs (default: LACKEY_OUTPUTS, else a new folder)" \
    "      --report-timeout TIME  how long reports may still take once the command has ended (default 5m)" \
    "      --kill-after TIME    when the run is cancelled: SIGTERM, then SIGKILL after TIME (default 10s)" \
    "Environment: LACKEY_API (default http://127.0.0.1:8000); LACKEY_RUN_ID and LACKEY_RUN_TOKEN (a dispatched" \
    "run); AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION and LACKEY_SIGN to sign the" \
    "schedule (an operator call) for a deployed stack. Exits with the command's exit status."
}

lw_usage_error() {
  lw_say "$1"
  lw_usage >&2
  exit 2
}

# lw_seconds OPTION TIME: TIME (30, 30s, 5m, 2h) in whole seconds, into lw_secs.
lw_seconds() {
  lw_secs=${2%[smh]}
  case $lw_secs in '' | *[!0-9]*) lw_usage_error "$1 takes a time such as 30s, 5m or 2h, not '$2'" ;; esac
  case $2 in
    *m) lw_secs=$((lw_secs * 60)) ;;
    *h) lw_secs=$((lw_secs * 3600)) ;;
  esac
}

lw_json_text() {
  printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'
}

# A param's value as JSON: numbers and true/false as themselves, anything else as a string (as `lackey` types them).
lw_json_value() {
  case $1 in
    true | false) printf '%s' "$1"; return ;;
    *"$lw_nl"*) ;;
    *) if printf '%s\n' "$1" | grep -Eqx -- '-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?'; then
         printf '%s' "$1"; return
       fi ;;
  esac
  printf '"%s"' "$(lw_json_text "$1")"
}

# ---------------------------------------------------------------- options

lw_name='' lw_params='' lw_tags='' lw_beat=30 lw_outputs=${LACKEY_OUTPUTS:-} lw_bound=300 lw_kill_after=10
while [ $# -gt 0 ]; do
  case $1 in
    --*=*) lw_opt=${1%%=*} lw_val=${1#*=} lw_given=1 ;;
    *) lw_opt=$1 lw_val='' lw_given='' ;;
  esac
  shift
  case $lw_opt in
    -n | --name | -p | --param | -t | --tag | --heartbeat | --outputs | --report-timeout | --kill-after)
      if [ -z "$lw_given" ]; then
        [ $# -gt 0 ] || lw_usage_error "$lw_opt needs a value"
        lw_val=$1
        shift
      fi ;;
  esac
  case $lw_opt in
    --) break ;;
    -h | --help) lw_usage; exit 0 ;;
    -n | --name) lw_name=$lw_val ;;
    -p | --param)
      case $lw_val in [!=]*=*) ;; *) lw_usage_error "--param takes KEY=VALUE, not '$lw_val'" ;; esac
      lw_params="${lw_params:+$lw_params,}\"$(lw_json_text "${lw_val%%=*}")\":$(lw_json_value "${lw_val#*=}")" ;;
    -t | --tag) lw_tags="$lw_tags$lw_val$lw_nl" ;;
    --heartbeat) lw_seconds "$lw_opt" "$lw_val"; lw_beat=$lw_secs ;;
    --outputs) lw_outputs=$lw_val ;;
    --report-timeout) lw_seconds "$lw_opt" "$lw_val"; lw_bound=$lw_secs ;;
    --kill-after) lw_seconds "$lw_opt" "$lw_val"; lw_kill_after=$lw_secs ;;
    -?*) lw_usage_error "unknown option $lw_opt" ;;
    *) set -- "$lw_opt" "$@"; break ;;
  esac
done
[ $# -gt 0 ] || lw_usage_error "no command to run: give it after --"

lw_api=${LACKEY_API:-http://127.0.0.1:8000}
lw_api=${lw_api%/}
lw_work=$(mktemp -d "${TMPDIR:-/tmp}/lackey-wrap.XXXXXX") || {
  lw_say "cannot create a work folder in ${TMPDIR:-/tmp}: the command runs unreported"
  exec "$@"
}
trap 'rm -rf "$lw_work"' EXIT
printf '%s' "$lw_tags" > "$lw_work/tags"
lw_log=$lw_work/log
lw_token=$lw_work/token # the token goes to curl in a file, never on a command line (ps shows those)
: > "$lw_log"
if [ -z "$lw_outputs" ]; then
  lw_outputs=$lw_work/outputs
fi
mkdir -p "$lw_outputs" || exit 2
lw_outputs=$(cd "$lw_outputs" && pwd) || exit 2

# ---------------------------------------------------------------- calls

lw_child='' lw_trapped='' lw_abandon='' lw_ended='' lw_cmd='' lw_reporter=''

# lw_wait PID: waits for PID, again when a trapped signal interrupted the wait; its exit status into lw_rc.
lw_wait() {
  wait "$1" 2>/dev/null # (dash would say "Terminated" of a child that a signal ended)
  lw_rc=$?
  while [ "$lw_rc" -gt 128 ] && [ -n "$lw_trapped" ]; do
    lw_trapped=''
    wait "$1" 2>/dev/null
    lw_rc=$?
  done
}

lw_kill_child() {
  [ -z "$lw_child" ] || kill -TERM "$lw_child" 2>/dev/null
}

# The helpers (background subshells: schedule and start, heartbeats, timers) are stopped with SIGTERM, but dash and
# busybox drop a signal that reaches a new subshell before it has set its own trap. So a helper says when it is ready
# for one, and looks for a stop asked before that.
# lw_ready NAME: a helper's first words.
lw_ready() {
  trap 'lw_kill_child; exit 0' TERM
  : > "$lw_work/$1.ready"
  [ ! -f "$lw_work/$1.stop" ] || exit 0
}

# lw_end NAME PID: stops a helper, and waits for it when it is this shell's child.
lw_end() {
  : > "$lw_work/$1.stop"
  [ ! -f "$lw_work/$1.ready" ] || kill -TERM "$2" 2>/dev/null
  lw_wait "$2"
}

# lw_sleep SECONDS: a sleep that a SIGTERM to the helper ends at once.
lw_sleep() {
  sleep "$1" > /dev/null 2>&1 &
  lw_child=$!
  lw_wait "$lw_child"
  lw_child=''
}

# lw_time_left: seconds left for reports into lw_left: an hour at a time while the command runs, then what is left
# of --report-timeout.
lw_time_left() {
  if [ -s "$lw_work/deadline" ]; then
    read -r lw_deadline < "$lw_work/deadline"
    lw_left=$((lw_deadline - $(date +%s)))
  else
    lw_left=3600
  fi
}

# lw_field NAME FILE: the string value of "NAME" in an answer of the API (one line of JSON).
lw_field() {
  sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2" 2>/dev/null
}

# lw_curl PREFIX [curl arguments]: one curl, in the background so that a signal can stop it at once. The HTTP
# status goes into lw_code (000 when there was no answer), the answer into PREFIX.body, curl's complaint into
# PREFIX.err. lw_format may add to what curl writes out after the status.
lw_format=
lw_curl() {
  lw_p=$1
  shift
  curl -sS -o "$lw_p.body" -w "%{http_code}$lw_format" -H 'Accept: application/json' --connect-timeout 10 "$@" \
    > "$lw_p.code" 2> "$lw_p.err" < /dev/null &
  lw_child=$!
  lw_wait "$lw_child"
  lw_child=
  lw_code=''
  read -r lw_code 2>/dev/null < "$lw_p.code" || : # curl writes no newline after it
  [ -n "$lw_code" ] || lw_code=000
}

# lw_problem: what went wrong with the last call, in a few words.
lw_problem() {
  case ${lw_code%% *} in
    000) sed -n 's/^curl: ([0-9]*) //p' "$lw_p.err" | head -n 1 ;;
    *) printf 'HTTP %s: %s\n' "${lw_code%% *}" "$(lw_field message "$lw_p.body")" ;;
  esac
}

# lw_retrying WHAT: says once per call that WHAT did not land yet, and why.
lw_retrying() {
  lw_problem > "$lw_work/problem"
  [ -z "$lw_struggled" ] || return 0
  lw_struggled=1
  if [ -z "$lw_ended" ]; then
    lw_say "cannot $1 yet ($(cat "$lw_work/problem")); retrying in the background, the command goes on"
  else
    lw_say "cannot $1 yet ($(cat "$lw_work/problem")); retrying for up to $lw_left s"
  fi
}

# lw_call PREFIX WHAT METHOD PATH-OR-URL [curl arguments]: a call that is safe to repeat, sent until it is answered
# with anything but 408, 429 or 5xx (curl --retry backs off from 1 s, doubling) or the time for reports is up
# (then it returns 1). Every attempt is the very same request: its fields were computed once, before the first.
lw_call() {
  lw_prefix=$1 lw_what=$2 lw_method=$3 lw_url=$4
  shift 4
  lw_upload=
  case $lw_url in /*) lw_url=$lw_api$lw_url ;; *) lw_upload=1 ;; esac
  # the URL goes to curl in a config file: an upload link is a secret for as long as it lives
  printf 'url = "%s"\n' "$lw_url" > "$lw_prefix.url"
  lw_struggled=
  while :; do
    lw_time_left
    [ "$lw_left" -gt 0 ] && [ -z "$lw_abandon" ] || return 1
    lw_max=$lw_left
    [ "$lw_max" -le 60 ] || lw_max=60
    # an upload of a large file may take all the time there is; an API call takes a few seconds at most
    lw_curl "$lw_prefix" -X "$lw_method" --retry 8 --retry-connrefused --retry-max-time "$lw_max" \
      --max-time "$([ -n "$lw_upload" ] && echo "$lw_left" || echo "$lw_max")" -K "$lw_prefix.url" "$@"
    case $lw_code in
      000 | 408 | 429 | 5??) lw_retrying "$lw_what" ;;
      *) [ -z "$lw_struggled" ] || lw_say "reached the API again"
         return 0 ;;
    esac
  done
}

# lw_signing: the curl config that signs an operator call with SigV4, into lw_work/sigv4, when LACKEY_SIGN
# (always, never, auto) says to sign: auto signs for an API that is not on this machine when AWS credentials are
# in the environment (the simulation's own calls carry the run's token and are never signed).
lw_signing() {
  lw_sign=${LACKEY_SIGN:-auto}
  if [ "$lw_sign" = auto ]; then
    case $lw_api in
      http://127.0.0.1 | http://127.0.0.1[:/]* | http://localhost | http://localhost[:/]* | http://\[::1\]*) lw_sign=never ;;
      *) if [ -n "${AWS_ACCESS_KEY_ID:-}" ]; then lw_sign=always; else lw_sign=never; fi ;;
    esac
  fi
  [ "$lw_sign" = always ] || return 0
  lw_region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
  [ -n "$lw_region" ] || lw_region=$(printf '%s\n' "$lw_api" | sed -n 's|^https://[^/.]*\.execute-api\.\([^./]*\)\..*|\1|p')
  if [ -z "${AWS_ACCESS_KEY_ID:-}" ] || [ -z "${AWS_SECRET_ACCESS_KEY:-}" ] || [ -z "$lw_region" ]; then
    lw_say "cannot sign the schedule: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) and AWS_REGION"
    return 0
  fi
  # in a config file, so that the keys are not on curl's command line either
  printf 'aws-sigv4 = "aws:amz:%s:execute-api"\nuser = "%s:%s"\n' "$lw_region" "$AWS_ACCESS_KEY_ID" \
    "$AWS_SECRET_ACCESS_KEY" > "$lw_work/sigv4"
  [ -z "${AWS_SESSION_TOKEN:-}" ] || printf 'header = "x-amz-security-token: %s"\n' "$AWS_SESSION_TOKEN" >> "$lw_work/sigv4"
}

# ---------------------------------------------------------------- the run is over for the command

# lw_over_for_command WHY: the run was cancelled (or its token replaced) while the command runs: the helper that
# heard it tells the main shell (SIGUSR1), which stops the command.
lw_main=$$
lw_over_for_command() {
  [ ! -f "$lw_work/cancelled" ] || return 0
  printf '%s\n' "$1" > "$lw_work/cancelled"
  kill -USR1 "$lw_main"
}

# lw_refused WHAT: the API refused a report while the command runs. A 409 that says the run is CANCELLED (the API
# names the state in its message only), or a 403 wrong_token (the run was dispatched again with a new token), ends
# the run for this command.
lw_refused() {
  lw_msg=$(lw_field message "$lw_p.body")
  case $lw_code:$(lw_field error "$lw_p.body"):$lw_msg in
    403:wrong_token:*) lw_over_for_command "the API refused to $1 with the run's token ($lw_msg, HTTP 403)" ;;
    409:*:*" is CANCELLED"*) lw_over_for_command "run $lw_id was cancelled" ;;
    *) lw_say "the API refused to $1: $lw_msg (HTTP $lw_code)" ;;
  esac
}

# ---------------------------------------------------------------- schedule and start, in the background

lw_started_at=$(date +%s)
lw_id=
if [ -n "${LACKEY_RUN_ID:-}" ] && [ -n "${LACKEY_RUN_TOKEN:-}" ]; then
  printf '%s' "$LACKEY_RUN_TOKEN" > "$lw_token"
  printf '%s\n' "$LACKEY_RUN_ID" > "$lw_work/id"
fi

# A tracked run for the command. POST /api/run is not safe to repeat (each call schedules a run), so it is sent again
# only when it surely did not reach the API: no connection (curl never began to send it) or 429 (throttled at the
# door), after 1 s, doubling up to 16 s.
lw_schedule() {
  lw_signing
  set -- --data-urlencode "name=${lw_name:-${lw_command##*/}}" --data-urlencode "params={$lw_params}"
  while IFS= read -r lw_tag; do
    set -- "$@" --data-urlencode "tags=$lw_tag"
  done < "$lw_work/tags"
  [ ! -f "$lw_work/sigv4" ] || set -- "$@" -K "$lw_work/sigv4"
  lw_delay=1
  lw_struggled=
  lw_format=' %{time_pretransfer}'
  while :; do
    lw_curl "$lw_work/schedule" -X POST --max-time 60 "$@" "$lw_api/api/run"
    case $lw_code in
      201\ *)
        lw_id=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$lw_p.body")
        lw_field token "$lw_p.body" | tr -d '\n' > "$lw_token"
        printf '%s\n' "$lw_id" > "$lw_work/id"
        [ -z "$lw_struggled" ] || lw_say "reached the API again"
        lw_say "tracking the command as run $lw_id at $lw_api"
        return 0 ;;
      '000 0' | '000 0.000000' | 429\ *) lw_retrying "schedule the run" ;;
      000\ *)
        lw_say "could not schedule the run: it may have reached the API, whose answer did not come back ($(lw_problem));" \
          "it is not sent again, so as not to schedule two runs"
        printf 'schedule the run\n' >> "$lw_work/refused"
        return 1 ;;
      *)
        lw_say "the API refused to schedule the run: $(lw_field message "$lw_p.body") (HTTP ${lw_code%% *})"
        printf 'schedule the run\n' >> "$lw_work/refused"
        return 1 ;;
    esac
    lw_time_left
    [ "$lw_left" -gt 0 ] && [ -z "$lw_abandon" ] || return 1
    [ "$lw_delay" -le "$lw_left" ] || lw_delay=$lw_left
    lw_sleep "$lw_delay"
    [ "$lw_delay" -ge 16 ] || lw_delay=$((lw_delay * 2))
  done
}

lw_report_start() {
  lw_ready reporter
  if [ ! -s "$lw_work/id" ]; then
    lw_schedule || exit 0
    lw_format=
  fi
  read -r lw_id < "$lw_work/id"
  # In ECS (and in the local cloud) the task metadata endpoint names this task: the start passes its ARN on, so that
  # a cancel stops the task, and a second task started for the same run is refused.
  lw_task=
  if [ -n "${ECS_CONTAINER_METADATA_URI_V4:-}" ]; then
    lw_task=$(curl -sS --max-time 10 --retry 3 "$ECS_CONTAINER_METADATA_URI_V4/task" < /dev/null \
      | sed -n 's/.*"TaskARN" *: *"\([^"]*\)".*/\1/p')
  fi
  if [ -n "$lw_task" ]; then set -- --data-urlencode "task=$lw_task"; else set --; fi
  lw_call "$lw_work/start" "report the start" PUT "/api/run/start/$lw_id" \
    --data-urlencode "token@$lw_token" -d "ts=$lw_started_at" "$@" || exit 0
  case $lw_code in
    2??) : > "$lw_work/started" ;;
    *) printf 'report the start\n' >> "$lw_work/refused"
       lw_refused "report the start" ;;
  esac
}

# ---------------------------------------------------------------- heartbeats, in the background

lw_heartbeats() {
  lw_ready beater
  lw_missed=''
  while :; do
    lw_sleep "$lw_beat"
    [ ! -f "$lw_work/cancelled" ] || exit 0
    [ -f "$lw_work/started" ] || continue
    read -r lw_id < "$lw_work/id"
    # a heartbeat that cannot go out is replaced by the next one, never queued
    lw_curl "$lw_work/heartbeat" -X PUT --retry 2 --retry-connrefused --retry-max-time "$lw_beat" \
      --max-time "$lw_beat" --data-urlencode "token@$lw_token" -d "ts=$(date +%s)" "$lw_api/api/run/heartbeat/$lw_id"
    case $lw_code in
      2??) [ -z "$lw_missed" ] || lw_say "reached the API again"
           lw_missed= ;;
      # a refused heartbeat ends them: the run was cancelled (the command is stopped), or it is over for the API
      # (LOST, whose late stop is still taken)
      403 | 409) lw_refused "send a heartbeat"; exit 0 ;;
      *) [ -n "$lw_missed" ] || lw_say "cannot send a heartbeat ($(lw_problem)); the next one tries again"
         lw_missed=1 ;;
    esac
  done
}

# ---------------------------------------------------------------- the command

lw_command=$1
if ! mkfifo "$lw_work/stdout" "$lw_work/stderr"; then
  lw_say "cannot make pipes for the command's output in $lw_work: the command runs unreported"
  rm -rf "$lw_work"
  exec "$@"
fi
tee -a "$lw_log" < "$lw_work/stdout" &
lw_tee_out=$!
tee -a "$lw_log" < "$lw_work/stderr" >&2 &
lw_tee_err=$!

# A shell without job control starts a background command with SIGINT ignored (POSIX asks it of every shell), so
# SIGINT could not be passed on to it. GNU env (coreutils 8.31 and later) or bash can give the command SIGINT back;
# where neither can (busybox), SIGINT is passed on as SIGTERM.
lw_int='term'
if env --default-signal=INT,QUIT true > /dev/null 2>&1; then
  lw_int='env'
elif [ -n "${BASH_VERSION:-}" ]; then
  lw_int='trap'
fi
# At a terminal Ctrl-C reaches the command from the terminal itself, which signals its whole process group.
lw_terminal=
[ "$lw_int" = term ] || [ ! -t 0 ] || lw_terminal=1

exec 3<&0
(
  trap - INT QUIT
  LACKEY_OUTPUTS=$lw_outputs
  export LACKEY_OUTPUTS
  [ "$lw_int" != env ] || exec env --default-signal=INT,QUIT "$@"
  exec "$@"
) <&3 > "$lw_work/stdout" 2> "$lw_work/stderr" 3<&- &
lw_cmd=$!
exec 3<&-

lw_signal='' lw_passed_as=''
lw_on_signal() {
  lw_trapped=1
  if [ -n "$lw_ended" ]; then
    # the command has ended: a signal now stops the wait for the reports
    lw_abandon=1
    : > "$lw_work/reporter.stop"
    [ -z "$lw_reporter" ] || [ ! -f "$lw_work/reporter.ready" ] || kill -TERM "$lw_reporter" 2>/dev/null
    lw_kill_child
    return
  fi
  [ -n "$lw_signal" ] || lw_signal=$1
  if [ "$1" = INT ] && [ -n "$lw_terminal" ]; then
    return
  fi
  if [ "$1" = INT ] && [ "$lw_int" = term ]; then
    lw_passed_as=" as SIGTERM (it ignores SIGINT: this shell started it without job control)"
    kill -TERM "$lw_cmd" 2>/dev/null
  else
    kill -"$1" "$lw_cmd" 2>/dev/null
  fi
}
trap 'lw_on_signal INT' INT
trap 'lw_on_signal TERM' TERM

# lw_family PID: PID and its descendants, into lw_members (Linux's /proc tells who is whose child; elsewhere it is
# PID alone). A shell command's children outlive it when it dies first, so the family is listed before any signal.
lw_family() {
  lw_pairs=''
  for lw_stat in /proc/[0-9]*/stat; do
    { read -r lw_line < "$lw_stat"; } 2>/dev/null || continue
    lw_pid=${lw_stat#/proc/}
    lw_ppid=${lw_line##*) } # "S PPID ...": the name in parentheses may hold anything
    lw_ppid=${lw_ppid#* }
    lw_pairs="$lw_pairs${lw_pid%/stat} ${lw_ppid%% *}$lw_nl"
  done
  lw_members=" $1 "
  lw_grew=1
  while [ -n "$lw_grew" ]; do
    lw_grew=''
    while read -r lw_pid lw_ppid; do
      case $lw_members in
        *" $lw_pid "*) ;;
        *" $lw_ppid "*) lw_members="$lw_members$lw_pid "
                        lw_grew=1 ;;
      esac
    done << LW_PAIRS
$lw_pairs
LW_PAIRS
  done
}

# The run was cancelled (a helper heard it): SIGTERM to the command and its family, SIGKILL --kill-after later.
lw_killer='' lw_cancelling=''
lw_on_cancel() {
  lw_trapped=1
  [ -z "$lw_ended" ] && [ -z "$lw_cancelling" ] && [ -f "$lw_work/cancelled" ] || return 0
  lw_cancelling=1
  lw_say "$(cat "$lw_work/cancelled"): stopping the command (SIGTERM, then SIGKILL after $lw_kill_after s)"
  lw_family "$lw_cmd"
  # shellcheck disable=SC2086 # one pid a word
  kill -TERM $lw_members 2>/dev/null
  (
    lw_ready killer
    lw_sleep "$lw_kill_after"
    # shellcheck disable=SC2086
    kill -KILL $lw_members 2>/dev/null
  ) < /dev/null > /dev/null 2>&1 &
  lw_killer=$!
}
trap 'lw_on_cancel' USR1

lw_report_start < /dev/null > /dev/null &
lw_reporter=$!
lw_beater=
if [ "$lw_beat" -gt 0 ]; then
  lw_heartbeats < /dev/null > /dev/null &
  lw_beater=$!
fi

lw_wait "$lw_cmd"
lw_status=$lw_rc
lw_stopped_at=$(date +%s)
lw_ended=1
printf '%s\n' $((lw_stopped_at + lw_bound)) > "$lw_work/deadline"
[ -z "$lw_beater" ] || lw_end beater "$lw_beater"
if [ -n "$lw_killer" ]; then
  # the command has ended, but its family may not have: they get what is left of --kill-after
  lw_alive=''
  for lw_pid in $lw_members; do
    if [ "$lw_pid" = "$lw_cmd" ] || ! kill -0 "$lw_pid" 2>/dev/null; then continue; fi
    # a dead orphan that nobody has reaped yet is still there for kill -0
    lw_line=''
    { read -r lw_line < "/proc/$lw_pid/stat"; } 2>/dev/null
    case ${lw_line##*) } in Z*) ;; *) lw_alive=1 ;; esac
  done
  if [ -n "$lw_alive" ]; then lw_wait "$lw_killer"; else lw_end killer "$lw_killer"; fi
fi

# lw_wait_bounded NAME SECONDS PID...: waits for the PIDs, and stops them (SIGTERM) once SECONDS have passed.
lw_wait_bounded() {
  lw_timer=$1 lw_secs=$2
  shift 2
  (
    lw_ready "$lw_timer"
    lw_sleep "$lw_secs"
    kill -TERM "$@" 2>/dev/null
  ) < /dev/null > /dev/null 2>&1 &
  lw_dog=$!
  for lw_pid do
    lw_wait "$lw_pid"
  done
  lw_end "$lw_timer" "$lw_dog"
}

# A background process the command left behind may hold its output open: wait for the rest briefly.
lw_wait_bounded output-timer 5 "$lw_tee_out" "$lw_tee_err"

lw_reported=$lw_status
if [ -n "$lw_signal" ]; then
  case $lw_signal in INT) lw_number=2 ;; *) lw_number=15 ;; esac
  [ "$lw_status" -ne 0 ] || lw_reported=$((128 + lw_number))
  lw_line="received SIG$lw_signal and passed it to the command$lw_passed_as, which exited with $lw_status; the run stops FAILED with exit $lw_reported"
  lw_say "$lw_line"
  printf '%s: %s\n' "$lw_me" "$lw_line" >> "$lw_log"
fi

# ---------------------------------------------------------------- outputs and stop, within --report-timeout

lw_wait_bounded report-timer $((lw_bound + 5)) "$lw_reporter"
lw_reporter=

# lw_gave_up WHAT...: says what could not be reported in time, and exits with the command's status.
lw_gave_up() {
  lw_what=$1
  shift
  for lw_arg do lw_what="$lw_what, $lw_arg"; done
  if [ -n "$lw_id" ]; then
    lw_then="run $lw_id stays as the API last heard of it, and becomes LOST when its deadline passes"
  else
    lw_then="the run was never scheduled"
  fi
  lw_say "gave up: could not $lw_what within $lw_bound s after the command ended ($(cat "$lw_work/problem" 2>/dev/null || echo "no time left")); $lw_then"
  exit "$lw_status"
}

# lw_over WHAT: the API refused a report after the command ended: nothing later can land either.
lw_over() {
  lw_msg=$(lw_field message "$lw_p.body")
  case $lw_code:$lw_msg in
    409:*" is CANCELLED"*) lw_say "run $lw_id was cancelled, so its stop is not recorded ($lw_msg)" ;;
    *) lw_say "the API refused to $1: $lw_msg (HTTP $lw_code)" ;;
  esac
  exit "$lw_status"
}

lw_id=''
[ ! -s "$lw_work/id" ] || read -r lw_id < "$lw_work/id"
if [ -f "$lw_work/cancelled" ]; then
  lw_say "$(cat "$lw_work/cancelled"), so its stop is not recorded; the command exited with $lw_status"
  exit "$lw_status"
fi
[ ! -s "$lw_work/refused" ] || exit "$lw_status" # the schedule or the start was refused, and said so
[ -n "$lw_id" ] || lw_gave_up "schedule the run" "report the start" "report the stop"
[ -f "$lw_work/started" ] || lw_gave_up "report the start" "report the stop"

# lw_put WHAT URL FILE: uploads FILE to a presigned URL.
lw_put() {
  lw_call "$lw_work/put" "$1" PUT "$2" -T "$3" || lw_gave_up "$1" "report the stop"
  case $lw_code in
    2??) ;;
    *) lw_say "could not $1: $(lw_problem)"; return 1 ;;
  esac
}

lw_uploaded=0
for lw_file in "$lw_outputs"/* "$lw_outputs"/.[!.]* "$lw_outputs"/..?*; do
  [ -e "$lw_file" ] || [ -L "$lw_file" ] || continue
  lw_output=${lw_file##*/}
  if [ ! -f "$lw_file" ]; then
    lw_say "outputs are the files directly in $lw_outputs: skipping $lw_output/"
    continue
  fi
  # JSON, so that a name may hold a comma; the token goes in a file, not on curl's command line
  printf '{"token":"%s","names":["%s"]}' "$(cat "$lw_token")" "$(lw_json_text "$lw_output")" > "$lw_work/names.json"
  lw_call "$lw_work/output" "upload the output $lw_output" POST "/api/run/output-upload/$lw_id" \
    -H 'Content-Type: application/json' --data-binary "@$lw_work/names.json" \
    || lw_gave_up "upload the output $lw_output" "report the stop"
  case $lw_code in
    200) ! lw_put "upload the output $lw_output" "$(lw_field url "$lw_work/output.body")" "$lw_file" \
           || lw_uploaded=$((lw_uploaded + 1)) ;;
    400) lw_say "skipping the output $lw_output: $(lw_field message "$lw_work/output.body")" ;;
    *) lw_over "upload the output $lw_output" ;;
  esac
done
[ "$lw_uploaded" -eq 0 ] || lw_say "uploaded $lw_uploaded output$([ "$lw_uploaded" -eq 1 ] || echo s) from $lw_outputs"

# The stop, its fields computed once. A log of plain ASCII text whose form encoding fits Lambda's 6 MB request goes
# inline; any other (larger, or other bytes) goes up through an upload link, byte for byte.
lw_ts=$lw_stopped_at
[ "$lw_ts" -ge "$lw_started_at" ] || lw_ts=$lw_started_at
lw_size=$(($(wc -c < "$lw_log")))
lw_inline=
if [ "$lw_size" -le 5000000 ] && [ "$(LC_ALL=C tr -d '\11\12\15\40-\176' < "$lw_log" | wc -c)" -eq 0 ]; then
  lw_encoded=$((lw_size + 2 * $(LC_ALL=C tr -d 'A-Za-z0-9._~-' < "$lw_log" | wc -c)))
  [ $((lw_encoded + 200)) -gt 5000000 ] || lw_inline=1
fi
if [ -n "$lw_inline" ]; then
  # curl sends an empty file's field as nothing at all, not "log=": the API refuses the form's empty pair
  if [ "$lw_size" -eq 0 ]; then set -- -d "log="; else set -- --data-urlencode "log@$lw_log"; fi
  lw_call "$lw_work/stop" "report the stop" PUT "/api/run/stop/$lw_id" --data-urlencode "token@$lw_token" \
    -d "ts=$lw_ts" -d "exit=$lw_reported" "$@" || lw_gave_up "report the stop"
  case $lw_code in 413) lw_inline= ;; esac # too large after all: upload it
fi
if [ -z "$lw_inline" ]; then
  lw_call "$lw_work/log-upload" "upload the log" POST "/api/run/log-upload/$lw_id" \
    --data-urlencode "token@$lw_token" || lw_gave_up "upload the log" "report the stop"
  [ "$lw_code" = 200 ] || lw_over "upload the log"
  lw_upload_ref=$(lw_field logUpload "$lw_work/log-upload.body")
  lw_put "upload the log" "$(lw_field url "$lw_work/log-upload.body")" "$lw_log" || exit "$lw_status"
  lw_call "$lw_work/stop" "report the stop" PUT "/api/run/stop/$lw_id" --data-urlencode "token@$lw_token" \
    -d "ts=$lw_ts" -d "exit=$lw_reported" --data-urlencode "logUpload=$lw_upload_ref" || lw_gave_up "report the stop"
fi
case $lw_code in
  2??) lw_say "run $lw_id $(lw_field status "$lw_p.body"), exit $(sed -n 's/.*"exitCode":\(-*[0-9]*\).*/\1/p' "$lw_p.body")" ;;
  *) lw_over "report the stop" ;;
esac
exit "$lw_status"
