package nl.arbo.keycloak.limit;

import java.time.Duration;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The per-user limits that must hold across sign-in attempts (a new browser, a new authentication
 * session), kept in Keycloak's cluster-wide single-use object store (see {@link ExpiringSlots}).
 */
public final class UserLimits {

    static final String SMS_PREFIX = "arbo-sms-sent";
    static final String BIRTH_DATE_PREFIX = "arbo-reset-birthdate-failed";

    private UserLimits() {
    }

    /** SMS codes sent to this user (sign-in and set-up alike), at most {@code perHour} per rolling hour. */
    public static RollingWindowLimit smsCodes(KeycloakSession session, RealmModel realm, UserModel user, int perHour) {
        return new RollingWindowLimit(ExpiringSlots.singleUseObjects(session), key(SMS_PREFIX, realm, user),
                perHour, Duration.ofHours(1));
    }

    /**
     * Wrong birth dates on the reset form for this user. A counter of its own: it is deliberately
     * not Keycloak's brute-force detector, so someone who only knows an e-mail address cannot lock
     * the password sign-in.
     */
    public static RollingWindowLimit birthDateFailures(KeycloakSession session, RealmModel realm, UserModel user,
                                                       int max, Duration window) {
        return new RollingWindowLimit(ExpiringSlots.singleUseObjects(session), key(BIRTH_DATE_PREFIX, realm, user),
                max, window);
    }

    static String key(String prefix, RealmModel realm, UserModel user) {
        return prefix + "." + realm.getId() + "." + user.getId();
    }
}
