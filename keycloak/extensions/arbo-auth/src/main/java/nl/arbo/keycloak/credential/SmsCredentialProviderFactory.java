package nl.arbo.keycloak.credential;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

public class SmsCredentialProviderFactory implements CredentialProviderFactory<SmsCredentialProvider> {

    public static final String PROVIDER_ID = "arbo-sms";

    @Override
    public SmsCredentialProvider create(KeycloakSession session) {
        return new SmsCredentialProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
