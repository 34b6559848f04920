package io.github.kafkarestgateway.deadletter;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.kafkarestgateway.cli.CommandLines;
import io.github.kafkarestgateway.settings.PemTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code gateway dead-letters}: the operator command for dead letters, a client of the gateway's operator endpoints
 * ({@code list}: {@code GET /admin/dead-letters}, {@code replay}: {@code POST /admin/dead-letters/replay}). The key (an
 * operator key) comes from {@code --key} or the environment variable {@code GATEWAY_API_KEY}. Prints the JSON answer;
 * exits 0 when the gateway answered 2xx, 1 otherwise, 2 for wrong arguments.
 */
@Command(name = "dead-letters",
        description = {"Lists and replays the dead letters of a running gateway (the requests it accepted but could"
                + " not deliver), through its operator endpoints, with an operator's API key. Prints the gateway's"
                + " JSON answer; exit status 1 when it did not answer 2xx."})
public final class DeadLetterTool {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "https://localhost:9443", paramLabel = "URL",
            description = "The gateway (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--key", scope = ScopeType.INHERIT, defaultValue = "${env:GATEWAY_API_KEY}", paramLabel = "KEY",
            description = "An operator's API key (default: the environment variable GATEWAY_API_KEY).")
    String key;

    @Option(names = "--cacert", scope = ScopeType.INHERIT, defaultValue = "certs/ca.pem", paramLabel = "FILE",
            description = "The CA certificate to trust, PEM (default: ${DEFAULT-VALUE}).")
    Path caCert;

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(new DeadLetterTool(), args, out, err);
    }

    @Command(name = "list", description = "One page of the dead letters, oldest first (the gateway's page: 100"
            + " entries unless --limit).")
    int list(@Option(names = "--limit", paramLabel = "N", description = "Entries on the page, 1 to 1000.")
             Integer limit,
             @Option(names = "--after", paramLabel = "ID", description = "The page after this entry (the answer's"
                     + " next).") String after,
             @Option(names = "--pending", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
                     description = "Only the entries not replayed yet.") Boolean pending) throws Exception {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", limit);
        query.put("after", after);
        query.put("pending", pending);
        String parameters = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue().toString(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url + "/admin/dead-letters"
                + (parameters.isEmpty() ? "" : "?" + parameters))).GET());
    }

    @Command(name = "replay", description = "Replays the pending dead letters (at most the 10 000 oldest; the"
            + " answer's pending says how many are left).")
    int replay() throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + "/admin/dead-letters/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Sends the request with the operator's key, prints the answer; 0 when it was 2xx, else 1. */
    private int send(HttpRequest.Builder request) throws Exception {
        if (key == null || key.isBlank()) {
            throw CommandLines.wrongArgument(spec, "an operator API key is needed: --key or GATEWAY_API_KEY");
        }
        HttpClient client = HttpClient.newBuilder().sslContext(PemTrust.sslContext(caCert))
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(request.timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        spec.commandLine().getOut().println(response.body());
        return response.statusCode() / 100 == 2 ? 0 : CommandLines.FAILED;
    }
}
