package nl.arbo.keycloak.sms;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import nl.arbo.keycloak.code.SmsCodePolicy;

/**
 * Everything configurable about SMS, read once at start-up. Each key is looked up as a Keycloak
 * SPI option ({@code --spi-arbo-sms-gateway--default--<key>}) and, if that is not set, as the
 * environment variable listed in {@link #ENV}.
 */
public record SmsGatewaySettings(Mode mode, URI url, String token, Duration timeout, SmsCodePolicy codePolicy) {

    public enum Mode { LOG, HTTP }

    public static final String KEY_MODE = "mode";
    public static final String KEY_URL = "url";
    public static final String KEY_TOKEN = "token";
    public static final String KEY_TIMEOUT_MS = "timeout-ms";

    public static final int DEFAULT_TIMEOUT_MS = 5000;

    /** SPI option key to environment variable fallback. */
    public static final Map<String, String> ENV = Map.of(
            KEY_MODE, "SMS_GATEWAY_MODE",
            KEY_URL, "SMS_GATEWAY_URL",
            KEY_TOKEN, "SMS_GATEWAY_TOKEN",
            KEY_TIMEOUT_MS, "SMS_GATEWAY_TIMEOUT_MS",
            SmsCodePolicy.KEY_TTL_SECONDS, "SMS_CODE_TTL_SECONDS",
            SmsCodePolicy.KEY_MAX_ATTEMPTS, "SMS_CODE_MAX_ATTEMPTS",
            SmsCodePolicy.KEY_MAX_RESENDS, "SMS_CODE_MAX_RESENDS",
            SmsCodePolicy.KEY_MAX_CODES_PER_HOUR, "SMS_CODE_MAX_PER_HOUR");

    /**
     * @param lookup returns the configured value for a key, or null/blank when unset
     * @throws IllegalArgumentException for unusable configuration, so Keycloak refuses to start
     *                                  instead of failing at the first login
     */
    public static SmsGatewaySettings parse(Function<String, String> lookup) {
        String url = blankToNull(lookup.apply(KEY_URL));
        String modeText = blankToNull(lookup.apply(KEY_MODE));
        // Without an explicit mode a configured URL means "send over HTTP"; otherwise only log.
        Mode mode = modeText == null ? (url == null ? Mode.LOG : Mode.HTTP) : parseMode(modeText);
        URI uri = null;
        if (mode == Mode.HTTP) {
            if (url == null) {
                throw new IllegalArgumentException("SMS gateway mode 'http' needs a url");
            }
            uri = parseUrl(url);
        }
        int timeoutMs = intOr(lookup.apply(KEY_TIMEOUT_MS), DEFAULT_TIMEOUT_MS, KEY_TIMEOUT_MS);
        SmsCodePolicy policy = new SmsCodePolicy(
                intOr(lookup.apply(SmsCodePolicy.KEY_TTL_SECONDS), SmsCodePolicy.DEFAULT_TTL_SECONDS, SmsCodePolicy.KEY_TTL_SECONDS),
                intOr(lookup.apply(SmsCodePolicy.KEY_MAX_ATTEMPTS), SmsCodePolicy.DEFAULT_MAX_ATTEMPTS, SmsCodePolicy.KEY_MAX_ATTEMPTS),
                intOr(lookup.apply(SmsCodePolicy.KEY_MAX_RESENDS), SmsCodePolicy.DEFAULT_MAX_RESENDS, SmsCodePolicy.KEY_MAX_RESENDS),
                intOr(lookup.apply(SmsCodePolicy.KEY_MAX_CODES_PER_HOUR), SmsCodePolicy.DEFAULT_MAX_CODES_PER_HOUR,
                        SmsCodePolicy.KEY_MAX_CODES_PER_HOUR));
        return new SmsGatewaySettings(mode, uri, blankToNull(lookup.apply(KEY_TOKEN)), Duration.ofMillis(timeoutMs), policy);
    }

    /**
     * The production posture: outside development mode ({@code kc.sh start-dev}) codes must really be
     * sent. The log mode writes every code into the server log and sends nothing, so in production
     * it would look like working 2FA while no user ever gets a code and anyone with log access can
     * read them; it is refused there, whether chosen explicitly or fallen back to for want of a url.
     *
     * @param devMode whether Keycloak runs in development mode
     * @throws IllegalStateException with one sentence saying what to set, so Keycloak does not start
     */
    public void requireRealGatewayUnless(boolean devMode) {
        if (!devMode && mode == Mode.LOG) {
            throw new IllegalStateException("No SMS gateway configured: in production (kc.sh start) set SMS_GATEWAY_URL "
                    + "(or --spi-arbo-sms-gateway--default--url); the 'log' mode, which only writes codes to the "
                    + "log, exists for kc.sh start-dev only.");
        }
    }

    /** Lookup that prefers the SPI option and falls back to the environment variable. */
    public static Function<String, String> withEnvFallback(Function<String, String> spiOptions, Function<String, String> env) {
        return key -> {
            String value = blankToNull(spiOptions.apply(key));
            if (value != null) {
                return value;
            }
            String envName = ENV.get(key);
            return envName == null ? null : env.apply(envName);
        };
    }

    private static Mode parseMode(String text) {
        try {
            return Mode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SMS gateway mode must be 'log' or 'http', got '" + text + "'", e);
        }
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url.trim());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("SMS gateway url must be http(s), got '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("SMS gateway url is not a valid URL: '" + url + "'", e);
        }
    }

    private static int intOr(String value, int fallback, String key) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, got '" + value + "'", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
