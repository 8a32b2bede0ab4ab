package nl.arbo.keycloak.sms;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Registers the "arbo-sms-gateway" SPI so its options are read from Keycloak's configuration. */
public class SmsGatewaySpi implements Spi {

    public static final String NAME = "arbo-sms-gateway";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return SmsGateway.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SmsGatewayProviderFactory.class;
    }
}
