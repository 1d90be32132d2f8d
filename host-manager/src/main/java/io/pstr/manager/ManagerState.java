package io.pstr.manager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pstr.core.channel.ChannelAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What a host manager started with {@code --survive-restart} keeps in its run directory ({@value #FILE_NAME})
 * so that a new manager can re-attach to the replicas it leaves running: where the replicas' shared-memory
 * files are, which replica incarnation runs in each slot (pid and start time, its directory there, its channel
 * address), the epoch, the holder, the primary, the
 * cycle, and the settings a re-attaching manager must share (control period, mission options, sandbox kind).
 * <p>
 * Written whole to a temporary file and renamed over the old one, so a reader sees one complete state or
 * the previous one. Read as outside input: every field is checked, and a bad file is refused with a message
 * that names it.
 */
public record ManagerState(long managerPid, long managerStartTicks, String shmDir, int periodMs, String sandbox, List<String> replicaArgs,
        long epoch, Slot holder, Slot primary, long cycle, boolean started, long writtenAtMs, List<Replica> replicas) {

    public static final String FILE_NAME = "manager-state.json";
    static final String FORMAT = "pstr-manager-state/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One running replica incarnation; {@code dir} is its directory's name in the shared-memory directory. */
    public record Replica(Slot slot, int incarnation, long pid, long startTicks, String dir, ChannelAddress channelAddress) {

        public ProcessIdentity identity() {
            return new ProcessIdentity(pid, startTicks);
        }
    }

    public ManagerState {
        replicaArgs = List.copyOf(replicaArgs);
        replicas = List.copyOf(replicas);
    }

    public static Path fileIn(Path runDir) {
        return runDir.resolve(FILE_NAME);
    }

    /** The directory name of a replica incarnation in the run directory, as the host manager makes it. */
    static String dirName(Slot slot, int incarnation) {
        return slot + "-" + incarnation;
    }

    /** Writes the state to {@code runDir} atomically: a temporary file, then a rename over the old one. */
    public void write(Path runDir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("managerPid", managerPid);
        root.put("managerStartTicks", managerStartTicks);
        root.put("shmDir", shmDir);
        root.put("periodMs", periodMs);
        root.put("sandbox", sandbox);
        ArrayNode args = root.putArray("replicaArgs");
        replicaArgs.forEach(args::add);
        root.put("epoch", epoch);
        root.put("holder", holder == null ? null : holder.name());
        root.put("primary", primary.name());
        root.put("cycle", cycle);
        root.put("started", started);
        root.put("writtenAtMs", writtenAtMs);
        ArrayNode list = root.putArray("replicas");
        for (Replica r : replicas) {
            ObjectNode n = list.addObject();
            n.put("slot", r.slot().name());
            n.put("incarnation", r.incarnation());
            n.put("pid", r.pid());
            n.put("startTicks", r.startTicks());
            n.put("dir", r.dir());
            n.put("channelAddress", r.channelAddress().toString());
        }
        Path file = fileIn(runDir);
        Path tmp = runDir.resolve(FILE_NAME + ".tmp");
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the state file: the manager closed and stopped its replicas, there is nothing to re-attach to. */
    public static void remove(Path runDir) {
        try {
            Files.deleteIfExists(fileIn(runDir));
            Files.deleteIfExists(runDir.resolve(FILE_NAME + ".tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + fileIn(runDir) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks the state file of {@code runDir}.
     *
     * @throws IllegalArgumentException when there is none, or it is not a complete, consistent state
     */
    public static ManagerState read(Path runDir) {
        Path file = fileIn(runDir);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("nothing to attach to in " + runDir + ": no " + FILE_NAME + " (the host manager "
                    + "there did not run with --survive-restart, or it closed and stopped its replicas)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad state file " + file + ": " + e.getMessage(), e);
        }
    }

    static ManagerState parse(byte[] bytes) {
        if (bytes.length > 64 * 1024) {
            throw new IllegalArgumentException("too large (" + bytes.length + " bytes)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String format = text(root, "format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format '" + format + "', expected " + FORMAT);
        }
        long managerPid = number(root, "managerPid", 2, Long.MAX_VALUE);
        long managerStartTicks = number(root, "managerStartTicks", 0, Long.MAX_VALUE);
        String shmDir = text(root, "shmDir");
        if (!shmDir.startsWith("/") || shmDir.contains("/../") || shmDir.endsWith("/..")) {
            throw new IllegalArgumentException("shmDir '" + shmDir + "' is not an absolute, normal path");
        }
        int periodMs = (int) number(root, "periodMs", 2, 1000);
        String sandbox = text(root, "sandbox");
        if (!sandbox.equals("process") && !sandbox.equals("jail")) {
            throw new IllegalArgumentException("sandbox '" + sandbox + "', expected process or jail");
        }
        JsonNode argsNode = root.get("replicaArgs");
        if (argsNode == null || !argsNode.isArray()) {
            throw new IllegalArgumentException("replicaArgs missing or not a list");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode a : argsNode) {
            if (!a.isTextual()) {
                throw new IllegalArgumentException("replicaArgs holds a non-string");
            }
            args.add(a.asText());
        }
        long epoch = number(root, "epoch", 0, Long.MAX_VALUE);
        JsonNode holderNode = root.get("holder");
        Slot holder = holderNode == null || holderNode.isNull() ? null : slot(holderNode.asText(), "holder");
        Slot primary = slot(text(root, "primary"), "primary");
        long cycle = number(root, "cycle", 0, Long.MAX_VALUE);
        JsonNode startedNode = root.get("started");
        if (startedNode == null || !startedNode.isBoolean()) {
            throw new IllegalArgumentException("started missing or not true/false");
        }
        long writtenAtMs = number(root, "writtenAtMs", 0, Long.MAX_VALUE);
        JsonNode list = root.get("replicas");
        if (list == null || !list.isArray() || list.size() > Slot.values().length) {
            throw new IllegalArgumentException("replicas missing, not a list, or more than " + Slot.values().length);
        }
        List<Replica> replicas = new ArrayList<>();
        EnumSet<Slot> seen = EnumSet.noneOf(Slot.class);
        for (JsonNode n : list) {
            if (!n.isObject()) {
                throw new IllegalArgumentException("a replica entry is not an object");
            }
            Slot slot = slot(text(n, "slot"), "replica slot");
            if (!seen.add(slot)) {
                throw new IllegalArgumentException("slot " + slot + " listed twice");
            }
            int incarnation = (int) number(n, "incarnation", 1, Integer.MAX_VALUE);
            long pid = number(n, "pid", 2, Long.MAX_VALUE);
            long ticks = number(n, "startTicks", 0, Long.MAX_VALUE);
            String dir = text(n, "dir");
            if (!dir.equals(dirName(slot, incarnation))) {
                // Never a path of its own: the directory is where this manager would have made it.
                throw new IllegalArgumentException("replica " + slot + " dir '" + dir + "', expected " + dirName(slot, incarnation));
            }
            ChannelAddress address;
            try {
                address = ChannelAddress.parse(text(n, "channelAddress"));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("replica " + slot + " channelAddress: " + e.getMessage(), e);
            }
            replicas.add(new Replica(slot, incarnation, pid, ticks, dir, address));
        }
        if (holder != null && !seen.contains(holder)) {
            throw new IllegalArgumentException("holder " + holder + " has no replica entry");
        }
        return new ManagerState(managerPid, managerStartTicks, shmDir, periodMs, sandbox, args, epoch, holder, primary, cycle,
                startedNode.asBoolean(), writtenAtMs, replicas);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(field + " missing or not a string");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field, long min, long max) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " missing or not a whole number");
        }
        long value = v.asLong();
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    private static Slot slot(String text, String what) {
        for (Slot s : Slot.values()) {
            if (s.name().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException(what + " '" + text + "' is not a slot (A or B)");
    }
}
