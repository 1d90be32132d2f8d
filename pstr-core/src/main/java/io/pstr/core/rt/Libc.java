package io.pstr.core.rt;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;

/** Binds a class's {@code native} methods to the C library through JNA (direct mapping), once, in its initialiser. */
public final class Libc {

    private Libc() {
    }

    /**
     * Registers {@code owner}'s native methods with the C library on Linux.
     *
     * @param what        what becomes unavailable, for the warning (e.g. "thread priorities")
     * @param consequence what the caller does without it, for the warning
     * @return false (after a warning through {@code log}) where the library or JNA cannot be bound, or off Linux
     */
    public static boolean bind(Class<?> owner, Logger log, String what, String consequence) {
        if (!Platform.isLinux()) {
            log.warn("{} unavailable on {} {}: {}", what, System.getProperty("os.name"), System.getProperty("os.arch"),
                    consequence);
            return false;
        }
        try {
            Native.register(owner, Platform.C_LIBRARY_NAME);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("{} unavailable ({}): {}", what, e.getMessage(), consequence);
            return false;
        }
    }
}
