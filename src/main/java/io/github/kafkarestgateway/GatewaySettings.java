package io.github.kafkarestgateway;

import java.util.List;
import java.util.stream.Stream;

import io.github.kafkarestgateway.admission.AdmissionSettings;
import io.github.kafkarestgateway.auth.AuthSettings;
import io.github.kafkarestgateway.console.ConsoleSettings;
import io.github.kafkarestgateway.deadletter.DeadLetterSettings;
import io.github.kafkarestgateway.http.HttpSettings;
import io.github.kafkarestgateway.idempotency.IdempotencySettings;
import io.github.kafkarestgateway.kafka.KafkaSettings;
import io.github.kafkarestgateway.ops.OpsSettings;
import io.github.kafkarestgateway.produce.ProduceSettings;
import io.github.kafkarestgateway.schema.SchemaSettings;
import io.github.kafkarestgateway.settings.Setting;
import io.github.kafkarestgateway.tracing.TracingSettings;

/**
 * Every setting of the gateway, package by package: the one list that {@code routes/application.properties} and the
 * README's configuration table are held to (SettingsTableTest), in the order of that table.
 */
public final class GatewaySettings {

    public static final List<Setting> ALL = Stream.of(HttpSettings.ALL, AuthSettings.ALL, AdmissionSettings.ALL,
            ProduceSettings.ALL, SchemaSettings.ALL, IdempotencySettings.ALL, DeadLetterSettings.ALL, KafkaSettings.ALL,
            OpsSettings.ALL, TracingSettings.ALL, ConsoleSettings.ALL, MainSettings.ALL).flatMap(List::stream).toList();

    private GatewaySettings() {
    }
}
