package io.pstr.fgfs.protocol;

/** Why a packet from FlightGear (or for it) was refused. Each reason has its own counter. */
public enum Reject {
    /** Not the struct's or the protocol's exact length. */
    WRONG_SIZE,
    /** The struct's version field is not the one this codec speaks. */
    WRONG_VERSION,
    /** A NaN or an infinity in a floating-point field. */
    NOT_FINITE,
    /** An engine, tank or wheel count beyond the struct's arrays. */
    BAD_COUNT,
    /** Sent before FlightGear's flight model runs (simulated time not yet above zero). */
    STARTUP_ZEROS
}
