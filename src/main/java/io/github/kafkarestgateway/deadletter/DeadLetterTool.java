package io.github.kafkarestgateway.deadletter;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.github.kafkarestgateway.settings.PemTrust;

/**
 * The operator command for dead letters, a client of the gateway's operator endpoints:
 * <pre>
 * DeadLetterTool list   [--url https://localhost:9443] [--key KEY] [--cacert certs/ca.pem]
 *                       [--limit N] [--after ID] [--pending true]
 * DeadLetterTool replay [--url ...] [--key ...] [--cacert ...]
 * </pre>
 * The key (an operator key) comes from {@code --key} or the environment variable {@code GATEWAY_API_KEY}. Prints the
 * JSON answer; exits 0 when the gateway answered 2xx, 1 otherwise, 2 for wrong arguments.
 */
public final class DeadLetterTool {

    private DeadLetterTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        String command = rest.poll();
        String url = "https://localhost:9443";
        String key = System.getenv("GATEWAY_API_KEY");
        String caCert = "certs/ca.pem";
        StringBuilder query = new StringBuilder();
        while (!rest.isEmpty()) {
            String option = rest.poll();
            String value = rest.poll();
            if (value == null) {
                return usage(err, "missing value for " + option);
            }
            switch (option) {
                case "--url" -> url = value;
                case "--key" -> key = value;
                case "--cacert" -> caCert = value;
                case "--limit", "--after", "--pending" -> query.append(query.isEmpty() ? '?' : '&')
                        .append(option.substring(2)).append('=')
                        .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
                default -> {
                    return usage(err, "unknown option " + option);
                }
            }
        }
        if (!"list".equals(command) && !"replay".equals(command)) {
            return usage(err, "say list or replay");
        }
        if (key == null || key.isBlank()) {
            return usage(err, "an operator API key is needed: --key or GATEWAY_API_KEY");
        }
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(PemTrust.sslContext(Path.of(caCert)))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/admin/dead-letters"
                            + ("replay".equals(command) ? "/replay" : query)))
                    .timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + key);
            request = "replay".equals(command) ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            out.println(response.body());
            return response.statusCode() / 100 == 2 ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return 1;
        } catch (Exception e) {
            err.println("dead letters: " + e);
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("dead letters: " + problem);
        err.println("usage: DeadLetterTool list|replay [--url https://localhost:9443] [--key KEY] [--cacert certs/ca.pem]"
                + " [--limit N] [--after ID] [--pending true]");
        return 2;
    }
}
