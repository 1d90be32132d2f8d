package io.pstr.ui;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pstr.manager.api.ApiJson;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes timeline entries as CSV (RFC 4180 quoting) or as a JSON array. Any thread. */
public final class TimelineExport {

    private TimelineExport() {
    }

    /** CSV when the file name ends in {@code .csv}, JSON when it ends in {@code .json}. */
    public static void write(List<TimelineEntry> entries, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            writeCsv(entries, file);
        } else if (name.endsWith(".json")) {
            writeJson(entries, file);
        } else {
            throw new IllegalArgumentException("export file must end in .csv or .json: " + file.getFileName());
        }
    }

    static void writeCsv(List<TimelineEntry> entries, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("seq,t_s,clock,type,cause,slot,epoch,message,figures\r\n");
            for (TimelineEntry e : entries) {
                w.write(e.seq() + "," + (Double.isNaN(e.timeS()) ? "" : String.format(Locale.ROOT, "%.3f", e.timeS())) + ","
                        + csv(e.clock()) + "," + csv(e.type()) + "," + csv(e.cause()) + "," + csv(e.slot()) + "," + e.epoch()
                        + "," + csv(e.message()) + "," + csv(e.figures()) + "\r\n");
            }
        }
    }

    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static void writeJson(List<TimelineEntry> entries, Path file) throws IOException {
        ArrayNode array = ApiJson.MAPPER.createArrayNode();
        for (TimelineEntry e : entries) {
            ObjectNode o = array.addObject();
            o.put("seq", e.seq());
            if (!Double.isNaN(e.timeS())) {
                o.put("tS", e.timeS());
            }
            o.put("clock", e.clock()).put("type", e.type()).put("cause", e.cause()).put("slot", e.slot())
                    .put("epoch", e.epoch()).put("message", e.message());
            o.set("figures", ApiJson.MAPPER.valueToTree(e.rawFigures()));
        }
        ApiJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), array);
    }
}
