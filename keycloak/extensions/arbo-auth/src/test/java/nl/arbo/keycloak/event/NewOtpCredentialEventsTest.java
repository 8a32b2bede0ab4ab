package nl.arbo.keycloak.event;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

class NewOtpCredentialEventsTest {

    static Event event(EventType type, String userId, String credentialType) {
        Event e = new Event();
        e.setType(type);
        e.setUserId(userId);
        e.setRealmId("realm-id");
        Map<String, String> details = new HashMap<>();
        if (credentialType != null) {
            details.put("credential_type", credentialType);
        }
        e.setDetails(details);
        return e;
    }

    @Test
    void updateCredentialForOtpIsANewAuthenticator() {
        assertTrue(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_CREDENTIAL, "u", "otp")));
    }

    @Test
    void deprecatedUpdateTotpCountsWithOrWithoutTheDetail() {
        assertTrue(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_TOTP, "u", "otp")));
        assertTrue(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_TOTP, "u", null)));
    }

    @Test
    void otherCredentialTypesAreIgnored() {
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_CREDENTIAL, "u", "password")));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_CREDENTIAL, "u", "webauthn")));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_CREDENTIAL, "u", null)));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_TOTP, "u", "password")));
    }

    @Test
    void failuresAndOtherEventsAreIgnored() {
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_CREDENTIAL_ERROR, "u", "otp")));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_TOTP_ERROR, "u", "otp")));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.LOGIN, "u", "otp")));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.REMOVE_CREDENTIAL, "u", "otp")));
        Event withError = event(EventType.UPDATE_CREDENTIAL, "u", "otp");
        withError.setError("invalid_user_credentials");
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(withError));
    }

    @Test
    void eventsWithoutAUserAreIgnored() {
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential(event(EventType.UPDATE_CREDENTIAL, null, "otp")));
        assertFalse(NewOtpCredentialEvents.isNewOtpCredential((Event) null));
    }
}
