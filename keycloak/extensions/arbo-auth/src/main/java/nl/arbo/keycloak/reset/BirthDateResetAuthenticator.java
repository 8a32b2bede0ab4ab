package nl.arbo.keycloak.reset;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

import nl.arbo.keycloak.code.NoteStore;

/**
 * Replaces "Choose User" in the reset-credentials flow: asks for e-mail address and birth date.
 * Only when both match an enabled, not locked-out user is that user set, so the next step
 * (Keycloak's "Send Reset Email") sends the link; otherwise no user is set and that step shows
 * the very same "you should receive an e-mail" message. Wrong dates for a known user count as
 * failed logins for Keycloak's brute-force detection; all failures are also capped per
 * authentication session (client note, so it survives the flow restart after each attempt).
 *
 * Form (template arbo-reset-birthdate.ftl): fields {@code email} and {@code birthDate}.
 */
public class BirthDateResetAuthenticator implements Authenticator {

    public static final String TEMPLATE = "arbo-reset-birthdate.ftl";
    public static final String BIRTH_DATE_ATTRIBUTE = "birthDate";
    public static final String CONFIG_MAX_FAILURES = "max-failures";
    public static final int DEFAULT_MAX_FAILURES = 5;
    static final String FAILURES_NOTE = "arbo-reset.failures";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        // Came from a reset e-mail link (action token): the user is already known, as in Keycloak's own step.
        String actionTokenUserId = context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID);
        if (actionTokenUserId != null) {
            UserModel user = context.getSession().users().getUserById(context.getRealm(), actionTokenUserId);
            if (user != null) {
                context.setUser(user);
                context.success();
                return;
            }
        }
        // Signed in already (SSO cookie): no need to prove who you are again, as in Keycloak's own step.
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(context.getSession(), context.getRealm(), true);
        if (sso != null) {
            context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, sso.user().getUsername());
            context.setUser(sso.user());
            context.success();
            return;
        }
        context.challenge(context.form().createForm(TEMPLATE));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> params = context.getHttpRequest().getDecodedFormParameters();
        String email = trim(params.getFirst("email"));
        String birthDate = trim(params.getFirst("birthDate"));
        NoteStore notes = NoteStore.clientNotes(context.getAuthenticationSession());
        int failures = parseInt(notes.get(FAILURES_NOTE));

        if (failures >= maxFailures(context)) {
            context.getEvent().detail(Details.USERNAME, email).error("arbo_reset_too_many_attempts");
            context.challenge(form(context, email).setError("arbo-reset-too-many-attempts").createForm(TEMPLATE));
            return;
        }
        if (email.isEmpty()) {
            context.challenge(form(context, email).setError("arbo-reset-missing-fields").createForm(TEMPLATE));
            return;
        }
        if (!birthDate.isEmpty() && BirthDates.parse(birthDate).isEmpty()) {
            // Only the format is judged here, which says nothing about any account.
            context.challenge(form(context, email).setError("arbo-reset-invalid-date").createForm(TEMPLATE));
            return;
        }

        RealmModel realm = context.getRealm();
        UserModel user = context.getSession().users().getUserByEmail(realm, email);
        if (user == null) {
            user = context.getSession().users().getUserByUsername(realm, email);
        }
        context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, email);

        boolean matched = user != null
                && user.isEnabled()
                && !context.getProtector().isTemporarilyDisabled(context.getSession(), realm, user)
                && BirthDates.satisfies(user.getFirstAttribute(BIRTH_DATE_ATTRIBUTE), birthDate);

        if (matched) {
            context.setUser(user);
        } else {
            notes.set(FAILURES_NOTE, Integer.toString(failures + 1));
            if (user == null) {
                context.getEvent().clone().detail(Details.USERNAME, email).error(Errors.USER_NOT_FOUND);
            } else {
                context.getEvent().clone().user(user).detail(Details.USERNAME, email).error("arbo_birth_date_mismatch");
                context.getProtector().failedLogin(realm, user, context.getConnection(), context.getUriInfo(), null);
            }
            context.clearUser();
        }
        // Either way the next step ("Send Reset Email") answers with the same message.
        context.success();
    }

    private org.keycloak.forms.login.LoginFormsProvider form(AuthenticationFlowContext context, String email) {
        return context.form().setAttribute("email", email);
    }

    static int maxFailures(AuthenticationFlowContext context) {
        AuthenticatorConfigModel config = context.getAuthenticatorConfig();
        if (config != null && config.getConfig() != null) {
            String value = config.getConfig().get(CONFIG_MAX_FAILURES);
            if (value != null && !value.isBlank()) {
                return Integer.parseInt(value.trim());
            }
        }
        return DEFAULT_MAX_FAILURES;
    }

    private static int parseInt(String value) {
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
