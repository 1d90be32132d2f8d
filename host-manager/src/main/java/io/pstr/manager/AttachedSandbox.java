package io.pstr.manager;

import io.pstr.manager.sandbox.SignalledProcess;
import java.util.Optional;

/**
 * A replica that a host manager now gone started and this one re-attached to: not this process's child, so
 * its exit is seen through {@link ProcessHandle#onExit()} (which polls for a non-child) and, much sooner,
 * through the crash probe of {@link ProcessExit} once its heartbeat goes quiet. Every signal names the
 * process by pid and start time, so a reused pid is never signalled.
 */
final class AttachedSandbox implements SandboxLauncher.Sandbox {

    private final ProcessIdentity identity;
    private final Optional<ProcessHandle> handle;
    private volatile boolean exited;

    AttachedSandbox(ProcessIdentity identity) {
        this.identity = identity;
        // ProcessHandle.of checks its own start time too: a handle taken now never stands for a later process.
        this.handle = ProcessHandle.of(identity.pid()).filter(h -> identity.alive());
        if (handle.isEmpty()) {
            exited = true;
        } else {
            handle.get().onExit().thenRun(() -> exited = true);
        }
    }

    @Override
    public long pid() {
        return identity.pid();
    }

    @Override
    public boolean isAlive() {
        // No system call here (the conductor asks every duty cycle): a quiet replica is probed through dying().
        return !exited;
    }

    @Override
    public boolean dying() {
        return !isAlive() || ProcessExit.dying(identity.pid()) || !identity.alive();
    }

    @Override
    public void kill() {
        handle.ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public void stop() {
        if (identity.alive()) {
            SignalledProcess.signal(identity.pid(), "STOP");
        }
    }

    @Override
    public void resume() {
        if (identity.alive()) {
            SignalledProcess.signal(identity.pid(), "CONT");
        }
    }
}
