package io.pstr.core.rt;

import com.sun.jna.Native;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduling priority for the few threads that keep the control cycle: the host manager's conductor, each
 * replica's agent and the virtual board. On a 2-core machine shared with compilers, collectors, a ground
 * station and a build, a thread at the default weight that should send a tick every 20 ms is preempted for
 * several milliseconds at a time. These threads get a high scheduler weight instead (a negative nice value,
 * per thread): they run first when they wake, and as they sleep between polls they use little CPU. A weight
 * orders who runs next but does not interrupt the running thread's slice, so each raised thread also asks for
 * the shortest slice the kernel grants ({@link #LATENCY_SLICE_NS}): woken, it takes the CPU at once.
 *
 * <p>Why not {@code SCHED_FIFO}: a real-time thread stopped at a safepoint waits for its JVM's VM thread,
 * which runs at normal priority, as do the compilers and collectors; with several real-time threads on two
 * cores those can be held back (priority inversion). A run here with every thread of the JVMs under
 * {@code SCHED_FIFO} stopped the conductor for 300 ms and flew into the failsafe. A weight never starves
 * anyone. The one exception is brief: {@link #boost} puts the host's conductor under {@code SCHED_FIFO} for one
 * control period after a replica's death (the host manager's failover boost).
 *
 * <p>A negative nice value needs {@code CAP_SYS_NICE} (root) or a raised {@code RLIMIT_NICE}. The host
 * manager sets the replicas' agent threads from outside, by thread name, so a replica in a jail (which
 * keeps no capability) needs no privilege of its own.
 */
public final class ThreadPriority {

    /** What to do about priority. */
    public enum Mode {
        /** Raise it where the host allows; otherwise say so (a warning) and carry on at normal priority. */
        AUTO,
        /** Never: every thread at normal priority. */
        OFF;

        /** Parses {@code auto} or {@code off} (any case), with a clear error. */
        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("priority mode '" + text + "': expected auto or off", e);
            }
        }
    }

    /** Nice values, lower runs first: the board (a hardware stand-in) and the conductor, then the replicas. */
    public static final int BOARD_NICE = -15;
    public static final int CONDUCTOR_NICE = -15;
    public static final int REPLICA_NICE = -10;
    /** The threads that move a link's bytes (a board link's socket or serial port): as the conductor. */
    public static final int LINK_NICE = -15;

    private static final Logger LOG = LoggerFactory.getLogger(ThreadPriority.class);
    private static final int PRIO_PROCESS = 0;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    private static final int ESRCH = 3;
    private static final boolean AVAILABLE;

    /**
     * The time slice a raised thread asks for (ns), the shortest the kernel grants. Since Linux 6.12 the fair scheduler
     * (EEVDF) lets a thread ask for its own slice ({@code sched_setattr}'s {@code sched_runtime}, 0.1–100 ms, no
     * privilege needed), and a thread woken with a shorter slice than the one running takes the CPU at once where an
     * eligible one waits: without it, a weight alone left a woken replica thread queued behind a JIT compiler thread
     * for the rest of the compiler's slice (1.4 ms here; traced, docs/timing.md). Older kernels ignore the request.
     * {@code -Dpstr.priority.shortSlice=false} leaves every thread at the kernel's own slice (in the JVM given it: the
     * host manager raises its replicas' threads itself).
     */
    public static final long LATENCY_SLICE_NS = 100_000;
    private static final boolean SHORT_SLICE = Boolean.parseBoolean(System.getProperty("pstr.priority.shortSlice", "true"));
    /** {@code sched_setattr} (x86-64, arm64); -1 elsewhere, where the nice value is set alone. */
    private static final long SYS_SCHED_SETATTR = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 314;
        case "aarch64" -> 274;
        default -> -1;
    };
    /** {@code struct sched_attr} as Linux 4.13 has it ({@code SCHED_ATTR_SIZE_VER1}). */
    private static final int SCHED_ATTR_BYTES = 56;

    static {
        AVAILABLE = Libc.bind(ThreadPriority.class, LOG, "thread priorities", "threads run at normal priority");
    }

    /** This process's policy for the threads it makes without a context of their own (link I/O). */
    private static volatile Mode processMode = Mode.OFF;

    private ThreadPriority() {
    }

    /**
     * The JVM's own thread that runs collections and safepoints (with the serial collector the collection
     * itself runs on it): every Java thread of the process waits for it during a pause, so it gets the same
     * priority as the process's most urgent thread, or a pause stretches while it waits for a CPU (measured:
     * a host manager's young collection took 52 ms instead of ~15 while a replica JVM started).
     */
    public static final String VM_THREAD = "VM Thread";

    /** Applies {@code mode} to this process's {@link #VM_THREAD}. */
    public static boolean applyToOwnVmThread(Mode mode, int nice) {
        return applyToThread(mode, ProcessHandle.current().pid(), VM_THREAD, nice);
    }

    /** Sets this process's policy for link I/O threads; off until a front end says otherwise. */
    public static void processMode(Mode mode) {
        processMode = mode;
    }

    /** This process's policy, as {@link #processMode(Mode)} set it. */
    public static Mode processMode() {
        return processMode;
    }

    /**
     * A new replica JVM starts at this nice value, every thread of it (class loading, warm-up, its compiler
     * threads), so that its start takes only CPU time the flying replicas and the host do not want; once it
     * says it is ready, {@link #settle} gives it normal priority.
     */
    public static final int STARTING_NICE = 19;

    /**
     * The nice value this process was started with: its first thread's (the one whose id is the process id,
     * which the JVM's launcher keeps and this class never changes).
     */
    public static int baselineNice() {
        return niceOf(ProcessHandle.current().pid());
    }

    /** The command prefix that starts a replica at {@link #STARTING_NICE} under {@code mode}: none when off. */
    public static List<String> startingPrefix(Mode mode) {
        return mode == Mode.OFF ? List.of() : List.of("nice", "-n", Integer.toString(STARTING_NICE));
    }

    /**
     * A replica that started at {@link #STARTING_NICE} is ready: every thread of {@code pid} back to the nice
     * value this process was started with ({@link #baselineNice()}: 0, or what {@code nice} gave the host),
     * then its {@code agentThread} and {@link #VM_THREAD} raised to {@link #REPLICA_NICE}. Reads {@code /proc}.
     */
    public static boolean settle(Mode mode, long pid, String agentThread) {
        if (mode == Mode.OFF) {
            return false;
        }
        Map<Long, String> threads = threadNames(pid);
        int baseline = baselineNice();
        String agent = comm(agentThread);
        String vm = comm(VM_THREAD);
        for (Map.Entry<Long, String> t : threads.entrySet()) {
            if (!t.getValue().equals(agent) && !t.getValue().equals(vm)) {
                Result r = nice(t.getKey(), baseline);
                if (!r.applied()) {
                    LOG.debug("thread {} of pid {} stays at its starting priority: {}", t.getKey(), pid, r.reason());
                }
            }
        }
        boolean agentSet = apply(pid, agentThread, named(threads, agent), REPLICA_NICE);
        return apply(pid, VM_THREAD, named(threads, vm), REPLICA_NICE) && agentSet;
    }

    /**
     * A thread factory for a link's I/O threads (Netty event loops, serial readers): each thread raises its
     * own priority to {@link #LINK_NICE} when it starts, if this process's policy says so.
     */
    public static ThreadFactory linkThreads(String name) {
        return new DefaultThreadFactory(name, true) {
            @Override
            public Thread newThread(Runnable r) {
                return super.newThread(() -> {
                    raiseLinkThread(name);
                    r.run();
                });
            }
        };
    }

    /** Raises the calling link I/O thread to {@link #LINK_NICE} if this process's policy says so. */
    public static void raiseLinkThread(String what) {
        applyToCurrentThread(processMode, LINK_NICE, "link thread " + what);
    }

    private static native int setpriority(int which, int who, int prio);

    private static native long syscall(long number, long tid, byte[] attr, long flags);

    private static native int sched_setscheduler(int pid, int policy, int[] param);

    private static native int sched_getscheduler(int pid);

    private static native int getpriority(int which, int who);

    private static native int gettid();

    /** The outcome of a request: applied, or why not. */
    public record Result(boolean applied, String reason) {
        static final Result OK = new Result(true, "");
    }

    /**
     * Sets the nice value of thread {@code tid} (as this process's pid namespace numbers it; 0 for the
     * calling thread) to {@code nice} (-20..19), under {@code SCHED_OTHER} (it ends a {@link #boost}), with the short
     * slice when {@code nice} is negative and the kernel's own otherwise. On Linux the nice value is per thread.
     */
    public static Result nice(long tid, int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice value must be -20..19, was " + nice);
        }
        if (!AVAILABLE) {
            return new Result(false, "not on Linux or libc unavailable");
        }
        String needs = "needs root or CAP_SYS_NICE, or an RLIMIT_NICE allowing " + nice;
        if (SYS_SCHED_SETATTR > 0) {
            // One call for both: a raised thread with the short slice, any other with the kernel's own.
            if (syscall(SYS_SCHED_SETATTR, tid, schedAttr(nice, sliceFor(nice)), 0) == 0) {
                return Result.OK;
            }
            int errno = Native.getLastError();
            if (errno == EPERM || errno == EACCES || errno == ESRCH) {
                return failed("sched_setattr", tid, needs);
            }
            // A kernel or a seccomp filter without sched_setattr: the nice value alone, as before Linux 3.14.
        }
        if (setpriority(PRIO_PROCESS, (int) tid, nice) == 0) {
            return Result.OK;
        }
        return failed("setpriority", tid, needs);
    }

    /** The slice a thread at {@code nice} asks for: the short one when raised (unless turned off), else 0, the kernel's. */
    private static long sliceFor(int nice) {
        return nice < 0 && SHORT_SLICE ? LATENCY_SLICE_NS : 0;
    }

    /** {@code struct sched_attr} for {@code SCHED_OTHER} at {@code nice} with slice {@code sliceNs} (0: the default). */
    private static byte[] schedAttr(int nice, long sliceNs) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(SCHED_ATTR_BYTES).order(java.nio.ByteOrder.nativeOrder());
        b.putInt(0, SCHED_ATTR_BYTES); // size
        b.putInt(4, SCHED_OTHER);      // sched_policy; sched_flags (8) 0
        b.putInt(16, nice);            // sched_nice; sched_priority (20) 0
        b.putLong(24, sliceNs);        // sched_runtime: a fair thread's slice since Linux 6.12
        return b.array();
    }

    /**
     * The slice thread {@code tid} (0: the calling thread) runs with, ns, from {@code /proc/TID/sched}; -1
     * where the kernel does not show it (before Linux 6.12) or the thread is gone.
     */
    public static long sliceOf(long tid) {
        long id = tid == 0 ? currentTid() : tid;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(id), "sched"))) {
                if (line.startsWith("se.slice")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no slice for thread {}: {}", id, e.toString());
        }
        return -1;
    }

    /** Why the call just made for thread {@code tid} failed, from its errno; {@code needs} says what permission takes. */
    private static Result failed(String call, long tid, String needs) {
        int errno = Native.getLastError();
        return new Result(false, switch (errno) {
            case EPERM, EACCES -> "not permitted (" + needs + ")";
            case ESRCH -> "no thread " + tid;
            default -> call + " failed, errno " + errno;
        });
    }

    /** {@code SCHED_OTHER} and {@code SCHED_FIFO} (include/uapi/linux/sched.h). */
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    /** The real-time priority of a {@link #boost}: the lowest there is, above every normal thread and no other. */
    public static final int BOOST_PRIORITY = 1;

    /**
     * Puts thread {@code tid} under {@code SCHED_FIFO} at {@link #BOOST_PRIORITY}, for a moment that must not wait
     * for a CPU: the kernel places a woken real-time thread on a CPU that runs no real-time thread (an idle one
     * first) and takes that CPU at once, where a normal thread, however high its weight, can be queued behind a
     * busy CPU until the next tick (see the host manager's failover boost). {@link #unboost} ends it.
     */
    public static Result boost(long tid) {
        if (!AVAILABLE) {
            return new Result(false, "not on Linux or libc unavailable");
        }
        if (sched_setscheduler((int) tid, SCHED_FIFO, new int[] {BOOST_PRIORITY}) == 0) {
            return Result.OK;
        }
        return failed("sched_setscheduler", tid, "needs root or CAP_SYS_NICE, and real-time time in its cpu cgroup");
    }

    /** Back to {@code SCHED_OTHER} at nice value {@code nice} after a {@link #boost}. */
    public static Result unboost(long tid, int nice) {
        if (!AVAILABLE) {
            return new Result(false, "not on Linux or libc unavailable");
        }
        if (sched_setscheduler((int) tid, SCHED_OTHER, new int[] {0}) != 0) {
            return failed("sched_setscheduler", tid, "needs root or CAP_SYS_NICE");
        }
        return nice(tid, nice);
    }

    /** The scheduling policy of thread {@code tid} (0: the calling thread), {@link #SCHED_OTHER} where unavailable. */
    public static int policyOf(long tid) {
        return AVAILABLE ? sched_getscheduler((int) tid) : SCHED_OTHER;
    }

    /** The calling thread's id (as this process's pid namespace numbers it), -1 where unavailable. */
    public static long currentTid() {
        return AVAILABLE ? gettid() : -1;
    }

    /** The nice value of thread {@code tid} (0: the calling thread); 0 where unavailable. */
    public static int niceOf(long tid) {
        if (!AVAILABLE) {
            return 0;
        }
        // getpriority returns the nice value itself on Linux's libc; -1 may be a value or an error.
        return getpriority(PRIO_PROCESS, tid == 0 ? gettid() : (int) tid);
    }

    /** Applies {@code mode} to the calling thread: {@code what} names it in the one log line. @return true when set */
    public static boolean applyToCurrentThread(Mode mode, int nice, String what) {
        if (mode == Mode.OFF) {
            return false;
        }
        return report(nice(0, nice), nice, what);
    }

    /**
     * Applies {@code mode} to every thread of process {@code pid} named {@code threadName} (the name Java
     * gives the native thread, cut to 15 characters), e.g. a replica's agent thread seen from the host.
     *
     * @return true when at least one thread was found and every one found was set
     */
    public static boolean applyToThread(Mode mode, long pid, String threadName, int nice) {
        if (mode == Mode.OFF) {
            return false;
        }
        return apply(pid, threadName, threadsNamed(pid, threadName), nice);
    }

    private static boolean apply(long pid, String threadName, List<Long> tids, int nice) {
        String what = "thread " + threadName + " of pid " + pid;
        if (tids.isEmpty()) {
            if (ProcStat.exited(pid)) {
                LOG.debug("{}: not set, the process has exited", what);
                return false;
            }
            return report(new Result(false, "no such thread"), nice, what);
        }
        boolean all = true;
        for (long tid : tids) {
            Result r = nice(tid, nice);
            if (!r.applied() && ProcStat.exited(pid, tid)) {
                // Listed, then gone (a replica killed meanwhile): nothing runs at the wrong priority.
                LOG.debug("{} (tid {}): not set, the thread exited meanwhile", what, tid);
                return false;
            }
            all &= report(r, nice, what + " (tid " + tid + ")");
        }
        return all;
    }

    private static boolean report(Result r, int nice, String what) {
        if (r.applied()) {
            LOG.info("{}: nice {}{}", what, nice, sliceFor(nice) > 0 ? ", a short slice where the kernel grants one" : "");
            return true;
        }
        LOG.warn("{} runs at normal priority: nice {} {}; control-cycle timing will suffer on a busy machine",
                what, nice, r.reason());
        return false;
    }

    /** Thread ids of process {@code pid}. */
    public static List<Long> threadsOf(long pid) {
        return new ArrayList<>(threadNames(pid).keySet());
    }

    /** Thread ids of process {@code pid} whose name ({@code /proc/PID/task/TID/comm}) is {@code name} (cut to 15). */
    public static List<Long> threadsNamed(long pid, String name) {
        return named(threadNames(pid), comm(name));
    }

    /** Every thread of process {@code pid} with its name, read from {@code /proc} in one pass; empty if it is gone. */
    static Map<Long, String> threadNames(long pid) {
        Map<Long, String> found = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    found.put(Long.parseLong(task.getFileName().toString()),
                            Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip());
                } catch (IOException | NumberFormatException e) {
                    LOG.trace("thread {} ended while listed: {}", task, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list threads of pid {}: {}", pid, e.toString());
        }
        return found;
    }

    /** A thread name as the kernel keeps it (15 characters). */
    private static String comm(String name) {
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    private static List<Long> named(Map<Long, String> threads, String comm) {
        List<Long> tids = new ArrayList<>();
        threads.forEach((tid, n) -> {
            if (n.equals(comm)) {
                tids.add(tid);
            }
        });
        return tids;
    }
}
