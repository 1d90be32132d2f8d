package io.pstr.core.link;

/** Receives what a {@link ByteLink} reads; called on the link's own I/O thread, one call at a time. */
public interface LinkListener {

    /** Bytes read from the link; {@code rxNs} is {@link System#nanoTime()} when they were read. The array is reused after return. */
    void onBytes(byte[] buffer, int offset, int length, long rxNs);

    /** The link is connected (again). */
    default void onUp(String description) {
    }

    /** The link went down; the link retries by itself with back-off until closed. */
    default void onDown(String reason) {
    }
}
