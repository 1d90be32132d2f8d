package io.pstr.manager.cli;

import io.pstr.manager.api.ApiClient;
import picocli.CommandLine.Option;

/** The options every API command shares: where the host manager is and the token to show it. */
public final class ApiOptions {

    @Option(names = "--api", paramLabel = "HOST:PORT", defaultValue = ApiClient.DEFAULT_ADDRESS,
            description = "Address of the host manager's status/control API (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:PSTR_API_TOKEN}",
            description = "Bearer token the host manager wants (needed when it listens beyond 127.0.0.1; "
                    + "default: the PSTR_API_TOKEN environment variable).")
    String token;

    /** {@code HOST:PORT} as given (not yet validated). */
    public String address() {
        return address;
    }

    /** The bearer token, or null. */
    public String token() {
        return token;
    }

    /** A client for these options; a malformed address is an IllegalArgumentException with an example. */
    ApiClient client() {
        return new ApiClient(address, token);
    }
}
