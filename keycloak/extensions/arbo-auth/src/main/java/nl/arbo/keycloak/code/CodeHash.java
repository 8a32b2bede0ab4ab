package nl.arbo.keycloak.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * How a one-time code is kept in the authentication session: {@code sha256$<salt>$<digest>} with a
 * fresh random salt per code, never the code itself, so session dumps, debug output or a note
 * shown by mistake do not hand out a valid code. Comparison is constant-time.
 *
 * Limit, stated honestly: a 6-digit code has only a million values, so whoever can read the
 * session store and has the salt can still try them all offline within the code's few minutes of
 * life. The hash keeps the code out of plain sight; the short TTL, the attempt limit and the
 * session itself (which such a reader already holds) are what protect the sign-in.
 */
public final class CodeHash {

    private static final String SCHEME = "sha256";
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CodeHash() {
    }

    public static String hash(String code) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return SCHEME + "$" + b64(salt) + "$" + b64(digest(salt, code));
    }

    /** Whether {@code given} is the code behind {@code stored}; false for anything malformed. */
    public static boolean matches(String stored, String given) {
        if (stored == null || given == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 3 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] expected = Base64.getDecoder().decode(parts[2]);
            return MessageDigest.isEqual(expected, digest(salt, given));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] digest(byte[] salt, String code) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(code.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }
}
