<#-- Browser-flow step "SMS code" (authenticator arbo-sms-authenticator). Plain markup with the
     theme's CSS properties, so it renders under keycloak.v2 and any theme extending it. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true displayInfo=true; section>
    <#if section = "header">
        ${msg("arbo-sms-login-title")}
    <#elseif section = "form">
        <form id="kc-arbo-sms-login-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <p id="arbo-sms-phone">${msg("arbo-sms-login-phone", maskedPhone)}</p>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <button id="kc-arbo-sms-send" name="action" value="send" type="submit" formnovalidate
                        class="<#if codeSent>${properties.kcButtonSecondaryClass!}<#else>${properties.kcButtonPrimaryClass!}</#if> ${properties.kcButtonBlockClass!}"
                        <#if !canSend>disabled</#if>>
                    <#if codeSent>${msg("arbo-sms-resend")}<#else>${msg("arbo-sms-send")}</#if>
                </button>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="code" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("arbo-sms-code-label")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!}">
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                           maxlength="6" pattern="[0-9 ]*" <#if codeSent>autofocus</#if>/>
                </span>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <button id="kc-arbo-sms-validate" name="action" value="validate" type="submit"
                        class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">
                    ${msg("arbo-validate")}
                </button>
            </div>
        </form>
    <#elseif section = "info">
        ${msg("arbo-sms-login-info", ttlMinutes, resendsLeft)}
    </#if>
</@layout.registrationLayout>
