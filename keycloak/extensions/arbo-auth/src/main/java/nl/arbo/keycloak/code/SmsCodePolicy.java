package nl.arbo.keycloak.code;

import java.util.Map;

import nl.arbo.keycloak.limit.RollingWindowLimit;

/**
 * Limits for SMS codes.
 *
 * @param ttlSeconds  how long a code is accepted after it was sent
 * @param maxAttempts wrong entries allowed per code; after that the code is void
 * @param maxResends  how many times "Stuur SMS" may be used again after the first SMS, per authentication session
 * @param maxCodesPerHour SMS codes per user per rolling hour, across all sign-in attempts and set-ups
 *                    (the per-session {@code maxResends} alone lets anyone who knows a password start
 *                    new sessions and send texts without end)
 */
public record SmsCodePolicy(int ttlSeconds, int maxAttempts, int maxResends, int maxCodesPerHour) {

    public static final int DEFAULT_TTL_SECONDS = 300;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int DEFAULT_MAX_RESENDS = 3;
    public static final int DEFAULT_MAX_CODES_PER_HOUR = 5;

    public static final String KEY_TTL_SECONDS = "code-ttl-seconds";
    public static final String KEY_MAX_ATTEMPTS = "max-attempts";
    public static final String KEY_MAX_RESENDS = "max-resends";
    public static final String KEY_MAX_CODES_PER_HOUR = "max-codes-per-hour";

    public static final SmsCodePolicy DEFAULT =
            new SmsCodePolicy(DEFAULT_TTL_SECONDS, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RESENDS, DEFAULT_MAX_CODES_PER_HOUR);

    public SmsCodePolicy {
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("code TTL must be at least 1 second");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least 1 attempt must be allowed");
        }
        if (maxResends < 0) {
            throw new IllegalArgumentException("resends cannot be negative");
        }
        if (maxCodesPerHour < 1 || maxCodesPerHour > RollingWindowLimit.MAX_SLOTS) {
            throw new IllegalArgumentException("codes per hour must be between 1 and "
                    + RollingWindowLimit.MAX_SLOTS + ", got " + maxCodesPerHour);
        }
    }

    /** With the default hourly cap per user. */
    public SmsCodePolicy(int ttlSeconds, int maxAttempts, int maxResends) {
        this(ttlSeconds, maxAttempts, maxResends, DEFAULT_MAX_CODES_PER_HOUR);
    }

    /** Total SMS messages allowed per authentication session: the first one plus the resends. */
    public int maxSends() {
        return 1 + maxResends;
    }

    /**
     * Returns this policy with values from an authenticator config (keys as above) laid over it;
     * blank or missing entries keep the current value.
     */
    public SmsCodePolicy overriddenBy(Map<String, String> config) {
        if (config == null || config.isEmpty()) {
            return this;
        }
        return new SmsCodePolicy(
                intOr(config.get(KEY_TTL_SECONDS), ttlSeconds, KEY_TTL_SECONDS),
                intOr(config.get(KEY_MAX_ATTEMPTS), maxAttempts, KEY_MAX_ATTEMPTS),
                intOr(config.get(KEY_MAX_RESENDS), maxResends, KEY_MAX_RESENDS),
                intOr(config.get(KEY_MAX_CODES_PER_HOUR), maxCodesPerHour, KEY_MAX_CODES_PER_HOUR));
    }

    static int intOr(String value, int fallback, String key) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, got '" + value + "'", e);
        }
    }
}
