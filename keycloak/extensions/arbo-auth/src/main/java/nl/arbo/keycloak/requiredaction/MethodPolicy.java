package nl.arbo.keycloak.requiredaction;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Who may choose SMS. The employer manual has managers use an authenticator app; employees pick
 * SMS or app. So: users holding an app-only role (default manager, superuser) and none of the
 * choice roles (default employee) get the app without a choice; everyone else chooses.
 */
public record MethodPolicy(List<String> choiceRoles, List<String> appOnlyRoles) {

    public static final String KEY_CHOICE_ROLES = "choice-roles";
    public static final String KEY_APP_ONLY_ROLES = "app-only-roles";
    public static final MethodPolicy DEFAULT = new MethodPolicy(List.of("employee"), List.of("manager", "superuser"));

    public boolean appOnly(Predicate<String> hasRealmRole) {
        return appOnlyRoles.stream().anyMatch(hasRealmRole) && choiceRoles.stream().noneMatch(hasRealmRole);
    }

    /** Comma-separated role lists; null or blank keeps the default. */
    public static MethodPolicy parse(String choiceRoles, String appOnlyRoles) {
        return new MethodPolicy(
                choiceRoles == null || choiceRoles.isBlank() ? DEFAULT.choiceRoles() : split(choiceRoles),
                appOnlyRoles == null || appOnlyRoles.isBlank() ? DEFAULT.appOnlyRoles() : split(appOnlyRoles));
    }

    private static List<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }
}
