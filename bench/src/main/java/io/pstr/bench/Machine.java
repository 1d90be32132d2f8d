package io.pstr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The machine a figure was measured on: CPU, cores, memory, JDK and OS, and how its idle CPUs wait (a sleeping
 * thread's wake-up costs more when its CPU must be brought out of a halt), in one line.
 */
public record Machine(String cpu, int cores, long memoryMiB, String jdk, String os, String idle) {

    private static final Path CPUIDLE = Path.of("/sys/devices/system/cpu/cpuidle/current_driver");
    private static final Path GUEST_HALT_POLL = Path.of("/sys/module/haltpoll/parameters/guest_halt_poll_ns");

    public static Machine current() {
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(), readMemoryMiB(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                readIdle());
    }

    /** One line for a chart's subtitle, a CSV comment or a report. */
    public String describe() {
        return String.format("%s, %d cores, %d MiB, %s, %s, %s", cpu, cores, memoryMiB, jdk, os, idle);
    }

    /** The kernel's cpuidle driver and, for a virtual machine's haltpoll, how long an idle CPU polls before halting. */
    private static String readIdle() {
        String driver = firstLine(CPUIDLE).orElse("unknown");
        if (driver.equals("haltpoll")) {
            return "idle CPUs: haltpoll, polling up to " + firstLine(GUEST_HALT_POLL).orElse("?") + " ns before halting";
        }
        return "idle CPUs: cpuidle driver " + driver;
    }

    private static java.util.Optional<String> firstLine(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(String::trim).findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String readCpuModel() {
        return firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
    }

    private static long readMemoryMiB() {
        return firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024)
                .orElse(-1L);
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
