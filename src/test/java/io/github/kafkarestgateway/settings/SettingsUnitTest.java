package io.github.kafkarestgateway.settings;

import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed reader: unset gives the default (blank too, for numbers and switches), values are trimmed, a value that does not parse is refused. */
class SettingsUnitTest {

    private static final Setting PORT = Setting.of("test.port", "9443", "a port");
    private static final Setting SIZE = Setting.of("test.size", "5242880", "a size");
    private static final Setting ENABLED = Setting.of("test.enabled", "true", "a switch");
    private static final Setting RATE = Setting.of("test.rate", "0", "a rate");
    private static final Setting NAME = Setting.of("test.name", "", "a name");
    private static final Setting PASSWORD = Setting.secret("test.password", "", "a password");

    @Test
    void anUnsetKeyGivesTheDefaultABlankNumberTooABlankTextStaysBlank() {
        Settings settings = settings("test.port", "   ", "test.name", "");
        assertEquals(9443, settings.integer(PORT));
        assertEquals(5242880L, settings.longValue(SIZE));
        assertTrue(settings.bool(ENABLED));
        assertEquals(0.0, settings.decimal(RATE));
        assertEquals("", settings.string(NAME));
        Setting clientCa = Setting.of("test.client-ca", "certs/client-ca.pem", "a file, blank for none");
        assertEquals("", settings("test.client-ca", " ").string(clientCa));
        assertEquals("certs/client-ca.pem", settings().string(clientCa));
        assertEquals("certs/client-ca.pem", settings("test.client-ca", " ").nonBlank(clientCa));
        assertEquals(" secret ", settings("test.password", " secret ").string(PASSWORD));
    }

    @Test
    void valuesAreTrimmedAndParsed() {
        Settings settings = settings("test.port", " 8443 ", "test.size", "10\t", "test.enabled", " FALSE",
                "test.rate", "2.5", "test.name", "  gateway  ");
        assertEquals(8443, settings.integer(PORT));
        assertEquals(10L, settings.longValue(SIZE));
        assertFalse(settings.bool(ENABLED));
        assertEquals(2.5, settings.decimal(RATE));
        assertEquals("gateway", settings.string(NAME));
    }

    @Test
    void aValueThatDoesNotParseFailsNamingTheKeyAndTheValue() {
        Settings settings = settings("test.port", "94x3", "test.size", "1e9", "test.enabled", "yes",
                "test.rate", "NaN", "test.password", "hunter2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> settings.integer(PORT)), "test.port", "94x3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> settings.longValue(SIZE)), "test.size", "1e9");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> settings.bool(ENABLED)), "test.enabled", "yes");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> settings.decimal(RATE)), "test.rate", "NaN");
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> settings.integer(PASSWORD));
        assertMessage(secret, "test.password", "secret");
        assertFalse(secret.getMessage().contains("hunter2"), secret.getMessage());
    }

    @Test
    void aSettingNeedsAKeyWithoutBlanksAndADefaultWithoutSurroundingBlanks() {
        assertThrows(IllegalArgumentException.class, () -> Setting.of(" ", "1", "blank key"));
        assertThrows(IllegalArgumentException.class, () -> Setting.of(" test.key", "1", "untrimmed key"));
        assertThrows(IllegalArgumentException.class, () -> Setting.of("test.key", " 1", "untrimmed default"));
        assertEquals("test.port", PORT.toString());
        assertTrue(PASSWORD.secret());
        assertFalse(PORT.secret());
    }

    private static void assertMessage(IllegalArgumentException e, String key, String value) {
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(value), e.getMessage());
    }

    private static Settings settings(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        PropertiesComponent component = new DefaultCamelContext().getPropertiesComponent();
        component.setOverrideProperties(properties);
        return new Settings(component);
    }
}
