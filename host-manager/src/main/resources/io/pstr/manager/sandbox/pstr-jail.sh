#!/bin/sh
# The PSTR replica jail, run as root by the host manager's JailLauncher.
#   pstr-jail.sh outer COMMAND...   joins the replica's cgroups, then enters new namespaces
#   pstr-jail.sh inner COMMAND...   (PID 1 of the new PID namespace) builds the jail's file system and
#                                   replaces itself with COMMAND: the replica JVM keeps this PID
# Settings come from the environment:
#   PSTR_JAIL_ROOT      empty directory where the jail's root is assembled (inside the run directory)
#   PSTR_JAIL_RUN       the run directory: hidden inside the jail except for the two directories below
#   PSTR_JAIL_OWN       the replica's own directory (rings, status, log): writable
#   PSTR_JAIL_PEER      the run directory's channel directory (the direct channel's endpoint files): writable
#   PSTR_JAIL_PDEATHSIG KILL (default): the wrapper dies with the host manager; none: it outlives it
#                       (pstr manager --survive-restart, for a new manager to re-attach to the replica)
#   PSTR_JAIL_HIDE      directories covered with an empty read-only tmpfs (the run directory on disk),
#                       separated by newlines (may be empty)
#   PSTR_JAIL_CGROUPS   cgroup.procs files to join, separated by newlines (may be empty)
#   PSTR_JAIL_KEEP      directories the replica's JVM needs (java home, classpath), separated by newlines:
#                       those under /tmp or /dev/shm are bound back in, read-only, over the private ones
# Prints "jail-ready HOSTPID" on standard output when the jail is complete, just before the exec;
# everything else goes to standard error.
set -eu

fail() {
    echo "pstr-jail: $*" >&2
    exit 97
}

[ $# -ge 2 ] || fail "usage: pstr-jail.sh outer|inner COMMAND..."
stage=$1
shift

case $stage in
outer)
    printf '%s\n' "${PSTR_JAIL_CGROUPS:-}" | while IFS= read -r procs; do
        [ -z "$procs" ] && continue
        echo $$ > "$procs" || fail "cannot join cgroup $procs"
    done
    # --pdeathsig: this wrapper dies with the host manager (it cannot be seen from inside the PID
    # namespace); --kill-child: the replica dies with this wrapper; the JVM is PID 1 of its namespace, so
    # nothing it starts outlives it.
    if [ "${PSTR_JAIL_PDEATHSIG:-KILL}" = none ]; then
        exec unshare --net --pid --mount --ipc --uts --fork --kill-child -- /bin/sh "$0" inner "$@"
    fi
    exec setpriv --pdeathsig KILL -- unshare --net --pid --mount --ipc --uts --fork --kill-child -- /bin/sh "$0" inner "$@"
    ;;
inner) ;;
*) fail "unknown stage $stage" ;;
esac

root=$PSTR_JAIL_ROOT
run=$PSTR_JAIL_RUN
own=$PSTR_JAIL_OWN
peer=$PSTR_JAIL_PEER
for d in "$root" "$run" "$own" "$peer"; do
    [ -d "$d" ] || fail "no directory $d"
done
# Our PID as the host sees it, read from the host's /proc before it is replaced.
read -r hostpid _ < /proc/self/stat

# Nothing done here may leak back into the host's mount table.
mount --make-rprivate /
# The host's whole tree, then every mount in it read-only.
mount --rbind / "$root"
sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\) .*/\1/p' /proc/self/mountinfo \
    | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g' \
    | while IFS= read -r escaped; do
        mp=$(printf '%b' "$escaped")
        case $mp in
        "$root" | "$root"/*) mount -o remount,bind,ro "$mp" 2>/dev/null \
                || mount -o remount,bind,ro,nosuid,nodev,noexec "$mp" \
                || fail "cannot make $mp read-only" ;;
        esac
    done
# Private, writable scratch space.
mount -t tmpfs -o mode=1777,size=64m,nosuid,nodev pstr-tmp "$root/tmp"
if [ -d "$root/dev/shm" ]; then
    mount -t tmpfs -o mode=1777,size=16m,nosuid,nodev pstr-shm "$root/dev/shm"
fi
printf '%s\n' "${PSTR_JAIL_KEEP:-}" | while IFS= read -r keep; do
    case $keep in
    /tmp/* | /dev/shm/*)
        [ -d "$keep" ] || continue
        mkdir -p "$root$keep"
        mount --bind "$keep" "$root$keep"
        mount -o remount,bind,ro "$root$keep" || fail "cannot make $keep read-only"
        ;;
    esac
done
# Directories the replica must not see at all: the run directory on disk (journal, flight log, logs).
printf '%s\n' "${PSTR_JAIL_HIDE:-}" | while IFS= read -r hide; do
    [ -n "$hide" ] && [ -d "$root$hide" ] || continue
    mount -t tmpfs -o mode=0700,size=4k,ro,nosuid,nodev pstr-hidden "$root$hide" || fail "cannot hide $hide"
done
# The run directory: an empty read-only tmpfs with only this replica's directory and the direct
# channel's directory bound in.
mkdir -p "$root$run"
mount -t tmpfs -o mode=0700,size=64k,nosuid,nodev pstr-run "$root$run"
mkdir -p "$root$own" "$root$peer"
mount --bind "$own" "$root$own"
mount --bind "$peer" "$root$peer"
mount -o remount,ro,nosuid,nodev "$root$run"
# A /proc of the new PID namespace; its kernel knobs read-only.
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
for knob in sys sysrq-trigger irq bus; do
    if [ -e "$root/proc/$knob" ]; then
        mount --bind "$root/proc/$knob" "$root/proc/$knob"
        mount -o remount,bind,ro "$root/proc/$knob"
    fi
done
# Swap roots and drop the host's tree entirely.
cd "$root"
pivot_root . .
umount -l .
cd /
unset PSTR_JAIL_ROOT PSTR_JAIL_RUN PSTR_JAIL_OWN PSTR_JAIL_PEER PSTR_JAIL_CGROUPS PSTR_JAIL_KEEP PSTR_JAIL_HIDE PSTR_JAIL_PDEATHSIG
echo "jail-ready $hostpid"
# From here on the replica's output goes where ours did: its log.
exec 1>&2
# No capabilities, none to regain: the replica keeps uid 0 but cannot mount, unshare, chroot,
# change its cgroup or bring a network interface up.
exec setpriv --no-new-privs --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- "$@"
