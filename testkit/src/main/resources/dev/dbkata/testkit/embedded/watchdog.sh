# Waits for a JVM to end, then stops the database servers it left in its run folder.
# $1: the JVM's pid, $2: its run folder. A PostgreSQL node keeps its pid in data/postmaster.pid
# (PostgreSQL's own file; its command line names that folder). A Redis node keeps "pid port" in
# server.pid (Redis rewrites its command line to "redis-server 127.0.0.1:port").
jvm=$1
run=$2
started=$(ps -o lstart= -p "$jvm" 2>/dev/null)

jvm_alive() {
    kill -0 "$jvm" 2>/dev/null || return 1
    # A recycled pid is not our JVM: compare start times.
    [ "$(ps -o lstart= -p "$jvm" 2>/dev/null)" = "$started" ]
}

while jvm_alive; do
    sleep 1
done
[ -d "$run" ] || exit 0

pids=""
for pidfile in "$run"/*/data/postmaster.pid "$run"/*/server.pid; do
    [ -f "$pidfile" ] || continue
    read -r pid port <"$pidfile"
    case "$pid" in '' | *[!0-9]*) continue ;; esac
    case "$pidfile" in
        */postmaster.pid) mark=$(dirname "$pidfile") ;;
        *) mark="127.0.0.1:$port" ;;
    esac
    # Only the process that was started for this node is ours to stop, never a recycled pid.
    if ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF "$mark"; then
        children=$(pgrep -P "$pid" 2>/dev/null)
        kill -CONT "$pid" $children 2>/dev/null
        case "$pidfile" in
            */postmaster.pid) kill -QUIT "$pid" 2>/dev/null ;;
            *) kill -KILL "$pid" 2>/dev/null ;;
        esac
        pids="$pids $pid $children"
    fi
done

# Give PostgreSQL a moment for its immediate shutdown, then make sure.
i=0
while [ $i -lt 50 ]; do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [ -z "$alive" ] && break
    sleep 0.1
    i=$((i + 1))
done
for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
rm -rf "$run"
