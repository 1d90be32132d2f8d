package io.pstr.core.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pstr.core.fuzz.Mutator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what the replica host and a relay read from the network first: a signed link's gate and the HELLO. Inputs are
 * mutations of valid messages. Properties: the gate never throws and takes nothing but an unaltered message it has not
 * taken before; a HELLO either decodes or is refused with an {@link IllegalArgumentException}.
 */
class RemoteLinkFuzzTest {

    private static final RemoteLink.Key KEY = new RemoteLink.Key(new byte[32]);

    private static byte[] hello(Mutator m) {
        List<String> args = new ArrayList<>();
        for (int i = m.nextInt(5); i > 0; i--) {
            args.add(m.pick(List.of("--laps", "2", "--square-m", "20.0", "", "é")));
        }
        ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        int length = new RemoteLink.Hello(m.pick(List.of("A", "B")), m.nextInt(100), "10.0.0.2:" + m.nextInt(65_536),
                "0b4c1a52-7f3e-4c55-9a43-3a7d6fd0d4a1/" + m.nextInt(9), args).encode(b);
        return Arrays.copyOf(b.byteArray(), length);
    }

    @Test
    void shouldTakeOnlyUnalteredSignedMessagesOnce() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0011L));
        RemoteLink.Signer signer = RemoteLink.Signer.of(KEY, RemoteLink.Side.RELAY);
        RemoteLink.Gate gate = new RemoteLink.Gate(KEY, RemoteLink.Side.REPLICA_HOST, 77, "fuzz");
        List<byte[]> others = new ArrayList<>();
        int taken = 0;
        for (int i = 0, n = Mutator.iterations(20_000); i < n; i++) {
            ExpandableArrayBuffer b = new ExpandableArrayBuffer();
            byte[] body = m.chance(30) ? hello(m) : m.randomBytes(RemoteLink.BODY + m.nextInt(200));
            b.putBytes(0, body);
            b.putInt(RemoteLink.KIND, (m.chance(50) ? RemoteLink.INPUT : RemoteLink.HELLO) | RemoteLink.SIGNED);
            int length = signer.sign(1, i + 1L, 5, 77, b, body.length);
            byte[] original = Arrays.copyOf(b.byteArray(), length);
            byte[] input = m.chance(10) ? original : m.mutate(original, others);
            others.add(original);
            if (others.size() > 32) {
                others.remove(0);
            }
            if (input.length < RemoteLink.BODY) {
                continue; // the Inbound counts these as malformed before its gate
            }
            int admitted;
            try {
                admitted = gate.admit(new UnsafeBuffer(input), 0, input.length, 1);
            } catch (RuntimeException e) {
                Mutator.keepCrasher("remote-gate", input);
                throw e;
            }
            if (admitted >= 0) {
                if (!Arrays.equals(input, original)) {
                    Mutator.keepCrasher("remote-gate", input);
                    fail("an altered message was taken: " + input.length + " bytes");
                }
                assertEquals(length - RemoteLink.TRAILER_BYTES, admitted);
                taken++;
                assertEquals(-1, gate.admit(new UnsafeBuffer(input), 0, input.length, 1), "taken twice");
            }
        }
        assertTrue(taken > 0, "no unaltered message among the inputs");
    }

    @Test
    void shouldDecodeAHelloOrRefuseItWithAReason() {
        Mutator m = new Mutator(Mutator.seed(0x5EED_0012L));
        List<byte[]> others = new ArrayList<>();
        for (int i = 0, n = Mutator.iterations(20_000); i < n; i++) {
            byte[] valid = hello(m);
            byte[] input = m.mutate(valid, others);
            others.add(valid);
            if (others.size() > 32) {
                others.remove(0);
            }
            try {
                RemoteLink.Hello.decode(new UnsafeBuffer(input), 0, input.length);
            } catch (IllegalArgumentException refused) {
                // what a bad HELLO gets: counted and skipped by the replica host
            } catch (RuntimeException e) {
                Mutator.keepCrasher("remote-hello", input);
                throw e;
            }
        }
    }
}
