package nl.arbo.keycloak.reset;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses birth dates as people type them. Stored form (user attribute {@code birthDate}) is ISO
 * yyyy-mm-dd; Dutch users usually type dd-mm-yyyy, also with / or . and without leading zeros.
 */
public final class BirthDates {

    private static final Pattern ISO = Pattern.compile("(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})");
    private static final Pattern DUTCH = Pattern.compile("(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})");

    private BirthDates() {
    }

    public static Optional<LocalDate> parse(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String text = input.trim().replaceAll("\\s", "");
        Matcher iso = ISO.matcher(text);
        if (iso.matches()) {
            return date(iso.group(1), iso.group(2), iso.group(3));
        }
        Matcher dutch = DUTCH.matcher(text);
        if (dutch.matches()) {
            return date(dutch.group(3), dutch.group(2), dutch.group(1));
        }
        return Optional.empty();
    }

    /** True only when both parse to the same calendar date; an unparsable value never matches. */
    public static boolean matches(String stored, String entered) {
        Optional<LocalDate> a = parse(stored);
        Optional<LocalDate> b = parse(entered);
        return a.isPresent() && b.isPresent() && a.get().equals(b.get());
    }

    /**
     * Whether what was entered proves the account: an account with a birth date on file (an
     * employee's dossier) needs that date; one without (an employer's manager) is proven by the
     * e-mail address alone, as in the employer portal's manual and Keycloak's own reset.
     */
    public static boolean satisfies(String stored, String entered) {
        if (stored == null || stored.isBlank()) {
            return true;
        }
        return matches(stored, entered);
    }

    private static Optional<LocalDate> date(String year, String month, String day) {
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
