package io.github.kafkarestgateway.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** TEMPORARY (replaced by the registry launcher's TestRegistry): a registry started by hand. */
public final class TestRegistry {

    private static final String BASE = System.getProperty("test.registry", "http://localhost:18181");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestRegistry() {
    }

    public static String url() {
        return BASE + "/apis/ccompat/v7";
    }

    public static int register(String subject, String type, String schema) throws Exception {
        ObjectNode body = TestGateway.JSON.createObjectNode().put("schema", schema).put("schemaType", type);
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/subjects/" + subject
                        + "/versions")).header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(answer.statusCode() + " " + answer.body());
        }
        return TestGateway.JSON.readTree(answer.body()).get("id").asInt();
    }

    public static void deprecate(String subject, int version) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(BASE
                        + "/apis/registry/v3/groups/default/artifacts/" + subject + "/versions/" + version + "/state"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"state\":\"DEPRECATED\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(answer.statusCode() + " " + answer.body());
        }
    }

    public static long globalId(String subject, int version) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(BASE
                + "/apis/registry/v3/groups/default/artifacts/" + subject + "/versions/" + version)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return TestGateway.JSON.readTree(answer.body()).get("globalId").asLong();
    }
}
