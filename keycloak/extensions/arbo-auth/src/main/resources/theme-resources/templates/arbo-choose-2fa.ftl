<#-- Required action arbo-choose-2fa, step 1: choose SMS, authenticator app or passkey. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("arbo-choose-title")}
    <#elseif section = "form">
        <form id="kc-arbo-choose-2fa-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <p id="arbo-choose-intro">${msg("arbo-choose-intro")}</p>
            <div class="${properties.kcFormGroupClass!}" role="radiogroup" aria-labelledby="arbo-choose-intro">
                <div class="${properties.kcCheckboxClass!}">
                    <label for="method-sms">
                        <input id="method-sms" name="method" type="radio" value="sms" <#if (currentMethod!'') != 'sms'>checked</#if>/>
                        ${msg("arbo-choose-sms")}
                    </label>
                    <p class="${properties.kcFormHelperTextClass!}">${msg("arbo-choose-sms-help")}</p>
                </div>
                <div class="${properties.kcCheckboxClass!}">
                    <label for="method-app">
                        <input id="method-app" name="method" type="radio" value="app" <#if (currentMethod!'') == 'sms'>checked</#if>/>
                        ${msg("arbo-choose-app")}
                    </label>
                    <p class="${properties.kcFormHelperTextClass!}">${msg("arbo-choose-app-help")}</p>
                </div>
                <div class="${properties.kcCheckboxClass!}">
                    <label for="method-passkey">
                        <input id="method-passkey" name="method" type="radio" value="passkey"/>
                        ${msg("arbo-choose-passkey")}
                    </label>
                    <p class="${properties.kcFormHelperTextClass!}">${msg("arbo-choose-passkey-help")}</p>
                </div>
            </div>
            <#if recoveryOptional!false>
                <div class="${properties.kcFormGroupClass!} ${properties.kcCheckboxClass!}">
                    <label for="arbo-recovery-codes">
                        <input id="arbo-recovery-codes" name="recovery" type="checkbox" value="on"/>
                        ${msg("arbo-choose-recovery")}
                    </label>
                    <p class="${properties.kcFormHelperTextClass!}">${msg("arbo-choose-recovery-help")}</p>
                </div>
            </#if>
            <#if (currentMethod!'') != ''>
                <p id="arbo-current-method">${msg("arbo-choose-current", msg("arbo-method-" + currentMethod))}</p>
            </#if>
            <div class="${properties.kcFormGroupClass!}">
                <button id="kc-arbo-choose-submit" name="action" value="choose" type="submit"
                        class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">
                    ${msg("arbo-choose-next")}
                </button>
                <#if isAppInitiatedAction??>
                    <button id="kc-arbo-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                            class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">
                        ${msg("doCancel")}
                    </button>
                </#if>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
