package io.pstr.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChannelAddressTest {

    @Test
    void shouldParseWhatItPrints() {
        ChannelAddress a = new ChannelAddress(UUID.randomUUID(), 7);
        assertEquals(a, ChannelAddress.parse(a.toString()));
        assertTrue(a.is(a.sandbox().getMostSignificantBits(), a.sandbox().getLeastSignificantBits(), 7));
    }

    @Test
    void shouldBeEqualBySandboxAndTaskOnly() {
        UUID sandbox = UUID.randomUUID();
        ChannelAddress a = new ChannelAddress(sandbox, 3);
        ChannelAddress same = new ChannelAddress(new UUID(sandbox.getMostSignificantBits(), sandbox.getLeastSignificantBits()), 3);
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, new ChannelAddress(sandbox, 4));
        assertNotEquals(a, new ChannelAddress(UUID.randomUUID(), 3));
        assertNotEquals(a, a.toString());
        assertNotEquals(a, null);
        assertEquals(java.util.Set.of(a), java.util.Set.of(same));
    }

    @Test
    void shouldRejectMalformedAddressesClearly() {
        for (String bad : new String[] {"", "no-slash", "not-a-uuid/1", UUID.randomUUID() + "/x", UUID.randomUUID() + "/-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelAddress.parse(bad));
            assertTrue(e.getMessage().contains("channel address"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ChannelAddress.parse(null));
    }
}
