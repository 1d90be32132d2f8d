package io.pstr.core.link;

/** A link that listens on a local port; tests open it on port 0 and read the port the kernel chose. */
public interface ListeningLink extends ByteLink {

    /** The local port actually bound, valid once {@link #start} has returned. */
    int boundPort();
}
