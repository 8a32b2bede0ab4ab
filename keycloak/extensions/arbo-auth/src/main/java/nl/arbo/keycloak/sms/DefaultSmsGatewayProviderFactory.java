package nl.arbo.keycloak.sms;

import java.net.http.HttpClient;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Environment;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Holds the SMS configuration and hands out the gateway it describes. Options (SPI option, then
 * environment variable):
 * <ul>
 * <li>{@code --spi-arbo-sms-gateway--default--mode} / SMS_GATEWAY_MODE: log | http (default: http when a url is set, else log)</li>
 * <li>{@code --spi-arbo-sms-gateway--default--url} / SMS_GATEWAY_URL: where to POST</li>
 * <li>{@code --spi-arbo-sms-gateway--default--token} / SMS_GATEWAY_TOKEN: bearer token</li>
 * <li>{@code --spi-arbo-sms-gateway--default--timeout-ms} / SMS_GATEWAY_TIMEOUT_MS (5000)</li>
 * <li>{@code --spi-arbo-sms-gateway--default--code-ttl-seconds} / SMS_CODE_TTL_SECONDS (300)</li>
 * <li>{@code --spi-arbo-sms-gateway--default--max-attempts} / SMS_CODE_MAX_ATTEMPTS (3)</li>
 * <li>{@code --spi-arbo-sms-gateway--default--max-resends} / SMS_CODE_MAX_RESENDS (3)</li>
 * <li>{@code --spi-arbo-sms-gateway--default--max-codes-per-hour} / SMS_CODE_MAX_PER_HOUR (5, per user)</li>
 * </ul>
 * Outside development mode a url is required: Keycloak does not start without one (see
 * {@link SmsGatewaySettings#requireRealGatewayUnless(boolean)}).
 */
public class DefaultSmsGatewayProviderFactory implements SmsGatewayProviderFactory {

    public static final String PROVIDER_ID = "default";

    private static final Logger LOG = Logger.getLogger(DefaultSmsGatewayProviderFactory.class);

    private SmsGatewaySettings settings;
    private SmsGateway gateway;

    @Override
    public void init(Config.Scope config) {
        boolean devMode = Environment.isDevMode();
        settings = settingsFor(SmsGatewaySettings.withEnvFallback(config::get, System::getenv), devMode);
        gateway = createGateway(settings);
        LOG.infof("arbo SMS gateway: mode=%s url=%s dev-mode=%s code-ttl=%ds max-attempts=%d max-resends=%d max-codes-per-hour=%d",
                settings.mode(), settings.url(), devMode, settings.codePolicy().ttlSeconds(),
                settings.codePolicy().maxAttempts(), settings.codePolicy().maxResends(),
                settings.codePolicy().maxCodesPerHour());
    }

    /**
     * The settings Keycloak runs with. {@code devMode} is {@link Environment#isDevMode()}: true under
     * {@code kc.sh start-dev} (Keycloak sets the kc.profile system property to "dev"), false under
     * {@code kc.sh start}.
     *
     * @throws IllegalArgumentException for unusable values, IllegalStateException for the log mode
     *                                  outside development mode; either stops Keycloak's start-up
     */
    static SmsGatewaySettings settingsFor(Function<String, String> lookup, boolean devMode) {
        SmsGatewaySettings parsed = SmsGatewaySettings.parse(lookup);
        parsed.requireRealGatewayUnless(devMode);
        return parsed;
    }

    static SmsGateway createGateway(SmsGatewaySettings settings) {
        if (settings.mode() == SmsGatewaySettings.Mode.HTTP) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
            return new HttpSmsGateway(client, settings.url(), settings.token(), settings.timeout());
        }
        return new LoggingSmsGateway();
    }

    @Override
    public SmsGatewaySettings settings() {
        return settings;
    }

    @Override
    public SmsGateway create(KeycloakSession session) {
        return gateway;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
