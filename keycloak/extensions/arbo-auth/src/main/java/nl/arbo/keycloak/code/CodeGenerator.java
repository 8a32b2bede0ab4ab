package nl.arbo.keycloak.code;

import java.security.SecureRandom;

/** Produces numeric one-time codes from a cryptographically strong source. */
public final class CodeGenerator {

    public static final int CODE_LENGTH = 6;

    private final SecureRandom random;

    public CodeGenerator() {
        this(new SecureRandom());
    }

    public CodeGenerator(SecureRandom random) {
        this.random = random;
    }

    /** A code of exactly {@link #CODE_LENGTH} digits; leading zeros are kept. */
    public String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(random.nextInt(10));
        }
        return code.toString();
    }
}
