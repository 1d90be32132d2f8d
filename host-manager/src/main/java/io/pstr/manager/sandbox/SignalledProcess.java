package io.pstr.manager.sandbox;

import io.pstr.core.rt.Signals;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.manager.SandboxLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A sandbox whose replica is a process the host can signal. The host started {@code wrapper}; the
 * replica JVM is {@code targetPid}: the wrapper itself for a plain process, its child for a jail. The
 * wrapper exits as soon as the replica does, so its exit (told by the JDK's process reaper) is the
 * replica's exit.
 */
public final class SignalledProcess implements SandboxLauncher.Sandbox {

    private final Process wrapper;
    private final long targetPid;
    private final Optional<ProcessHandle> target;
    private volatile boolean exited;
    private final BiConsumer<ThreadPriority.Mode, String> onRunning;

    /**
     * @param onExit runs once the wrapper has exited (cleanup of cgroups, mount points)
     */
    public SignalledProcess(Process wrapper, long targetPid, Runnable onExit) {
        this(wrapper, targetPid, onExit, (mode, agentThread) -> { });
    }

    /**
     * @param onExit    runs once the wrapper has exited (cleanup of cgroups, mount points)
     * @param onRunning runs with the priority mode and the agent thread's name once the replica is ready and
     *                  its priorities are settled (a jail's cpu group)
     */
    public SignalledProcess(Process wrapper, long targetPid, Runnable onExit, BiConsumer<ThreadPriority.Mode, String> onRunning) {
        this.onRunning = onRunning;
        this.wrapper = wrapper;
        this.targetPid = targetPid;
        this.target = targetPid == wrapper.pid() ? Optional.of(wrapper.toHandle()) : ProcessHandle.of(targetPid);
        wrapper.onExit().thenRun(() -> {
            exited = true;
            onExit.run();
        });
    }

    @Override
    public void running(ThreadPriority.Mode mode, String agentThread) {
        // Priorities first, then the group: a replica joins its cpu group with its threads already settled.
        SandboxLauncher.Sandbox.super.running(mode, agentThread);
        onRunning.accept(mode, agentThread);
    }

    @Override
    public long pid() {
        return targetPid;
    }

    @Override
    public boolean isAlive() {
        return !exited && wrapper.isAlive();
    }

    /** The wrapper's exit code once it exited, else -1. */
    public int exitCode() {
        return wrapper.isAlive() ? -1 : wrapper.exitValue();
    }

    @Override
    public boolean dying() {
        return !isAlive() || io.pstr.manager.ProcessExit.dying(targetPid);
    }

    /** SIGKILL to the replica JVM itself; its wrapper follows. */
    @Override
    public void kill() {
        if (target.isPresent()) {
            target.get().destroyForcibly();
        } else {
            wrapper.destroyForcibly();
        }
    }

    @Override
    public void stop() {
        signal("STOP");
    }

    @Override
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        signal(targetPid, name);
    }

    /**
     * Sends signal {@code name} (STOP, CONT) to {@code pid}: with kill(2) through JNA where it binds (the conductor
     * asks, and must not wait for a process to start), else with kill(1).
     */
    public static void signal(long pid, String name) {
        if (Signals.available()) {
            Signals.send(pid, Signals.Signal.valueOf(name));
            return;
        }
        long targetPid = pid;
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(targetPid)).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + targetPid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + targetPid, e);
        }
    }
}
