package nl.arbo.keycloak.requiredaction;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Who may choose SMS. The employee manual lets employees pick SMS or the app; the employer manual
 * has managers use an authenticator app. So only users holding a choice role (default employee)
 * choose; everyone else — managers, superusers, staff, and people who registered from an
 * invitation before their role was applied — sets up the app without a choice.
 */
public record MethodPolicy(List<String> choiceRoles) {

    public static final String KEY_CHOICE_ROLES = "choice-roles";
    public static final MethodPolicy DEFAULT = new MethodPolicy(List.of("employee"));

    public boolean appOnly(Predicate<String> hasRealmRole) {
        return choiceRoles.stream().noneMatch(hasRealmRole);
    }

    /** Employer roles are realm groups /werkgevers/<organization id>/manager|superuser (see app/keycloak/roles.py). */
    public static final List<String> EMPLOYER_ROLE_GROUPS = List.of("manager", "superuser");

    /**
     * Recovery codes (the way back in after losing the phone) are required for everyone who must
     * use the app, and for managers and superusers of an employer even when they may also choose
     * SMS as an employee: losing their phone would otherwise lock an employer out of its overview.
     * For the rest (employees) they are offered, not required.
     */
    public boolean recoveryCodesRequired(Predicate<String> hasRealmRole, Collection<String> groupNames) {
        return appOnly(hasRealmRole) || groupNames.stream().anyMatch(EMPLOYER_ROLE_GROUPS::contains);
    }

    /** A comma-separated role list; null or blank keeps the default. */
    public static MethodPolicy parse(String choiceRoles) {
        return new MethodPolicy(choiceRoles == null || choiceRoles.isBlank() ? DEFAULT.choiceRoles() : split(choiceRoles));
    }

    private static List<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }
}
