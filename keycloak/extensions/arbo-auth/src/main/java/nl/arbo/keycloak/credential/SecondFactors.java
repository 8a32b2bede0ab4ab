package nl.arbo.keycloak.credential;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.keycloak.credential.CredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;

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

    public static boolean hasAny(UserModel user) {
        return hasOtp(user) || hasSms(user);
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
     * Removes every other second-factor credential once {@code keepId} is the confirmed new one,
     * so codes of the old app or phone stop working. Returns how many were removed.
     */
    public static int removeAllExcept(UserModel user, String keepId) {
        List<String> ids = SecondFactorReplacement.toRemove(secondFactorCredentials(user), keepId);
        ids.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        return ids.size();
    }
}
