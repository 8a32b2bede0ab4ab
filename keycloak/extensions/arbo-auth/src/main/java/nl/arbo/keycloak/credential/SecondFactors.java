package nl.arbo.keycloak.credential;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.keycloak.credential.CredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/** What second factors a user has, and removing the ones replaced by a new one. */
public final class SecondFactors {

    private SecondFactors() {
    }

    public static boolean hasOtp(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE).findAny().isPresent();
    }

    public static boolean hasSms(UserModel user) {
        return smsCredential(user).isPresent();
    }

    /** Keycloak's recovery authentication codes (RecoveryAuthnCodesCredentialModel.TYPE). */
    public static final String RECOVERY_CODES_TYPE = "recovery-authn-codes";

    public static boolean hasRecoveryCodes(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(RECOVERY_CODES_TYPE).findAny().isPresent();
    }

    /**
     * Keycloak's passkey credential (WebAuthnCredentialModel.TYPE_PASSWORDLESS), registered by the
     * required action webauthn-register-passwordless. The realm requires user verification (PIN or
     * biometrics on the device) for it, so a passkey is a second factor on its own and, on the
     * sign-in page, a whole sign-in: something the user has plus something they know or are.
     */
    public static final String PASSKEY_TYPE = "webauthn-passwordless";

    public static boolean hasPasskey(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(PASSKEY_TYPE).findAny().isPresent();
    }

    /** App, SMS or passkey: a user with any of them is never sent to the enrolment step again. */
    public static boolean hasAny(UserModel user) {
        return hasOtp(user) || hasSms(user) || hasPasskey(user);
    }

    public static Optional<SmsCredentialModel> smsCredential(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(SmsCredentialModel.TYPE)
                .findFirst().map(SmsCredentialModel::from);
    }

    /** The user's stored second-factor credentials (OTP and SMS), in Keycloak's stored order. */
    public static List<CredentialModel> secondFactorCredentials(UserModel user) {
        return user.credentialManager().getStoredCredentialsStream()
                .filter(c -> SecondFactorReplacement.SECOND_FACTOR_TYPES.contains(c.getType()))
                .collect(Collectors.toList());
    }

    /**
     * Makes a newly set-up second factor the one Keycloak asks for first. Keycloak offers the
     * alternative whose credential comes first in the user's stored order; a new credential is
     * appended last, so after replacing the app or phone the recovery codes (made earlier) would
     * otherwise be asked for instead of the new app or SMS code. Placed right after the password.
     */
    public static void askFirst(UserModel user, String credentialId) {
        String password = user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .map(CredentialModel::getId).findFirst().orElse(null);
        user.credentialManager().moveStoredCredentialTo(credentialId, password);
    }

    /**
     * Removes every other second-factor credential once {@code keepId} is the confirmed new one,
     * so codes of the old app or phone stop working. Returns how many were removed.
     */
    public static int removeAllExcept(UserModel user, String keepId) {
        List<String> ids = SecondFactorReplacement.toRemove(secondFactorCredentials(user), keepId);
        ids.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        return ids.size();
    }
}
