#!/usr/bin/env bash
# Start and stop the local DynamoDB-compatible server (dynalite, pinned in
# package-lock.json) on a free loopback port.
#
#   scripts/local-ddb.sh start STATE_DIR [--memory] [dynalite options...]
#       starts the server, its LevelDB data in STATE_DIR/data (in memory with
#       --memory), writes STATE_DIR/pid, STATE_DIR/port and STATE_DIR/endpoint,
#       waits until it answers, prints the endpoint URL on stdout.
#   scripts/local-ddb.sh stop STATE_DIR
#       stops the server whose pid STATE_DIR/pid holds (never by name).
#   scripts/local-ddb.sh status STATE_DIR
#       exit 0 and print the endpoint when that server is running.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}; state=${2:-}
[[ -n $cmd && -n $state ]] || { echo "usage: $0 start|stop|status STATE_DIR [--memory] [dynalite options]" >&2; exit 2; }
shift 2

running() { [[ -f $state/pid ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

answers() { # any HTTP answer from the server counts; dynalite rejects a bare GET with 400
  curl -s -o /dev/null -m 1 "http://127.0.0.1:$1/" 2>/dev/null
}

case $cmd in
start)
  mkdir -p "$state"
  if running; then cat "$state/endpoint"; exit 0; fi
  path_args=(--path "$state/data")
  if [[ ${1:-} == --memory ]]; then path_args=(); shift; fi
  dynalite=$root/node_modules/dynalite/cli.js
  [[ -f $dynalite ]] || { echo "local-ddb: dynalite is not installed; run 'make deps'" >&2; exit 1; }
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    node "$dynalite" --host 127.0.0.1 --port "$port" "${path_args[@]}" "$@" \
      >"$state/server.log" 2>&1 &
    pid=$!
    echo "$pid" >"$state/pid"
    for _ in $(seq 1 100); do
      if answers "$port"; then
        echo "$port" >"$state/port"
        echo "http://127.0.0.1:$port" >"$state/endpoint"
        cat "$state/endpoint"
        exit 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$state/pid"
    echo "local-ddb: server did not answer on port $port (attempt $attempt); log:" >&2
    tail -n 5 "$state/server.log" >&2 || true
  done
  exit 1
  ;;
stop)
  if running; then
    pid=$(cat "$state/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$state/pid" "$state/port" "$state/endpoint"
  ;;
status)
  if running; then cat "$state/endpoint"; else exit 1; fi
  ;;
*) echo "local-ddb: unknown command '$cmd'" >&2; exit 2 ;;
esac
