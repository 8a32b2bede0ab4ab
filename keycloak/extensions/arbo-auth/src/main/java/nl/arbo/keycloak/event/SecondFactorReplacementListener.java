package nl.arbo.keycloak.event;

import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import nl.arbo.keycloak.credential.SecondFactorReplacement;
import nl.arbo.keycloak.credential.SecondFactors;

/**
 * One second factor at a time: when Keycloak's own CONFIGURE_TOTP action has created a new OTP
 * credential (first setup, switching from SMS, or a portal "reset" via kc_action=CONFIGURE_TOTP),
 * every other OTP and arbo-sms credential of that user is removed, so the old app or phone stops
 * working. Success events reach listeners synchronously inside the request's transaction, so the
 * removal commits (or rolls back) together with the new credential.
 */
public class SecondFactorReplacementListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(SecondFactorReplacementListener.class);

    private final KeycloakSession session;

    public SecondFactorReplacementListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (!NewOtpCredentialEvents.isNewOtpCredential(event)) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null) {
            return;
        }
        List<CredentialModel> credentials = SecondFactors.secondFactorCredentials(user);
        Optional<CredentialModel> newest = SecondFactorReplacement.newestOtp(credentials);
        if (newest.isEmpty()) {
            return;
        }
        int removed = SecondFactors.removeAllExcept(user, newest.get().getId());
        SecondFactors.askFirst(user, newest.get().getId());
        if (removed > 0) {
            LOG.infof("Replaced second factor of user %s in realm %s: kept OTP credential %s, removed %d older OTP/SMS credential(s)",
                    user.getId(), realm.getName(), newest.get().getId(), removed);
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        // Admins cannot create OTP credentials through the admin API; nothing to do.
    }

    @Override
    public void close() {
    }
}
