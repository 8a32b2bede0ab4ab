package nl.arbo.keycloak.credential;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.keycloak.credential.CredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;

/** What second factors a user has, and removing the ones replaced by a new choice. */
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

    /** Removes every credential of the type, so codes from the old method stop working. */
    public static int removeAll(UserModel user, String type) {
        List<String> ids = user.credentialManager().getStoredCredentialsByTypeStream(type)
                .map(CredentialModel::getId).collect(Collectors.toList());
        ids.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        return ids.size();
    }
}
