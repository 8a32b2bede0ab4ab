package nl.arbo.keycloak.credential;

import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import nl.arbo.keycloak.requiredaction.ChooseSecondFactorActionFactory;

/** Stores and lists SMS credentials; makes "SMS" a known second-factor type for Keycloak. */
public class SmsCredentialProvider implements CredentialProvider<SmsCredentialModel> {

    private final KeycloakSession session;

    public SmsCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getType() {
        return SmsCredentialModel.TYPE;
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, SmsCredentialModel credential) {
        return user.credentialManager().createStoredCredential(credential);
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public SmsCredentialModel getCredentialFromModel(CredentialModel model) {
        return SmsCredentialModel.from(model);
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("arbo-sms-display-name")
                .helpText("arbo-sms-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(ChooseSecondFactorActionFactory.PROVIDER_ID)
                .removeable(true)
                .build(session);
    }
}
