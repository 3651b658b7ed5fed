# The one procedure that stops the database servers a JVM left in its run folder ($1), used two ways:
#  - as the watchdog, with stdin a pipe the JVM holds open until it dies: it waits for end-of-file,
#    that is for the JVM to be gone however it ended, then stops what is left;
#  - by the reaper of a later JVM, with stdin already at end-of-file: it stops what is left at once.
# A PostgreSQL node keeps its pid in data/postmaster.pid (PostgreSQL's own file; its command line
# names that folder). A Redis node keeps "pid port" in server.pid (Redis rewrites its command line to
# "redis-server 127.0.0.1:port"). The run folder is deleted only once every server in it is gone:
# the pid files are how the next attempt finds a survivor. Exit status 0: folder deleted; 1: kept.
run=$1

while read -r _; do :; done
[ -d "$run" ] || exit 0

# /proc where there is one (no dependency on procps); ps elsewhere (macOS).
cmdline() {
    if [ -r "/proc/$1/cmdline" ]; then
        tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null
    else
        ps -ww -o args= -p "$1" 2>/dev/null
    fi
}

# A zombie (dead, not yet reaped by its parent) is gone for our purposes.
alive() {
    if [ -d /proc/self ]; then
        state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
        [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
    else
        kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]
    fi
}

children() {
    if command -v pgrep >/dev/null 2>&1; then
        pgrep -P "$1" 2>/dev/null
    else
        for stat in /proc/[0-9]*/stat; do
            [ "$(sed 's/.*) //' "$stat" 2>/dev/null | cut -d' ' -f2)" = "$1" ] && basename "$(dirname "$stat")"
        done
    fi
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
    if cmdline "$pid" | grep -qF "$mark"; then
        kids=$(children "$pid")
        # A frozen server cannot act on a signal: let it go on first.
        kill -CONT "$pid" $kids 2>/dev/null
        case "$pidfile" in
            # Immediate shutdown: the postmaster ends its children and leaves no shared memory behind.
            */postmaster.pid) kill -QUIT "$pid" 2>/dev/null ;;
            *) kill -KILL "$pid" 2>/dev/null ;;
        esac
        pids="$pids $pid $kids"
    fi
done

# True once every process is gone; gives up after $1 tenths of a second.
gone_within() {
    i=0
    while :; do
        left=""
        for pid in $pids; do alive "$pid" && left="$left $pid"; done
        [ -z "$left" ] && return 0
        [ "$i" -ge "$1" ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
}

# Five seconds for the first signal; then SIGKILL, which nothing ignores, and five more to die.
if ! gone_within 50; then
    for pid in $left; do kill -KILL "$pid" 2>/dev/null; done
    gone_within 50 || exit 1
fi
rm -rf "$run"
