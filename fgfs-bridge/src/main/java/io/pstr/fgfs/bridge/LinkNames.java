package io.pstr.fgfs.bridge;

import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.ListeningLink;
import java.util.Locale;

/** How the bridge names a MAVLink link it opened: a listening one with the port it really bound ({@code udp-listen:0}). */
final class LinkNames {
    private LinkNames() {
    }

    static String describe(Endpoint endpoint, ByteLink link) {
        return link instanceof ListeningLink l
                ? endpoint.kind().name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + l.boundPort()
                : endpoint.toString();
    }
}
