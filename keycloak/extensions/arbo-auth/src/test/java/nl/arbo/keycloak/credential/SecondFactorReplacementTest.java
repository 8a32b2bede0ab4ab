package nl.arbo.keycloak.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;

class SecondFactorReplacementTest {

    static CredentialModel credential(String id, String type, Long created) {
        CredentialModel c = new CredentialModel();
        c.setId(id);
        c.setType(type);
        c.setCreatedDate(created);
        return c;
    }

    @Test
    void newestOtpIsTheLatestCreatedOneNotTheLastListed() {
        List<CredentialModel> list = List.of(
                credential("otp-new", "otp", 2_000L),
                credential("otp-old", "otp", 1_000L),
                credential("sms", "arbo-sms", 3_000L));
        assertEquals("otp-new", SecondFactorReplacement.newestOtp(list).orElseThrow().getId());
    }

    @Test
    void equalCreationTimesKeepTheLaterStoredOne() {
        List<CredentialModel> list = List.of(credential("first", "otp", 5L), credential("second", "otp", 5L));
        assertEquals("second", SecondFactorReplacement.newestOtp(list).orElseThrow().getId());
    }

    @Test
    void missingCreationTimeCountsAsOldest() {
        List<CredentialModel> list = List.of(credential("dated", "otp", 1L), credential("undated", "otp", null));
        assertEquals("dated", SecondFactorReplacement.newestOtp(list).orElseThrow().getId());
    }

    @Test
    void noOtpMeansNothingToKeep() {
        assertTrue(SecondFactorReplacement.newestOtp(List.of(credential("sms", "arbo-sms", 1L))).isEmpty());
        assertTrue(SecondFactorReplacement.newestOtp(List.of()).isEmpty());
    }

    @Test
    void removesOlderOtpAndSmsButKeepsTheNewFactor() {
        List<CredentialModel> list = List.of(
                credential("otp-old", "otp", 1L),
                credential("sms", "arbo-sms", 2L),
                credential("otp-new", "otp", 3L));
        assertEquals(List.of("otp-old", "sms"), SecondFactorReplacement.toRemove(list, "otp-new"));
    }

    @Test
    void newSmsReplacesEveryOtpAndOlderSms() {
        List<CredentialModel> list = List.of(
                credential("otp", "otp", 1L),
                credential("sms-old", "arbo-sms", 2L),
                credential("sms-new", "arbo-sms", 3L));
        assertEquals(List.of("otp", "sms-old"), SecondFactorReplacement.toRemove(list, "sms-new"));
    }

    @Test
    void neverTouchesOtherCredentialTypes() {
        List<CredentialModel> list = List.of(
                credential("pw", "password", 1L),
                credential("key", "webauthn", 1L),
                credential("codes", "recovery-authn-codes", 1L),
                credential("otp-new", "otp", 3L));
        assertEquals(List.of(), SecondFactorReplacement.toRemove(list, "otp-new"));
    }

    @Test
    void withoutAKnownNewFactorNothingIsRemoved() {
        List<CredentialModel> list = List.of(credential("otp", "otp", 1L), credential("sms", "arbo-sms", 2L));
        assertEquals(List.of(), SecondFactorReplacement.toRemove(list, null));
    }
}
