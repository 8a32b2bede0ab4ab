package nl.arbo.keycloak.credential;

import java.io.IOException;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

import nl.arbo.keycloak.phone.PhoneNumbers;

/**
 * Second factor "SMS to this phone": the credential only records the confirmed phone number
 * (credentialData {"phone": "+316..."}); the codes themselves are one-off and live in the
 * authentication session.
 */
public class SmsCredentialModel extends CredentialModel {

    public static final String TYPE = "arbo-sms";

    private final String phone;

    private SmsCredentialModel(String phone) {
        this.phone = phone;
    }

    public static SmsCredentialModel forPhone(String e164) {
        SmsCredentialModel model = new SmsCredentialModel(e164);
        model.setType(TYPE);
        model.setCreatedDate(Time.currentTimeMillis());
        model.setUserLabel(PhoneNumbers.mask(e164));
        try {
            model.setCredentialData(JsonSerialization.writeValueAsString(Map.of("phone", e164)));
            model.setSecretData("{}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return model;
    }

    @SuppressWarnings("unchecked")
    public static SmsCredentialModel from(CredentialModel stored) {
        String phone;
        try {
            Map<String, Object> data = JsonSerialization.readValue(stored.getCredentialData(), Map.class);
            phone = (String) data.get("phone");
        } catch (IOException e) {
            throw new IllegalStateException("unreadable SMS credential " + stored.getId(), e);
        }
        SmsCredentialModel model = new SmsCredentialModel(phone);
        model.setId(stored.getId());
        model.setType(stored.getType());
        model.setUserLabel(stored.getUserLabel());
        model.setCreatedDate(stored.getCreatedDate());
        model.setCredentialData(stored.getCredentialData());
        model.setSecretData(stored.getSecretData());
        return model;
    }

    public String getPhone() {
        return phone;
    }
}
