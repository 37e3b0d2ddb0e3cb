package io.postern.gateway;

import io.postern.gateway.admin.AdminClient;
import io.postern.gateway.admin.AdminMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --data-dir} option of the commands that talk to a running gateway ({@code show},
 * {@code set}, {@code syncconf}) and the call over its admin socket. The data directory resolves
 * as for {@code postern up}: the option, else {@code $POSTERN_DATA_DIR}, else {@code ./postern-data}.
 */
final class GatewayConnection {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory of the running gateway "
            + "(default: $" + UpCommand.DATA_DIR_ENV + ", else ./" + UpCommand.DEFAULT_DATA_DIR + ").")
    Path dataDir;

    /** @return the data directory this command uses */
    Path dataDir(Map<String, String> env) {
        if (dataDir != null) {
            return dataDir;
        }
        String fromEnv = env.get(UpCommand.DATA_DIR_ENV);
        return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : UpCommand.DEFAULT_DATA_DIR);
    }

    /**
     * Sends {@code request} and returns the successful response.
     *
     * @throws IOException when no gateway answers, or with the gateway's one-line error
     */
    AdminMessage call(Map<String, String> env, AdminMessage request) throws IOException {
        AdminMessage response = AdminClient.call(dataDir(env), request);
        if (!response.ok()) {
            throw new IOException("gateway: " + response.first("error").orElse("request failed"));
        }
        return response;
    }
}
