package io.pstr.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.pstr.core.status.JournalEvent;
import io.pstr.manager.api.ApiJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineExportTest {

    private static final List<TimelineEntry> ENTRIES = List.of(
            TimelineEntry.of(new JournalEvent(3, 2_000_000_000L, 1_700_000_000_123L, "FAILOVER", "PROCESS_EXIT",
                    "PRIMARY_ACTIVE", "SHADOW_ACTIVE", 2, 600, "A", "replica A process exited: B takes the I/O, \"fast\"",
                    Map.of("detectMs", 22.125)), 12.5, ZoneOffset.UTC));

    @Test
    void shouldWriteCsvWithQuotedFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.csv");
        TimelineExport.write(ENTRIES, file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("seq,t_s,clock,type,cause,slot,epoch,message,figures", lines.get(0));
        assertEquals("3,12.500,22:13:20.123,FAILOVER,PROCESS_EXIT,A,2,"
                + "\"replica A process exited: B takes the I/O, \"\"fast\"\"\",detectMs=22.1", lines.get(1));
    }

    @Test
    void shouldWriteJsonWithTheFiguresAsNumbers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        TimelineExport.write(ENTRIES, file);
        JsonNode array = ApiJson.MAPPER.readTree(file.toFile());
        assertEquals(1, array.size());
        assertEquals("FAILOVER", array.get(0).get("type").asText());
        assertEquals(22.125, array.get(0).get("figures").get("detectMs").asDouble());
        assertEquals(12.5, array.get(0).get("tS").asDouble());
    }

    @Test
    void shouldRefuseAnUnknownExtension(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> TimelineExport.write(ENTRIES, dir.resolve("t.txt")));
    }
}
