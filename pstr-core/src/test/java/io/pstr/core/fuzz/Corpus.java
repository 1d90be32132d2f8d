package io.pstr.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The kept inputs of one fuzz target: files under {@code src/test/resources/fuzz/NAME/}, replayed as regression cases. */
public final class Corpus {

    private Corpus() {
    }

    /** The files of {@code fuzz/NAME} on the test classpath, sorted by name; none if the directory is absent. */
    public static List<Path> files(Class<?> anchor, String name) {
        URL url = anchor.getResource("/fuzz/" + name);
        if (url == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
