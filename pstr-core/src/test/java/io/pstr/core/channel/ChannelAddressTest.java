package io.pstr.core.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void shouldRejectMalformedAddressesClearly() {
        for (String bad : new String[] {"", "no-slash", "not-a-uuid/1", UUID.randomUUID() + "/x", UUID.randomUUID() + "/-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelAddress.parse(bad));
            assertTrue(e.getMessage().contains("channel address"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ChannelAddress.parse(null));
    }
}
