package io.github.kafkarestgateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import io.github.kafkarestgateway.admission.AdmissionSettings;
import io.github.kafkarestgateway.admission.Backpressure;
import io.github.kafkarestgateway.admission.Quota;
import io.github.kafkarestgateway.auth.ApiKeyAuthenticator;
import io.github.kafkarestgateway.auth.ApiKeyFile;
import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.auth.AuthSettings;
import io.github.kafkarestgateway.auth.CertificateAuthority;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.auth.ClusterAcls;
import io.github.kafkarestgateway.auth.FailedAuthenticationLimiter;
import io.github.kafkarestgateway.auth.KafkaIdentityAuthenticator;
import io.github.kafkarestgateway.console.CheckConsoleSession;
import io.github.kafkarestgateway.console.ConsoleSessions;
import io.github.kafkarestgateway.console.ConsoleSettings;
import io.github.kafkarestgateway.console.CreateServiceId;
import io.github.kafkarestgateway.console.CreateTopic;
import io.github.kafkarestgateway.console.DescribeConsoleSession;
import io.github.kafkarestgateway.console.DownloadCaCertificate;
import io.github.kafkarestgateway.console.EndConsoleSession;
import io.github.kafkarestgateway.console.ExpireServiceId;
import io.github.kafkarestgateway.console.ListServiceIds;
import io.github.kafkarestgateway.console.ListTopics;
import io.github.kafkarestgateway.console.RevokeServiceId;
import io.github.kafkarestgateway.console.RotateServiceKey;
import io.github.kafkarestgateway.console.ShowOverview;
import io.github.kafkarestgateway.console.SignClientCertificate;
import io.github.kafkarestgateway.console.StartConsoleSession;
import io.github.kafkarestgateway.auth.KafkaServiceIds;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.deadletter.DeadLetterReplayer;
import io.github.kafkarestgateway.deadletter.DeadLetterSettings;
import io.github.kafkarestgateway.deadletter.DeadLetterStoreCheck;
import io.github.kafkarestgateway.deadletter.DeadLetterWriter;
import io.github.kafkarestgateway.deadletter.KafkaDeadLetterWriter;
import io.github.kafkarestgateway.deadletter.ListDeadLetterEntries;
import io.github.kafkarestgateway.deadletter.ReplayPendingDeadLetters;
import io.github.kafkarestgateway.error.ErrorResponse;
import io.github.kafkarestgateway.error.FailureClassifier;
import io.github.kafkarestgateway.http.ClientAddress;
import io.github.kafkarestgateway.http.ConnectionGuard;
import io.github.kafkarestgateway.http.CrossOrigin;
import io.github.kafkarestgateway.http.GatewayHttpServer;
import io.github.kafkarestgateway.http.HttpSettings;
import io.github.kafkarestgateway.http.NonBlockingHttpEngine;
import io.github.kafkarestgateway.http.RequestObserver;
import io.github.kafkarestgateway.http.TlsFiles;
import io.github.kafkarestgateway.http.TrustedProxies;
import io.github.kafkarestgateway.idempotency.ClaimIdempotencyKey;
import io.github.kafkarestgateway.idempotency.IdempotencySettings;
import io.github.kafkarestgateway.idempotency.IdempotencyStore;
import io.github.kafkarestgateway.idempotency.ReleaseIdempotencyKey;
import io.github.kafkarestgateway.idempotency.RememberAnswer;
import io.github.kafkarestgateway.kafka.CallerProducers;
import io.github.kafkarestgateway.kafka.ContinuationPool;
import io.github.kafkarestgateway.kafka.KafkaClientProperties;
import io.github.kafkarestgateway.kafka.KafkaSendGate;
import io.github.kafkarestgateway.kafka.ProduceAsCaller;
import io.github.kafkarestgateway.kafka.KafkaSettings;
import io.github.kafkarestgateway.kafka.ReliableProducer;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.ops.DeadLettersPending;
import io.github.kafkarestgateway.ops.DependencyChecks;
import io.github.kafkarestgateway.ops.GatewayMetrics;
import io.github.kafkarestgateway.ops.MeterHistory;
import io.github.kafkarestgateway.ops.OpsSettings;
import io.github.kafkarestgateway.ops.ReadinessCheck;
import io.github.kafkarestgateway.ops.ScrapeMetrics;
import io.github.kafkarestgateway.produce.ForgetTopic;
import io.github.kafkarestgateway.produce.MarkSendTime;
import io.github.kafkarestgateway.produce.ProduceResponse;
import io.github.kafkarestgateway.produce.ProduceSettings;
import io.github.kafkarestgateway.produce.RecordBatchDelivery;
import io.github.kafkarestgateway.produce.RecordMapper;
import io.github.kafkarestgateway.produce.SetRecordHeaders;
import io.github.kafkarestgateway.produce.TopicCheck;
import io.github.kafkarestgateway.schema.ApplySchema;
import io.github.kafkarestgateway.schema.ResolveEnvelopeSchemas;
import io.github.kafkarestgateway.schema.ResolveSchema;
import io.github.kafkarestgateway.schema.SchemaCatalog;
import io.github.kafkarestgateway.schema.SchemaRegistryClient;
import io.github.kafkarestgateway.schema.SchemaSettings;
import io.github.kafkarestgateway.settings.PemTrust;
import io.github.kafkarestgateway.settings.Settings;
import io.github.kafkarestgateway.tracing.Tracing;
import io.github.kafkarestgateway.tracing.TracingSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the gateway's infrastructure from {@code application.properties}: the Kafka connection, the HTTPS server, the
 * API key store and the processors that need them. The routes in {@code routes/} refer to the beans bound here by
 * name. Registered by {@code camel.main.configuration-classes}, so Camel Main and Camel JBang load it alike.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);
    /** How the banner describes the cluster (set by the run command when it starts the embedded broker). */
    static final String KAFKA_DESCRIPTION = "gateway.kafka.description";
    /** How the banner describes the schema registry (set by the run command when it starts the embedded one). */
    static final String SCHEMA_REGISTRY_DESCRIPTION = "gateway.schema-registry.description";
    /**
     * The v1 produce route's path: its steps never wait except in the kafka component's send (and with an
     * Idempotency-Key, whose store has a producer of its own), so its requests run on the event loop when
     * {@link KafkaSendGate} says the send will not wait either.
     */
    static final String V1_PRODUCE_PATH = "/topics/{topic}/records";

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent());
        // the settings, each read once (key, default and meaning: the settings class of its package)
        String httpHost = settings.string(HttpSettings.HOST);
        int httpPort = settings.integer(HttpSettings.PORT);
        int httpEventLoops = settings.integer(HttpSettings.EVENT_LOOPS);
        int maxConnections = settings.integer(HttpSettings.MAX_CONNECTIONS);
        int reservedFileDescriptors = settings.integer(HttpSettings.RESERVED_FILE_DESCRIPTORS);
        long headerTimeoutMs = settings.longValue(HttpSettings.HEADER_TIMEOUT_MS);
        long bodyTimeoutMs = settings.longValue(HttpSettings.BODY_TIMEOUT_MS);
        long bodyMinBytesPerSecond = settings.longValue(HttpSettings.BODY_MIN_BYTES_PER_SECOND);
        long idleTimeoutMs = settings.longValue(HttpSettings.IDLE_TIMEOUT_MS);
        String publicHost = settings.string(HttpSettings.PUBLIC_HOST);
        String managementPort = settings.string(HttpSettings.MANAGEMENT_PORT);
        boolean tlsEnabled = settings.bool(HttpSettings.TLS_ENABLED);
        String clientPrincipal = settings.string(HttpSettings.TLS_CLIENT_PRINCIPAL);
        int maxAuthFailures = settings.integer(AuthSettings.MAX_FAILURES);
        long authFailureWindowMs = settings.longValue(AuthSettings.FAILURE_WINDOW_MS);
        long authBlockMs = settings.longValue(AuthSettings.BLOCK_MS);
        long reloadIntervalMs = settings.longValue(AuthSettings.RELOAD_INTERVAL_MS);
        String caCertificate = settings.string(HttpSettings.TLS_CA_CERTIFICATE);
        int maxValueBytes = settings.integer(ProduceSettings.MAX_VALUE_BYTES);
        long v2MaxRequestBytes = settings.longValue(ProduceSettings.V2_MAX_REQUEST_BYTES);
        int maxUriBytes = settings.integer(ProduceSettings.MAX_URI_BYTES);
        boolean accessLogEnabled = settings.bool(HttpSettings.ACCESS_LOG_ENABLED);
        ClientAddress clients = new ClientAddress(TrustedProxies.parse(settings.string(HttpSettings.TRUSTED_PROXIES)));
        CrossOrigin crossOrigin = crossOrigin(settings);
        boolean proxyProtocol = settings.bool(HttpSettings.PROXY_PROTOCOL);
        String idempotencyTopic = settings.string(IdempotencySettings.TOPIC);
        long idempotencyWindowMs = settings.longValue(IdempotencySettings.WINDOW_MS);
        long idempotencyInFlightMs = settings.longValue(IdempotencySettings.IN_FLIGHT_TIMEOUT_MS);
        long batchDeliveryTimeoutMs = settings.longValue(ProduceSettings.V2_DELIVERY_TIMEOUT_MS);
        long batchLingerMs = settings.longValue(ProduceSettings.V2_LINGER_MS);
        int maxInFlight = settings.integer(AdmissionSettings.MAX_IN_FLIGHT);
        long maxInFlightBytes = settings.longValue(AdmissionSettings.MAX_IN_FLIGHT_BYTES);
        double quotaPerSecond = settings.decimal(AdmissionSettings.QUOTA_REQUESTS_PER_SECOND);
        int checkTimeoutMs = settings.integer(KafkaSettings.CHECK_TIMEOUT_MS);
        long topicCacheMs = settings.longValue(KafkaSettings.TOPIC_CACHE_MS);
        long unavailableBackoffMs = settings.longValue(KafkaSettings.UNAVAILABLE_BACKOFF_MS);
        String deadLetterJournal = settings.string(DeadLetterSettings.JOURNAL);
        long deadLetterMinFreeBytes = settings.longValue(DeadLetterSettings.MIN_FREE_BYTES);
        String deadLetterTopic = settings.string(DeadLetterSettings.KAFKA_TOPIC);
        String deadLetterBootstrap = settings.string(DeadLetterSettings.KAFKA_BOOTSTRAP_SERVERS);
        long replayTimeoutMs = settings.longValue(DeadLetterSettings.REPLAY_TIMEOUT_MS);
        long replayLookbackMs = settings.longValue(DeadLetterSettings.REPLAY_LOOKBACK_MS);
        int continuationThreads = settings.integer(KafkaSettings.CONTINUATION_THREADS);
        String schemaRegistryUrl = settings.string(SchemaSettings.REGISTRY_URL);
        long consoleSampleMs = settings.longValue(OpsSettings.CONSOLE_SAMPLE_MS);
        int consoleHistorySamples = settings.integer(OpsSettings.CONSOLE_HISTORY_SAMPLES);
        // null when gateway.tracing.enabled=false: then nothing on a request's path does any tracing work
        Tracing tracing = Tracing.of(settings.bool(TracingSettings.ENABLED),
                settings.decimal(TracingSettings.SAMPLER_RATIO), settings.string(TracingSettings.OTLP_ENDPOINT),
                settings.string(TracingSettings.OTLP_HEADERS), settings.string(TracingSettings.OTLP_CA_FILE),
                settings.string(TracingSettings.SERVICE_NAME));
        CallerProducers.Mechanism kafkaIdentity = CallerProducers.Mechanism.of(
                settings.string(AuthSettings.KAFKA_IDENTITY), settings.string(AuthSettings.SCRAM_MECHANISM));
        Map<String, Object> kafkaClient = KafkaClientProperties.from(context.getPropertiesComponent());
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
                continuationThreads);
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
        batchDelivery.trace(tracing != null);
        CallerProducers callers = kafkaIdentity == null ? null : new CallerProducers(kafkaIdentity, kafkaClient,
                settings.integer(AuthSettings.MAX_PRODUCERS), settings.longValue(AuthSettings.PRODUCER_IDLE_MS),
                settings.longValue(AuthSettings.RECHECK_MS),
                Math.max(settings.longValue(AuthSettings.PRODUCER_BUFFER_BYTES), 2L * maxValueBytes),
                checkTimeoutMs, settings.integer(AuthSettings.MAX_CONCURRENT_CHECKS), continuation);
        if (callers != null) {
            sendGate.produceAsCallers(callers);
            batchDelivery.produceAsCallers(callers);
            metrics.bind(callers);
            // closed after the routes (reverse order of adding): their last records are acknowledged first
            context.addService(closing(callers::close), true, true);
        }
        context.addService(closing(batchDelivery::close), true, true);
        bind(context, "deliverRecords", batchDelivery);
        bind(context, "storeDeadLetter", new DeadLetterWriter(journal));
        Map<String, Object> deadLetterCluster = new HashMap<>(kafkaClient);
        if (!deadLetterBootstrap.isBlank()) {
            deadLetterCluster.put("bootstrap.servers", deadLetterBootstrap);
        }
        KafkaDeadLetterWriter kafkaDeadLetters = new KafkaDeadLetterWriter(deadLetterTopic, deadLetterCluster,
                checkTimeoutMs);
        context.addService(closing(kafkaDeadLetters::close), true, true);
        bind(context, "storeOnDeadLetterTopic", kafkaDeadLetters);
        bind(context, "listDeadLetterEntries", new ListDeadLetterEntries(journal));
        bind(context, "replayPendingDeadLetters", new ReplayPendingDeadLetters(replayer));
        DependencyChecks dependencies = DependencyChecks.of(admin, checkTimeoutMs);
        bind(context, "checkReadiness", new ReadinessCheck(dependencies, journal, continuation));
        bindSchemas(context, settings, continuation, dependencies);
        // the history behind the operator console's overview: sampled while the context runs, read by the console
        MeterHistory history = new MeterHistory(metrics, dependencies, DeadLettersPending.of(journal), hostName(),
                consoleSampleMs, consoleHistorySamples, InstantSource.system());
        bind(context, "meterHistory", history);
        context.addService(periodically(context, "console-history", consoleSampleMs, history::sample), true, true);

        ServiceIdStore keys = serviceIds(context, settings, kafkaClient, checkTimeoutMs);
        ApiKeyStore store = keys.store();
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(maxAuthFailures, authFailureWindowMs,
                authBlockMs);
        boolean bySan = "san".equalsIgnoreCase(clientPrincipal);
        bind(context, "authenticate", callers == null
                ? new ApiKeyAuthenticator(store, ApiKeyStore.WRITER, true, limiter, bySan, clients)
                : new KafkaIdentityAuthenticator(callers, new ClusterAcls(admin, settings.longValue(
                        AuthSettings.ACL_REFRESH_MS), checkTimeoutMs), limiter, bySan, continuation, clients));
        bind(context, "authenticateOperator", new ApiKeyAuthenticator(store, ApiKeyStore.OPERATOR, false, limiter,
                bySan, clients));
        bind(context, "applyQuota", new Quota(store, quotaPerSecond));
        Backpressure backpressure = new Backpressure(maxInFlight, maxInFlightBytes);
        metrics.bind(backpressure);
        bind(context, "checkLoad", backpressure);
        bind(context, "answerMetadata", new ProduceResponse());
        bind(context, "setRecordHeaders", new SetRecordHeaders(tracing != null));
        bind(context, "markSendTime", new MarkSendTime());
        bind(context, "produceAsCaller", new ProduceAsCaller());

        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost(httpHost);
        http.setBindPort(httpPort);
        // v1 bodies stop at gateway.max-value-bytes (checked early by Content-Length, and by the route); v2 batches
        // at gateway.v2.max-request-bytes
        http.setMaxBodySize(Math.max(maxValueBytes, v2MaxRequestBytes));
        http.getBodyHandler().setHandleFileUploads(false);
        RequestObserver observer = new RequestObserver(accessLogEnabled, metrics, clients, tracing);
        ScheduledExecutorService accessLog = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "access-log");
        accessLog.scheduleWithFixedDelay(observer::flush, RequestObserver.FLUSH_MS, RequestObserver.FLUSH_MS,
                TimeUnit.MILLISECONDS);
        ConnectionGuard connections = new ConnectionGuard(new ConnectionGuard.Settings(maxConnections,
                reservedFileDescriptors, headerTimeoutMs, bodyTimeoutMs, bodyMinBytesPerSecond, idleTimeoutMs));
        metrics.bind(connections);
        GatewayHttpServer server = new GatewayHttpServer(http, maxUriBytes, maxValueBytes, tlsEnabled ? TlsFiles.from(settings) : null,
                observer, managementPort.isBlank() ? null : Integer.valueOf(managementPort),
                httpEventLoops > 0 ? httpEventLoops : Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                connections, crossOrigin, proxyProtocol);
        context.getRegistry().bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME,
                new NonBlockingHttpEngine(VertxPlatformHttpRouter.getRouterNameFromPort(httpPort),
                        (path, request) -> V1_PRODUCE_PATH.equals(path)
                                && request.request().getHeader(GatewayNames.IDEMPOTENCY_KEY_HEADER) == null
                                // a caller's own producer may wait for metadata of the topic: on a worker thread
                                && (callers == null || request.request().getHeader("Authorization") == null)
                                && sendGate.sendsAtOnce(request.pathParam("topic"), request.body().length())));
        if (tracing != null) {
            // stopped after the server: the last requests' spans are exported too
            context.addService(closing(tracing::close), true, true);
        }
        // added before the server, so stopped after it (reverse order): the last requests' lines are written too
        context.addService(closing(() -> {
            context.getExecutorServiceManager().shutdown(accessLog);
            observer.flush();
        }), true, true);
        context.addService(server, true, true);

        // key file (the Kafka store's reader updates its own) and certificate changes take effect without a restart
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

        // the API's public URL: in the banner, the console's curl examples and the served contract (api-docs)
        String scheme = (tlsEnabled ? "https://" : "http://") + publicHost + ":";
        Supplier<String> endpoint = () -> scheme + server.getPort();
        bind(context, "apiEndpoint", endpoint);
        boolean consoleEnabled = settings.bool(ConsoleSettings.ENABLED);
        bindConsole(context, settings, admin, checkTimeoutMs, keys.store(), keys.ids(),
                new CertificateAuthority(Path.of(caCertificate).toAbsolutePath().getParent()), endpoint, history);
        String shownKey = keys.devKey();
        String kafkaShown = kafkaDescription;
        String schemasShown = schemaRegistryUrl.isEmpty() ? "" : context.getPropertiesComponent()
                .resolveProperty(SCHEMA_REGISTRY_DESCRIPTION).orElse(schemaRegistryUrl);
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // printed once the routes are up, below
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                banner(endpoint.get(), shownKey, keys.ids(), kafkaShown, schemasShown, caCertificate,
                        consoleEnabled);
            }
        });
    }

    private static void banner(String endpoint, String newKey, ServiceIds keys, String kafka, String schemas,
                               String caCertificate, boolean console) {
        String key = newKey != null ? newKey + "   (shown once: only its hash is stored in " + keys.location() + ")"
                : "see " + keys.location() + (keys instanceof ApiKeyFile
                ? " (keys are stored hashed; delete the file to have a new dev key made and shown)"
                : " (keys are stored hashed; make one with bin/gateway credentials create --store kafka …)");
        String curlKey = newKey != null ? newKey : "<api_key>";
        String ca = Path.of(caCertificate).toAbsolutePath().toString();
        System.out.println(String.join(System.lineSeparator(),
                "",
                "Kafka REST gateway is ready",
                "  API endpoint : " + endpoint,
                "  Trust (PEM)  : " + ca,
                "  API key      : " + key,
                "  Kafka        : " + kafka,
                schemas.isEmpty() ? "  Schemas      : none" : "  Schemas      : " + schemas,
                console ? "  Console      : " + endpoint + "/console (sign in with an operator's key)"
                        : "  Console      : off (gateway.console.enabled)",
                "  Try it       : curl -X POST -H \"Authorization: Bearer " + curlKey + "\" -H \"Content-Type: text/plain\""
                        + " -H \"Accept: application/json\" -d 'test message' --cacert " + caCertificate
                        + " \"" + endpoint + "/topics/test-topic/records\"",
                ""));
    }

    /** The service IDs' store, what the gateway authenticates against, and the development key made now (or null). */
    private record ServiceIdStore(ServiceIds ids, ApiKeyStore store, String devKey) {
    }

    /**
     * The store of {@code gateway.auth.store}, read in full before the gateway takes a request: the key file, or the
     * Kafka topic that every instance shares (failing within the check timeout when Kafka does not answer). The
     * development key is made when asked for and there is no service ID at all. The store is bound as
     * {@code serviceIds} (changes, for the operator console) and {@code apiKeyStore} (what requests are checked against).
     */
    private static ServiceIdStore serviceIds(CamelContext context, Settings settings, Map<String, Object> kafkaClient,
                                             int checkTimeoutMs) throws Exception {
        String kind = settings.string(AuthSettings.STORE).trim();
        boolean createDevKey = settings.bool(AuthSettings.CREATE_DEV_KEY);
        ServiceIds ids;
        ApiKeyStore store;
        String newKey = null;
        if (kind.equalsIgnoreCase("file")) {
            Path keys = Path.of(settings.string(AuthSettings.KEYS_FILE));
            ApiKeyFile file = new ApiKeyFile(keys);
            if (!Files.exists(keys) && createDevKey) {
                newKey = createDevKey(file);
            }
            ids = file;
            store = ApiKeyStore.load(keys);
        } else if (kind.equalsIgnoreCase("kafka")) {
            String topic = settings.string(AuthSettings.STORE_TOPIC).trim();
            KafkaServiceIds kafkaIds;
            try {
                kafkaIds = new KafkaServiceIds(topic, kafkaClient, checkTimeoutMs).open();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("gateway.auth.store=kafka: cannot read the service IDs of the topic "
                        + topic + ": " + e.getMessage(), e);
            }
            context.addService(closing(kafkaIds::close), true, true);
            if (createDevKey && kafkaIds.list().isEmpty()) {
                try {
                    newKey = createDevKey(kafkaIds);
                } catch (IllegalArgumentException madeByAnotherInstance) {
                    LOG.info("The development service ID 'dev' was made by another instance meanwhile");
                }
            }
            ids = kafkaIds;
            store = kafkaIds.store();
        } else {
            throw new IllegalStateException(AuthSettings.STORE.key() + " is file or kafka, not '" + kind + "'");
        }
        // start-up details the banner covers are at DEBUG: the banner is the first thing the console shows
        LOG.debug("Loaded {} service ID(s) from {}", store.size(), ids.location());
        bind(context, "serviceIds", ids);
        bind(context, "apiKeyStore", store);
        return new ServiceIdStore(ids, store, newKey);
    }

    private static String createDevKey(ServiceIds ids) throws IOException {
        String key = ids.create("dev", ApiKeyStore.OPERATOR, List.of("*"), null, true);
        LOG.debug("Created the development service ID 'dev' (operator, all topics) in {}; its key is printed once,"
                + " when the gateway is ready", ids.location());
        return key;
    }

    /**
     * The CORS policy of {@code gateway.http.cors.allowed-origins} (null: none), allowing the request headers that the
     * record mapping of the same settings as the v1 route's reads.
     */
    private static CrossOrigin crossOrigin(Settings settings) {
        RecordMapper mapping = new RecordMapper();
        mapping.setKeyHeader(settings.string(ProduceSettings.MAPPING_KEY_HEADER));
        mapping.setHeaderPrefix(settings.string(ProduceSettings.MAPPING_HEADER_PREFIX));
        mapping.setHeaderMap(settings.string(ProduceSettings.MAPPING_HEADERS));
        return CrossOrigin.of(settings.string(HttpSettings.CORS_ALLOWED_ORIGINS), mapping.requestHeaders(),
                mapping.headerPrefix());
    }

    /**
     * The schema steps of the v1 route, and the v2 route's encoding of avro envelopes: with a registry configured,
     * they look schemas up and apply them.
     */
    private static void bindSchemas(CamelContext context, Settings settings, Executor continuation,
                                    DependencyChecks dependencies) {
        String url = settings.string(SchemaSettings.REGISTRY_URL).trim();
        long backoffMs = settings.longValue(SchemaSettings.REGISTRY_UNAVAILABLE_BACKOFF_MS);
        List<String> enforced = Arrays.stream(settings.string(SchemaSettings.ENFORCE).split(","))
                .map(String::trim).filter(pattern -> !pattern.isEmpty()).toList();
        SchemaCatalog catalog = null;
        if (!url.isEmpty()) {
            URI registry = URI.create(url);
            String caCertificate = settings.string(SchemaSettings.REGISTRY_CA_CERTIFICATE).trim();
            SSLContext trust;
            try {
                trust = caCertificate.isEmpty() ? null : PemTrust.sslContext(Path.of(caCertificate));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("gateway.schema-registry.ca-certificate: cannot read "
                        + caCertificate + ": " + e.getMessage(), e);
            }
            SchemaRegistryClient client = new SchemaRegistryClient(registry,
                    SchemaRegistryClient.apicurioApiOf(registry),
                    settings.string(SchemaSettings.REGISTRY_USERNAME).trim(),
                    settings.string(SchemaSettings.REGISTRY_PASSWORD), trust,
                    Duration.ofMillis(settings.longValue(SchemaSettings.REGISTRY_TIMEOUT_MS)), continuation);
            catalog = new SchemaCatalog(client, settings.longValue(SchemaSettings.CACHE_SIZE),
                    settings.longValue(SchemaSettings.CACHE_REFRESH_MS),
                    settings.longValue(SchemaSettings.CACHE_MISSING_MS), backoffMs, continuation);
            dependencies.reportRegistry(client::ping);
        }
        bind(context, "resolveSchema", new ResolveSchema(catalog, enforced, continuation, backoffMs));
        bind(context, "resolveEnvelopeSchemas", new ResolveEnvelopeSchemas(catalog, continuation, backoffMs));
        bind(context, "applySchema", new ApplySchema(ApplySchema.headerStyle(settings.string(SchemaSettings.HEADERS)),
                ApplySchema.wireFormat(settings.string(SchemaSettings.WIRE_FORMAT))));
    }

    /**
     * The operator console's beans (routes/console.camel.yaml): its sessions, and the topics, service IDs and
     * certificates it shows and changes, through the same stores as the tools.
     */
    private static void bindConsole(CamelContext context, Settings settings, Admin admin, int timeoutMs,
                                    ApiKeyStore keys, ServiceIds serviceIds, CertificateAuthority authority,
                                    Supplier<String> endpoint, MeterHistory history) {
        ConsoleSessions sessions = new ConsoleSessions(settings.longValue(ConsoleSettings.SESSION_IDLE_MS),
                settings.longValue(ConsoleSettings.SESSION_MAX_MS), settings.integer(ConsoleSettings.MAX_SESSIONS),
                Clock.systemUTC());
        DescribeConsoleSession describe = new DescribeConsoleSession(endpoint, hostName(), serviceIds,
                sessions.idleSeconds());
        bind(context, "showOverview", new ShowOverview(history));
        bind(context, "checkConsoleSession", new CheckConsoleSession(sessions, keys));
        bind(context, "describeConsoleSession", describe);
        bind(context, "startConsoleSession", new StartConsoleSession(sessions, describe));
        bind(context, "endConsoleSession", new EndConsoleSession(sessions));
        bind(context, "listTopics", new ListTopics(admin, timeoutMs));
        bind(context, "createTopic", new CreateTopic(admin, timeoutMs));
        bind(context, "listServiceIds", new ListServiceIds(serviceIds));
        bind(context, "createServiceId", new CreateServiceId(serviceIds));
        bind(context, "rotateServiceKey", new RotateServiceKey(serviceIds));
        bind(context, "revokeServiceId", new RevokeServiceId(serviceIds));
        bind(context, "expireServiceId", new ExpireServiceId(serviceIds));
        bind(context, "signClientCertificate", new SignClientCertificate(serviceIds, authority));
        bind(context, "downloadCaCertificate", new DownloadCaCertificate(authority));
        DownloadCaCertificate trustStore = new DownloadCaCertificate(authority);
        trustStore.setFormat("p12");
        bind(context, "downloadCaTrustStore", trustStore);
    }

    /**
     * Binds a bean by name: one the routes refer to (routes/README.md lists them all), or one the console reads
     * ({@code meterHistory}).
     */
    private static void bind(CamelContext context, String name, Object bean) {
        context.getRegistry().bind(name, bean);
    }

    /**
     * A context service that runs a task every {@code periodMs} on a thread of its own, made by the context's
     * executor service manager (named in its thread names) when the context starts and shut down when it stops: the
     * services added before it are stopped after it.
     */
    static ServiceSupport periodically(CamelContext context, String name, long periodMs, Runnable task) {
        return new ServiceSupport() {
            private ScheduledExecutorService executor;

            @Override
            protected void doStart() {
                executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, name);
                executor.scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
            }

            @Override
            protected void doStop() {
                // a run under way finishes first (what it uses is closed after this service)
                context.getExecutorServiceManager().shutdownGraceful(executor);
            }
        };
    }

    /** How the console names this gateway: the host name (a container's HOSTNAME first), else "localhost". */
    private static String hostName() {
        String container = System.getenv("HOSTNAME");
        if (container != null && !container.isBlank()) {
            return container.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** A context service that runs this when the context stops (after the routes). */
    static ServiceSupport closing(Runnable onStop) {
        return new ServiceSupport() {
            @Override
            protected void doStop() {
                onStop.run();
            }
        };
    }
}
