package io.github.kafkarestgateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /console} (the page) and {@code GET /console/assets/<file>} (its script, style and images): plain files
 * shipped in the jar under {@code console/}, so the console works offline and needs no build tool of its own. Only
 * plain file names of known types are served (no path can climb out of the folder); each file is read once.
 */
public class ServeConsoleAsset implements Processor {

    private static final String FOLDER = "console/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) {
        String path = HttpRequests.of(exchange).path();
        String name = path.equals("/console") || path.equals("/console/") ? "index.html"
                : path.substring(path.lastIndexOf('/') + 1);
        byte[] content = NAME.matcher(name).matches() ? files.computeIfAbsent(name, ServeConsoleAsset::read) : null;
        if (content == null) {
            throw new GatewayException(404, "Not found: no console file '" + name + "'");
        }
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        message.setBody(content);
    }

    private static byte[] read(String name) {
        try (InputStream in = ServeConsoleAsset.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            // null for a file the jar does not hold: nothing is kept for names that were asked for in vain
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
