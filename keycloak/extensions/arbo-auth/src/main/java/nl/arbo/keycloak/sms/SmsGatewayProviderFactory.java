package nl.arbo.keycloak.sms;

import org.keycloak.provider.ProviderFactory;

public interface SmsGatewayProviderFactory extends ProviderFactory<SmsGateway> {

    /** The settings read at start-up, including the default SMS code limits. */
    SmsGatewaySettings settings();
}
