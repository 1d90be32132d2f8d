package io.pstr.core.channel;

/** The destinations an endpoint may send to, as its registry granted them. */
interface GrantTable {

    /** Changes whenever the grants change. */
    long version();

    boolean granted(ChannelAddress destination);
}
