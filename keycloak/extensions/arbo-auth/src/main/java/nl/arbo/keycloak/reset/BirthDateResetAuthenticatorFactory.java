package nl.arbo.keycloak.reset;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

public class BirthDateResetAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "arbo-reset-birthdate";

    private static final BirthDateResetAuthenticator SINGLETON = new BirthDateResetAuthenticator();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Arbo choose user by e-mail + birth date";
    }

    @Override
    public String getReferenceCategory() {
        return null;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {AuthenticationExecutionModel.Requirement.REQUIRED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Reset credentials: selects the user only when e-mail and birth date (attribute birthDate) both match.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(BirthDateResetAuthenticator.CONFIG_MAX_FAILURES).label("Failed attempts per session")
                .helpText("After this many non-matching attempts in one browser session the form refuses further tries (default 5).")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(BirthDateResetAuthenticator.CONFIG_MAX_FAILURES_PER_USER).label("Wrong birth dates per account")
                .helpText("After this many wrong birth dates for one account within the window, resetting that account by "
                        + "birth date is refused (with the usual neutral answer) until the window has passed (default 5). "
                        + "Does not lock the password sign-in.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(BirthDateResetAuthenticator.CONFIG_FAILURE_WINDOW_HOURS).label("Window for wrong birth dates (hours)")
                .helpText("Rolling window for the per-account limit (default 24).")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .build();
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
