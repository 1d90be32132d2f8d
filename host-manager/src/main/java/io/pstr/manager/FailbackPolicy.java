package io.pstr.manager;

/** What happens once a recovered primary runs in step again. */
public enum FailbackPolicy {
    /** Hand the I/O back to the primary after a hold-off. */
    REVERTIVE,
    /** Keep the I/O where it is: the holder becomes the primary, the recovered one the shadow. */
    NON_REVERTIVE
}
