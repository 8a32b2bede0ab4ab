package nl.arbo.keycloak.requiredaction;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Required action "arbo-choose-2fa". Options (Keycloak SPI options):
 * {@code --spi-required-action--arbo-choose-2fa--choice-roles} (default "employee"): only users
 * holding one of these roles may choose SMS; everyone else sets up the authenticator app.
 * Per realm, the required action config accepts Keycloak's "max_auth_age" (seconds since the
 * last authentication before a kc_action forces re-authentication).
 */
public class ChooseSecondFactorActionFactory implements RequiredActionFactory {

    public static final String PROVIDER_ID = "arbo-choose-2fa";

    private MethodPolicy methodPolicy = MethodPolicy.DEFAULT;

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new ChooseSecondFactorAction(methodPolicy);
    }

    @Override
    public void init(Config.Scope config) {
        methodPolicy = MethodPolicy.parse(config.get(MethodPolicy.KEY_CHOICE_ROLES));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Choose second factor (SMS or authenticator app)";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return MAX_AUTH_AGE_CONFIG_PROPERTIES;
    }
}
