package nl.arbo.keycloak.sms;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;

import nl.arbo.keycloak.code.SmsCodePolicy;

/**
 * Sends a login code in the user's language through the configured {@link SmsGateway}. The text
 * is the login theme message {@code arbo-sms-text} ({0} = code, {1} = minutes valid).
 */
public final class SmsSender {

    private static final Logger LOG = Logger.getLogger(SmsSender.class);
    static final String FALLBACK_TEXT = "Je inlogcode is {0}. De code is {1} minuten geldig.";

    private SmsSender() {
    }

    public static SmsGatewaySettings settings(KeycloakSession session) {
        SmsGatewayProviderFactory factory = (SmsGatewayProviderFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(SmsGateway.class, DefaultSmsGatewayProviderFactory.PROVIDER_ID);
        return factory.settings();
    }

    public static SmsCodePolicy defaultPolicy(KeycloakSession session) {
        return settings(session).codePolicy();
    }

    /** @return true when the gateway accepted the message */
    public static boolean sendCode(KeycloakSession session, RealmModel realm, UserModel user, String phone,
                                   String code, SmsCodePolicy policy) {
        String text = format(template(session, realm, user), code, Math.max(1, policy.ttlSeconds() / 60));
        try {
            session.getProvider(SmsGateway.class, DefaultSmsGatewayProviderFactory.PROVIDER_ID).send(phone, text);
            return true;
        } catch (SmsSendException e) {
            LOG.warnf("SMS to user %s not sent: %s", user.getId(), e.getMessage());
            return false;
        }
    }

    static String format(String template, String code, int minutes) {
        return new MessageFormat(template, Locale.ROOT).format(new Object[] {code, Integer.toString(minutes)});
    }

    private static String template(KeycloakSession session, RealmModel realm, UserModel user) {
        try {
            Locale locale = session.getContext().resolveLocale(user);
            Properties messages = session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale);
            return messages.getProperty("arbo-sms-text", FALLBACK_TEXT);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("no arbo-sms-text message, using fallback: %s", e.getMessage());
            return FALLBACK_TEXT;
        }
    }
}
