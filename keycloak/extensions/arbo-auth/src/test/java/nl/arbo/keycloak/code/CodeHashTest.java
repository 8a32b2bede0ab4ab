package nl.arbo.keycloak.code;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CodeHashTest {

    @Test
    void matchesOnlyTheHashedCode() {
        String stored = CodeHash.hash("123456");
        assertTrue(CodeHash.matches(stored, "123456"));
        assertFalse(CodeHash.matches(stored, "123457"));
        assertFalse(CodeHash.matches(stored, ""));
        assertFalse(CodeHash.matches(stored, null));
    }

    @Test
    void neverContainsTheCodeAndIsSaltedPerCode() {
        String a = CodeHash.hash("123456");
        String b = CodeHash.hash("123456");
        assertFalse(a.contains("123456"), a);
        assertNotEquals(a, b, "the same code hashes differently each time (random salt)");
        assertTrue(a.startsWith("sha256$"), a);
    }

    @Test
    void malformedOrPlainStoredValuesNeverMatch() {
        assertFalse(CodeHash.matches("123456", "123456"), "a plain code in a note (old format) is not accepted");
        assertFalse(CodeHash.matches(null, "123456"));
        assertFalse(CodeHash.matches("sha256$!!!$???", "123456"));
        assertFalse(CodeHash.matches("md5$AAAA$AAAA", "123456"));
    }
}
