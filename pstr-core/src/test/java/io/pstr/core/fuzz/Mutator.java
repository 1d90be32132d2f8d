package io.pstr.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small seeded mutation engine for the decoders' fuzz tests (no coverage guidance: see docs/fuzzing.md).
 * Starting from valid inputs, it stacks a few random edits: bit flips, interesting bytes, inserted,
 * deleted, duplicated or spliced ranges, truncation; for text, dictionary tokens and odd characters.
 * <p>
 * {@code -Dpstr.fuzz.iterations=N} and {@code -Dpstr.fuzz.seed=S} turn a bounded test run into a long one.
 */
public final class Mutator {

    private static final byte[] INTERESTING = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 0xFE, (byte) 0xFD, '\n', '\r', ':', '%', '"'};
    private static final String[] ODD = {"", " ", "\t", "\n", "\r\n", "\u0000", "%", "%zz", "%2F", "%00", "\u00e9", "\u0663", "\uD83D\uDE00",
        "\uFFFF", "-", "+", ".", "..", "/", "//", "?", "&", "=", "#", ":", "::", "[", "]", "{", "}", "\"", "\\", "0", "-1", "NaN",
        "Infinity", "1e309", "9223372036854775808", "2147483648", "99999999999999999999"};

    private final SplittableRandom random;

    public Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Iterations for a test: its bounded default, or {@code -Dpstr.fuzz.iterations}. */
    public static int iterations(int boundedDefault) {
        return Integer.getInteger("pstr.fuzz.iterations", boundedDefault);
    }

    /** The seed for a test: its fixed default (reproducible runs), or {@code -Dpstr.fuzz.seed}. */
    public static long seed(long fixedDefault) {
        return Long.getLong("pstr.fuzz.seed", fixedDefault);
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    public byte[] randomBytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** One to four stacked edits of {@code input}; {@code others} feed splices. */
    public byte[] mutate(byte[] input, List<byte[]> others) {
        byte[] b = input.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int op = random.nextInt(b.length == 0 ? 2 : 8);
            switch (op) {
                case 0 -> b = insert(b, randomBytes(1 + random.nextInt(8)));
                case 1 -> b = insert(b, new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]});
                case 2 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 3 -> b[random.nextInt(b.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 4 -> {
                    int from = random.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + random.nextInt(16));
                    byte[] cut = new byte[b.length - (to - from)];
                    System.arraycopy(b, 0, cut, 0, from);
                    System.arraycopy(b, to, cut, from, b.length - to);
                    b = cut;
                }
                case 5 -> {
                    int from = random.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + random.nextInt(64));
                    b = insert(b, Arrays.copyOfRange(b, from, to));
                }
                case 6 -> {
                    if (others.isEmpty()) {
                        b = Arrays.copyOf(b, random.nextInt(b.length));
                    } else {
                        byte[] other = others.get(random.nextInt(others.size()));
                        int from = random.nextInt(other.length + 1);
                        b = insert(b, Arrays.copyOfRange(other, from, Math.min(other.length, from + random.nextInt(300))));
                    }
                }
                default -> b = Arrays.copyOf(b, random.nextInt(b.length));
            }
        }
        return b;
    }

    private byte[] insert(byte[] b, byte[] what) {
        int at = random.nextInt(b.length + 1);
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    /** One to three stacked edits of {@code input} with tokens from {@code dictionary} and odd characters. */
    public String mutate(String input, List<String> dictionary) {
        StringBuilder s = new StringBuilder(input);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(s.length() == 0 ? 2 : 6)) {
                case 0 -> s.insert(at, dictionary.isEmpty() ? "" : pick(dictionary));
                case 1 -> s.insert(at, ODD[random.nextInt(ODD.length)]);
                case 2 -> s.delete(Math.min(at, s.length() - 1), Math.min(s.length(), at + 1 + random.nextInt(6)));
                case 3 -> s.setCharAt(Math.min(at, s.length() - 1), (char) (random.nextBoolean() ? random.nextInt(128) : random.nextInt(0x10000)));
                case 4 -> {
                    int from = Math.min(at, s.length() - 1);
                    s.insert(from, s.substring(from, Math.min(s.length(), from + 1 + random.nextInt(12))));
                }
                default -> s.setLength(Math.min(at, s.length()));
            }
        }
        return s.toString();
    }

    /** A seed from {@code seeds} after one to three rounds of {@link #mutate(String, List)}. */
    public String mutateOneOf(List<String> seeds, List<String> dictionary) {
        String text = pick(seeds);
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            text = mutate(text, dictionary);
        }
        return text;
    }

    /**
     * Keeps an input that broke a property in {@code target/fuzz-crashers/NAME/} so it can become a
     * regression case in {@code src/test/resources/fuzz/NAME/}; returns its path for the failure message.
     */
    public static Path keepCrasher(String name, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-crashers", name));
            String id = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(input), 0, 6);
            return Files.write(dir.resolve(id + ".bin"), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path keepCrasher(String name, String input) {
        return keepCrasher(name, input.getBytes(StandardCharsets.UTF_8));
    }
}
