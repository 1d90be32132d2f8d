package io.pstr.manager.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson configuration the status/control API speaks (server, client and CLI). */
public final class ApiJson {

    /**
     * Records as JSON objects with their component names; unknown properties are ignored when reading so
     * that an older client keeps working against a newer host manager.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ApiJson() {
    }
}
