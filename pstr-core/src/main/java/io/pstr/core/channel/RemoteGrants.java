package io.pstr.core.channel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Grants of an endpoint that talks across hosts ({@link AeronChannel}): each granted destination with the
 * UDP endpoint ({@code host:port}) it listens on. Held by the host manager of the sender's host.
 */
public final class RemoteGrants implements GrantTable {

    private final Map<ChannelAddress, String> endpoints = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** Lets the endpoint send to {@code to}, listening on {@code udpEndpoint} ({@code host:port}). */
    public RemoteGrants grant(ChannelAddress to, String udpEndpoint) {
        int colon = udpEndpoint == null ? -1 : udpEndpoint.lastIndexOf(':');
        if (colon <= 0 || colon == udpEndpoint.length() - 1) {
            throw new IllegalArgumentException("UDP endpoint '" + udpEndpoint + "' is not host:port");
        }
        endpoints.put(to, udpEndpoint);
        version.incrementAndGet();
        return this;
    }

    public void revoke(ChannelAddress to) {
        if (endpoints.remove(to) != null) {
            version.incrementAndGet();
        }
    }

    String endpointOf(ChannelAddress to) {
        return endpoints.get(to);
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public boolean granted(ChannelAddress destination) {
        return endpoints.containsKey(destination);
    }
}
