package nl.arbo.keycloak.credential;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.keycloak.credential.CredentialModel;
import org.keycloak.models.credential.OTPCredentialModel;

/**
 * "One second factor at a time": which stored credentials to remove once a new second factor is
 * confirmed. Pure decisions on credential lists, so they are unit-tested without Keycloak running.
 */
public final class SecondFactorReplacement {

    /** The credential types that count as a user's second factor (app codes and SMS). */
    public static final Set<String> SECOND_FACTOR_TYPES = Set.of(OTPCredentialModel.TYPE, SmsCredentialModel.TYPE);

    private SecondFactorReplacement() {
    }

    /**
     * The OTP credential a just-finished "configure authenticator app" created: the newest one.
     * Keycloak's event carries no credential id, so "newest" is by creation time; on equal times
     * the later one in Keycloak's stored order (new credentials are appended last) wins.
     */
    public static Optional<CredentialModel> newestOtp(List<CredentialModel> credentials) {
        List<CredentialModel> otp = credentials.stream()
                .filter(c -> OTPCredentialModel.TYPE.equals(c.getType()))
                .collect(Collectors.toList());
        return IntStream.range(0, otp.size()).boxed()
                .max(Comparator.<Integer, Long>comparing(i -> createdOrZero(otp.get(i))).thenComparing(i -> i))
                .map(otp::get);
    }

    /** Ids of every second-factor credential except the one to keep; other credential types are never touched. */
    public static List<String> toRemove(List<CredentialModel> credentials, String keepId) {
        if (keepId == null) {
            // Without a known new factor nothing is removed: never leave a user without any second factor.
            return List.of();
        }
        return credentials.stream()
                .filter(c -> SECOND_FACTOR_TYPES.contains(c.getType()))
                .map(CredentialModel::getId)
                .filter(id -> id != null && !id.equals(keepId))
                .collect(Collectors.toList());
    }

    private static long createdOrZero(CredentialModel credential) {
        Long created = credential.getCreatedDate();
        return created == null ? 0L : created;
    }
}
