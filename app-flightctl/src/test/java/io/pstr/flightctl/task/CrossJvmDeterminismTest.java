package io.pstr.flightctl.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.rt.Jvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * StrictMath is what makes an interpreted JVM and a JIT-compiled one agree; this checks it for real by
 * flying the whole mission in a child JVM with {@code -Xint} and comparing a digest of every cycle.
 */
class CrossJvmDeterminismTest {

    private static final int PERIOD_MS = 20;
    /** Through take-off and the first legs: every controller path, at a bearable -Xint cost. */
    private static final int CYCLES = 1500;

    /** FNV-1a over every cycle's output hash and ODS hash of the closed-loop mission. */
    static long missionDigest() {
        MissionPlan plan = MissionPlan.defaults();
        FlightTask task = new FlightTask(plan);
        Ods ods = Ods.initial(plan);
        QuadSim sim = QuadSim.onGround();
        List<byte[]> inputs = List.of();
        long digest = FlightTask.fnv1a();
        for (long cycle = 0; cycle < CYCLES; cycle++) {
            StepResult r = task.step(ods, inputs, cycle, PERIOD_MS);
            digest = (digest ^ r.outputHash()) * 0x100000001b3L;
            digest = (digest ^ r.odsHash()) * 0x100000001b3L;
            sim.receive(r.frames());
            inputs = sim.advance(PERIOD_MS);
        }
        return digest;
    }

    public static void main(String[] args) {
        System.out.println("digest=" + Long.toHexString(missionDigest()));
    }

    @Test
    void shouldFlyBitIdenticallyInAnInterpretedJvm() throws IOException, InterruptedException {
        missionDigest(); // warm up so that the in-process run below is mostly compiled code
        long here = missionDigest();
        String java = Jvm.javaBinary();
        Process child = new ProcessBuilder(java, "-Xint",
                "-cp", System.getProperty("java.class.path"),
                CrossJvmDeterminismTest.class.getName())
                .redirectErrorStream(true).start();
        byte[] out = child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        String text = new String(out, StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.startsWith("digest=")).findFirst().orElse("no digest in: " + text);
        assertEquals("digest=" + Long.toHexString(here), line);
    }
}
