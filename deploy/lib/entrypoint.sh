#!/usr/bin/env bash
# deploy/lib/entrypoint.sh — the container's main process: runs the five
# services together (docker-compose.yml says why they share one container).
#
#   dualwatch-entrypoint [CONFIG]        (default /etc/dualwatch/dualwatch.yaml)
#
# Starts dw-notify, dw-route, dw-analyze, dw-validate, dw-intake (consumers
# first), then waits. On SIGTERM/SIGINT it stops them in reverse order and
# exits 0. If any service exits by itself, it stops the others and exits
# non-zero, so that the container's restart policy restarts the whole set
# (every stage catches up from the database when it starts).
#
# The configuration's TCP endpoints on 127.0.0.1 (dw-intake, dw-notify) are
# rewritten to 0.0.0.0: inside a container, 127.0.0.1 is the container's own
# loopback, which published ports do not reach. Which host addresses see them
# is decided by the `ports:` of docker-compose.yml. The internal ipc://
# endpoints are left as they are: all five services share this container.
set -euo pipefail

config="${1:-/etc/dualwatch/dualwatch.yaml}"
services=(notify route analyze validate intake)
runtime_config="${TMPDIR:-/tmp}/dualwatch.yaml"

log() { printf 'entrypoint: %s\n' "$*" >&2; }

[[ -r $config ]] || {
    log "error: configuration $config not found or not readable"
    log "hint: mount it, e.g. ./deploy/dualwatch.yaml:/etc/dualwatch/dualwatch.yaml:ro"
    exit 1
}
sed -e 's#tcp://127\.0\.0\.1:#tcp://0.0.0.0:#g' "$config" >"$runtime_config"
log "configuration $config (loopback TCP endpoints bound on all of the container's interfaces)"

pids=()
stopping=0

# stop_all: SIGTERM in reverse order, up to 10 s each, then SIGKILL.
stop_all() {
    local i pid n
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        pid=${pids[i]}
        kill -TERM "$pid" 2>/dev/null || continue
        for ((n = 0; n < 100; n++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "warning: dw-${services[i]} (pid $pid) did not stop within 10 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

# shellcheck disable=SC2317 # called by the trap below
on_signal() {
    stopping=1
    log "stopping"
    stop_all
    exit 0
}
trap on_signal TERM INT

for s in "${services[@]}"; do
    "dw-$s" --config "$runtime_config" &
    pids+=($!)
    log "dw-$s started (pid $!)"
done

# Whichever ends first: a signal (handled above) or a service exiting.
rc=0
wait -n || rc=$?
((stopping)) && exit 0
log "a service exited (status $rc): stopping the others"
stop_all
exit $((rc == 0 ? 1 : rc))
