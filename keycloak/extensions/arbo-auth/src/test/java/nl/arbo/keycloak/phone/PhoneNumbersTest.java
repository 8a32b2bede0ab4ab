package nl.arbo.keycloak.phone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    @ParameterizedTest
    @CsvSource({
            "0612345678, +31612345678",
            "06 1234 5678, +31612345678",
            "06-12345678, +31612345678",
            "+31612345678, +31612345678",
            "+31 6 12345678, +31612345678",
            "0031612345678, +31612345678",
            "+31 (0)6 12345678, +31612345678",
            "+32 470 12 34 56, +32470123456",
            "+49 151 23456789, +4915123456789"
    })
    void normalisesToE164(String input, String expected) {
        assertEquals(Optional.of(expected), PhoneNumbers.normalize(input));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "0201234567",      // Amsterdam landline cannot receive SMS
            "+31201234567",
            "061234567",       // one digit short
            "06123456789",     // one digit too many
            "+3161234567a",
            "12345",
            "+0612345678",
            "+1234567"         // too short for E.164 with country code
    })
    void rejectsNonMobileOrMalformed(String input) {
        assertFalse(PhoneNumbers.isValidMobile(input));
    }

    @ParameterizedTest
    @CsvSource({
            "+31612345678, +31 6 ****5678",
            "+32470123456, +32 ****3456",
            "1234, ****"
    })
    void masksAllButLastFourDigits(String e164, String masked) {
        assertEquals(masked, PhoneNumbers.mask(e164));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+31612345678", "+4915123456789"})
    void maskNeverShowsMiddleDigits(String e164) {
        String masked = PhoneNumbers.mask(e164);
        assertTrue(masked.endsWith(e164.substring(e164.length() - 4)));
        assertFalse(masked.contains(e164.substring(4, e164.length() - 4)), masked);
    }
}
