package nl.arbo.keycloak.event;

import java.util.Map;

import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.models.credential.OTPCredentialModel;

/**
 * Recognises the user events that mean "a new authenticator app (OTP) credential was just
 * confirmed". Keycloak's CONFIGURE_TOTP action sends UPDATE_CREDENTIAL with credential_type=otp
 * and, for compatibility, the deprecated UPDATE_TOTP; both only on success (errors arrive as
 * *_ERROR types). Handling both is harmless because the replacement is idempotent.
 */
public final class NewOtpCredentialEvents {

    private NewOtpCredentialEvents() {
    }

    public static boolean isNewOtpCredential(Event event) {
        if (event == null || event.getType() == null || event.getUserId() == null || event.getError() != null) {
            return false;
        }
        return isNewOtpCredential(event.getType(), event.getDetails());
    }

    static boolean isNewOtpCredential(EventType type, Map<String, String> details) {
        String credentialType = details == null ? null : details.get(Details.CREDENTIAL_TYPE);
        return switch (type) {
            case UPDATE_CREDENTIAL -> OTPCredentialModel.TYPE.equals(credentialType);
            // UPDATE_TOTP is only ever about OTP; accept it without the detail but never for another type.
            case UPDATE_TOTP -> credentialType == null || OTPCredentialModel.TYPE.equals(credentialType);
            default -> false;
        };
    }
}
