package io.pstr.ui;

/**
 * Cuts a {@code text/event-stream} into events, line by line (the server-sent events format: {@code id:},
 * {@code event:}, {@code data:} fields, a blank line ends an event, {@code :} starts a comment).
 * Not thread-safe: one per connection.
 */
final class SseParser {

    /** Receives each complete event. */
    interface Sink {
        void event(String id, String type, String data);
    }

    /** An event's data beyond this is dropped, and the event with it (the API's events are a few KiB). */
    static final int MAX_DATA_CHARS = 4 * 1024 * 1024;

    private final Sink sink;
    private final StringBuilder data = new StringBuilder();
    private String id;
    private String type;
    private boolean hasData;
    private boolean oversized;
    private long malformedLines;

    SseParser(Sink sink) {
        this.sink = sink;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(line.length() > colon + 1 && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1);
        switch (field) {
            case "id" -> id = value;
            case "event" -> type = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                hasData = true;
                if (data.length() + value.length() > MAX_DATA_CHARS) {
                    oversized = true;
                    data.setLength(0);
                } else if (!oversized) {
                    data.append(value);
                }
            }
            case "retry" -> {
                // the client decides its own reconnection delay
            }
            default -> malformedLines++;
        }
    }

    private void dispatch() {
        if (hasData && !oversized) {
            sink.event(id, type == null ? "message" : type, data.toString());
        } else if (oversized) {
            malformedLines++;
        }
        data.setLength(0);
        type = null;
        hasData = false;
        oversized = false;
    }

    /** Lines with an unknown field, and oversized events, skipped so far. */
    long malformedLines() {
        return malformedLines;
    }
}
