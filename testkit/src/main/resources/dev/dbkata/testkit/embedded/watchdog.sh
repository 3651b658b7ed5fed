# Waits for a JVM to end, then stops the database servers it left in its run folder.
# Its stdin is a pipe the JVM holds open until it dies; $1 is the JVM's run folder. A PostgreSQL node keeps its pid in data/postmaster.pid
# (PostgreSQL's own file; its command line names that folder). A Redis node keeps "pid port" in
# server.pid (Redis rewrites its command line to "redis-server 127.0.0.1:port").
run=$1

# Returns at end-of-file, that is when the JVM is gone, however it ended.
while read -r _; do :; done
[ -d "$run" ] || exit 0

# A zombie (dead, not yet reaped by its new parent) answers kill -0 but is gone for our purposes.
alive() {
    kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]
}

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
    for pid in $pids; do alive "$pid" && alive="$alive $pid"; done
    [ -z "$alive" ] && break
    sleep 0.1
    i=$((i + 1))
done
for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
# Keep the pid files for the reaper if anything could not be stopped.
for pid in $pids; do alive "$pid" && exit 1; done
rm -rf "$run"
