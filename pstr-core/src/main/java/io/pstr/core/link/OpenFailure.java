package io.pstr.core.link;

import org.slf4j.Logger;

/**
 * Why a link's latest attempt to open failed ({@link ByteLink#lastOpenFailure}), logged once per new reason: a board
 * left unplugged, retried with back-off, logs once and not at every attempt. Written by the link's own thread, read
 * from any.
 */
final class OpenFailure {

    private final Logger log;
    private volatile String last;

    OpenFailure(Logger log) {
        this.log = log;
    }

    /** An attempt failed for {@code failure}. */
    void failed(String failure) {
        if (!failure.equals(last)) {
            log.warn("{}: retrying with back-off", failure);
        }
        last = failure;
    }

    /** An attempt succeeded. */
    void opened() {
        last = null;
    }

    /** The latest attempt's failure, or null when it succeeded or none was made. */
    String last() {
        return last;
    }
}
