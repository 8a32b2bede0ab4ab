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

import nl.arbo.keycloak.code.SmsCodeChallenge;
import nl.arbo.keycloak.code.SmsCodePolicy;
import nl.arbo.keycloak.limit.RollingWindowLimit;
import nl.arbo.keycloak.limit.UserLimits;

/**
 * Sends a login code in the user's language through the configured {@link SmsGateway}. The text
 * is the login theme message {@code arbo-sms-text} ({0} = code, {1} = minutes valid).
 */
public final class SmsSender {

    private static final Logger LOG = Logger.getLogger(SmsSender.class);
    static final String FALLBACK_TEXT = "Uw inlogcode is {0}. De code is {1} minuten geldig.";

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

    /** What became of a request for a (new) code. */
    public enum Outcome {
        SENT,
        /** Counted, but the gateway did not accept the message. */
        SEND_FAILED,
        /** This authentication session used up its SMS (first one plus resends). */
        SESSION_LIMIT,
        /** The user got the maximum number of codes in the past hour, over all sessions. */
        HOURLY_LIMIT
    }

    /** The per-user cap of SMS codes per rolling hour; sign-in and set-up count against the same one. */
    public static RollingWindowLimit hourlyLimit(KeycloakSession session, RealmModel realm, UserModel user, SmsCodePolicy policy) {
        return UserLimits.smsCodes(session, realm, user, policy.maxCodesPerHour());
    }

    /**
     * Issues a new code in {@code challenge} and texts it to {@code phone}, unless the session's or the
     * user's hourly limit is reached; then nothing is issued or sent. A message the gateway refused
     * still counts towards the hourly limit (it may have gone out, and it cost a gateway call).
     */
    public static Outcome issueAndSend(KeycloakSession session, RealmModel realm, UserModel user, String phone,
                                       SmsCodeChallenge challenge) {
        if (!challenge.canSend()) {
            return Outcome.SESSION_LIMIT;
        }
        if (!hourlyLimit(session, realm, user, challenge.policy()).tryAcquire()) {
            return Outcome.HOURLY_LIMIT;
        }
        String code = challenge.issue();
        return sendCode(session, realm, user, phone, code, challenge.policy()) ? Outcome.SENT : Outcome.SEND_FAILED;
    }

    /** Message key for an outcome that is not {@link Outcome#SENT}. */
    public static String errorMessage(Outcome outcome) {
        return switch (outcome) {
            case SESSION_LIMIT -> "arbo-sms-resend-limit";
            case HOURLY_LIMIT -> "arbo-sms-hourly-limit";
            default -> "arbo-sms-send-failed";
        };
    }

    /** Event error for an outcome that is not {@link Outcome#SENT}. */
    public static String eventError(Outcome outcome) {
        return switch (outcome) {
            case SESSION_LIMIT -> "arbo_sms_send_limit";
            case HOURLY_LIMIT -> "arbo_sms_hourly_limit";
            default -> "arbo_sms_send_failed";
        };
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
