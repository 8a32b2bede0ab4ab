package nl.arbo.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.Config;
import org.keycloak.common.util.Environment;

class SmsGatewaySettingsTest {

    private static SmsGatewaySettings parse(Map<String, String> values) {
        return SmsGatewaySettings.parse(values::get);
    }

    @Test
    void defaultsToLoggingWithDefaultLimits() {
        SmsGatewaySettings s = parse(Map.of());
        assertEquals(SmsGatewaySettings.Mode.LOG, s.mode());
        assertNull(s.url());
        assertEquals(300, s.codePolicy().ttlSeconds());
        assertEquals(3, s.codePolicy().maxAttempts());
        assertEquals(3, s.codePolicy().maxResends());
        assertEquals(Duration.ofMillis(5000), s.timeout());
    }

    @Test
    void urlAloneMeansHttp() {
        SmsGatewaySettings s = parse(Map.of("url", "http://127.0.0.1:8025/api/sms", "token", "dev"));
        assertEquals(SmsGatewaySettings.Mode.HTTP, s.mode());
        assertEquals(URI.create("http://127.0.0.1:8025/api/sms"), s.url());
        assertEquals("dev", s.token());
    }

    @Test
    void explicitLogModeWinsOverUrl() {
        assertEquals(SmsGatewaySettings.Mode.LOG, parse(Map.of("mode", "LOG", "url", "http://x/api/sms")).mode());
    }

    @Test
    void readsLimitsAndTimeout() {
        SmsGatewaySettings s = parse(Map.of("code-ttl-seconds", "20", "max-attempts", "5", "max-resends", "1", "timeout-ms", "750"));
        assertEquals(20, s.codePolicy().ttlSeconds());
        assertEquals(5, s.codePolicy().maxAttempts());
        assertEquals(1, s.codePolicy().maxResends());
        assertEquals(Duration.ofMillis(750), s.timeout());
    }

    @Test
    void rejectsBrokenConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("mode", "http")));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("mode", "carrier-pigeon")));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("url", "ftp://x/sms")));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("max-attempts", "three")));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("code-ttl-seconds", "0")));
    }

    @Test
    void spiOptionWinsOverEnvironment() {
        Map<String, String> spi = new HashMap<>(Map.of("url", "http://spi/api/sms"));
        Map<String, String> env = Map.of("SMS_GATEWAY_URL", "http://env/api/sms", "SMS_GATEWAY_TOKEN", "env-token",
                "SMS_CODE_TTL_SECONDS", "42");
        SmsGatewaySettings s = SmsGatewaySettings.parse(SmsGatewaySettings.withEnvFallback(spi::get, env::get));
        assertEquals(URI.create("http://spi/api/sms"), s.url());
        assertEquals("env-token", s.token());
        assertEquals(42, s.codePolicy().ttlSeconds());
    }

    @Test
    void factoryReadsConfigScopeAndBuildsMatchingGateway() {
        Config.Scope scope = mock(Config.Scope.class);
        when(scope.get(anyString())).thenReturn(null);
        when(scope.get("url")).thenReturn("http://127.0.0.1:8199/api/sms");
        when(scope.get("max-resends")).thenReturn("1");
        DefaultSmsGatewayProviderFactory factory = new DefaultSmsGatewayProviderFactory();
        factory.init(scope);
        assertEquals(SmsGatewaySettings.Mode.HTTP, factory.settings().mode());
        assertEquals(1, factory.settings().codePolicy().maxResends());
        assertInstanceOf(HttpSmsGateway.class, factory.create(null));
        assertEquals("default", factory.getId());
    }

    @Test
    void factoryWithoutUrlOnlyLogs() {
        SmsGateway gateway = DefaultSmsGatewayProviderFactory.createGateway(parse(Map.of()));
        assertInstanceOf(LoggingSmsGateway.class, gateway);
    }

    @Test
    void smsTextIsFormattedWithCodeAndMinutes() {
        assertEquals("Uw inlogcode is 012345. De code is 5 minuten geldig.",
                SmsSender.format(SmsSender.FALLBACK_TEXT, "012345", 5));
    }

    @Test
    void productionWithoutGatewayUrlRefusesToStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DefaultSmsGatewayProviderFactory.settingsFor(Map.<String, String>of()::get, false));
        assertTrue(e.getMessage().contains("SMS_GATEWAY_URL"), e.getMessage());
    }

    @Test
    void productionRefusesTheLogModeEvenWhenChosenExplicitly() {
        assertThrows(IllegalStateException.class, () -> DefaultSmsGatewayProviderFactory.settingsFor(
                Map.of("mode", "log", "url", "http://x/api/sms")::get, false));
    }

    @Test
    void productionWithGatewayUrlStarts() {
        SmsGatewaySettings s = DefaultSmsGatewayProviderFactory.settingsFor(Map.of("url", "https://sms.example/api")::get, false);
        assertEquals(SmsGatewaySettings.Mode.HTTP, s.mode());
    }

    @Test
    void devModeKeepsTheLoggingSink() {
        assertEquals(SmsGatewaySettings.Mode.LOG,
                DefaultSmsGatewayProviderFactory.settingsFor(Map.<String, String>of()::get, true).mode());
    }

    @Test
    void devModeIsWhatKeycloakStartDevSets() {
        // kc.sh start-dev sets the system property kc.profile=dev; kc.sh start does not.
        String before = System.getProperty(Environment.PROFILE);
        try {
            System.setProperty(Environment.PROFILE, "dev");
            assertTrue(Environment.isDevMode());
            System.setProperty(Environment.PROFILE, "prod");
            assertFalse(Environment.isDevMode());
        } finally {
            if (before == null) {
                System.clearProperty(Environment.PROFILE);
            } else {
                System.setProperty(Environment.PROFILE, before);
            }
        }
    }

    @Test
    void readsTheHourlyCapPerUser() {
        assertEquals(5, parse(Map.of()).codePolicy().maxCodesPerHour());
        assertEquals(8, parse(Map.of("max-codes-per-hour", "8")).codePolicy().maxCodesPerHour());
        Map<String, String> env = Map.of("SMS_CODE_MAX_PER_HOUR", "7");
        assertEquals(7, SmsGatewaySettings.parse(SmsGatewaySettings.withEnvFallback(k -> null, env::get))
                .codePolicy().maxCodesPerHour());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("max-codes-per-hour", "veel")));
    }
}
