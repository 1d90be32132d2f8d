package io.pstr.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<String> got = new ArrayList<>();
    private final SseParser parser = new SseParser((id, type, data) -> got.add(id + "|" + type + "|" + data));

    private void feed(String... lines) {
        for (String l : lines) {
            parser.line(l);
        }
    }

    @Test
    void shouldCutEventsAtBlankLines() {
        feed("retry: 1000", "", "event: status", "data: {\"a\":1}", "", ": a comment", "id: 7", "event: journal",
                "data: {\"seq\":7}", "");
        assertEquals(List.of("null|status|{\"a\":1}", "7|journal|{\"seq\":7}"), got);
    }

    @Test
    void shouldJoinDataLinesAndDefaultTheType() {
        feed("data:one", "data: two", "");
        assertEquals(List.of("null|message|one\ntwo"), got);
    }

    @Test
    void shouldCountUnknownFieldsAndKeepGoing() {
        feed("bogus: x", "nonsense", "event: status", "data: 1", "");
        assertEquals(2, parser.malformedLines());
        assertEquals(List.of("null|status|1"), got);
    }

    @Test
    void shouldDropAnOversizedEventButNotTheNextOne() {
        String big = "x".repeat(SseParser.MAX_DATA_CHARS / 2 + 1);
        feed("event: journal", "data: " + big, "data: " + big, "", "event: status", "data: ok", "");
        assertEquals(List.of("null|status|ok"), got);
        assertEquals(1, parser.malformedLines());
    }
}
