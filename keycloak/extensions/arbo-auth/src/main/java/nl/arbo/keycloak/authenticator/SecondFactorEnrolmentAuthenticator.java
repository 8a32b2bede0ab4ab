package nl.arbo.keycloak.authenticator;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;

import nl.arbo.keycloak.credential.SecondFactors;
import nl.arbo.keycloak.requiredaction.ChooseSecondFactorActionFactory;

/**
 * Last ALTERNATIVE in the 2FA sub-flow, only "configured" for users without any second factor:
 * it queues the choose-2FA required action, which has to be completed (and the new factor proven
 * with a code) before Keycloak issues a session. If that required action is not enabled the login
 * is refused, so nobody gets in without a second factor.
 *
 * It presents itself as validator of a credential type nobody ever stores: Keycloak's "Try
 * another way" list shows every non-credential alternative unconditionally, but credential
 * alternatives only when the user has that type, so this step never appears in that list.
 */
public class SecondFactorEnrolmentAuthenticator implements Authenticator, CredentialValidator<CredentialProvider<?>> {

    /** Never stored; only hides this step from the "Try another way" list. */
    static final String UNLISTED_TYPE = "arbo-2fa-enrolment-unlisted";

    @Override
    public String getType(KeycloakSession session) {
        return UNLISTED_TYPE;
    }

    @Override
    public CredentialProvider<?> getCredentialProvider(KeycloakSession session) {
        // Only used by Keycloak for listed alternatives, which this step never is.
        return null;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        RequiredActionProviderModel action = context.getRealm()
                .getRequiredActionProviderByAlias(ChooseSecondFactorActionFactory.PROVIDER_ID);
        if (action == null || !action.isEnabled()) {
            context.getEvent().user(context.getUser()).error("arbo_2fa_setup_unavailable");
            context.failure(AuthenticationFlowError.CREDENTIAL_SETUP_REQUIRED);
            return;
        }
        context.getAuthenticationSession().addRequiredAction(ChooseSecondFactorActionFactory.PROVIDER_ID);
        context.success();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return !SecondFactors.hasAny(user);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
