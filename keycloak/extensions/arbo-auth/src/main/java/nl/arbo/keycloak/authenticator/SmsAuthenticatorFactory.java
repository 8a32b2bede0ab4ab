package nl.arbo.keycloak.authenticator;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import nl.arbo.keycloak.code.SmsCodePolicy;
import nl.arbo.keycloak.credential.SmsCredentialModel;

public class SmsAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "arbo-sms-authenticator";

    private static final SmsAuthenticator SINGLETON = new SmsAuthenticator();

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.ALTERNATIVE,
            AuthenticationExecutionModel.Requirement.DISABLED
    };

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Arbo SMS code";
    }

    @Override
    public String getReferenceCategory() {
        return SmsCredentialModel.TYPE;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return true;
    }

    @Override
    public String getHelpText() {
        return "Sends a 6-digit code by SMS to the user's confirmed mobile number.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProviderConfigurationBuilder.create()
                .property().name(SmsCodePolicy.KEY_TTL_SECONDS).label("Code valid (seconds)")
                .helpText("Overrides the SMS gateway default (300).").type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(SmsCodePolicy.KEY_MAX_ATTEMPTS).label("Attempts per code")
                .helpText("Overrides the SMS gateway default (3).").type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(SmsCodePolicy.KEY_MAX_RESENDS).label("Resends per login")
                .helpText("Overrides the SMS gateway default (3).").type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(SmsCodePolicy.KEY_MAX_CODES_PER_HOUR).label("Codes per user per hour")
                .helpText("SMS codes one user can receive in a rolling hour, over all sign-in attempts and SMS set-ups; "
                        + "overrides the SMS gateway default (5).").type(ProviderConfigProperty.STRING_TYPE).add()
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
