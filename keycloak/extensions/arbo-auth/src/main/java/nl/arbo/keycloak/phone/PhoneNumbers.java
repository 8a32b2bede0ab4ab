package nl.arbo.keycloak.phone;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises, validates and masks mobile numbers. Dutch input ("06 1234 5678", "+31 6-12345678",
 * "0031612345678") becomes E.164 "+31612345678"; Dutch numbers must be mobile (06), because
 * landlines cannot receive SMS. Foreign numbers are accepted in E.164 form (+ and 8-15 digits).
 */
public final class PhoneNumbers {

    private static final Pattern DUTCH_MOBILE = Pattern.compile("\\+316\\d{8}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{7,14}");

    private PhoneNumbers() {
    }

    /** The E.164 form of a valid mobile number, or empty when the input is not one. */
    public static Optional<String> normalize(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String compact = input.trim().replaceAll("[\\s\\-().]", "");
        if (compact.startsWith("00")) {
            compact = "+" + compact.substring(2);
        } else if (compact.startsWith("0")) {
            compact = "+31" + compact.substring(1);
        }
        if (compact.startsWith("+310")) {
            // "+31 (0)6 ..." as written on Dutch letterheads
            compact = "+31" + compact.substring(4);
        }
        if (compact.startsWith("+31")) {
            return DUTCH_MOBILE.matcher(compact).matches() ? Optional.of(compact) : Optional.empty();
        }
        return E164.matcher(compact).matches() ? Optional.of(compact) : Optional.empty();
    }

    public static boolean isValidMobile(String input) {
        return normalize(input).isPresent();
    }

    /**
     * Shows only the last four digits: "+31612345678" becomes "+31 6 ****5678", foreign numbers
     * keep their first three characters ("+32 ****5678").
     */
    public static String mask(String e164) {
        if (e164 == null || e164.length() < 8) {
            return "****";
        }
        String last4 = e164.substring(e164.length() - 4);
        if (e164.startsWith("+316")) {
            return "+31 6 ****" + last4;
        }
        return e164.substring(0, 3) + " ****" + last4;
    }
}
