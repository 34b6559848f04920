package io.github.kafkarestgateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.kafkarestgateway.admission.Backpressure;
import io.github.kafkarestgateway.admission.Quota;
import io.github.kafkarestgateway.auth.ApiKeyAuthenticator;
import io.github.kafkarestgateway.auth.ApiKeyFile;
import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.auth.FailedAuthenticationLimiter;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.deadletter.DeadLetterReplayer;
import io.github.kafkarestgateway.deadletter.DeadLetterStoreCheck;
import io.github.kafkarestgateway.deadletter.DeadLetterWriter;
import io.github.kafkarestgateway.deadletter.KafkaDeadLetterWriter;
import io.github.kafkarestgateway.deadletter.ListDeadLetterEntries;
import io.github.kafkarestgateway.deadletter.ReplayPendingDeadLetters;
import io.github.kafkarestgateway.error.ErrorResponse;
import io.github.kafkarestgateway.error.FailureClassifier;
import io.github.kafkarestgateway.http.ConnectionGuard;
import io.github.kafkarestgateway.http.GatewayHttpServer;
import io.github.kafkarestgateway.http.NonBlockingHttpEngine;
import io.github.kafkarestgateway.http.RequestObserver;
import io.github.kafkarestgateway.idempotency.ClaimIdempotencyKey;
import io.github.kafkarestgateway.idempotency.IdempotencyStore;
import io.github.kafkarestgateway.idempotency.ReleaseIdempotencyKey;
import io.github.kafkarestgateway.idempotency.RememberAnswer;
import io.github.kafkarestgateway.kafka.ContinuationPool;
import io.github.kafkarestgateway.kafka.KafkaSendGate;
import io.github.kafkarestgateway.kafka.ReliableProducer;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.ops.GatewayMetrics;
import io.github.kafkarestgateway.ops.ReadinessCheck;
import io.github.kafkarestgateway.ops.ScrapeMetrics;
import io.github.kafkarestgateway.produce.ForgetTopic;
import io.github.kafkarestgateway.produce.MarkSendTime;
import io.github.kafkarestgateway.produce.ProduceResponse;
import io.github.kafkarestgateway.produce.RecordBatchDelivery;
import io.github.kafkarestgateway.produce.SetRecordHeaders;
import io.github.kafkarestgateway.produce.TopicCheck;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the gateway's infrastructure from {@code application.properties}: the Kafka connection, the HTTPS server, the
 * API key store and the processors that need them. The routes in {@code routes/} refer to the beans bound here by
 * name. Registered by {@code camel.main.configurationClasses}, so Camel Main and Camel JBang load it alike.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);
    /** Kafka client properties are given as {@code kafka.<client property>}, e.g. {@code kafka.security.protocol}. */
    static final String KAFKA_PREFIX = "kafka.";
    /** How the banner describes the cluster (set by the run command when it starts the embedded broker). */
    static final String KAFKA_DESCRIPTION = "gateway.kafka.description";
    /**
     * The v1 produce route's path: its steps never wait except in the kafka component's send (and with an
     * Idempotency-Key, whose store has a producer of its own), so its requests run on the event loop when
     * {@link KafkaSendGate} says the send will not wait either.
     */
    static final String V1_PRODUCE_PATH = "/topics/{topic}/records";
    /** At most this many threads on which requests go on after an asynchronous step: more than Vert.x's 20 workers. */
    static final int CONTINUATION_THREADS = 32;

    @PropertyInject(value = "gateway.http.host", defaultValue = "0.0.0.0")
    private String httpHost;
    @PropertyInject(value = "gateway.http.port", defaultValue = "9443")
    private int httpPort;
    @PropertyInject(value = "gateway.http.event-loops", defaultValue = "0")
    private int httpEventLoops;
    @PropertyInject(value = "gateway.http.max-connections", defaultValue = "4096")
    private int maxConnections;
    @PropertyInject(value = "gateway.http.reserved-file-descriptors", defaultValue = "512")
    private int reservedFileDescriptors;
    @PropertyInject(value = "gateway.http.header-timeout-ms", defaultValue = "10000")
    private long headerTimeoutMs;
    @PropertyInject(value = "gateway.http.body-timeout-ms", defaultValue = "10000")
    private long bodyTimeoutMs;
    @PropertyInject(value = "gateway.http.body-min-bytes-per-second", defaultValue = "8192")
    private long bodyMinBytesPerSecond;
    @PropertyInject(value = "gateway.http.idle-timeout-ms", defaultValue = "300000")
    private long idleTimeoutMs;
    @PropertyInject(value = "gateway.http.public-host", defaultValue = "localhost")
    private String publicHost;
    @PropertyInject(value = "gateway.management.port", defaultValue = "")
    private String managementPort;
    @PropertyInject(value = "gateway.tls.enabled", defaultValue = "true")
    private boolean tlsEnabled;
    @PropertyInject(value = "gateway.tls.keystore", defaultValue = "certs/server.p12")
    private String keyStore;
    @PropertyInject(value = "gateway.tls.keystore-password", defaultValue = "")
    private String keyStorePassword;
    @PropertyInject(value = "gateway.tls.certificate", defaultValue = "")
    private String certificate;
    @PropertyInject(value = "gateway.tls.private-key", defaultValue = "")
    private String privateKey;
    @PropertyInject(value = "gateway.tls.client-ca", defaultValue = "certs/client-ca.pem")
    private String clientCa;
    @PropertyInject(value = "gateway.tls.client-auth", defaultValue = "request")
    private String clientAuth;
    @PropertyInject(value = "gateway.tls.client-principal", defaultValue = "cn")
    private String clientPrincipal;
    @PropertyInject(value = "gateway.auth.max-failures", defaultValue = "10")
    private int maxAuthFailures;
    @PropertyInject(value = "gateway.auth.failure-window-ms", defaultValue = "60000")
    private long authFailureWindowMs;
    @PropertyInject(value = "gateway.auth.block-ms", defaultValue = "60000")
    private long authBlockMs;
    @PropertyInject(value = "gateway.auth.reload-interval-ms", defaultValue = "1000")
    private long reloadIntervalMs;
    @PropertyInject(value = "gateway.tls.ca-certificate", defaultValue = "certs/ca.pem")
    private String caCertificate;
    @PropertyInject(value = "gateway.max-value-bytes", defaultValue = "65536")
    private int maxValueBytes;
    @PropertyInject(value = "gateway.v2.max-request-bytes", defaultValue = "5242880")
    private long v2MaxRequestBytes;
    @PropertyInject(value = "gateway.max-uri-bytes", defaultValue = "10240")
    private int maxUriBytes;
    @PropertyInject(value = "gateway.access-log.enabled", defaultValue = "true")
    private boolean accessLogEnabled;
    @PropertyInject(value = "gateway.idempotency.topic", defaultValue = "rest-gateway-idempotency")
    private String idempotencyTopic;
    @PropertyInject(value = "gateway.idempotency.window-ms", defaultValue = "86400000")
    private long idempotencyWindowMs;
    @PropertyInject(value = "gateway.idempotency.in-flight-timeout-ms", defaultValue = "60000")
    private long idempotencyInFlightMs;
    @PropertyInject(value = "gateway.v2.delivery-timeout-ms", defaultValue = "10000")
    private long batchDeliveryTimeoutMs;
    @PropertyInject(value = "gateway.v2.linger-ms", defaultValue = "5")
    private long batchLingerMs;
    @PropertyInject(value = "gateway.max-in-flight", defaultValue = "4096")
    private int maxInFlight;
    @PropertyInject(value = "gateway.max-in-flight-bytes", defaultValue = "67108864")
    private long maxInFlightBytes;
    @PropertyInject(value = "gateway.quota.requests-per-second", defaultValue = "0")
    private double quotaPerSecond;
    @PropertyInject(value = "gateway.auth.keys-file", defaultValue = "data/api-keys.json")
    private String keysFile;
    @PropertyInject(value = "gateway.auth.create-dev-key", defaultValue = "true")
    private boolean createDevKey;
    @PropertyInject(value = "gateway.kafka.check-timeout-ms", defaultValue = "5000")
    private int checkTimeoutMs;
    @PropertyInject(value = "gateway.kafka.topic-cache-ms", defaultValue = "30000")
    private long topicCacheMs;
    @PropertyInject(value = "gateway.kafka.unavailable-backoff-ms", defaultValue = "1000")
    private long unavailableBackoffMs;
    @PropertyInject(value = "gateway.dead-letter.journal", defaultValue = "data/dead-letters/journal.jsonl")
    private String deadLetterJournal;
    @PropertyInject(value = "gateway.dead-letter.min-free-bytes", defaultValue = "67108864")
    private long deadLetterMinFreeBytes;
    @PropertyInject(value = "gateway.dead-letter.kafka-topic", defaultValue = "")
    private String deadLetterTopic;
    @PropertyInject(value = "gateway.dead-letter.kafka-bootstrap-servers", defaultValue = "")
    private String deadLetterBootstrap;
    @PropertyInject(value = "gateway.dead-letter.replay-timeout-ms", defaultValue = "10000")
    private long replayTimeoutMs;
    @PropertyInject(value = "gateway.dead-letter.replay-lookback-ms", defaultValue = "120000")
    private long replayLookbackMs;
    @Override
    public void configure(CamelContext context) throws Exception {
        Map<String, Object> kafkaClient = kafkaClientProperties(context.getPropertiesComponent());
        String bootstrap = (String) kafkaClient.get("bootstrap.servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalStateException("No Kafka cluster: set kafka.bootstrap.servers (or KAFKA_BOOTSTRAP_SERVERS);"
                    + " the run command of the Maven build starts an embedded broker when none is set");
        }
        String kafkaDescription = context.getPropertiesComponent().resolveProperty(KAFKA_DESCRIPTION).orElse(bootstrap);
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setBrokers(bootstrap);
        KafkaSendGate sendGate = new KafkaSendGate();
        kafka.setKafkaClientFactory(sendGate);
        // settings made for the kafka component itself (camel.component.kafka.additionalProperties[…]) come first
        kafkaClient.forEach(kafka.getConfiguration().getAdditionalProperties()::putIfAbsent);

        GatewayMetrics metrics = new GatewayMetrics();
        context.addService(closing(metrics::close), true, true);
        bind(context, "scrapeMetrics", new ScrapeMetrics(metrics));

        Admin admin = Admin.create(kafkaClient);
        ContinuationPool continuation = new ContinuationPool("Camel (" + context.getName() + ") continuation",
                CONTINUATION_THREADS);
        TopicCheck topicCheck = new TopicCheck(admin, continuation, checkTimeoutMs, topicCacheMs, unavailableBackoffMs);
        context.addService(closing(() -> {
            admin.close();
            continuation.shutdown();
        }), true, true);
        bind(context, "checkTopic", topicCheck);
        bind(context, "forgetTopic", new ForgetTopic(topicCheck));
        bind(context, "classifyFailure", new FailureClassifier());
        bind(context, "answerError", new ErrorResponse());

        DeadLetterJournal journal = new DeadLetterJournal(Path.of(deadLetterJournal), deadLetterMinFreeBytes).open();
        DeadLetterReplayer replayer = new DeadLetterReplayer(journal, kafkaClient, replayTimeoutMs, replayLookbackMs,
                metrics.deadLettersReplayed());
        context.addService(closing(() -> {
            replayer.close();
            journal.close();
        }), true, true);
        bind(context, "checkDeadLetterStore", new DeadLetterStoreCheck(journal));
        Map<String, Object> batchProducer = ReliableProducer.properties(kafkaClient, "rest-gateway-v2",
                batchDeliveryTimeoutMs);
        batchProducer.put("linger.ms", String.valueOf(batchLingerMs));
        batchProducer.put("batch.size", "262144");
        batchProducer.put("max.block.ms", "5000");
        // the producer refuses a delivery timeout below linger.ms + request.timeout.ms: a shorter
        // gateway.v2.delivery-timeout-ms shortens the request timeout with it
        batchProducer.put("request.timeout.ms",
                String.valueOf(Math.max(1, Math.min(5000, batchDeliveryTimeoutMs - batchLingerMs))));
        IdempotencyStore idempotency = new IdempotencyStore(idempotencyTopic, kafkaClient, idempotencyWindowMs,
                idempotencyInFlightMs);
        context.addService(closing(idempotency::close), true, true);
        metrics.bind(idempotency);
        bind(context, "claimIdempotencyKey", new ClaimIdempotencyKey(idempotency, continuation));
        bind(context, "rememberAnswer", new RememberAnswer(idempotency, continuation));
        bind(context, "releaseIdempotencyKey", new ReleaseIdempotencyKey(idempotency));
        RecordBatchDelivery batchDelivery = new RecordBatchDelivery(batchProducer, journal, continuation);
        context.addService(closing(batchDelivery::close), true, true);
        bind(context, "deliverRecords", batchDelivery);
        bind(context, "storeDeadLetter", new DeadLetterWriter(journal));
        Map<String, Object> deadLetterCluster = new HashMap<>(kafkaClient);
        if (!deadLetterBootstrap.isBlank()) {
            deadLetterCluster.put("bootstrap.servers", deadLetterBootstrap.trim());
        }
        KafkaDeadLetterWriter kafkaDeadLetters = new KafkaDeadLetterWriter(deadLetterTopic.trim(), deadLetterCluster,
                checkTimeoutMs);
        context.addService(closing(kafkaDeadLetters::close), true, true);
        bind(context, "storeOnDeadLetterTopic", kafkaDeadLetters);
        bind(context, "listDeadLetterEntries", new ListDeadLetterEntries(journal));
        bind(context, "replayPendingDeadLetters", new ReplayPendingDeadLetters(replayer));
        bind(context, "checkReadiness", new ReadinessCheck(admin, journal, continuation, checkTimeoutMs));

        Path keys = Path.of(keysFile);
        String newKey = null;
        if (!Files.exists(keys) && createDevKey) {
            newKey = new ApiKeyFile(keys).create("dev", ApiKeyStore.OPERATOR, List.of("*"), null, true);
            LOG.info("Created the development service ID 'dev' (operator, all topics) in {}; its key is printed once,"
                    + " when the gateway is ready", keys);
        }
        ApiKeyStore store = ApiKeyStore.load(keys);
        LOG.info("Loaded {} service ID(s) from {}", store.size(), keys.toAbsolutePath());
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(maxAuthFailures, authFailureWindowMs,
                authBlockMs);
        boolean bySan = "san".equalsIgnoreCase(clientPrincipal.trim());
        bind(context, "authenticate", new ApiKeyAuthenticator(store, ApiKeyStore.WRITER, true, limiter, bySan));
        bind(context, "authenticateOperator", new ApiKeyAuthenticator(store, ApiKeyStore.OPERATOR, false, limiter,
                bySan));
        bind(context, "applyQuota", new Quota(store, quotaPerSecond));
        Backpressure backpressure = new Backpressure(maxInFlight, maxInFlightBytes);
        metrics.bind(backpressure);
        bind(context, "checkLoad", backpressure);
        bind(context, "answerMetadata", new ProduceResponse());
        bind(context, "setRecordHeaders", new SetRecordHeaders());
        bind(context, "markSendTime", new MarkSendTime());

        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost(httpHost);
        http.setBindPort(httpPort);
        // v1 bodies stop at gateway.max-value-bytes (checked early by Content-Length, and by the route); v2 batches
        // at gateway.v2.max-request-bytes
        http.setMaxBodySize(Math.max(maxValueBytes, v2MaxRequestBytes));
        http.getBodyHandler().setHandleFileUploads(false);
        RequestObserver observer = new RequestObserver(accessLogEnabled, metrics);
        ScheduledExecutorService accessLog = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "access-log");
        accessLog.scheduleWithFixedDelay(observer::flush, RequestObserver.FLUSH_MS, RequestObserver.FLUSH_MS,
                TimeUnit.MILLISECONDS);
        ConnectionGuard connections = new ConnectionGuard(new ConnectionGuard.Settings(maxConnections,
                reservedFileDescriptors, headerTimeoutMs, bodyTimeoutMs, bodyMinBytesPerSecond, idleTimeoutMs));
        metrics.bind(connections);
        GatewayHttpServer server = new GatewayHttpServer(http, maxUriBytes, maxValueBytes, tlsEnabled ? tls() : null,
                observer, managementPort.isBlank() ? null : Integer.valueOf(managementPort.trim()),
                httpEventLoops > 0 ? httpEventLoops : Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                connections);
        context.getRegistry().bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME,
                new NonBlockingHttpEngine(VertxPlatformHttpRouter.getRouterNameFromPort(httpPort),
                        (path, request) -> V1_PRODUCE_PATH.equals(path)
                                && request.request().getHeader(GatewayNames.IDEMPOTENCY_KEY_HEADER) == null
                                && sendGate.sendsAtOnce(request.pathParam("topic"), request.body().length())));
        // added before the server, so stopped after it (reverse order): the last requests' lines are written too
        context.addService(closing(() -> {
            context.getExecutorServiceManager().shutdown(accessLog);
            observer.flush();
        }), true, true);
        context.addService(server, true, true);

        // key file and certificate changes take effect without a restart
        ScheduledExecutorService watcher = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "reload-keys-and-certificates");
        watcher.scheduleWithFixedDelay(() -> {
            store.refresh();
            server.reloadCertificatesIfChanged();
        }, reloadIntervalMs, reloadIntervalMs, TimeUnit.MILLISECONDS);
        // the dead-letter store's free space and writability, looked at off the request path
        watcher.scheduleWithFixedDelay(journal::check, 1, 1, TimeUnit.SECONDS);
        // how many client connections the file descriptors left allow
        watcher.scheduleWithFixedDelay(connections::refreshLimit, 1, 1, TimeUnit.SECONDS);
        context.addService(closing(() -> context.getExecutorServiceManager().shutdown(watcher)), true, true);

        String endpoint = (tlsEnabled ? "https://" : "http://") + publicHost + ":";
        String shownKey = newKey;
        String kafkaShown = kafkaDescription;
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // printed once the routes are up, below
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                banner(endpoint + server.getPort(), shownKey, keys, kafkaShown);
            }
        });
    }

    /** Every {@code kafka.*} property, prefix removed; {@code kafka.bootstrap.servers} also from the environment. */
    static Map<String, Object> kafkaClientProperties(PropertiesComponent properties) {
        Map<String, Object> client = new HashMap<>();
        Properties all = properties.loadProperties(name -> name.startsWith(KAFKA_PREFIX));
        for (String name : all.stringPropertyNames()) {
            String value = properties.resolveProperty(name).orElse(all.getProperty(name));
            if (value != null && !value.isBlank()) {
                client.put(name.substring(KAFKA_PREFIX.length()), value.trim());
            }
        }
        properties.resolveProperty(KAFKA_PREFIX + "bootstrap.servers")
                .filter(value -> !value.isBlank())
                .ifPresent(value -> client.put("bootstrap.servers", value.trim()));
        return client;
    }

    private GatewayHttpServer.Tls tls() throws IOException {
        Path clientCaFile = clientCa.isBlank() ? null : Path.of(clientCa.trim());
        if (clientCaFile != null && !Files.exists(clientCaFile)) {
            LOG.info("No client CA at {}: client certificates are not used", clientCaFile.toAbsolutePath());
            clientCaFile = null;
        }
        if (!certificate.isBlank()) {
            return new GatewayHttpServer.Tls(null, null, Path.of(certificate.trim()), Path.of(privateKey.trim()),
                    clientCaFile, clientAuth.trim());
        }
        Path store = Path.of(keyStore);
        return new GatewayHttpServer.Tls(store, keyStorePassword(store), null, null, clientCaFile, clientAuth.trim());
    }

    private String keyStorePassword(Path store) throws IOException {
        if (!keyStorePassword.isEmpty()) {
            return keyStorePassword;
        }
        Path passwordFile = Path.of(store + ".password");
        if (!Files.exists(store) || !Files.exists(passwordFile)) {
            throw new IllegalStateException("No TLS key store at " + store.toAbsolutePath()
                    + ": run certs/generate.sh, or set gateway.tls.keystore and gateway.tls.keystore-password");
        }
        return Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
    }

    private void banner(String endpoint, String newKey, Path keys, String kafka) {
        String key = newKey != null ? newKey + "   (shown once: only its hash is stored in " + keys + ")"
                : "see " + keys + " (keys are stored hashed; delete the file to have a new dev key made and shown)";
        String curlKey = newKey != null ? newKey : "<api_key>";
        String ca = Path.of(caCertificate).toAbsolutePath().toString();
        System.out.println(String.join(System.lineSeparator(),
                "",
                "Kafka REST gateway is ready",
                "  API endpoint : " + endpoint,
                "  Trust (PEM)  : " + ca,
                "  API key      : " + key,
                "  Kafka        : " + kafka,
                "  Try it       : curl -X POST -H \"Authorization: Bearer " + curlKey + "\" -H \"Content-Type: text/plain\""
                        + " -H \"Accept: application/json\" -d 'test message' --cacert " + caCertificate
                        + " \"" + endpoint + "/topics/test-topic/records\"",
                ""));
    }

    /** Binds a bean that the routes refer to by name (routes/README.md lists them all). */
    private static void bind(CamelContext context, String name, Object bean) {
        context.getRegistry().bind(name, bean);
    }

    /** A context service that runs an action when the context stops (after the routes have stopped). */
    private static ServiceSupport closing(Runnable onStop) {
        return new ServiceSupport() {
            @Override
            protected void doStop() {
                onStop.run();
            }
        };
    }
}
