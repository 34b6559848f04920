package io.github.kafkarestgateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Properties;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PfxOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor of HTTPS→Kafka on a machine, for the benchmark: the least an HTTP gateway must do for one record. The same
 * Vert.x and Kafka client as the gateway (run on its class path), TLS by OpenSSL with the gateway's key store, the
 * producer settings the gateway ships (acks=all, idempotent, linger 1 ms), one event loop per two CPUs as the gateway;
 * per request only a bearer-key check (SHA-256 of the key against the one expected, compared in constant time),
 * {@code send} of the body as the value, and the JSON answer with partition and offset. No validation, mapping,
 * metrics, access log or error handling beyond a status.
 * <p>
 * Arguments: HTTPS port, bootstrap servers, PKCS12 key store (its password in {@code <key store>.password}); the API
 * key in the environment variable {@code BENCH_API_KEY}.
 */
public final class FloorRelay {

    private static final String PATH_PREFIX = "/topics/";
    private static final String PATH_SUFFIX = "/records";

    private FloorRelay() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path keyStore = Path.of(args[2]);
        String password = Files.readString(Path.of(keyStore + ".password"), StandardCharsets.UTF_8).trim();
        byte[] keyHash = sha256(System.getenv("BENCH_API_KEY").getBytes(StandardCharsets.UTF_8));

        Properties producerProperties = new Properties();
        producerProperties.put("bootstrap.servers", args[1]);
        producerProperties.put("acks", "all");
        producerProperties.put("enable.idempotence", "true");
        producerProperties.put("linger.ms", "1");
        producerProperties.put("max.block.ms", "5000");
        producerProperties.put("delivery.timeout.ms", "10000");
        producerProperties.put("request.timeout.ms", "5000");
        producerProperties.put("key.serializer", ByteArraySerializer.class.getName());
        producerProperties.put("value.serializer", ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties);

        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
        HttpServerOptions options = new HttpServerOptions().setPort(port).setSsl(true)
                .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(password))
                .setCompressionSupported(false).setTcpNoDelay(true);
        if (OpenSSLEngineOptions.isAvailable()) {
            options.setSslEngineOptions(new OpenSSLEngineOptions());
        }
        vertx.createHttpServer(options)
                .requestHandler(request -> handle(request, keyHash, producer))
                .listen()
                .toCompletionStage().toCompletableFuture().get();
        System.out.println("floor relay ready on " + port + (OpenSSLEngineOptions.isAvailable() ? " (TLS by OpenSSL)" : ""));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            producer.close();
            vertx.close();
        }));
    }

    private static void handle(HttpServerRequest request, byte[] keyHash, KafkaProducer<byte[], byte[]> producer) {
        String path = request.path();
        if (!"POST".equals(request.method().name()) || !path.startsWith(PATH_PREFIX) || !path.endsWith(PATH_SUFFIX)) {
            answer(request.response(), 404, "{\"error_code\":404,\"message\":\"Not found\"}");
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || !MessageDigest.isEqual(keyHash,
                sha256(authorization.substring(7).getBytes(StandardCharsets.UTF_8)))) {
            answer(request.response(), 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
            return;
        }
        String topic = path.substring(PATH_PREFIX.length(), path.length() - PATH_SUFFIX.length());
        Context context = Vertx.currentContext();
        request.body().onSuccess(body -> producer.send(new ProducerRecord<>(topic, body.getBytes()),
                (metadata, failure) -> context.runOnContext(ignored -> {
                    if (failure != null) {
                        answer(request.response(), 503, "{\"error_code\":503,\"message\":\"Kafka failed\"}");
                    } else {
                        answer(request.response(), 200, "{\"metadata\":{\"topic\":\"" + topic + "\",\"partition\":"
                                + metadata.partition() + ",\"offset\":" + metadata.offset() + ",\"timestamp\":\""
                                + metadata.timestamp() + "\"}}");
                    }
                })));
    }

    private static void answer(HttpServerResponse response, int status, String json) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(json));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
