package nl.arbo.keycloak.requiredaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MethodPolicyTest {

    private static boolean appOnly(MethodPolicy policy, String... roles) {
        return policy.appOnly(Set.of(roles)::contains);
    }

    @Test
    void managersAndSuperusersWithoutEmployeeRoleGetTheApp() {
        assertTrue(appOnly(MethodPolicy.DEFAULT, "manager"));
        assertTrue(appOnly(MethodPolicy.DEFAULT, "superuser", "manager"));
    }

    @Test
    void employeesChooseEvenWhenAlsoManager() {
        assertFalse(appOnly(MethodPolicy.DEFAULT, "employee"));
        assertFalse(appOnly(MethodPolicy.DEFAULT, "employee", "manager"));
    }

    @Test
    void everyoneWithoutAChoiceRoleGetsTheApp() {
        // e.g. an invited manager registering before the invited role is applied
        assertTrue(appOnly(MethodPolicy.DEFAULT));
        assertTrue(appOnly(MethodPolicy.DEFAULT, "physician"));
    }

    @Test
    void parsesACommaSeparatedRoleList() {
        MethodPolicy p = MethodPolicy.parse(" employee , staff ,");
        assertEquals(List.of("employee", "staff"), p.choiceRoles());
        assertFalse(appOnly(p, "staff"));
        assertEquals(MethodPolicy.DEFAULT, MethodPolicy.parse(" "));
    }

    @Test
    void recoveryCodesAreRequiredForManagersSuperusersAndEveryoneOnTheAppOnly() {
        assertTrue(MethodPolicy.DEFAULT.recoveryCodesRequired(Set.of("staff")::contains, List.of()));
        assertTrue(MethodPolicy.DEFAULT.recoveryCodesRequired(Set.of()::contains, List.of("manager")));
        assertTrue(MethodPolicy.DEFAULT.recoveryCodesRequired(Set.of("employee")::contains, List.of("superuser")));
    }

    @Test
    void recoveryCodesAreOptionalForEmployees() {
        assertFalse(MethodPolicy.DEFAULT.recoveryCodesRequired(Set.of("employee")::contains, List.of()));
        assertFalse(MethodPolicy.DEFAULT.recoveryCodesRequired(Set.of("employee")::contains, List.of("werkgevers")));
    }
}
